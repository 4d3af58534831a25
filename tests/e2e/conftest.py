"""Dashboard tests read one nightly build of the bundled sample (tests/conftest.py: sample_warehouse)."""

from __future__ import annotations

import pytest


@pytest.fixture
def sample_app(sample_warehouse, monkeypatch):
    """The app in its local demo mode (role switch in the sidebar) against the sample build."""
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(sample_warehouse))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return sample_warehouse
