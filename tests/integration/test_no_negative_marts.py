"""The blocking dbt test assert_no_negative_emissions_or_intensities_in_marts fails on a negative
emission or intensity in any mart, and passes the signed columns it documents (a net electricity
flow, a residual), on a copy of the sample build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
TEST = "assert_no_negative_emissions_or_intensities_in_marts"


def _run_test(db: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    dbt = Path(os.sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), "test", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"), "--select", TEST, "--store-failures"],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "GHG_DUCKDB_PATH": str(db)}, capture_output=True, text=True, check=False,
    )


def test_negative_values_fail_and_signed_columns_pass(sample_warehouse, tmp_path):
    db = tmp_path / "ghg.duckdb"
    shutil.copy(sample_warehouse / "ghg.duckdb", db)
    with duckdb.connect(str(db), read_only=True) as con:
        exporters = con.execute("SELECT count(*) FROM marts.fct_region_year WHERE co2_net_electricity_import_t < 0").fetchone()[0]
    assert exporters > 0  # signed by definition, and not flagged
    passed = _run_test(db, tmp_path)
    assert passed.returncode == 0, passed.stdout[-3000:]

    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE marts.fct_region_year SET carbon_intensity = -0.08 WHERE region_code = '622900' AND year = 2020")
        con.execute(
            "UPDATE marts.fct_target_progress SET current_value = -0.3 "
            "WHERE region_code = '622900' AND indicator_code = 'co2_intensity_reduction' AND year = 2018"
        )
    failed = _run_test(db, tmp_path)
    assert failed.returncode != 0
    with duckdb.connect(str(db), read_only=True) as con:
        schema, table = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = ?", [TEST]
        ).fetchone()
        rows = set(con.execute(f'SELECT table_name, column_name, negative_rows, min_value FROM "{schema}"."{table}"').fetchall())
    assert rows == {
        ("fct_region_year", "carbon_intensity", 1, -0.08),
        ("fct_target_progress", "current_value (intensity levels)", 1, -0.3),
    }
