"""`ghg`: the platform's command line.

  ghg build [--sample] [--accept-drop REASON] [--years Y ...]
                                             ingest the inbox, build, publish if every blocking check passed
  ghg ingest FILE...  [--db PATH]            validate files and load them into a scratch build file
  ghg status                                 the last build and the published pair of files
  ghg export TABLE --format csv|xlsx|parquet --out PATH [--confidential]
                                             write one marts table of the public (or full) warehouse
  ghg serve [--port N] [--address A]         the dashboard

Exit codes scripts can rely on:
  0  success
  1  the command ran but failed: the build failed (nothing published), another build holds
     the writer lock, no file given to `ghg ingest` had a single valid row, or the warehouse
     could not be read
  2  wrong usage or missing input: unknown command/option/table/format, missing inbox, file or
     warehouse, an output inside the publication, a confidential table without --confidential
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import paths

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

BUILD_RUNS_TABLE = "build_runs"  # ops store: one row per `ghg build`


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def safe(text: object, keep_newlines: bool = False) -> str:
    """Data shown on the operator's terminal: control characters (escape sequences that clear or
    retitle a terminal) written visibly, one value on one line (pipelines/safe_text.py)."""
    from pipelines.safe_text import terminal_safe

    if keep_newlines:
        return "\n".join(terminal_safe(line) for line in str(text).split("\n"))
    return terminal_safe(str(text))


def _interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("GHG_NO_PROGRESS")


# --------------------------------------------------------------------------------------- build


def seed_inbox_from_sample(inbox: Path, sample: Path = paths.SAMPLE_DIR) -> bool:
    """Copy the bundled sample into an empty inbox; returns whether it copied.

    An inbox that already holds files is the office's own data and is never touched.
    """
    if inbox.exists() and any(p.is_file() for p in inbox.rglob("*")):
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


def run_build(year: int | None = None, accept_drop: str | None = None) -> BuildOutcome:
    """Run the nightly_build job in this process; with a year, the backfill_years job for that year.

    The run takes the writer lock itself (WarehouseResource) and, started by hand, does not wait
    for another build: it fails at once and says who holds the lock.
    """
    from dagster import DagsterInstance

    from pipelines import publication
    from pipelines.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    job = defs.resolve_job_def("nightly_build" if year is None else "backfill_years")
    run_config = {
        # INFO, not DEBUG: an office reads this log every morning; step events stay in Dagster.
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "resources": {"warehouse": {"config": {"lock_wait_seconds": 0}}},
    }
    tags = {"ghg/trigger": "cli"}
    if accept_drop:
        tags[publication.ACCEPT_DROP_TAG] = accept_drop
    before = publication.current_generation(paths.warehouse_dir())
    result = job.execute_in_process(
        run_config=run_config, instance=instance, raise_on_error=False, tags=tags,
        partition_key=None if year is None else str(year),
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
        _stderr(f"warning: could not record the build in {ops_store.ops_path()}: {error}")


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.writer_lock import holder, writer_busy

    inbox = paths.inbox_dir()
    if args.sample and seed_inbox_from_sample(inbox):
        print(f"inbox {inbox} was empty: copied the bundled sample into it")
    if not inbox.exists():
        _stderr(f"inbox {inbox} does not exist; drop source files there or use --sample")
        return EXIT_USAGE
    accept_drop = (args.accept_drop or "").strip() or None
    if args.accept_drop is not None and not accept_drop:
        _stderr("--accept-drop needs a reason (it is recorded with the publication)")
        return EXIT_USAGE
    if writer_busy():
        _stderr(f"another build holds the writer lock ({safe(holder())}); not starting a second build "
                "(try again when it has finished)")
        return EXIT_FAILED
    if args.years:
        return _backfill(args.years, accept_drop)
    started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    started = time.monotonic()
    if _interactive():
        from rich.console import Console

        with Console(stderr=True).status("building: ingestion → dbt build → checks → publish …"):
            outcome = run_build(accept_drop=accept_drop)
    else:
        outcome = run_build(accept_drop=accept_drop)
    seconds = time.monotonic() - started
    _record_build(outcome, started_at, seconds)
    checks = f"checks: {outcome.checks_passed} passed, {len(outcome.checks_failed)} failed"
    if outcome.checks_failed:
        checks += f" ({', '.join(outcome.checks_failed[:10])})"
    print(safe(f"{outcome.summary} ({seconds:.0f} s; {checks})", keep_newlines=True))
    return EXIT_OK if outcome.success else EXIT_FAILED


def _backfill(years: list[int], accept_drop: str | None = None) -> int:
    """Reload the given years one after another (pipelines/backfill.py); stop at the first failure."""
    from pipelines.backfill import FIRST_YEAR, LAST_YEAR

    wrong = [year for year in years if not FIRST_YEAR <= year <= LAST_YEAR]
    if wrong:
        _stderr(f"years must be between {FIRST_YEAR} and {LAST_YEAR}: {', '.join(map(str, wrong))}")
        return EXIT_USAGE
    from pipelines import publication

    published = publication.published_file(paths.warehouse_dir(), "full")
    if not published.exists():
        _stderr(f"{published} does not exist: a year backfill builds on the published warehouse; run `ghg build` first")
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


# -------------------------------------------------------------------------------------- ingest

# Folder (relative to the inbox) → family; the readers find files by these folders.
FOLDERS = {
    "enterprise_reports/export": "enterprise_reports",
    "enterprise_reports/workbooks": "enterprise_reports",
    "enterprise_reports/allocations": "enterprise_reports",
    "energy_statistics/energy_balance": "energy_statistics",
    "energy_statistics/activity": "energy_statistics",
    "energy_statistics/department_indicators": "energy_statistics",
    "exchange_prices": "exchange_prices",
}

# Header words that tell a file's kind when its path does not (first match wins).
CSV_HEADER_HINTS = (
    (("履约年度", "配额"), "enterprise_reports/allocations"),
    (("交易日期", "trade_date", "收盘价"), "exchange_prices"),
    (("统一社会信用代码", "credit_code"), "enterprise_reports/export"),
    (("指标名称", "指标", "indicator"), "energy_statistics/department_indicators"),
)
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


class UnknownKind(Exception):
    pass


def _folder_from_path(path: Path) -> tuple[str, Path] | None:
    """(folder, path below it) when the file sits under one of the inbox folders."""
    posix = path.resolve().as_posix()
    for folder in sorted(FOLDERS, key=len, reverse=True):
        marker = f"/{folder}/"
        if marker in posix:
            return folder, Path(posix.split(marker, 1)[1])
    return None


def classify(path: Path) -> tuple[str, Path]:
    """The inbox folder a file belongs to and its path below that folder.

    The path decides first (offices keep the inbox layout); otherwise the headers do.
    """
    found = _folder_from_path(path)
    if found:
        return found
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        from pipelines.ingest.common import decode_to_utf8

        head = path.open("rb").read(4096)
        try:
            text = decode_to_utf8(head)[0].decode("utf-8", errors="ignore")
        except Exception:
            text = head.decode("utf-8", errors="ignore")
        first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        for words, folder in CSV_HEADER_HINTS:
            if any(word in first_line for word in words):
                return folder, Path(path.name)
        raise UnknownKind("CSV headers match no source family")
    if suffix in EXCEL_SUFFIXES:
        from pipelines.ingest.common import open_workbook

        sheets = [name for name in open_workbook(path).sheet_names]
        joined = " ".join(sheets)
        if any(word in joined for word in ("化石燃料", "排放", "企业")):
            year = path.parent.name if re.fullmatch(r"(19|20)\d\d", path.parent.name) else str(dt.date.today().year - 1)
            return "enterprise_reports/workbooks", Path(year) / path.name
        first = open_workbook(path).load_sheet(sheets[0], header_row=None, n_rows=5).to_polars()
        cells = " ".join(str(value) for row in first.rows() for value in row if value is not None)
        if "地区生产总值" in cells or "GDP" in cells:
            return "energy_statistics/activity", Path(path.name)
        if "能源" in cells or "平衡" in path.name or "balance" in path.name.lower():
            return "energy_statistics/energy_balance", Path(path.name)
        raise UnknownKind("workbook's sheets and headers match no source family")
    raise UnknownKind(f"extension {suffix or '(none)'} is not read (CSV or Excel only)")


def _reader(family: str):
    if family == "energy_statistics":
        from pipelines.ingest.energy_statistics import read_energy_statistics

        return read_energy_statistics
    if family == "exchange_prices":
        from pipelines.ingest.exchange_prices import read_exchange_prices

        return read_exchange_prices
    from pipelines.ingest.allocations import read_enterprise_reports_and_allocations

    return read_enterprise_reports_and_allocations


@dataclass
class FileReport:
    path: Path
    folder: str = ""
    loaded: int = 0
    quarantined: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)
    error: str = ""


def _append_tables(db: Path, tables: dict, quarantine) -> None:
    import duckdb

    db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        for table, frame in [*tables.items(), ("quarantine", quarantine)]:
            con.register("incoming_frame", frame.to_arrow())
            con.execute(f'CREATE TABLE IF NOT EXISTS raw."{table}" AS SELECT * FROM incoming_frame LIMIT 0')
            con.execute(f'INSERT INTO raw."{table}" BY NAME SELECT * FROM incoming_frame')
            con.unregister("incoming_frame")


def ingest_file(path: Path, db: Path) -> FileReport:
    """Read one file with its family's reader (in a private one-file inbox) and load it into db."""
    report = FileReport(path)
    try:
        report.folder, below = classify(path)
    except UnknownKind as error:
        report.error = f"cannot tell which source family this is ({error}); put it under one of: {', '.join(FOLDERS)}"
        return report
    except Exception as error:
        report.error = f"cannot be read: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
        return report
    family = FOLDERS[report.folder]
    with tempfile.TemporaryDirectory(prefix="ghg-ingest-") as scratch:
        target = Path(scratch) / report.folder / below
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        try:
            result = _reader(family)(Path(scratch))
        except Exception as error:
            report.error = f"reader failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            return report
    # Loaded rows are the data tables' rows (the deliveries register describes them, it adds none).
    report.loaded = sum(frame.height for table, frame in result.tables.items() if table != "enterprise_report_deliveries")
    report.quarantined = result.quarantine.height
    if report.quarantined:
        counts = result.quarantine.group_by("reason").len().sort(["len", "reason"], descending=[True, False])
        report.reasons = [(row["len"], row["reason"]) for row in counts.iter_rows(named=True)]
    _append_tables(db, result.tables, result.quarantine)
    return report


