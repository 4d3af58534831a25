"""The incremental night (pipelines/incremental.py): a night that brings one more trading day and
corrected reports of 1 % of the enterprises reads only the two families that changed, rebuilds only
what depends on them, and publishes marts identical, row for row, to a full build of the same inbox.
A change of code makes the same request a full build."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from bench.compare_marts import compare, report
from pipelines import incremental, publication
from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import lake_differences, query, run_nightly_build

pytestmark = pytest.mark.integration

EXPORT = "enterprise_reports/export/温室气体排放报告_2020.csv"
PRICES = "exchange_prices/BJ_daily_2014-2020.csv"


def _later(path: Path, than: Path, seconds: int = 3600) -> None:
    moment = than.stat().st_mtime + seconds
    os.utime(path, (moment, moment))


def _deliver_corrections(inbox: Path, share: float = 0.01) -> set[str]:
    """A later file re-delivering 1 % of the enterprises' 2020 reports with activity and emissions
    5 % higher (a correction after verification); returns their credit codes."""
    original = inbox / EXPORT
    raw = original.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"  # offices' exports are often GB18030
    rows = list(csv.reader(raw.decode(encoding).splitlines()))
    header, body = rows[0], rows[1:]
    codes = sorted({row[0] for row in body})
    chosen = set(codes[:: max(1, round(1 / share))])
    activity, emissions = header.index("活动水平"), header.index("排放量(tCO2)")
    corrected = []
    for row in body:
        if row[0] in chosen:
            row = list(row)
            for column in (activity, emissions):
                if row[column]:
                    row[column] = f"{float(row[column]) * 1.05:.2f}"
            corrected.append(row)
    target = original.with_name(f"{original.stem}_更正.csv")
    with open(target, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([header, *corrected])
    _later(target, original)
    return chosen


def _add_trading_day(inbox: Path) -> None:
    path = inbox / PRICES
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("2020-12-30,BEA,70.24,71.02,69.95,70.88,2150,152392.00,挂牌\n")


@pytest.fixture
def night(sample_warehouse, tmp_path):
    """The published sample (a copy, with its inbox: file times kept, so nothing looks changed) and
    the next night's inbox: one more trading day and corrected reports."""
    warehouse, inbox = tmp_path / "warehouse", tmp_path / "inbox"
    shutil.copytree(sample_warehouse, warehouse, symlinks=True, ignore=shutil.ignore_patterns("build", "*.lock"))
    shutil.copytree(SAMPLE_DIR, inbox)  # copy2: modification times kept
    _add_trading_day(inbox)
    corrected = _deliver_corrections(inbox)
    return warehouse, inbox, corrected


def _materialisations(result) -> dict[str, dict]:
    found = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            found["/".join(materialization.asset_key.path)] = {k: v.value for k, v in materialization.metadata.items()}
    return found


def test_incremental_night_reads_only_what_changed_and_equals_a_full_build(night, tmp_path):
    warehouse, inbox, corrected = night
    # A later read the checks refused left other statistics in the lake than the publication's.
    shutil.rmtree(warehouse / "lake" / "raw" / "energy_balance" / "year=2015")
    result = run_nightly_build(inbox, warehouse, tags={incremental.MODE_TAG: incremental.INCREMENTAL})
    assert result.success
    done = _materialisations(result)
    # the energy statistics were not read; the two changed families were
    assert done["raw/energy_balance"]["rows_loaded"] == "kept as published (files unchanged)"
    assert done["raw/market_daily"]["rows_loaded"] != "kept as published (files unchanged)"
    assert done["raw/enterprise_report_lines"]["rows_loaded"] != "kept as published (files unchanged)"
    # dbt copied what does not depend on them (the plan targets: statistics only) and rebuilt what does
    assert "copied_from_generation" in done["marts/fct_target_progress"]
    assert "copied_from_generation" not in done["marts/fct_enterprise_year"]
    assert "copied_from_generation" not in done["marts/fct_market_daily"]

    published = warehouse / "ghg.duckdb"
    assert publication.current_generation(warehouse).manifest["mode"] == "incremental"
    # The unchanged family's tables were copied into the lake from the build file all the same.
    assert lake_differences(published, warehouse / "lake") == []
    assert query(published, "SELECT max(trade_date) FROM marts.fct_market_daily WHERE exchange_code = 'BJ'")[0][0].isoformat() == "2020-12-30"

    full = tmp_path / "full"
    assert run_nightly_build(inbox, full).success
    for name in ("ghg.duckdb", "ghg_public.duckdb"):
        comparison = compare(full / name, warehouse / name)
        same = comparison.equal and not comparison.only_after and not any(t.columns_only_after for t in comparison.tables)
        assert same, f"{name}: the incremental night differs from a full build:\n{report(comparison)}"
    # and the correction did arrive (so the comparison compared something that changed)
    codes = sorted(corrected)[:3]
    assert query(published, "SELECT count(*) FROM marts.fct_enterprise_year WHERE year = 2020 AND list_contains(?, credit_code)",
                 [codes])[0][0] == len(codes)


def test_a_code_change_makes_the_incremental_request_a_full_build(tmp_path, sample_warehouse):
    mode = incremental.choose_mode(True, sample_warehouse / "ghg.duckdb", "g1", "a different code fingerprint")
    assert not mode.incremental and "code changed" in mode.reason
    assert incremental.choose_mode(True, tmp_path / "none.duckdb", None, "x").reason.startswith("nothing published")
    current, _ = incremental.read_state(sample_warehouse / "ghg.duckdb")
    assert set(current) == {"energy_statistics", "enterprise_reports", "exchange_prices"}
