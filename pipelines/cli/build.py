"""`ghg build`: ingest the inbox, build, publish if every blocking check passed (or reload years)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import paths
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, interactive, safe, stderr

# Dagster, polars, DuckDB and the readers are imported by the commands that use them, so that
# `ghg --help` and `ghg status` start at once.

BUILD_RUNS_TABLE = "build_runs"  # ops store: one row per `ghg build`


def seed_inbox_from_sample(inbox: Path, sample: Path = paths.SAMPLE_DIR) -> bool:
    """Copy the bundled sample into an empty inbox; returns whether it copied.

    An inbox that already holds source files (in a family folder) is the office's own data and is
    never touched; a README or other loose file at the top does not count as data.
    """
    if inbox.exists() and any(p.is_file() and p.parent != inbox for p in inbox.rglob("*")):
        return False
    shutil.copytree(sample, inbox, dirs_exist_ok=True)
    return True


@dataclass
class BuildOutcome:
    success: bool
    summary: str
    run_id: str = ""
    failed_steps: list[str] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)


def run_build(year: int | None = None, accept_drop: str | None = None, incremental: bool = False) -> BuildOutcome:
    """Run the nightly_build job in this process: partition "all", or with a year that year's partition
    (a year backfill: the same assets, checks and publication; pipelines/partitions.py).

    The run takes the writer lock itself (WarehouseResource) and, started by hand, does not wait
    for another build: it fails at once and says who holds the lock.
    """
    from dagster import DagsterInstance

    from pipelines import publication
    from pipelines.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    from pipelines.partitions import FULL

    job = defs.resolve_job_def("nightly_build")
    run_config = {
        # INFO, not DEBUG: an office reads this log every morning; step events stay in Dagster.
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "resources": {"warehouse": {"config": {"lock_wait_seconds": 0}}},
    }
    from pipelines.incremental import INCREMENTAL, MODE_TAG

    tags = {"ghg/trigger": "cli"}
    if incremental:
        tags[MODE_TAG] = INCREMENTAL
    if accept_drop:
        tags[publication.ACCEPT_DROP_TAG] = accept_drop
    before = publication.current_generation(paths.warehouse_dir())
    result = job.execute_in_process(
        run_config=run_config, instance=instance, raise_on_error=False, tags=tags,
        partition_key=FULL if year is None else str(year),
    )
    checks = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    outcome = BuildOutcome(
        success=result.success,
        summary="",
        run_id=result.run_id,
        checks_passed=sum(1 for check in checks if check.passed),
        checks_failed=sorted({check.check_name for check in checks if not check.passed}),
    )
    after = publication.current_generation(paths.warehouse_dir())
    if result.success and after is not None:
        outcome.summary = f"run {result.run_id}: published generation {after.name} ({after.full.parent})"
    else:
        outcome.success = False
        outcome.failed_steps = [event.step_key for event in result.all_events if event.is_step_failure] or _failed_steps(result)
        # The pointer moves in one rename (pipelines/publication.py): a failed run cannot have
        # moved it, so this sentence is checked, not assumed.
        if after is not None and (before is None or after.name != before.name):
            kept = f"generation {after.name} was published by this run before it failed"
        elif after is not None:
            kept = f"the published warehouse (generation {after.name}, run {after.run_id}) was left as it was"
        else:
            kept = "nothing has been published yet"
        outcome.summary = f"run {result.run_id} failed at {', '.join(outcome.failed_steps) or 'an unknown step'}; {kept}"
        reason = _failure_reason(result)
        if reason:
            outcome.summary += f"\n  {reason}"
    return outcome


def _failed_steps(result) -> list[str]:
    return ["run start (resources)"] if any(event.event_type_value == "RUN_FAILURE" for event in result.all_events) else []


def _failure_reason(result) -> str:
    """The first failure message worth showing an operator (the writer lock, the completeness gate …)."""
    from pipelines.run_summary import summary_message

    message = summary_message(result.run_id)
    if message.startswith("completeness gate"):
        return message
    for event in result.all_events:
        if event.event_type_value in ("RUN_FAILURE", "STEP_FAILURE", "ENGINE_EVENT"):
            text = event.message or ""
            error = getattr(getattr(event, "event_specific_data", None), "error", None)
            detail = getattr(error, "message", "") if error is not None else ""
            for candidate in (detail, text):
                if "writer lock" in candidate:
                    return candidate.strip().splitlines()[0]
    return ""


def _record_build(outcome: BuildOutcome, started_at: dt.datetime, seconds: float) -> None:
    """One row per CLI build in the operations store, so `ghg status` works without Dagster's history."""
    import polars as pl

    from pipelines import ops_store

    row = {
        "run_id": outcome.run_id,
        "started_at_utc": started_at,
        "seconds": round(seconds, 1),
        "success": outcome.success,
        "published": outcome.success,
        "checks_passed": outcome.checks_passed,
        "checks_failed": ", ".join(outcome.checks_failed),
        "failed_steps": ", ".join(outcome.failed_steps),
        "summary": outcome.summary,
    }
    try:
        ops_store.append(BUILD_RUNS_TABLE, pl.DataFrame([row]))
    except Exception as error:  # the build's result matters more than its bookkeeping
        stderr(f"warning: could not record the build in {ops_store.ops_path()}: {error}")