def cmd_ingest(args: argparse.Namespace) -> int:
    files = [Path(name) for name in args.files]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        _stderr(f"no such file: {safe(', '.join(missing))}")
        return EXIT_USAGE
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    # Beside the warehouse, never a served file; *.duckdb there is git-ignored and `make clean` removes it.
    db = Path(args.db) if args.db else paths.warehouse_dir() / f"scratch-ingest-{stamp}-{os.getpid()}.duckdb"
    refused = served_file_reason(db)
    if refused:
        _stderr(f"--db {safe(db)}: {refused}; give a scratch file outside the publication")
        return EXIT_USAGE
    reports = []
    if _interactive() and len(files) > 1:
        from rich.progress import track

        iterator = track(files, description="reading files", console=None, transient=True)
    else:
        iterator = files
    for path in iterator:
        reports.append(ingest_file(path, db))
    for report in reports:
        # Reasons quote cells of the file: shown with control characters escaped, one line each.
        if report.error:
            print(f"{safe(report.path)}: NOT LOADED — {safe(report.error)}")
            continue
        print(f"{safe(report.path)} [{report.folder}]: {report.loaded} rows accepted, {report.quarantined} quarantined")
        for count, reason in report.reasons[:20]:
            print(f"    {count:>6}  {safe(reason)}")
        if len(report.reasons) > 20:
            print(f"    … {len(report.reasons) - 20} more reasons (see raw.quarantine in {safe(db)})")
    total = sum(report.loaded for report in reports)
    print(f"total: {total} rows accepted, {sum(r.quarantined for r in reports)} quarantined; scratch build file {safe(db)}")
    return EXIT_OK if total > 0 else EXIT_FAILED


