"""The operations store: run summaries and alerts, kept across builds in warehouse/operations.duckdb.

It outlives any one build (a failed build publishes no warehouse, but its summary and alert
must still be visible), and dashboards read it while builds run. So it follows the same rule
as the warehouse: readers open it read-only, and a writer never opens the served file
read-write. It copies the file, appends to the copy, CHECKPOINTs and renames it into place,
holding an exclusive file lock so two writers (a run and the failure sensor) cannot lose each
other's rows.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from pipelines import paths


def ops_path() -> Path:
    return paths.warehouse_dir() / "operations.duckdb"


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append(table: str, frame: pl.DataFrame, store: Path | None = None) -> int:
    """Append rows to ops.<table> (created from the frame's columns when missing)."""
    store = store or ops_path()
    with _exclusive(store.with_name(store.name + ".lock")):
        work = store.with_name(f".{store.name}.{os.getpid()}.tmp")
        for leftover in (work, work.with_name(work.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
        if store.exists():
            shutil.copyfile(store, work)
        with duckdb.connect(str(work)) as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS ops")
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f'CREATE TABLE IF NOT EXISTS ops."{table}" AS SELECT * FROM incoming_frame LIMIT 0')
            con.execute(f'INSERT INTO ops."{table}" BY NAME SELECT * FROM incoming_frame')
            con.unregister("incoming_frame")
            con.execute("CHECKPOINT")
        fd = os.open(work, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(work, store)
    return frame.height


def read(sql: str, params: list | None = None, store: Path | None = None) -> pl.DataFrame:
    """Query the store read-only; an empty frame when it does not exist yet."""
    store = store or ops_path()
    if not store.exists():
        return pl.DataFrame()
    with duckdb.connect(str(store), read_only=True) as con:
        return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())
