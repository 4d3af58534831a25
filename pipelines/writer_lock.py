"""One writer at a time: an exclusive lock file beside the warehouse.

DuckDB allows one read-write process per file, and two builds racing to publish would leave
whichever finished last. The lock is a kernel flock, so a build killed with -9 (or a power cut)
releases it with its process: no stale lock can stop tomorrow's build.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines import paths


# The Dagster concurrency pool every writing step belongs to (ingestion, dbt, publish, and the
# backfill job's ops). pipelines/dagster.yaml limits it to one run at a time (granularity: run):
# a second run waits in the queue until the first has finished. The flock below covers builds
# started outside the Dagster daemon (`ghg build`, tests).
WRITER_POOL = "ghg_writer"


class WriterBusy(RuntimeError):
    """Another process is building the warehouse right now."""


def lock_path() -> Path:
    # Under build/ (git-ignored, beside the build files it guards), never next to the served file.
    return paths.build_dir() / ".writer.lock"


@contextmanager
def writer_lock(path: Path | None = None) -> Iterator[None]:
    """Hold the writer lock for the block; raises WriterBusy when another process holds it."""
    path = path or lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriterBusy(f"another build holds {path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def writer_busy(path: Path | None = None) -> bool:
    """Whether some process holds the writer lock now (checked without waiting)."""
    try:
        with writer_lock(path):
            return False
    except WriterBusy:
        return True
