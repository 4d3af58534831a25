"""Dashboard tests read one nightly build of the bundled sample (tests/conftest.py: sample_warehouse)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

LINXIA = "622900"  # 临夏州: an electricity exporter whose adjusted CO2 once went below zero


@pytest.fixture
def sample_app(sample_warehouse, monkeypatch):
    """The app in its local demo mode (role switch in the sidebar) against the sample build."""
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(sample_warehouse))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return sample_warehouse


@pytest.fixture
def not_meaningful_app(sample_warehouse, tmp_path, monkeypatch):
    """The leader's file of the sample build with 临夏's 2020 CO2 intensity reduction as dbt writes
    a reduction against a level that is not positive: NULL, reduction_status and target status
    not_meaningful (the sample itself has none left since the electricity rule)."""
    shutil.copy(sample_warehouse / "ghg_public.duckdb", tmp_path / "ghg_public.duckdb")
    with duckdb.connect(str(tmp_path / "ghg_public.duckdb")) as con:
        con.execute(
            "UPDATE marts.fct_region_intensity_progress SET base_value = -0.27, reduction_vs_base = NULL, "
            "reduction_status = 'not_meaningful' WHERE region_code = ? AND indicator_code = 'co2_intensity_reduction' AND year = 2020",
            [LINXIA],
        )
        con.execute(
            "UPDATE marts.fct_target_progress SET base_value = -0.27, actual_value = NULL, gap = NULL, "
            "status = 'not_meaningful' WHERE region_code = ? AND indicator_code = 'co2_intensity_reduction' AND year = 2020",
            [LINXIA],
        )
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return tmp_path
