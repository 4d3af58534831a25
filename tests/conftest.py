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
    os.environ.setdefault("GHG_WAREHOUSE_DIR", str(PROJECT_ROOT / "tests" / "output" / "warehouse-default"))
