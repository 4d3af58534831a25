"""Sensors: a build when new files land in the inbox, an alert when a run fails.

The inbox sensor's run key is a hash of the inbox's file *contents* (names excluded, duplicates
counted once), so a renamed copy of a file already loaded starts no new run, while a changed
file does. The cursor keeps the last fingerprint so an unchanged inbox is skipped cheaply.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from pipelines import paths
from pipelines.alerts import record_alert
from pipelines.inbox import inbox_files, settle_seconds
from pipelines.incremental import file_digest, nightly_mode_tags
from pipelines.partitions import FULL
# On a server that runs unattended, set GHG_INBOX_SENSOR=on in the daemon's environment (or
# start the sensor once in the UI / `dagster sensor start inbox_sensor`; the instance keeps it).
# Off by default so that `make dagster` on a developer's machine does not start a build of
# whatever sits in the inbox the moment it comes up.
INBOX_SENSOR_DEFAULT = (
    DefaultSensorStatus.RUNNING if os.environ.get("GHG_INBOX_SENSOR", "").lower() in ("1", "on", "true") else DefaultSensorStatus.STOPPED
)


def inbox_fingerprint(inbox: Path) -> str | None:
    """sha256 over the sorted set of the files' content hashes; None for an empty inbox."""
    digests = sorted({file_digest(path) for path in inbox_files(inbox)})
    if not digests:
        return None
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


@dataclass(frozen=True)
class InboxDecision:
    run_key: str | None  # None: no run
    cursor: str | None  # the cursor to store
    reason: str


def decide(inbox: Path, cursor: str | None, now: float | None = None, settle: float | None = None) -> InboxDecision:
    """The pure core of the inbox sensor (tested directly and through build_sensor_context).

    The sensor waits for files to settle before it asks for a run (the run's ingestion waits
    again, pipelines/inbox.py, so a file arriving after the request is not read half-written).
    """
    now = time.time() if now is None else now
    settle = settle_seconds() if settle is None else settle
    files = inbox_files(inbox)
    if not files:
        return InboxDecision(None, cursor, f"inbox {inbox} is empty")
    # A future modification time (a share's clock running ahead) says nothing about age: the run's
    # own ingestion step watches such files until they stay the same (pipelines/inbox.py).
    arriving = [path for path in files if 0 <= now - path.stat().st_mtime < settle]
    if arriving:
        return InboxDecision(None, cursor, f"{len(arriving)} file(s) modified in the last {settle:.0f} s; waiting for them to settle")
    fingerprint = inbox_fingerprint(inbox)
    last = json.loads(cursor)["fingerprint"] if cursor else None
    if fingerprint == last:
        return InboxDecision(None, cursor, "inbox contents unchanged since the last run request")
    return InboxDecision(fingerprint, json.dumps({"fingerprint": fingerprint, "files": len(files)}), f"{len(files)} file(s), new contents")


@sensor(
    name="inbox_sensor",
    job_name="nightly_build",
    minimum_interval_seconds=60,
    default_status=INBOX_SENSOR_DEFAULT,
    description="新文件到达收件箱时构建 / build when new or changed files land in the inbox (run key = content hash).",
)
def inbox_sensor(context: SensorEvaluationContext):
    decision = decide(paths.inbox_dir(), context.cursor)
    if decision.run_key is None:
        return SkipReason(decision.reason)
    # Dagster also refuses a second run with the same run_key, so a renamed copy of an
    # already-loaded set of files can never start a second load even if the cursor is reset.
    return SensorResult(
        run_requests=[RunRequest(run_key=decision.run_key, partition_key=FULL, tags={"ghg/trigger": "inbox_sensor", **nightly_mode_tags()})],
        cursor=decision.cursor,
    )


def alert_for_failed_run(run_id: str, job_name: str, failure_message: str, failed_steps: list[str]) -> dict:
    """What the failure sensor does, callable without a Dagster instance. The run's own summary
    (pipelines/run_summary.py: e.g. what the completeness gate found missing) leads the message."""
    from pipelines.run_summary import summary_message

    summary = summary_message(run_id)
    message = f"{summary}\n{failure_message}" if summary else failure_message
    return record_alert(run_id=run_id, job_name=job_name, message=message, failed_steps=failed_steps)


@run_failure_sensor(
    name="alert_on_run_failure",
    default_status=DefaultSensorStatus.RUNNING,
    description="构建失败时记录告警 / record an alert (ops.alerts, log, optional webhook/e-mail) when a run fails.",
)
def alert_on_run_failure(context: RunFailureSensorContext):
    run = context.dagster_run
    steps = [event.step_key for event in context.get_step_failure_events() if event.step_key]
    message = context.failure_event.message or "run failed"
    alert_for_failed_run(run.run_id, run.job_name, message, steps)
