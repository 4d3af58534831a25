"""The same project on Spark (issue 18; docs/scale-out.md). Run by `make test-spark`, not `make test`.

1. The nightly job through Dagster with GHG_DBT_TARGET=spark: ingestion writes the Parquet lake,
   dbt builds seeds, models and data tests on a local Spark session from the lake, Spark's tables
   are copied into the build file, the Great Expectations suites and the publication run on it.
2. What that run published equals what the DuckDB build publishes: every table of the marts, the
   audit, the reference and intermediate layers and the public warehouse, row for row (numbers within
   1e-9 relative), with the same columns, column order and types.
3. The dbt unit tests pass on Spark.

pyspark and Java are required: without them this module fails, it does not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyspark  # noqa: F401  (the spark extra: `make test-spark` installs it)
import pytest

from bench.compare_engines import type_differences
from bench.compare_marts import compare
from pipelines import publication, spark_target
from pipelines.paths import DBT_PROJECT_DIR, SAMPLE_DIR
from tests.integration.build_helpers import _env, query, run_nightly_build

FULL_SCHEMAS = ("reference", "intermediate", "marts", "audit")
PUBLIC_SCHEMAS = ("marts", "reference")
REL_TOL = 1e-9
DBT = str(Path(sys.executable).with_name("dbt"))


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("duckdb_build")
    result = run_nightly_build(SAMPLE_DIR, folder)
    assert result.success, "the nightly build failed on the bundled sample (duckdb target)"
    return folder


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory, monkeypatch_module):
    """The nightly job on the spark target; returns (warehouse folder, result, tables copied from Spark)."""
    folder = tmp_path_factory.mktemp("spark_build")
    copied: dict[str, int] = {}
    load = spark_target.load_spark_tables

    def recording_load(spark_folder, db_path, schemas):
        copied.update(load(spark_folder, db_path, schemas))
        return copied

    monkeypatch_module.setattr(spark_target, "load_spark_tables", recording_load)
    with _env(GHG_DBT_TARGET="spark"):
        result = run_nightly_build(SAMPLE_DIR, folder)
    return folder, result, copied


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def test_the_nightly_job_builds_and_publishes_on_spark(spark_build, duckdb_build):
    folder, result, copied = spark_build
    assert result.success, "the nightly build failed on the spark target"
    assert publication.current_generation(folder) is not None, "the spark run published nothing"
    for which in ("full", "public"):
        stamp = query(publication.published_file(folder, which), "SELECT dbt_target FROM meta.publication")
        assert stamp == [("spark",)], f"the {which} file does not say Spark computed it: {stamp}"
    # Every mart the DuckDB build publishes was computed by Spark and copied into the build file.
    duckdb_marts = publication.table_row_counts(publication.published_file(duckdb_build, "full"), ("marts",))
    assert duckdb_marts, "the DuckDB build has no marts"
    missing = sorted(set(duckdb_marts) - set(copied))
    assert not missing, f"marts not built by Spark: {missing}"


@pytest.mark.parametrize(("which", "schemas"), [("full", FULL_SCHEMAS), ("public", PUBLIC_SCHEMAS)])
def test_spark_publishes_what_duckdb_publishes(spark_build, duckdb_build, which, schemas):
    folder, result, _ = spark_build
    assert result.success
    duckdb_file = publication.published_file(duckdb_build, which)
    spark_file = publication.published_file(folder, which)
    problems = []
    for schema in schemas:
        comparison = compare(duckdb_file, spark_file, schema, REL_TOL)
        problems += [f"{schema}.{name}: only on duckdb" for name in comparison.only_before]
        problems += [f"{schema}.{name}: only on spark" for name in comparison.only_after]
        problems += [f"{schema}.{table.table}: {difference}" for table in comparison.tables for difference in table.differences]
        problems += [f"{schema}.{table.table}: column {column} only on duckdb" for table in comparison.tables for column in table.columns_only_before]
        problems += [f"{schema}.{table.table}: column {column} only on spark" for table in comparison.tables for column in table.columns_only_after]
        problems += type_differences(duckdb_file, spark_file, schema)
    assert not problems, f"{len(problems)} differences between the engines:\n" + "\n".join(problems[:60])


def test_unit_tests_pass_on_spark(duckdb_build, tmp_path):
    """Every dbt unit test on Spark, on the schemas of empty models (`--empty`: each unit test reads
    its fixtures, and only needs its parents' columns); the raw sources come from the lake that the
    DuckDB build's ingestion wrote."""
    lake = duckdb_build / "lake"
    assert (lake / "raw").is_dir(), f"the DuckDB build wrote no lake at {lake}"
    env = {**os.environ, spark_target.TARGET_ENV: "spark", spark_target.SPARK_DIR_ENV: str(tmp_path / "spark"),
           spark_target.SPARK_PYTHON_ENV: sys.executable,
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    target_path = tmp_path / "target"
    completed = subprocess.run(
        [DBT, "build", "--empty", "--exclude-resource-type", "test", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target_path),
         "--vars", json.dumps({"raw_lake_dir": str(lake)})],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    failed = [r["unique_id"] + ": " + (r.get("message") or "")[:300] for r in results if r["status"] not in ("success", "pass")]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    shutil.rmtree(tmp_path / "spark", ignore_errors=True)
    assert completed.returncode == 0 and not failed, "\n".join(failed[:30]) or completed.stdout[-4000:]
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    assert len(unit_tests) == len(manifest["unit_tests"]) > 50, "not every unit test ran"
