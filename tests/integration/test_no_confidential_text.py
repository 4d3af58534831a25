"""The blocking dbt test no_confidential_text (dbt_project/macros/generic_tests) finds an enterprise
name, a credit code or an input file's base name pasted into any text of a public table — and
nothing in a clean build. (It became an equi-join of value pieces with the needles for speed at
national scale; this proves the rewrite still catches what the nested-loop contains() caught.)"""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import pytest

from pipelines.dbt_project import DBT_EXECUTABLE
from pipelines.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration


def _run_test(db, target) -> str:
    env = {**os.environ, "GHG_DUCKDB_PATH": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [DBT_EXECUTABLE, "--no-use-colors", "test", "--select", "test_name:no_confidential_text", "--profiles-dir", str(DBT_PROJECT_DIR),
         "--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)],
        env=env, capture_output=True, text=True,
    )
    return result.stdout + result.stderr


def test_a_pasted_name_or_file_name_fails_and_a_clean_build_passes(sample_warehouse, tmp_path):
    db = tmp_path / "ghg.duckdb"
    shutil.copy(sample_warehouse / "ghg.duckdb", db)
    clean = _run_test(db, tmp_path / "target_clean")
    assert "ERROR=0" in clean and "PASS=" in clean, clean[-2000:]

    with duckdb.connect(str(db)) as con:
        name = con.execute("SELECT min(enterprise_name) FROM raw.enterprise_report_lines").fetchone()[0]
        workbook = con.execute("SELECT min(source_file) FROM raw.source_files WHERE source_file LIKE '%workbooks%'").fetchone()[0]
        con.execute("UPDATE public_marts.dim_region SET name_en = name_en || ' (' || ? || ')' "
                    "WHERE region_code = (SELECT min(region_code) FROM public_marts.dim_region)", [name])
        con.execute("UPDATE public_marts.fct_market_daily SET exchange_code = exchange_code || ? WHERE rowid = 0",
                    [" see " + workbook.rsplit("/", 1)[-1].lower()])  # a base name, in other letter case
    leaked = _run_test(db, tmp_path / "target_leaked")
    assert "ERROR=2" in leaked, leaked[-2000:]
    assert "Failure in test no_confidential_text_pub_dim_region_ " in leaked
    assert "Failure in test no_confidential_text_pub_fct_market_daily_ " in leaked
