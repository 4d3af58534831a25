"""The build file and its publication: build into a fresh DuckDB file, swap it in atomically.

DuckDB allows one read-write process or many read-only ones on a file, never both. So the job
never opens the served warehouse read-write: every run builds into its own file under
warehouse/build/ and, only when every blocking check has passed, CHECKPOINTs it, fsyncs it and
renames it over warehouse/ghg.duckdb. A reader holding the old file keeps its (unlinked) inode
and sees the new data on its next connection; a failed run publishes nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Publication:
    published_path: Path
    size_bytes: int
    tables: dict[str, int]


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def table_row_counts(db_path: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, int]:
    """Row counts of every table in the given schemas, opened read-only."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN (SELECT unnest(?)) AND table_type = 'BASE TABLE' "
            "ORDER BY 1, 2",
            [list(schemas)],
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
            for schema, name in names
        }


def publish(build_file: Path, published_path: Path) -> Publication:
    """Make build_file the served warehouse, atomically.

    CHECKPOINT folds the write-ahead log into the file so the renamed file is complete on its
    own; fsync before and after the rename makes the swap survive a power cut.
    """
    if not build_file.exists():
        raise FileNotFoundError(f"build file {build_file} does not exist; nothing to publish")
    with duckdb.connect(str(build_file)) as con:
        con.execute("CHECKPOINT")
    wal = build_file.with_name(build_file.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(f"{wal} still holds un-checkpointed data; refusing to publish a partial file")
    tables = table_row_counts(build_file)
    _fsync_path(build_file)
    published_path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(build_file, published_path)
    _fsync_path(published_path.parent)
    # A stale WAL beside the served file (left by a crash of some other writer) would be
    # replayed into the new file on open; it never belongs to the file we just published.
    stale_wal = published_path.with_name(published_path.name + ".wal")
    if stale_wal.exists():
        stale_wal.unlink()
    return Publication(published_path, published_path.stat().st_size, tables)


def prune_builds(build_dir: Path, keep: int = 3) -> list[Path]:
    """Remove all but the newest `keep` leftover build files (failed runs kept for diagnosis)."""
    if not build_dir.exists():
        return []
    files = sorted(build_dir.glob("*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in files[keep:]:
        for path in (old, old.with_name(old.name + ".wal")):
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed
