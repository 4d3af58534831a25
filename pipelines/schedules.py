"""When the nightly build runs without anyone starting it."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, SkipReason, schedule

from pipelines.incremental import nightly_mode_tags
from pipelines.partitions import FULL
from pipelines.writer_lock import writer_busy

NIGHTLY_CRON = "0 2 * * *"
# The offices work in China Standard Time; the server may run in UTC.
NIGHTLY_TIMEZONE = "Asia/Shanghai"


@schedule(
    name="nightly_build_schedule",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=NIGHTLY_TIMEZONE,
    job_name="nightly_build",
    default_status=DefaultScheduleStatus.RUNNING,
    description="每晚 02:00（北京时间）构建（增量：只读变化的文件）/ build every night at 02:00 Asia/Shanghai (incremental: only changed files are read).",
)
def nightly_build_schedule(context: ScheduleEvaluationContext):
    if writer_busy():
        # A build started by hand (`ghg build`) is still writing; the queue's ghg/writer limit
        # covers runs Dagster launched, the lock covers the rest.
        return SkipReason("another build holds the writer lock; tonight's build is skipped")
    return RunRequest(run_key=None, partition_key=FULL, tags={"ghg/trigger": "schedule", **nightly_mode_tags()})
