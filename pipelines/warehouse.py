"""The build file: every run builds into its own DuckDB file under warehouse/build/.

DuckDB allows one read-write process or many read-only ones on a file, never both. So the job
never opens a served file read-write: the readers write their raw tables into the run's build
file (these helpers), dbt builds on it, and only when every blocking check has passed does
pipelines/publication.py make it (and the public file copied from it) the published pair.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

_RUN_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def build_path(build_dir: Path, run_id: str) -> Path:
    """The file one run builds into; the run id keeps concurrent or failed runs apart."""
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r} cannot name a build file")
    return build_dir / f"{run_id}.duckdb"


def _with_frame(db_path: Path, schema: str, frame: pl.DataFrame, *statements) -> None:
    """Run statements — (sql, params), or a function of the connection — against the build file
    with the frame registered as `incoming_frame`."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.register("incoming_frame", frame.to_arrow())
        for statement in statements:
            if callable(statement):
                statement(con)
            else:
                con.execute(*statement)
        con.unregister("incoming_frame")


def _add_new_columns(schema: str, table: str):
    """A register first written by an older version (a year backfill builds on an earlier
    publication) gains the columns added since (raw.quarantine.blocks_publication); the other
    producers' old rows hold null there until their next full read."""

    def add(con) -> None:
        have = {row[0] for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?", [schema, table]
        ).fetchall()}
        for name, column_type, *_ in con.execute("DESCRIBE SELECT * FROM incoming_frame").fetchall():
            if name not in have:
                con.execute(f'ALTER TABLE "{schema}"."{table}" ADD COLUMN "{name}" {column_type}')

    return add


def replace_table(db_path: Path, schema: str, table: str, frame: pl.DataFrame) -> int:
    """Create or replace schema.table in the build file from a polars frame; returns rows."""
    _with_frame(db_path, schema, frame, (f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM incoming_frame', []))
    return frame.height


def ensure_table(db_path: Path, schema: str, table: str, empty: pl.DataFrame) -> None:
    """Create schema.table with the frame's columns if it does not exist yet."""
    _with_frame(db_path, schema, empty, (f'CREATE TABLE IF NOT EXISTS "{schema}"."{table}" AS SELECT * FROM incoming_frame LIMIT 0', []))


def replace_rows(db_path: Path, schema: str, table: str, frame: pl.DataFrame, key_column: str, key_value: str) -> int:
    """Replace the rows of one producer (key_column = key_value) in a table several producers share.

    raw.quarantine holds every family's rejected rows; each ingestion asset owns its slice.
    """
    _with_frame(
        db_path,
        schema,
        frame,
        (f'CREATE TABLE IF NOT EXISTS "{schema}"."{table}" AS SELECT * FROM incoming_frame LIMIT 0', []),
        _add_new_columns(schema, table),
        (f'DELETE FROM "{schema}"."{table}" WHERE "{key_column}" = ?', [key_value]),
        (f'INSERT INTO "{schema}"."{table}" BY NAME SELECT * FROM incoming_frame', []),
    )
    return frame.height


class NothingPublished(RuntimeError):
    """A year backfill builds on the published warehouse; there is none yet."""


def seed_from_publication(published: Path, build_file: Path) -> Path:
    """Start a year backfill's build file from the published raw tables (generations never change
    after publication, so they are a whole version). Only the raw schema (and the build state) is
    copied, into a fresh file: dbt then builds every model once, so a backfill's file is no larger
    than a full build's (a copy of the whole file rebuilt in place grew by half)."""
    from pipelines import incremental

    if not published.exists():
        raise NothingPublished(
            f"{published} does not exist: a year backfill builds on the published warehouse; run the full build "
            "(`ghg build`) first"
        )
    incremental.copy_schemas(published, build_file, [incremental.RAW_SCHEMA, incremental.STATE_SCHEMA])
    return build_file


def replace_year_rows(db_path: Path, schema: str, table: str, frame: pl.DataFrame, column: str, years: list[int]) -> tuple[int, int]:
    """Delete the years' rows of schema.table and insert frame's rows of those years; returns
    (deleted, inserted). The table is then rewritten in one sorted order: the marts sum floats in
    scan order, so the same rows in the same order give the same marts to the last bit, and a
    backfill run twice publishes identical tables."""
    years = sorted({int(year) for year in years})
    rows = frame.filter(pl.col(column).is_in(years))
    with duckdb.connect(str(db_path)) as con:
        con.execute("BEGIN")
        deleted = con.execute(
            f'DELETE FROM "{schema}"."{table}" WHERE "{column}" IN (SELECT unnest(?::INTEGER[]))', [years]
        ).fetchall()[0][0]
        con.register("year_rows", rows.to_arrow())
        con.execute(f'INSERT INTO "{schema}"."{table}" BY NAME SELECT * FROM year_rows')
        con.unregister("year_rows")
        con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM "{schema}"."{table}" ORDER BY ALL')
        con.execute("COMMIT")
    return deleted, rows.height
