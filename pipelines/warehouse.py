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


def _with_frame(db_path: Path, schema: str, frame: pl.DataFrame, *statements: tuple[str, list]) -> None:
    """Run statements against the build file with the frame registered as `incoming_frame`."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.register("incoming_frame", frame.to_arrow())
        for sql, params in statements:
            con.execute(sql, params)
        con.unregister("incoming_frame")


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
        (f'DELETE FROM "{schema}"."{table}" WHERE "{key_column}" = ?', [key_value]),
        (f'INSERT INTO "{schema}"."{table}" BY NAME SELECT * FROM incoming_frame', []),
    )
    return frame.height
