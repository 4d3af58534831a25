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


def run_nightly_build(inbox: Path, warehouse: Path):
    """Materialise the whole job; returns the Dagster ExecuteInProcessResult."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    with _env(GHG_INBOX_DIR=str(inbox), GHG_WAREHOUSE_DIR=str(warehouse)):
        job = defs.resolve_job_def("nightly_build")
        return job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)


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
    """Materialise one partition (a report year) of the backfill_years job; returns the result."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    with _env(GHG_INBOX_DIR=str(inbox), GHG_WAREHOUSE_DIR=str(warehouse)):
        job = defs.resolve_job_def("backfill_years")
        return job.execute_in_process(instance=DagsterInstance.ephemeral(), partition_key=str(year), raise_on_error=False)


def row_counts(db: Path, schemas: tuple[str, ...] = ("raw", "marts")) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE list_contains(?, table_schema) ORDER BY 1, 2",
            [list(schemas)],
        ).fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in tables}
