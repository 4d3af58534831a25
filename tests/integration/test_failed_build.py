"""A build whose blocking check fails publishes nothing: yesterday's warehouse stays, readable."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import run_nightly_build

pytestmark = pytest.mark.integration


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failing_check_leaves_the_published_warehouse_in_place(tmp_path):
    # Yesterday's warehouse.
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    published = warehouse / "ghg.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.fct_region_year AS SELECT '620000' AS region_code, 2019 AS year")
    before = _sha256(published)

    # Today's inbox: the sample plus a corrected activity file from the statistics bureau,
    # delivered later. A newer file replaces the older one's values for the same region, year
    # and variable, but this correction contradicts itself: it gives Gansu's 2015 GDP twice, with
    # two different values. Which one is right cannot be told, so the re-delivery rule leaves
    # both, and the uniqueness check on activity values must stop the build before anything is
    # published.
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox)
    original = next((inbox / "energy_statistics" / "activity").glob("*.xlsx"))
    frame = pl.read_excel(original, engine="calamine", has_header=False, infer_schema_length=0)
    header = frame.row(0)
    body = frame.slice(1).filter((pl.col("column_0") == "620000") & (pl.col("column_2") == "2015"))
    gdp_column = next(f"column_{i}" for i, name in enumerate(header) if name.startswith("地区生产总值("))
    bodies = [
        body.with_columns((pl.col(gdp_column).cast(pl.Float64) * factor).round(1).cast(pl.Utf8))
        for factor in (1.1, 1.2)
    ]
    conflicting = pl.concat([frame.head(1), *bodies])
    corrected = original.with_name("主要经济指标_620000_更正.xlsx")
    conflicting.write_excel(corrected, include_header=False)
    later = original.stat().st_mtime + 3600
    os.utime(corrected, (later, later))

    result = run_nightly_build(inbox, warehouse)

    assert not result.success
    failed_steps = [event.step_key for event in result.all_events if event.is_step_failure]
    assert failed_steps == ["ghg_dbt_assets"]
    failed_checks = [
        event.event_specific_data.check_name
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed
    ]
    assert "assert_one_activity_value_per_region_year_variable" in failed_checks
    # The raw-activity Great Expectations suite (non-blocking, a warning) sees the same duplicate.
    assert set(failed_checks) <= {"assert_one_activity_value_per_region_year_variable", "gx_raw_activity_statistics"}
    failure_messages = " ".join(
        event.event_specific_data.error.message for event in result.all_events if event.is_step_failure
    )
    assert "assert_one_activity_value_per_region_year_variable" in failure_messages
    assert "warehouse__ghg" not in {event.step_key for event in result.all_events if event.is_step_success}
    assert _sha256(published) == before
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT year FROM marts.fct_region_year").fetchone() == (2019,)
    # The failed build file stays behind for diagnosis, never in the served place.
    assert list((warehouse / "build").glob("*.duckdb"))