def cmd_build(args: argparse.Namespace, run_build: Callable[..., BuildOutcome]) -> int:
    """`ghg build`; run_build runs one build (the package passes pipelines.cli.run_build, so it can be replaced there)."""
    from pipelines.writer_lock import holder, writer_busy

    inbox = paths.inbox_dir()
    if args.sample and seed_inbox_from_sample(inbox):
        print(f"inbox {inbox} was empty: copied the bundled sample into it")
    if not inbox.exists():
        stderr(f"inbox {inbox} does not exist; drop source files there or use --sample")
        return EXIT_USAGE
    accept_drop = (args.accept_drop or "").strip() or None
    if args.accept_drop is not None and not accept_drop:
        stderr("--accept-drop needs a reason (it is recorded with the publication)")
        return EXIT_USAGE
    if writer_busy():
        stderr(f"another build holds the writer lock ({safe(holder())}); not starting a second build "
                "(try again when it has finished)")
        return EXIT_FAILED
    if args.years:
        return _backfill(args.years, accept_drop, run_build)
    # Only an incremental build passes the option, so a replacement run_build (tests, tools) keeps working.
    build_options = {"accept_drop": accept_drop, **({"incremental": True} if args.incremental else {})}
    started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    started = time.monotonic()
    if interactive():
        from rich.console import Console

        with Console(stderr=True).status("building: ingestion → dbt build → checks → publish …"):
            outcome = run_build(**build_options)
    else:
        outcome = run_build(**build_options)
    seconds = time.monotonic() - started
    _record_build(outcome, started_at, seconds)
    checks = f"checks: {outcome.checks_passed} passed, {len(outcome.checks_failed)} failed"
    if outcome.checks_failed:
        checks += f" ({', '.join(outcome.checks_failed[:10])})"
    print(safe(f"{outcome.summary} ({seconds:.0f} s; {checks})", keep_newlines=True))
    return EXIT_OK if outcome.success else EXIT_FAILED


def _backfill(years: list[int], accept_drop: str | None, run_build: Callable[..., BuildOutcome]) -> int:
    """Reload the given years one after another (year partitions of nightly_build); stop at the first failure."""
    from pipelines.partitions import FIRST_YEAR, LAST_YEAR

    wrong = [year for year in years if not FIRST_YEAR <= year <= LAST_YEAR]
    if wrong:
        stderr(f"years must be between {FIRST_YEAR} and {LAST_YEAR}: {', '.join(map(str, wrong))}")
        return EXIT_USAGE
    from pipelines import publication

    published = publication.published_file(paths.warehouse_dir(), "full")
    if not published.exists():
        stderr(f"{published} does not exist: a year backfill builds on the published warehouse; run `ghg build` first")
        return EXIT_USAGE
    for year in sorted(set(years)):
        started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        started = time.monotonic()
        outcome = run_build(year, accept_drop=accept_drop)
        seconds = time.monotonic() - started
        if outcome.success:
            outcome.summary = f"reloaded {year}; {outcome.summary}"
        _record_build(outcome, started_at, seconds)
        print(safe(f"{year}: {outcome.summary} ({seconds:.0f} s)", keep_newlines=True))
        if not outcome.success:
            return EXIT_FAILED
    return EXIT_OK
