"""The inbox as the readers may see it: files that have finished arriving.

A file copied over a share or scp grows for a while; read half-way, it would load part of its
rows (a truncated CSV) or none (a damaged workbook). So no launch path reads a file that is still
being written: before a family is read, the ingestion step waits until every file of the inbox
has been left alone for GHG_INBOX_SETTLE_SECONDS (default 30), and after reading it checks that
none of the family's files changed meanwhile (size or modification time); a file that did makes
the step fail and retry (pipelines/retries.py) instead of loading what it half read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

# Files still being copied (or editor/Office lock files) are not inputs yet.
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


def settle_seconds() -> float:
    """How long a file must have been left alone before it is read (GHG_INBOX_SETTLE_SECONDS)."""
    return float(os.environ.get("GHG_INBOX_SETTLE_SECONDS", "30"))


def max_wait_seconds() -> float:
    """How long a build waits for files to settle before it gives up (GHG_INBOX_MAX_WAIT_SECONDS)."""
    return float(os.environ.get("GHG_INBOX_MAX_WAIT_SECONDS", "600"))


class InboxNotSettled(RuntimeError):
    """Files are still being written after the longest wait; nothing of the family was read."""


class InboxChanged(RuntimeError):
    """A file changed while it was being read; the read is thrown away (the step retries)."""


def inbox_files(inbox: Path, folder: str | None = None) -> list[Path]:
    """The input files under the inbox (or one family's folder of it), sorted."""
    base = inbox / folder if folder else inbox
    if not base.is_dir():
        return []
    return sorted(
        path
        for path in base.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
        and not path.name.startswith("~$")
        and not path.name.endswith(IGNORED_SUFFIXES)
    )


Snapshot = Mapping[str, tuple[int, int]]  # relative path → (size, mtime in ns)


def snapshot(inbox: Path, folder: str | None = None) -> dict[str, tuple[int, int]]:
    found = {}
    for path in inbox_files(inbox, folder):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between the listing and the stat
            continue
        found[path.relative_to(inbox).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def wait_until_settled(
    inbox: Path,
    folder: str | None = None,
    *,
    settle: float | None = None,
    max_wait: float | None = None,
    log: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, tuple[int, int]]:
    """Wait until no file (of the folder) is still changing; return the snapshot.

    A file is settled when it was last modified at least `settle` seconds ago. A modification time
    in the future (a share whose clock runs ahead) says nothing about age: such a file is settled
    once it has stayed the same (size and time) for `settle` seconds of watching. Raises
    InboxNotSettled naming the files when some are still changing after `max_wait`.
    """
    settle = settle_seconds() if settle is None else settle
    max_wait = max_wait_seconds() if max_wait is None else max_wait
    if settle <= 0:
        return snapshot(inbox, folder)
    started = clock()
    deadline = started + max_wait
    unchanged_since: dict[str, tuple[tuple[int, int], float]] = {}  # future-dated files: first seen as they are
    told = False
    while True:
        now = clock()
        current = snapshot(inbox, folder)
        waiting: dict[str, float] = {}  # file → when it will have settled
        for name, state in current.items():
            age = now - state[1] / 1e9
            if age >= settle:
                continue
            if age < 0:
                seen = unchanged_since.get(name)
                if seen is None or seen[0] != state:
                    unchanged_since[name] = seen = (state, now)
                if now - seen[1] >= settle:
                    continue
                waiting[name] = seen[1] + settle
            else:
                waiting[name] = now + settle - age
        if not waiting:
            return current
        young = sorted(waiting)
        if now >= deadline:
            raise InboxNotSettled(
                f"{len(young)} file(s) still being written after {max_wait:.0f} s, so none was read: "
                f"{', '.join(young[:10])}{' …' if len(young) > 10 else ''}"
            )
        if log and not told:
            log(f"waiting for {len(young)} file(s) modified in the last {settle:.0f} s to settle: {', '.join(young[:5])}")
            told = True
        sleep(max(0.05, min(max(waiting.values()) - now, deadline - now, 5.0)))


def changed_since(before: Snapshot, inbox: Path, folder: str | None = None) -> list[str]:
    """Files of the folder that appeared, vanished or changed (size or mtime) since `before`."""
    after = snapshot(inbox, folder)
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    earlier = {name: value for name, value in before.items() if name.startswith(prefix)}
    return sorted(name for name in set(earlier) | set(after) if earlier.get(name) != after.get(name))
