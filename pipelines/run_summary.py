"""The summary every build leaves in the operations store, whether it published or not.

Two tables in warehouse/operations.duckdb (pipelines/ops_store):

- ops.run_summary: one row per record — run_id, recorded_at, status ('published' | 'failed'),
  published, rows_read, rows_loaded, rows_quarantined, checks_passed, checks_failed,
  failed_checks, failed_steps, message.
- ops.run_summary_detail: the figures behind it — run_id, recorded_at, kind ('loaded' |
  'quarantined' | 'check' | 'completeness_drop' | 'review_flag'), source_family, name (raw table,
  quarantine reason, check, what the completeness gate found missing, or the rule of a review
  flag: audit.audit_review_flags, which never blocks), rows, passed.

Who writes it: the publish asset on success, and the job's failure hook (`record_failed_run`)
on every failed step (a failed model, a failed blocking check). A run whose several steps fail
records several rows; the newest recorded_at per run_id is its summary (`latest_summaries`).
Both run inside the run's own process, so the summary is written under execute_in_process too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from dagster import DagsterEventType, DagsterInstance, HookContext, failure_hook

from pipelines import ops_store
from pipelines.publication import review_flag_counts
from pipelines.resources import WarehouseResource

SUMMARY_TABLE = "run_summary"
DETAIL_TABLE = "run_summary_detail"

_DETAIL_SCHEMA = {
    "run_id": pl.Utf8,
    "recorded_at": pl.Datetime("us", "UTC"),
    "kind": pl.Utf8,
    "source_family": pl.Utf8,
    "name": pl.Utf8,
    "rows": pl.Int64,
    "passed": pl.Boolean,
}


def _ingestion_details(build_file: Path) -> list[dict]:
    """Rows loaded per raw table and quarantined per family and reason, from the build file."""
    if not build_file.exists():
        return []
    from pipelines.ingest.families import FAMILIES

    details: list[dict] = []
    with duckdb.connect(str(build_file), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'").fetchall()}
        for family, registered in FAMILIES.items():
            for table in registered.tables:
                # The deliveries register describes the report lines; it adds no rows of data.
                if table in tables and table != "enterprise_report_deliveries":
                    rows = con.execute(f'SELECT count(*) FROM raw."{table}"').fetchone()[0]
                    details.append({"kind": "loaded", "source_family": family, "name": table, "rows": rows, "passed": None})
        if "quarantine" in tables:
            # The reason with its concrete value stripped would be nicer to group; reasons name the
            # cell value, so group by family and reason as written (capped for the dashboard).
            for family, reason, rows in con.execute(
                "SELECT source_family, reason, count(*) FROM raw.quarantine GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2"
            ).fetchall():
                details.append({"kind": "quarantined", "source_family": family, "name": reason, "rows": rows, "passed": None})
    return details


def _build_file_rows(build_file: Path, sql: str) -> list[tuple]:
    """Rows of a query on the run's build file; [] when the file or the table is absent."""
    if not build_file.exists():
        return []
    try:
        with duckdb.connect(str(build_file), read_only=True) as con:
            return con.execute(sql).fetchall()
    except duckdb.Error:
        return []


def completeness_drops(build_file: Path) -> list[tuple[str, str]]:
    """What the completeness gate found missing and nobody accepted (audit.audit_completeness_drops
    of the build file): (kind of unit, the gate's sentence); [] when the table is absent."""
    return _build_file_rows(
        build_file, "SELECT unit_kind, description FROM audit.audit_completeness_drops WHERE NOT accepted ORDER BY 1, 2"
    )


def blocking_problems(build_file: Path) -> list[tuple[str, str | None, str | None, str]]:
    """The input problems that stop publication (raw.quarantine.blocks_publication of the build
    file; the dbt test assert_no_blocking_quarantine fails on them): (file, sheet, column, reason);
    [] without a quarantine, or with one written before the column existed."""
    return _build_file_rows(
        build_file,
        "SELECT source_file, source_sheet, column_name, reason FROM raw.quarantine WHERE blocks_publication ORDER BY 1, 2, 3",
    )


def blocking_message(problems: list[tuple[str, str | None, str | None, str]], shown: int = 5) -> str:
    """One paragraph naming the file, sheet and column of every blocking input problem."""
    parts = [f"{file}, sheet {sheet}, column {column}: {reason}" for file, sheet, column, reason in problems[:shown]]
    more = len(problems) - shown
    return (f"blocking input: nothing was published because {len(problems)} input problem(s) must be corrected first: "
            + " | ".join(parts) + (f" | … and {more} more" if more > 0 else "") + ". ")


def drops_message(drops: list[tuple[str, str]], per_kind: int = 5) -> str:
    """One paragraph naming what went missing: every kind of unit, its first sentences and a count."""
    kinds: dict[str, list[str]] = {}
    for kind, description in drops:
        kinds.setdefault(kind, []).append(description)
    parts = []
    for descriptions in kinds.values():
        shown = "; ".join(descriptions[:per_kind])
        more = len(descriptions) - per_kind
        parts.append(shown + (f"; … and {more} more of this kind" if more > 0 else ""))
    return " | ".join(parts)


