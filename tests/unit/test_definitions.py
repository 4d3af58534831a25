"""The code location as `dagster dev` loads it: job, schedule, sensors, checks; and the sensors' logic."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from dagster import (
    DagsterInstance,
    RetryPolicy,
    RunRequest,
    SkipReason,
    asset,
    build_sensor_context,
    define_asset_job,
    in_process_executor,
)

from pipelines import ops_store
from pipelines.definitions import defs
from pipelines.sensors import alert_for_failed_run, decide, inbox_fingerprint, inbox_sensor
from pipelines.writer_lock import WriterBusy, writer_busy, writer_lock


def test_definitions_hold_job_schedule_sensors_and_checks():
    job = defs.resolve_job_def("nightly_build")
    assert job.tags.get("ghg/writer") == "warehouse"
    schedule = defs.resolve_schedule_def("nightly_build_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "nightly_build"
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "nightly_build"
    assert defs.resolve_sensor_def("alert_on_run_failure") is not None
    asset_graph = defs.resolve_asset_graph()
    assert asset_graph.asset_check_keys, "dbt tests should load as asset checks"
    keys = {key.to_user_string() for key in asset_graph.get_all_asset_keys()}
    assert {"raw/energy_balance", "marts/fct_region_year", "warehouse/ghg"} <= keys


def test_ingestion_steps_retry_and_dbt_does_not():
    ingest = [node for node in defs.resolve_job_def("nightly_build").graph.node_defs if node.name.startswith("ingest_")]
    assert ingest and all(isinstance(node.retry_policy, RetryPolicy) for node in ingest)
    dbt_node = defs.resolve_job_def("nightly_build").graph.node_named("ghg_dbt_assets").definition
    assert dbt_node.retry_policy is None


def test_in_process_executor_honours_retry_policies(tmp_path):
    marker = tmp_path / "attempts"

    @asset(retry_policy=RetryPolicy(max_retries=2, delay=0))
    def flaky():
        attempts = int(marker.read_text()) + 1 if marker.exists() else 1
        marker.write_text(str(attempts))
        if attempts < 2:
            raise OSError("share briefly unreachable")
        return attempts

    job = define_asset_job("flaky_job", executor_def=in_process_executor)
    from dagster import Definitions

    result = Definitions(assets=[flaky], jobs=[job]).resolve_job_def("flaky_job").execute_in_process(
        instance=DagsterInstance.ephemeral()
    )
    assert result.success
    assert marker.read_text() == "2"


def _age(path, seconds=3600):
    past = time.time() - seconds
    for file in [path] if path.is_file() else path.rglob("*"):
        os.utime(file, (past, past))


def _evaluate(inbox, cursor=None, instance=None):
    saved = os.environ.get("GHG_INBOX_DIR")
    os.environ["GHG_INBOX_DIR"] = str(inbox)
    try:
        context = build_sensor_context(cursor=cursor, instance=instance)
        return inbox_sensor(context)
    finally:
        if saved is None:
            os.environ.pop("GHG_INBOX_DIR", None)
        else:
            os.environ["GHG_INBOX_DIR"] = saved


def test_inbox_sensor_new_file_renamed_copy_and_changed_content(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "exchange_prices").mkdir(parents=True)
    first = inbox / "exchange_prices" / "prices_2021.csv"
    first.write_text("trade_date,close\n2021-01-04,30.5\n", encoding="utf-8")
    _age(first)

    empty = _evaluate(tmp_path / "missing")
    assert isinstance(empty, SkipReason)

    result = _evaluate(inbox)
    assert len(result.run_requests) == 1
    request = result.run_requests[0]
    assert isinstance(request, RunRequest)
    assert request.run_key == inbox_fingerprint(inbox)
    cursor = result.cursor
    assert json.loads(cursor)["fingerprint"] == request.run_key

    # Nothing changed: skipped.
    assert isinstance(_evaluate(inbox, cursor), SkipReason)

    # The same file dropped again under another name: same contents, same key, no new run.
    copy = inbox / "exchange_prices" / "prices_2021 (副本).csv"
    shutil.copy2(first, copy)
    _age(copy)
    assert inbox_fingerprint(inbox) == request.run_key
    assert isinstance(_evaluate(inbox, cursor), SkipReason)
    # ... and renamed only: still the same.
    copy.rename(inbox / "exchange_prices" / "renamed.csv")
    assert isinstance(_evaluate(inbox, cursor), SkipReason)

    # Changed contents: a new run with a new key.
    first.write_text("trade_date,close\n2021-01-04,31.0\n", encoding="utf-8")
    _age(first)
    changed = _evaluate(inbox, cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].run_key not in (None, request.run_key)


def test_inbox_sensor_waits_for_files_still_arriving_and_ignores_partial_copies(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("x\n1\n")
    decision = decide(inbox, None, settle=30)
    assert decision.run_key is None and "settle" in decision.reason
    _age(inbox / "a.csv")
    key = decide(inbox, None, settle=30).run_key
    (inbox / "b.csv.part").write_text("half a file")
    (inbox / "~$a.xlsx").write_text("office lock")
    assert decide(inbox, None, settle=30).run_key == key


def test_failure_alert_lands_in_the_operations_store(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.delenv("GHG_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("GHG_ALERT_EMAIL", raising=False)
    row = alert_for_failed_run("run123", "nightly_build", "dbt test failed", ["ghg_dbt_assets"])
    assert row["notified"] == "not configured"
    alerts = ops_store.read("select run_id, job_name, failed_steps, kind from ops.alerts")
    assert alerts.rows() == [("run123", "nightly_build", "ghg_dbt_assets", "run_failure")]


def test_unreachable_webhook_does_not_lose_the_alert(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("GHG_ALERT_WEBHOOK", "http://127.0.0.1:9/hook")  # discard port: refused
    row = alert_for_failed_run("run9", "nightly_build", "boom", [])
    assert row["notified"].startswith("webhook: not sent")
    assert ops_store.read("select count(*) as n from ops.alerts")["n"][0] == 1


def test_writer_lock_is_exclusive_and_released(tmp_path):
    lock = tmp_path / ".writer.lock"
    with writer_lock(lock):
        assert writer_busy(lock)
        with pytest.raises(WriterBusy):
            with writer_lock(lock):
                pass
    assert not writer_busy(lock)


def test_every_writing_step_is_in_the_single_writer_pool():
    from pipelines.writer_lock import WRITER_POOL

    asset_steps = {node.assets_def.node_def.name: node.assets_def.node_def.pool for node in defs.resolve_asset_graph().asset_nodes}
    assert set(asset_steps) == {"ingest_enterprise_reports", "ingest_energy_statistics", "ingest_exchange_prices",
                                "raw_registers", "raw__previous_publication_coverage", "ghg_dbt_assets", "warehouse__ghg"}
    assert set(asset_steps.values()) == {WRITER_POOL}
    nightly = defs.resolve_job_def("nightly_build")
    assert nightly.tags.get("ghg/writer") == "warehouse"


def test_instance_template_allows_one_writing_run_at_a_time(tmp_path, monkeypatch):
    """pipelines/dagster.yaml (copied into DAGSTER_HOME by make): pool limit 1 at run granularity,
    and the ghg/writer tag limited to one run, behind a queued run coordinator."""
    from dagster import DagsterInstance
    from dagster._core.run_coordinator import QueuedRunCoordinator

    shutil.copy(Path(__file__).resolve().parents[2] / "pipelines" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        config = instance.get_concurrency_config()
        assert config.pool_config.default_pool_limit == 1
        assert config.pool_config.pool_granularity.value == "run"
        assert {"key": "ghg/writer", "limit": 1} in config.run_queue_config.tag_concurrency_limits


def test_the_nightly_build_and_a_year_backfill_are_one_asset_graph():
    """One job, partitioned: "all" is the nightly full build, a year reloads that year on top of the
    publication; the same ingestion, dbt, checks and publication steps run for both."""
    from pipelines.partitions import FULL

    jobs = [job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    assert jobs == ["nightly_build"]
    job = defs.resolve_job_def("nightly_build")
    keys = job.partitions_def.get_partition_keys()
    assert keys[0] == FULL and keys[1] == "2005" and "2018" in keys and keys[-1] == "2035"
    steps = {node.name for node in job.nodes}
    assert {"ingest_enterprise_reports", "ingest_energy_statistics", "ingest_exchange_prices", "raw_registers",
            "raw__previous_publication_coverage", "ghg_dbt_assets", "warehouse__ghg"} <= steps
    assets = [asset for asset in defs.resolve_asset_graph().assets_defs if list(asset.keys)]  # not the check-only ones
    assert {asset.partitions_def for asset in assets} == {job.partitions_def}
