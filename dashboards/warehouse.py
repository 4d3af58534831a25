"""Read-only, short-lived access to the published warehouse.

The nightly job swaps a new warehouse in with os.replace while the dashboard is serving, and
DuckDB allows one writer or many readers, never both. So every query opens its own read-only
connection, fetches, and closes; nothing holds the file open between reruns. Results are cached
for a while, keyed also on the file's identity (mtime, size, inode), so a new publication is read
on the next rerun rather than when the cache expires.

The path comes from pipelines.paths (GHG_WAREHOUSE_DIR moves it): this module is the one place
that decides which warehouse file the dashboards open.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboards import auth
from pipelines import ops_store, paths, publication

CACHE_TTL_SECONDS = 600

# The dashboard only ever reads tables already in the file: no reading other files, no ATTACH,
# no extension downloads, no COPY ... TO, and the setting cannot be switched back on by a query.
CONNECTION_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class WarehouseError(Exception):
    """The warehouse cannot answer; pages show a message a user can act on instead of a traceback."""

    def __init__(self, path: Path, detail: str = "") -> None:
        super().__init__(f"{path}: {detail}" if detail else str(path))
        self.path = path
        self.detail = detail


class WarehouseMissing(WarehouseError):
    """No warehouse has been published yet (run `make build`)."""


class WarehouseTableMissing(WarehouseError):
    """The warehouse exists but was built before a table this page needs."""


class WarehouseUnreadable(WarehouseError):
    """The file exists but cannot be opened right now (locked, damaged, another DuckDB version)."""


def warehouse_path(role: str | None = None) -> Path:
    """The file this session may read: the aggregate-only public file for a leader, the full one
    for authorised roles (dashboards.auth decides the role; query parameters never do), inside the
    generation `current` points at (pipelines/publication.py), so both roles read one publication."""
    role = role or auth.current_role()
    return publication.published_file(paths.warehouse_dir(), "full" if auth.is_authorised(role) else "public")


def ops_path() -> Path:
    """The operations store (run summaries, alerts), published beside the warehouse."""
    return ops_store.ops_path()


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(path) from None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def published_at() -> dt.datetime:
    """When the current publication was made (its manifest; local time) — the same for every role,
    since the full and the public file are published together. A warehouse published before
    generations existed falls back to the file's modification time."""
    generation = publication.current_generation(paths.warehouse_dir())
    if generation is not None and generation.published_at is not None:
        return generation.published_at.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    path = warehouse_path()
    return dt.datetime.fromtimestamp(_identity(path)[0] / 1e9)


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one of the queries in dashboards.queries against this session's warehouse file;
    tuples in params bind as DuckDB lists."""
    path = warehouse_path()
    return _cached_query(sql, tuple(params), str(path), _identity(path))


def public_query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a query against the PUBLIC file whatever the session's role: what leaders read (the
    leaders' briefing is made from it for every role, so an officer hands out what a leader sees)."""
    path = warehouse_path(auth.DEFAULT_ROLE)
    return _cached_query(sql, tuple(params), str(path), _identity(path))


def ops_query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one of the queries in dashboards.queries against the operations store (no enterprise data)."""
    path = ops_path()
    return _cached_query(sql, tuple(params), str(path), _identity(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=256, show_spinner=False)
def _cached_query(sql: str, params: tuple, path: str, identity: tuple[int, int, int]) -> pd.DataFrame:
    # `identity` is unused in the body: it is part of the cache key, so a republished file misses.
    return run_query(Path(path), sql, params)


def run_query(path: Path, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Open path read-only, run sql, close. Not cached; query() is what pages call."""
    bound = [list(value) if isinstance(value, tuple) else value for value in params]
    try:
        con = duckdb.connect(str(path), read_only=True, config=CONNECTION_CONFIG)
    except duckdb.Error as error:
        if not path.exists():  # swapped away between the stat and the open
            raise WarehouseMissing(path) from error
        raise WarehouseUnreadable(path, str(error)) from error
    try:
        return con.execute(sql, bound).df()
    except duckdb.CatalogException as error:
        raise WarehouseTableMissing(path, str(error).splitlines()[0]) from error
    finally:
        con.close()
