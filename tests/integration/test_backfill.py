"""Year backfill (a year partition of nightly_build, pipelines/partitions.py): reload one report year on top of the published
warehouse. Running it twice leaves identical row counts; a correction for that year changes that
year only; a failing backfill publishes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import lake_differences, query, row_counts, run_backfill, table_fingerprints

pytestmark = pytest.mark.integration

GANSU = "620000"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def office(sample_warehouse, tmp_path):
    """A copy of a published sample build (never the shared one) and of its inbox."""
    warehouse, inbox = tmp_path / "warehouse", tmp_path / "inbox"
    warehouse.mkdir()
    for name in ("ghg.duckdb", "ghg_public.duckdb", "operations.duckdb"):
        shutil.copy2(sample_warehouse / name, warehouse / name)
    shutil.copytree(sample_warehouse / "lake", warehouse / "lake")
    shutil.copytree(SAMPLE_DIR, inbox)
    return inbox, warehouse


def _correct_activity(inbox: Path, year: int, factors: tuple[float, ...]) -> None:
    """Deliver, later than the original, an activity file with Gansu's GDP of `year` times each factor."""
    original = next((inbox / "energy_statistics" / "activity").glob("*.xlsx"))
    frame = pl.read_excel(original, engine="calamine", has_header=False, infer_schema_length=0)
    header = frame.row(0)
    body = frame.slice(1).filter((pl.col("column_0") == GANSU) & (pl.col("column_2") == str(year)))
    assert body.height == 1
    gdp_column = next(f"column_{i}" for i, name in enumerate(header) if name.startswith("地区生产总值("))
    rows = [body.with_columns((pl.col(gdp_column).cast(pl.Float64) * f).round(1).cast(pl.Utf8)) for f in factors]
    corrected = original.with_name(f"主要经济指标_{GANSU}_{year}更正.xlsx")
    pl.concat([frame.head(1), *rows]).write_excel(corrected, include_header=False)
    later = original.stat().st_mtime + 3600
    os.utime(corrected, (later, later))


def test_a_correction_reloads_its_year_only_and_twice_changes_nothing(office):
    """A corrected 2018 file arrives; the 2018 backfill changes 2018 and nothing else; running the
    same backfill again leaves identical row counts (and identical rows) everywhere."""
    inbox, warehouse = office
    published = warehouse / "ghg.duckdb"
    baseline_counts = row_counts(published)
    full_size = published.resolve().stat().st_size
    gdp_sql = "select year, gdp_current_10k_yuan from marts.fct_region_year where region_code = ? order by 1"
    before = dict(query(published, gdp_sql, [GANSU]))
    _correct_activity(inbox, 2018, (1.1,))

    assert run_backfill(inbox, warehouse, 2018).success
    after = dict(query(published, gdp_sql, [GANSU]))
    # The lake got the reloaded year's partitions and the families' register slices: it equals the published raw tables.
    assert lake_differences(published, warehouse / "lake") == []
    first = row_counts(published), table_fingerprints(published), table_fingerprints(published, "raw")
    assert run_backfill(inbox, warehouse, 2018).success
    second = row_counts(published), table_fingerprints(published), table_fingerprints(published, "raw")

    # The correction replaced values: the same number of rows as the nightly build published, and
    # the values it superseded registered in the quarantine with the reason. (The registers of
    # files read and of what the last publication covered describe the build, not the data.)
    registers = {"raw.quarantine", "raw.source_files", "raw.previous_publication_coverage"}
    assert {k: v for k, v in first[0].items() if k not in registers} == {k: v for k, v in baseline_counts.items() if k not in registers}
    assert first[0]["raw.quarantine"] > baseline_counts["raw.quarantine"]
    assert after[2018] == pytest.approx(before[2018] * 1.1, rel=1e-3)
    assert {y: v for y, v in after.items() if y != 2018} == {y: v for y, v in before.items() if y != 2018}
    assert query(published, "select count(*) from raw.enterprise_report_lines where report_year = 2018")[0][0] > 0
    # Twice: identical row counts, and identical rows in every raw table and mart.
    assert second == first
    # A backfill's file is built fresh from the published raw tables: never larger than the full
    # build's (a copy of the whole file rebuilt in place grew by half). A few blocks of slack.
    assert published.resolve().stat().st_size <= full_size * 1.05
    # The public file was republished with it, and each run left its summary.
    public = dict(query(warehouse / "ghg_public.duckdb", gdp_sql, [GANSU]))
    assert public[2018] == pytest.approx(after[2018])
    runs = query(warehouse / "operations.duckdb", "select count(*) from ops.run_summary where published")[0][0]
    assert runs >= 3


def test_a_failing_backfill_publishes_nothing(office):
    inbox, warehouse = office
    published = warehouse / "ghg.duckdb"
    before = _sha256(published), _sha256(warehouse / "ghg_public.duckdb")
    # Two different 2019 GDP values for Gansu in one later file: the uniqueness test on activity
    # values fails in dbt build, so the run must stop before publishing.
    _correct_activity(inbox, 2019, (1.1, 1.2))

    result = run_backfill(inbox, warehouse, 2019)

    assert not result.success
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    assert failed == ["ghg_dbt_assets"]  # the same dbt step as the nightly build
    assert (_sha256(published), _sha256(warehouse / "ghg_public.duckdb")) == before
    summary = query(warehouse / "operations.duckdb",
                    "select published, failed_steps from ops.run_summary order by recorded_at desc limit 1")[0]
    assert summary == (False, "ghg_dbt_assets")


def test_a_backfill_needs_a_published_warehouse(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    shutil.copytree(SAMPLE_DIR, inbox)
    warehouse.mkdir()
    result = run_backfill(inbox, warehouse, 2018)
    assert not result.success
    # The run stops before any step: the build file cannot start as a copy of the publication.
    failure = next(event for event in result.all_events if event.event_type_value == "RESOURCE_INIT_FAILURE")
    assert "run the full build (`ghg build`) first" in str(failure.event_specific_data)
    assert not any(event.is_step_start for event in result.all_events)
    # Not transient: the step failed once, without the ingestion retries.
    assert sum(1 for event in result.all_events if event.event_type_value == "STEP_UP_FOR_RETRY") == 0
    assert not (warehouse / "ghg.duckdb").exists()
