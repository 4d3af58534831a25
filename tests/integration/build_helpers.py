"""Run the nightly_build job in-process against a given inbox and warehouse folder."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb


@contextmanager
def _env(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_nightly_build(inbox: Path, warehouse: Path, partition: str = "all", **options):
    """Materialise the whole job for one partition ("all": the nightly full build; a year: a
    backfill of that year); returns the Dagster ExecuteInProcessResult. options go to
    execute_in_process (asset_selection, run_id …)."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    with _env(GHG_INBOX_DIR=str(inbox), GHG_WAREHOUSE_DIR=str(warehouse)):
        job = defs.resolve_job_def("nightly_build")
        return job.execute_in_process(instance=DagsterInstance.ephemeral(), partition_key=partition, raise_on_error=False,
                                      **options)


def run_from_published(warehouse: Path, asset_selection: list, inbox: Path | None = None, change_sql: str | None = None):
    """Run part of the job (dbt of the selected marts, their checks, the publication) on a build
    file that starts as a copy of the published full warehouse: what a full run would reach after
    ingestion, without reading the inbox again. change_sql, when given, runs on that copy first
    (a test's way to put a figure into the tables the selected models read)."""
    import shutil
    import uuid

    from pipelines import publication

    run_id = str(uuid.uuid4())
    build = warehouse / publication.BUILD_FOLDER / f"{run_id}.duckdb"
    build.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(publication.published_file(warehouse, "full"), build)
    if change_sql:
        with duckdb.connect(str(build)) as con:
            con.execute(change_sql)
    return run_nightly_build(inbox or warehouse, warehouse, asset_selection=asset_selection, run_id=run_id)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def table_fingerprints(db: Path, schema: str = "marts") -> dict[str, str]:
    """A digest of every table's rows (sorted, so physical order does not matter)."""
    import hashlib

    with duckdb.connect(str(db), read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", [schema]
        ).fetchall()]
        digests = {}
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY ALL').fetchall()
            digests[table] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()
        return digests


def run_backfill(inbox: Path, warehouse: Path, year: int):
    """The same job for one report year's partition: reload that year on top of the publication."""
    return run_nightly_build(inbox, warehouse, partition=str(year))


def row_counts(db: Path, schemas: tuple[str, ...] = ("raw", "marts")) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE list_contains(?, table_schema) ORDER BY 1, 2",
            [list(schemas)],
        ).fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in tables}


def lake_differences(build_file: Path, folder: Path) -> list[str]:
    """What the lake lacks, or has beyond, the build file's schema raw: tables, types, rows (as
    multisets: EXCEPT ALL both ways)."""
    from pipelines import lake

    problems = []
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{build_file}' AS build (READ_ONLY)")
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'build' AND schema_name = 'raw' ORDER BY 1").fetchall()]
        in_lake = lake.tables_in(folder)
        problems += [f"raw.{table} is not in the lake" for table in tables if table not in in_lake]
        problems += [f"{table} is in the lake, not in the build file" for table in in_lake if table not in tables]
        for table in (t for t in tables if t in in_lake):
            parquet = lake.read_parquet_sql(folder, table)
            if con.execute(f"DESCRIBE SELECT * FROM {parquet}").fetchall() != con.execute(f"DESCRIBE build.raw.{table}").fetchall():
                problems.append(f"{table}: the lake's columns or types differ")
                continue
            missing, extra = (con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0] for a, b in (
                (f"SELECT * FROM build.raw.{table}", f"SELECT * FROM {parquet}"),
                (f"SELECT * FROM {parquet}", f"SELECT * FROM build.raw.{table}"),
            ))
            if missing or extra:
                problems.append(f"{table}: {missing} rows missing from the lake, {extra} rows too many")
    return problems