# -------------------------------------------------------------------------------------- status


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


# -------------------------------------------------------------------------------------- export

EXPORT_FORMATS = ("csv", "xlsx", "parquet")
_TABLE_NAME = re.compile(r"^(?:marts\.)?([a-z_][a-z0-9_]*)$")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header
IDENTIFYING_COLUMNS = ("credit_code", "enterprise_name", "source_file", "source_files", "source_sheet")


class ConfidentialTable(LookupError):
    """The table is only in the full warehouse: exporting it needs --confidential."""


def served_file_reason(path: Path) -> str | None:
    """Why writing to `path` would touch what readers are served (None when it would not):
    the publication (generations/, current, the stable names), the build files, the operations store."""
    from pipelines import publication

    root = paths.warehouse_dir().absolute()
    candidates = {path.absolute(), path.resolve()}
    protected = [root / name for name in (publication.GENERATIONS, publication.CURRENT, publication.BUILD_FOLDER,
                                          publication.FULL_NAME, publication.PUBLIC_NAME, "operations.duckdb")]
    protected += [place.resolve() for place in protected if place.exists()]
    for candidate in candidates:
        for place in protected:
            if candidate == place or place in candidate.parents:
                return f"{candidate} is part of the published warehouse ({place}); it is never written by a command"
    return None


