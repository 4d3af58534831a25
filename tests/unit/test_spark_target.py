"""The dbt target setting and the copy of a Spark build's Parquet tables into a DuckDB file."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from pipelines import spark_target
from pipelines.paths import DBT_PROJECT_DIR


def test_the_target_defaults_to_duckdb_and_refuses_unknown_names():
    assert spark_target.dbt_target({}) == "duckdb"
    assert spark_target.dbt_target({"GHG_DBT_TARGET": " spark "}) == "spark"
    with pytest.raises(ValueError, match="GHG_DBT_TARGET='snowflake'.*duckdb, spark"):
        spark_target.dbt_target({"GHG_DBT_TARGET": "snowflake"})


def test_the_profile_has_both_targets_and_names_the_spark_folder_by_its_placeholder():
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))["ghg"]
    assert set(profile["outputs"]) == set(spark_target.TARGETS)
    spark = profile["outputs"]["spark"]
    assert spark["type"] == "spark" and spark["method"] == "session"
    assert spark_target.SPARK_DIR_PLACEHOLDER in spark["server_side_parameters"]["spark.sql.warehouse.dir"]


def _parquet_table(folder, rows):
    folder.mkdir(parents=True)
    duckdb.sql(f"COPY (SELECT * FROM (VALUES {rows}) t(region_code, co2_t)) TO '{folder / 'part-0.parquet'}' (FORMAT parquet)")


def test_spark_tables_are_copied_schema_for_schema_and_replace_what_was_there(tmp_path):
    spark = tmp_path / "run.spark"
    _parquet_table(spark / "warehouse" / "marts.db" / "fct_a", "('620000', 1.5), ('620100', 2.5)")
    _parquet_table(spark / "warehouse" / "staging.db" / "stg_b", "('620000', 9.0)")
    (spark / "warehouse" / "marts.db" / "a_view_without_files").mkdir()
    db = tmp_path / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.fct_a AS SELECT 'old' AS region_code")
    loaded = spark_target.load_spark_tables(spark, db, ("marts",))
    assert loaded == {"marts.fct_a": 2}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT region_code, co2_t FROM marts.fct_a ORDER BY 1").fetchall() == [("620000", 1.5), ("620100", 2.5)]
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'staging'").fetchone()[0] == 0
