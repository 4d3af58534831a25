"""Shared test set-up: builds never touch the developer's own warehouse or inbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_dbt_tracking(monkeypatch):
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.setenv("DO_NOT_TRACK", "1")


def pytest_configure(config):
    # Tests must never publish into the repository's warehouse/ by accident.
    # One folder per pytest-xdist worker: two workers never share a warehouse by default.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    os.environ.setdefault("GHG_WAREHOUSE_DIR", str(PROJECT_ROOT / "tests" / "output" / f"warehouse-default-{worker}"))
    # Nor into the developer's raw-data lake: each test build's lake is <its warehouse>/lake.
    os.environ.pop("GHG_LAKE_DIR", None)
    # Test inboxes are written a moment before they are read: no waiting for them to settle
    # (tests/unit/test_inbox.py sets its own values to test the wait itself).
    os.environ.setdefault("GHG_INBOX_SETTLE_SECONDS", "0")


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The folder of one nightly build of the bundled sample, shared READ-ONLY by every test that
    reads it — and by both pytest-xdist workers: the first to need it builds it under a file lock
    in the session's shared temporary folder, the other waits for it and reuses it.

    Modules that need their own inbox, or that change the result, copy it or build their own.
    GHG_TEST_SAMPLE_WAREHOUSE names an already built folder instead (for quick local iterations
    only; CI leaves it unset so the build itself is tested).
    """
    prebuilt = os.environ.get("GHG_TEST_SAMPLE_WAREHOUSE")
    if prebuilt:
        folder = Path(prebuilt)
        assert (folder / "ghg.duckdb").exists(), f"GHG_TEST_SAMPLE_WAREHOUSE={prebuilt} holds no ghg.duckdb"
        return folder
    from filelock import FileLock

    from pipelines.paths import SAMPLE_DIR
    from tests.integration.build_helpers import run_nightly_build

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder both workers' temporary folders live in
    folder = shared / "sample_warehouse"
    with FileLock(str(shared / "sample_warehouse.lock")):
        if not (folder / "ghg.duckdb").exists():
            result = run_nightly_build(SAMPLE_DIR, folder)
            assert result.success, "the nightly build failed on the bundled sample"
    return folder
