"""The completeness gate: a build that lost data the last publication had publishes nothing, says
exactly what went missing, and publishes only when an officer accepts the drop with a reason.

The warehouse folder starts as a copy of the session's sample build (so the last publication is
the sample) at a path with a quote, a space and Chinese characters, which must build and publish.
"""

from __future__ import annotations

import json
import shutil

import pytest

from pipelines import cli, publication
from pipelines.paths import SAMPLE_DIR
from pipelines.run_summary import summary_message
from pipelines.sensors import alert_for_failed_run
from tests.integration.build_helpers import query, run_nightly_build

pytestmark = pytest.mark.integration

EXPORT_2019 = "enterprise_reports/export/温室气体排放报告_2019.csv"
BALANCE_2018 = "energy_statistics/energy_balance/能源平衡表_620000_2018.xlsx"


@pytest.fixture(scope="module")
def damaged(sample_warehouse, tmp_path_factory) -> dict:
    """The sample inbox with the 2019 export cut off mid-row and the 2018 balance workbook gone,
    built on top of the published sample: the failing run."""
    base = tmp_path_factory.mktemp("gate")
    warehouse = base / "o'brien 温室气体 仓库"
    shutil.copytree(sample_warehouse, warehouse, symlinks=True, ignore=shutil.ignore_patterns("*.lock", "build"))
    before = publication.current_generation(warehouse)
    assert before is not None
    inbox = base / "inbox"
    shutil.copytree(SAMPLE_DIR, inbox)
    export = inbox / EXPORT_2019
    data = export.read_bytes()
    cut = data.index(b"\n", len(data) * 6 // 10) + 40  # 40 bytes into a row, 60 % of the way through
    export.write_bytes(data[:cut])
    (inbox / BALANCE_2018).unlink()
    result = run_nightly_build(inbox, warehouse)
    return {"warehouse": warehouse, "inbox": inbox, "before": before, "result": result}


def test_nothing_is_published_and_both_files_stay(damaged):
    assert not damaged["result"].success
    after = publication.current_generation(damaged["warehouse"])
    assert after.name == damaged["before"].name
    failed_checks = {event.event_specific_data.check_name for event in damaged["result"].all_events
                     if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed}
    assert "completeness_gate_audit_completeness_drops_" in failed_checks or any("completeness_gate" in c for c in failed_checks)


def test_the_summary_and_the_alert_name_exactly_what_went_missing(damaged, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(damaged["warehouse"]))
    monkeypatch.delenv("GHG_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("GHG_ALERT_EMAIL", raising=False)
    run_id = damaged["result"].run_id
    message = summary_message(run_id)
    assert message.startswith("completeness gate: nothing was published")
    assert "enterprise reports of 2019" in message
    assert f"{EXPORT_2019} ends mid-row" in message
    assert "energy balance table of region 620000, 2018" in message
    assert 'ghg build --accept-drop "reason"' in message
    alert = alert_for_failed_run(run_id, "nightly_build", "step ghg_dbt_assets failed", ["ghg_dbt_assets"])
    assert "energy balance table of region 620100, 2018" in alert["message"]
    # The rows before the cut were read (the good data beside the damage is not lost).
    build = damaged["warehouse"] / "build" / f"{run_id}.duckdb"
    loaded, truncated = query(build, f"""
        select rows_loaded, truncated from raw.source_files where source_file = '{EXPORT_2019}'""")[0]
    assert truncated and loaded > 1000


def test_an_accepted_drop_is_published_with_its_reason(damaged, monkeypatch, capsys):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(damaged["warehouse"]))
    monkeypatch.setenv("GHG_INBOX_DIR", str(damaged["inbox"]))
    monkeypatch.setenv("GHG_NO_PROGRESS", "1")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    reason = "2018 balance withdrawn by the bureau; the 2019 export is re-sent tomorrow"
    assert cli.main(["build", "--accept-drop", reason]) == cli.EXIT_OK, capsys.readouterr()
    generation = publication.current_generation(damaged["warehouse"])
    assert generation.name != damaged["before"].name
    assert json.loads((generation.path / "publication.json").read_text())["accepted_drop"] == reason
    assert query(generation.full, "select distinct accepted_reason from audit.audit_completeness_drops") == [(reason,)]
    # Both files of the new generation open, from one run, under the quoted path.
    assert query(generation.public, "select run_id from meta.publication") == query(generation.full, "select run_id from meta.publication")
    assert cli.main(["status"]) == cli.EXIT_OK
    assert f"published despite missing data, accepted: {reason}" in capsys.readouterr().out