def _check_details(instance: DagsterInstance, run_id: str) -> list[dict]:
    details = []
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        details.append(
            {
                "kind": "check",
                "source_family": "/".join(evaluation.asset_key.path),
                "name": evaluation.check_name,
                "rows": None,
                "passed": bool(evaluation.passed),
            }
        )
    return details


def _failed_steps(instance: DagsterInstance, run_id: str) -> list[str]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE).records
    return sorted({record.event_log_entry.step_key or "" for record in records})


def record(
    instance: DagsterInstance,
    run_id: str,
    warehouse: WarehouseResource,
    *,
    published: bool,
    message: str = "",
    failed_step: str | None = None,
    database: Path | None = None,
    checks: list[dict] | None = None,
) -> dict:
    """Collect the run's figures and append them to the operations store; returns the summary row.

    checks: the run's check outcomes ({kind: "check", source_family, name, rows, passed}) when
    they were not recorded as Dagster asset-check evaluations (the year backfill job's ops).
    """
    now = datetime.now(UTC)
    check_details = _check_details(instance, run_id) if checks is None else checks
    details = _ingestion_details(database or warehouse.build_file(run_id)) + check_details
    # Flags are counted whether or not the run published: a failed run's flags show what its
    # next publication will bring for review.
    details += [{"kind": "review_flag", "source_family": "audit_review_flags", "name": rule, "rows": count, "passed": None}
                for rule, count in review_flag_counts(database or warehouse.build_file(run_id)).items()]
    if not published:
        blocking = blocking_problems(database or warehouse.build_file(run_id))
        if blocking:
            message = blocking_message(blocking) + message
        drops = completeness_drops(warehouse.build_file(run_id))
        details += [{"kind": "completeness_drop", "source_family": kind, "name": drop, "rows": None, "passed": False}
                    for kind, drop in drops]
        if drops:
            message = (f"completeness gate: nothing was published because {len(drops)} unit(s) of the last "
                       f"publication are missing or cut off: {drops_message(drops)}. When the drop is intended, "
                       f'publish it with ghg build --accept-drop "reason". ' + message)
    failed_steps = _failed_steps(instance, run_id)
    if failed_step and failed_step not in failed_steps:
        failed_steps.append(failed_step)
    loaded = [d for d in details if d["kind"] == "loaded"]
    quarantined = [d for d in details if d["kind"] == "quarantined"]
    checks = [d for d in details if d["kind"] == "check"]
    summary = {
        "run_id": run_id,
        "recorded_at": now,
        "status": "published" if published else "failed",
        "published": published,
        "rows_loaded": sum(d["rows"] for d in loaded),
        "rows_quarantined": sum(d["rows"] for d in quarantined),
        "rows_read": sum(d["rows"] for d in loaded) + sum(d["rows"] for d in quarantined),
        "checks_passed": sum(1 for d in checks if d["passed"]),
        "checks_failed": sum(1 for d in checks if not d["passed"]),
        "failed_checks": ", ".join(sorted(d["name"] for d in checks if not d["passed"])),
        "failed_steps": ", ".join(failed_steps),
        "message": message,
    }
    store = warehouse.root() / "operations.duckdb"
    ops_store.append(SUMMARY_TABLE, pl.DataFrame([summary]), store=store)
    if details:
        frame = pl.DataFrame([{**d, "run_id": run_id, "recorded_at": now} for d in details], schema=_DETAIL_SCHEMA)
        ops_store.append(DETAIL_TABLE, frame, store=store)
    return summary


@failure_hook(required_resource_keys={"warehouse"})
def record_failed_run(context: HookContext) -> None:
    """Write the summary of a run whose step failed (the publish step will not run)."""
    error = context.op_exception
    message = f"step {context.step_key} failed: {error}" if error else f"step {context.step_key} failed"
    try:
        record(context.instance, context.run_id, context.resources.warehouse, published=False,
               message=message[:2000], failed_step=context.step_key)
    except Exception as exc:  # the summary must never hide the run's own failure
        context.log.error(f"could not write the run summary: {exc}")


def latest_summaries(store: Path | None = None) -> pl.DataFrame:
    """The newest summary row of every run, newest run first (what the dashboard shows)."""
    return ops_store.read(
        f"SELECT * FROM ops.{SUMMARY_TABLE} QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY recorded_at DESC) = 1 "
        "ORDER BY recorded_at DESC",
        store=store,
    )


def summary_message(run_id: str, store: Path | None = None) -> str:
    """The message of a run's newest summary ('' when none was recorded)."""
    try:
        rows = ops_store.read(
            f"SELECT message FROM ops.{SUMMARY_TABLE} WHERE run_id = ? ORDER BY recorded_at DESC LIMIT 1",
            [run_id], store=store,
        )
    except Exception:  # no store yet, or unreadable: the alert goes out without it
        return ""
    return str(rows.item(0, 0) or "") if rows.height else ""
