"""An energy-balance column whose fuel the project does not know, holding amounts, stops
publication (issue 13): its energy and CO2 would otherwise vanish from every total with every
check green. The build says which file, sheet and column; yesterday's publication stays.

The warehouse folder starts as a copy of the session's sample build (so the last publication is
the sample); the inbox is the sample plus one workbook for 宁夏 2015 whose 生物质燃料 column holds
amounts beside a known 原煤 column. One build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines import publication
from pipelines.paths import SAMPLE_DIR
from pipelines.run_summary import latest_summaries, summary_message
from tests.integration.build_helpers import query, run_nightly_build

pytestmark = pytest.mark.integration

UNKNOWN_FILE = "energy_statistics/energy_balance/宁夏能源平衡表_2015.xlsx"
SHEET = "640000 宁夏回族自治区"


def _workbook_with_an_unknown_column(path: Path) -> None:
    """项目 | 原煤 | 生物质燃料, a unit row, and 工业 burning 2.5 万吨 of each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = {"项目": ["单位", "工业", "终端消费量"], "原煤": ["万吨", "2.5", "2.5"], "生物质燃料": ["万吨", "2.5", "2.5"]}
    pl.DataFrame(table).write_excel(path, worksheet=SHEET, autofit=False)


@pytest.fixture(scope="module")
def blocked(sample_warehouse, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("unknown_fuel")
    warehouse = base / "warehouse"
    shutil.copytree(sample_warehouse, warehouse, symlinks=True, ignore=shutil.ignore_patterns("*.lock", "build"))
    before = publication.current_generation(warehouse)
    assert before is not None
    inbox = base / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox)
    _workbook_with_an_unknown_column(inbox / UNKNOWN_FILE)
    result = run_nightly_build(inbox, warehouse)
    return {"warehouse": warehouse, "before": before, "result": result}


def test_nothing_is_published(blocked):
    assert not blocked["result"].success
    assert publication.current_generation(blocked["warehouse"]).name == blocked["before"].name
    failures = " ".join(event.event_specific_data.error.message for event in blocked["result"].all_events
                        if event.is_step_failure)
    failed_checks = {event.event_specific_data.check_name for event in blocked["result"].all_events
                     if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed}
    assert any("assert_no_blocking_quarantine" in name for name in failed_checks) or \
        "assert_no_blocking_quarantine" in failures, (failed_checks, failures[:2000])


def test_the_summary_names_file_sheet_and_column(blocked, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(blocked["warehouse"]))
    run_id = blocked["result"].run_id
    message = summary_message(run_id)
    assert "blocking input: nothing was published because 1 input problem(s) must be corrected first" in message
    assert f"{UNKNOWN_FILE}, sheet {SHEET}, column 生物质燃料: fuel column '生物质燃料' is not recognised" in message
    assert "but holds amounts (2 cells, e.g. row 3 工业: 2.5)" in message
    summary = latest_summaries(blocked["warehouse"] / "operations.duckdb").filter(pl.col("run_id") == run_id).to_dicts()
    assert summary and summary[0]["status"] == "failed" and not summary[0]["published"]


def test_the_quarantine_row_blocks_and_the_known_column_beside_it_loaded(blocked):
    build = blocked["warehouse"] / "build" / f"{blocked['result'].run_id}.duckdb"
    assert query(build, f"""
        select source_sheet, source_row, column_name, blocks_publication from raw.quarantine
        where source_file = '{UNKNOWN_FILE}'""") == [(SHEET, 1, "生物质燃料", True)]
    assert query(build, f"""
        select item_code, fuel_code, value from raw.energy_balance where source_file = '{UNKNOWN_FILE}'
        order by item_code""") == [("final_industry", "raw_coal", 25000.0), ("final_total", "raw_coal", 25000.0)]
    # every other quarantine row of the sample is a warning, not a block
    assert query(build, "select count(*) from raw.quarantine where blocks_publication") == [(1,)]