def export_table(table: str, fmt: str, out: Path, warehouse: Path | None = None, *, confidential: bool = False) -> tuple[int, list[str]]:
    """Write marts.<table> to out; returns (rows, identifying columns it holds).

    Without `confidential` the table is read from the public warehouse; a table only the full
    warehouse has raises ConfidentialTable. Raises LookupError for an unknown table. CSV cells
    that Excel would take for a formula are neutralised (pipelines/safe_text.py).
    """
    import duckdb
    import polars as pl

    from pipelines import publication
    from pipelines.safe_text import neutralise_frame_formulas

    root = paths.warehouse_dir()
    match = _TABLE_NAME.match(table.strip().lower())
    if not match:
        raise LookupError(f"{table!r} is not a table name")
    name = match.group(1)
    source = warehouse or publication.published_file(root, "full" if confidential else "public")
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(source), read_only=True, config=config) as con:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchall()}
        if name not in tables:
            if not confidential and warehouse is None:
                full = publication.published_file(root, "full")
                if full.exists():
                    with duckdb.connect(str(full), read_only=True, config=config) as full_con:
                        if full_con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                                            "AND table_name = ?", [name]).fetchone()[0]:
                            raise ConfidentialTable(
                                f"marts.{name} is not in the public warehouse: it holds enterprise-level (confidential) "
                                "data. Export it with --confidential, only for someone authorised to receive it")
            raise LookupError(f"marts.{name} is not a table; tables: {', '.join(sorted(tables))}")
        frame = pl.from_arrow(con.sql(f'SELECT * FROM marts."{name}"').to_arrow_table())
    identifying = [column for column in IDENTIFYING_COLUMNS if column in frame.columns]
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a reader of `out` never sees half a file.
    partial = out.with_name(f".{out.name}.partial")
    if fmt == "csv":
        neutralise_frame_formulas(frame).write_csv(partial)
    elif fmt == "parquet":
        frame.write_parquet(partial)
    elif fmt == "xlsx":
        if frame.height > XLSX_MAX_ROWS:
            raise ValueError(f"marts.{name} has {frame.height:,} rows, more than an Excel sheet holds; use csv or parquet")
        # xlsxwriter stores strings as text (strings_to_formulas off): '=…' stays text.
        frame.write_excel(partial, worksheet=name[:31], autofit=True)
    else:
        raise ValueError(f"unknown format {fmt}")
    os.replace(partial, out)
    return frame.height, identifying


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines import publication

    if publication.current_generation(paths.warehouse_dir()) is None and not paths.published_path().exists():
        _stderr(f"no published warehouse in {paths.warehouse_dir()}; run `ghg build` first")
        return EXIT_USAGE
    out = Path(args.out)
    refused = served_file_reason(out)
    if refused:
        _stderr(f"--out {safe(out)}: {refused}; choose a file outside the warehouse folder's publication")
        return EXIT_USAGE
    try:
        rows, identifying = export_table(args.table, args.format, out, confidential=args.confidential)
    except ConfidentialTable as error:
        _stderr(str(error))
        return EXIT_USAGE
    except LookupError as error:
        _stderr(safe(error))
        return EXIT_USAGE
    except (ValueError, duckdb.Error, OSError) as error:
        _stderr(f"export failed: {safe(str(error).splitlines()[0])}")
        return EXIT_FAILED
    table = _TABLE_NAME.match(args.table.strip().lower()).group(1)
    if args.confidential:
        holds = f" — it holds {', '.join(identifying)}" if identifying else ""
        _stderr(f"CONFIDENTIAL: {out} is an export of the full warehouse (enterprise-level data{holds}); "
                "keep it where only authorised staff can read it")
    source = "full (confidential)" if args.confidential else "public"
    print(f"wrote {rows:,} rows of marts.{table} from the {source} warehouse to {safe(out)}")
    return EXIT_OK


