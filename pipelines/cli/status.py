"""`ghg status`: the last build, and the published pair of files as a reader opens them."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from pipelines import paths
from pipelines.cli.build import BUILD_RUNS_TABLE
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, safe

# Dagster, polars, DuckDB and the readers are imported by the commands that use them, so that
# `ghg --help` and `ghg status` start at once.


def _human_bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _last_dagster_run() -> dict | None:
    """The latest nightly_build run in the Dagster instance (only when DAGSTER_HOME is set)."""
    home = os.environ.get("DAGSTER_HOME")
    if not home or not Path(home).is_dir():
        return None
    from dagster import DagsterEventType, DagsterInstance, RunsFilter

    with DagsterInstance.get() as instance:
        runs = instance.get_run_records(filters=RunsFilter(job_name="nightly_build"), limit=1)
        if not runs:
            return None
        record = runs[0]
        checks = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(record.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
        start = record.start_time or record.create_timestamp.timestamp()
        return {
            "run_id": record.dagster_run.run_id,
            "status": record.dagster_run.status.value,
            "started": dt.datetime.fromtimestamp(start, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "trigger": record.dagster_run.tags.get("ghg/trigger", record.dagster_run.tags.get("dagster/schedule_name", "")),
            "checks_passed": sum(1 for check in checks if check.passed),
            "checks_failed": sorted({check.check_name for check in checks if not check.passed}),
        }


def _newest_row(sql: str) -> dict | None:
    """The first row of a query on the operations store, or None (no store, no table, no row)."""
    from pipelines import ops_store

    try:
        frame = ops_store.read(sql)
    except Exception:
        return None
    return frame.row(0, named=True) if frame.height else None


def _print_last_build(published_run: str | None) -> None:
    print("last build:")
    shown = False
    try:
        dagster_run = _last_dagster_run()
    except Exception as error:
        dagster_run = None
        print(f"  (Dagster history unreadable: {type(error).__name__}: {safe(error)})")
    if dagster_run:
        failed = dagster_run["checks_failed"]
        print(f"  Dagster run {dagster_run['run_id']} ({dagster_run['trigger'] or 'manual'}): {dagster_run['status']}, started {dagster_run['started']}")
        print(f"  checks: {dagster_run['checks_passed']} passed, {len(failed)} failed{' (' + ', '.join(failed[:10]) + ')' if failed else ''}")
        shown = True
    # The summary every run writes (pipelines/run_summary.py: publish step or failure hook).
    row = _newest_row("SELECT * FROM ops.run_summary ORDER BY recorded_at DESC LIMIT 1")
    if row is not None:
        outcome = "published" if row["published"] else "FAILED, nothing published"
        print(f"  run {row['run_id']}: {outcome}, recorded {row['recorded_at']:%Y-%m-%d %H:%M:%S} UTC")
        print(f"  rows loaded {row['rows_loaded']:,}, quarantined {row['rows_quarantined']:,}")
        print(f"  checks: {row['checks_passed']} passed, {row['checks_failed']} failed{' (' + safe(row['failed_checks']) + ')' if row['failed_checks'] else ''}")
        if row["failed_steps"]:
            print(f"  failed steps: {safe(row['failed_steps'])}")
        if row["message"]:
            print(f"  {safe(str(row['message'])[:600])}")
        if not row["published"] and published_run:
            print(f"  the files below are still those of run {published_run}")
        shown = True
    # `ghg build` records its own outcome too (a run that failed before any step ran).
    row = None if shown else _newest_row(f'SELECT * FROM ops."{BUILD_RUNS_TABLE}" ORDER BY started_at_utc DESC LIMIT 1')
    if row is not None:
        outcome = "succeeded" if row["success"] else "FAILED"
        print(f"  ghg build run {row['run_id']}: {outcome}, started {row['started_at_utc']:%Y-%m-%d %H:%M:%S} UTC, {row['seconds']} s")
        print(f"  checks: {row['checks_passed']} passed, failed: {safe(row['checks_failed']) or 'none'}")
        if row["failed_steps"]:
            print(f"  failed steps: {safe(row['failed_steps'])}")
        shown = True
    if not shown:
        print("  none recorded (no run summary in the operations store, no Dagster history)")
    alert = _newest_row("SELECT raised_at_utc, run_id, message FROM ops.alerts ORDER BY raised_at_utc DESC LIMIT 1")
    if alert is not None:
        print(f"last alert: {alert['raised_at_utc']} run {alert['run_id']}: {safe(str(alert['message']).splitlines()[0][:200])}")


def cmd_status(args: argparse.Namespace) -> int:
    """The last build, and the published pair exactly as a reader opens it (through `current`)."""
    from pipelines import publication

    root = paths.warehouse_dir()
    generation = publication.current_generation(root)
    _print_last_build(generation.run_id if generation else None)
    print("published:")
    if generation is None:
        legacy = root / publication.FULL_NAME
        if legacy.exists() and not legacy.is_symlink():
            print(f"  {legacy} (published before generations existed; the next build publishes both files together)")
            return EXIT_OK
        print(f"  nothing published yet ({root / publication.CURRENT} does not exist; run `ghg build`)")
        return EXIT_FAILED
    published_at = generation.published_at
    print(f"  generation {generation.name}: run {generation.run_id}, published "
          f"{published_at:%Y-%m-%d %H:%M:%S} UTC" if published_at else f"  generation {generation.name}")
    if generation.manifest.get("accepted_drop"):
        print(f"  published despite missing data, accepted: {safe(generation.manifest['accepted_drop'])}")
    code = EXIT_OK
    for name, label in ((publication.FULL_NAME, "full (confidential)"), (publication.PUBLIC_NAME, "public")):
        path = generation.path / name
        if not path.exists():
            print(f"  {label}: {path} is MISSING")
            code = EXIT_FAILED
            continue
        print(f"  {label}: {path}  {_human_bytes(path.stat().st_size)}")
        try:
            counts = publication.table_row_counts(path)
        except Exception as error:
            print(f"    cannot be read: {safe(str(error).splitlines()[0])}")
            code = EXIT_FAILED
            continue
        for table, rows in counts.items():
            print(f"    {table:<40} {rows:>12,} rows")
    return code
