"""The dbt target a run builds with, and how a Spark build's tables reach the DuckDB files.

DuckDB (target `duckdb`) is the embedded default: dbt builds straight into the run's build file.
On Spark (target `spark`, docs/scale-out.md) dbt reads the raw tables from the Parquet lake and
writes every table it builds as Parquet under the run's Spark folder
(`<spark dir>/warehouse/<schema>.db/<table>/`). The checks, the publication and the dashboards
stay on DuckDB files: `load_spark_tables` copies those Parquet tables into the run's build file,
schema for schema, after which the run goes on exactly as a DuckDB build (the Great Expectations
suites, the completeness gate, the public copy). Views (the staging layer) have no files and are
not copied; nothing downstream reads them.

Pure functions; the Dagster assets (pipelines/assets/dbt.py) and the Spark tests call them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

TARGET_ENV = "GHG_DBT_TARGET"
SPARK_DIR_ENV = "GHG_SPARK_DIR"
SPARK_PYTHON_ENV = "GHG_SPARK_PYTHON"
DUCKDB, SPARK = "duckdb", "spark"
TARGETS = (DUCKDB, SPARK)
# The schemas a dbt build makes tables in (dbt_project.yml); raw stays in the lake, staging are views.
BUILT_SCHEMAS = ("reference", "intermediate", "marts", "audit", "public_marts", "public_reference")
# profiles.yml names the Spark folder by this variable; a Dagster run writes its own folder in its place.
SPARK_DIR_PLACEHOLDER = "{{ env_var('GHG_SPARK_DIR') }}"
_DATABASE_SUFFIX = ".db"  # Spark's folder of a schema (database) under its warehouse folder


def dbt_target(environ: dict[str, str] | None = None) -> str:
    """The target named by GHG_DBT_TARGET (default duckdb); an unknown name is refused."""
    value = (os.environ if environ is None else environ).get(TARGET_ENV, "").strip() or DUCKDB
    if value not in TARGETS:
        raise ValueError(f"{TARGET_ENV}={value!r}: the dbt target must be one of {', '.join(TARGETS)} (dbt_project/profiles.yml)")
    return value


def use_this_python_for_spark_scripts() -> None:
    """The Monte Carlo runs on Spark as a TRANSFORM script (models/intermediate/spark/) under
    GHG_SPARK_PYTHON, which needs numpy and pandas: this process's own Python has them. An office's
    own setting (a cluster's executor Python) is kept."""
    os.environ.setdefault(SPARK_PYTHON_ENV, sys.executable)


def spark_dir(build_dir: Path, run_id: str) -> Path:
    """The folder of one run's Spark build (tables and Hive metastore), beside its build file."""
    return build_dir / f"{run_id}.spark"


def spark_tables(folder: Path) -> dict[tuple[str, str], Path]:
    """Every table the Spark build wrote: (schema, table) → its Parquet folder."""
    warehouse = folder / "warehouse"
    tables = {}
    for database in sorted(warehouse.glob(f"*{_DATABASE_SUFFIX}")):
        schema = database.name.removesuffix(_DATABASE_SUFFIX)
        for table in sorted(path for path in database.iterdir() if path.is_dir()):
            if any(table.glob("*.parquet")):
                tables[(schema, table.name)] = table
    return tables


def load_spark_tables(folder: Path, db_path: Path, schemas: tuple[str, ...]) -> dict[str, int]:
    """Copy the Spark build's tables of these schemas into the DuckDB file; returns rows per table.

    A table of the same name is replaced, so the file then holds what Spark computed, not what an
    earlier DuckDB step left there.
    """
    loaded = {}
    tables = {key: path for key, path in spark_tables(folder).items() if key[0] in schemas}
    with duckdb.connect(str(db_path)) as con:
        for (schema, table), path in tables.items():
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            files = str(path / "*.parquet").replace("'", "''")
            con.execute(f"""CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM read_parquet('{files}')""")
            loaded[f"{schema}.{table}"] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    return loaded