# --------------------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    app = paths.PROJECT_ROOT / "dashboards" / "app.py"
    print(f"Dashboard: http://{args.address}:{args.port}  (Ctrl+C stops it)", flush=True)
    env = dict(os.environ)
    if args.demo:
        # Local demo mode: a role switch in the sidebar (dashboards/auth.py). Ignored when sign-in
        # (st.login) is configured in .streamlit/secrets.toml.
        env["GHG_DASHBOARD_MODE"] = "demo"
        print("Local demo mode: choose leader / officer / analyst in the sidebar.", flush=True)
    streamlit = Path(sys.executable).with_name("streamlit")
    return subprocess.call(
        [str(streamlit), "run", str(app), "--server.headless", "true", "--server.port", str(args.port),
         "--server.address", args.address, "--browser.gatherUsageStats", "false"],
        env=env,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ghg",
        description="Provincial GHG inventory platform",
        epilog="exit codes: 0 ok, 1 failed (nothing published / nothing loaded), 2 usage or missing input",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="ingest the inbox, build the warehouse, publish it if every blocking check passes")
    build.add_argument("--sample", action="store_true", help="copy the bundled sample into the inbox when the inbox is empty")
    build.add_argument("--accept-drop", metavar="REASON",
                       help="publish even though data the last publication had is missing (the completeness gate), "
                            "recording REASON with the publication")
    build.add_argument("--years", type=int, nargs="+", metavar="YEAR",
                       help="reload only these report years of the statistics and enterprise reports on top of the "
                            "published warehouse (one backfill run per year), then publish")
    build.set_defaults(func=cmd_build)
    ingest = sub.add_parser("ingest", help="validate files and load them into a scratch build file (never the served warehouse)")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help="scratch DuckDB file to load into (default warehouse/scratch-ingest-<time>.duckdb; "
                        "a published or build file is refused)")
    ingest.set_defaults(func=cmd_ingest)
    status = sub.add_parser("status", help="the last build and what is published")
    status.set_defaults(func=cmd_status)
    export = sub.add_parser("export", help="write one marts table of the public warehouse (or, with --confidential, of the full one) to a file")
    export.add_argument("table", help="a table of schema marts, e.g. fct_region_year")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", required=True, help="output file (never a file of the publication)")
    export.add_argument("--confidential", action="store_true",
                        help="read the full warehouse: enterprise-level tables (names, credit codes) for authorised use only")
    export.set_defaults(func=cmd_export)
    serve = sub.add_parser("serve", help="serve the dashboard")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.add_argument("--demo", action="store_true",
                       help="local demo mode: pick a role (leader/officer/analyst) in the sidebar; never use on a shared server")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    # argparse exits with 2 on wrong usage, which is our usage code too.
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `ghg status | head`: the reader left; not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
