"""The raw-data Parquet lake (issue 18) on the nightly build of the bundled sample: the build
writes every raw table into the lake, every row and type of it, and dbt built from the lake
alone — `--vars '{raw_lake_dir: …}'` into a fresh DuckDB file with no raw schema — gives every
mart, audit and public table of the normal build, row for row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.compare_marts import compare, report
from pipelines import lake
from pipelines.resources import WarehouseResource
from tests.integration.build_helpers import lake_differences

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
COMPARED_SCHEMAS = ("marts", "audit", "public_marts", "public_reference")
ABS_TOL = 1e-12


@pytest.fixture(scope="module")
def published(sample_warehouse) -> Path:
    return sample_warehouse / "ghg.duckdb"


@pytest.fixture(scope="module")
def lake_dir(sample_warehouse) -> Path:
    return WarehouseResource(warehouse_dir=str(sample_warehouse)).lake()


def test_the_lake_holds_every_raw_table_row_and_type(published, lake_dir):
    with duckdb.connect(str(published), read_only=True) as con:
        raw = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()}
    # the readers' tables, both registers and the previous publication's coverage at least
    assert {"energy_balance", "enterprise_report_lines", "market_daily", "quarantine", "source_files",
            "previous_publication_coverage"} <= raw
    assert lake_differences(published, lake_dir) == []
    assert any((lake_dir / "raw" / "energy_balance").glob("year=*/*.parquet"))
    assert any((lake_dir / "raw" / "quarantine").glob("source_family=*/*.parquet"))


def test_the_comparison_notices_a_missing_table_or_row(published, lake_dir, tmp_path):
    broken = tmp_path / "lake"
    shutil.copytree(lake_dir, broken)
    shutil.rmtree(broken / "raw" / "market_daily")
    one_year = sorted((broken / "raw" / "energy_balance").glob("year=*"))[-1]
    with duckdb.connect() as con:  # the year's file less its last row
        file = one_year / lake.FILE_NAME
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{file}', hive_partitioning = false)")
        con.execute(f"COPY (SELECT * FROM t LIMIT (SELECT count(*) - 1 FROM t)) TO '{file}' (FORMAT parquet)")
    assert lake_differences(published, broken) == [
        "raw.market_daily is not in the lake", "energy_balance: 1 rows missing from the lake, 0 rows too many"]


def _dbt_build_from_lake(folder: Path, work: Path) -> Path:
    db = work / "from_lake.duckdb"
    env = {**os.environ, "GHG_DUCKDB_PATH": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    dbt = Path(sys.executable).with_name("dbt")
    completed = subprocess.run(
        [str(dbt), "build", "--exclude-resource-type", "unit_test", "--profiles-dir", ".",
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
         "--vars", json.dumps(lake.dbt_vars(folder))],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return db


def test_dbt_on_the_lake_alone_builds_the_same_warehouse(published, lake_dir, tmp_path):
    from_lake = _dbt_build_from_lake(lake_dir, tmp_path)
    with duckdb.connect(str(from_lake), read_only=True) as con:
        schemas = {row[0] for row in con.execute("SELECT schema_name FROM duckdb_schemas() WHERE NOT internal").fetchall()}
        # the optional MRV tables were found in the lake, not replaced by their empty stand-ins
        assert con.execute("SELECT count(*) FROM staging.stg_raw__mrv_verifier_tasks").fetchone()[0] > 0
    assert "raw" not in schemas, "dbt read the lake, so the fresh file has no raw schema"
    for schema in COMPARED_SCHEMAS:
        # The lake gives the rows partition by partition, not in the build file's order, so sums add
        # in another order; a key category's trend (a difference of near-equal shares) then moves by
        # ~1e-16 absolute, 1e-10 relative. 1e-12 absolute is far below any missing or changed row.
        comparison = compare(published, from_lake, schema=schema, abs_tol=ABS_TOL)
        assert comparison.tables, f"no tables in schema {schema}"
        assert comparison.equal, f"schema {schema}:\n{report(comparison)}"
