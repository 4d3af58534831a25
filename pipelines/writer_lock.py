"""One writer at a time, whatever launched it: an exclusive lock file beside the build files.

DuckDB allows one read-write process per file, and two builds racing to publish would leave
whichever finished last. Every run of a writing job (nightly build, year backfill) — launched by
the schedule, the inbox sensor, the UI, `dagster job execute` or `ghg build` — takes this lock in
its warehouse resource before its first step and holds it until its last (resources.py), so the
rule lives in one place. The lock is a kernel flock: a run killed with -9 (or a power cut)
releases it with its process, and no stale lock can stop tomorrow's build.

A run that finds the lock taken waits (Dagster-launched runs, up to
WarehouseResource.lock_wait_seconds) or is refused at once (`ghg build`, which tells the operator
who holds it). The Dagster pool and run-queue tag in pipelines/dagster.yaml keep daemon-launched
runs from even starting side by side; the lock is what makes the rule hold for every other path.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipelines import paths

# The Dagster concurrency pool every writing step belongs to (ingestion, dbt, publish, and the
# backfill job's ops). pipelines/dagster.yaml limits it to one run at a time (granularity: run).
WRITER_POOL = "ghg_writer"

LOCK_NAME = ".writer.lock"


class WriterBusy(RuntimeError):
    """Another process is building the warehouse right now."""


def lock_path(root: Path | None = None) -> Path:
    # Under build/ (beside the build files it guards), never next to the served files.
    return (Path(root) if root else paths.warehouse_dir()) / "build" / LOCK_NAME


def holder(path: Path | None = None) -> str:
    """Who holds (or last held) the lock, as written in the lock file: 'pid 123, ghg build, since …'."""
    try:
        return (path or lock_path()).read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"


def acquire(path: Path, *, wait_seconds: float = 0.0, what: str = "build",
            on_wait: Callable[[str], None] | None = None, poll_seconds: float = 1.0) -> IO[str]:
    """Take the lock, waiting up to wait_seconds; returns the open handle that holds it.

    Raises WriterBusy naming the holder when it is still taken after the wait.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    deadline = time.monotonic() + max(0.0, wait_seconds)
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise WriterBusy(f"another build holds the writer lock {path} ({holder(path)})") from None
            if on_wait and not told:
                on_wait(f"waiting for the writer lock {path}, held by {holder(path)}")
                told = True
            time.sleep(min(poll_seconds, max(0.0, deadline - time.monotonic())))
    handle.seek(0)
    handle.truncate()
    since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    handle.write(f"pid {os.getpid()}, {what}, since {since}\n")
    handle.flush()
    return handle


def release(handle: IO[str]) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def writer_lock(path: Path | None = None, *, wait_seconds: float = 0.0, what: str = "build") -> Iterator[None]:
    """Hold the writer lock for the block; raises WriterBusy when another process holds it."""
    handle = acquire(path or lock_path(), wait_seconds=wait_seconds, what=what)
    try:
        yield
    finally:
        release(handle)


def writer_busy(path: Path | None = None) -> bool:
    """Whether some process holds the writer lock now (checked without waiting)."""
    path = path or lock_path()
    if not path.exists():
        return False
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
