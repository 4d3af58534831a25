"""Duplicates and re-delivered enterprise reports → raw.enterprise_report_deliveries.

sources/README.md, "Duplicates and re-delivered reports": a report (credit code, year, status)
may arrive in several files. Resolution works on the register of every line read, valid or not
(enterprise_lines.py), so an invalid or conflicting re-delivery is held instead of replacing a
complete report, and every delivery is recorded with what became of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.checks import quarantine_frame, quarantine_row
from pipelines.ingest.enterprise_lines import (
    DELIVERIES,
    PROVENANCE_COLUMNS,
    REGISTER_SCHEMA,
    REPORT_KEY,
    TABLE,
    empty_totals,
    figure_text,
)
from pipelines.ingest.results import ReadResult

# A delivery is one report as found in one file.
DELIVERY_KEY = ("source_file", *REPORT_KEY)
_KEY_HEADER = "统一社会信用代码/报告年度/数据状态"
# The categories in the order a report lists them.
_CATEGORY_ORDER = ("combustion", "process", "electricity", "heat")
# The category as a clerk writes it, for reasons and missing-line lists.
_CATEGORY_LABELS = {
    "combustion": "化石燃料燃烧",
    "process": "工业生产过程",
    "electricity": "净购入电力",
    "heat": "净购入热力",
}


def _delivery_order(inbox_dir: Path, source_file: str) -> tuple[float, str]:
    """Newer by file modification time, then by name (a file that vanished sorts first)."""
    try:
        return ((inbox_dir / source_file).stat().st_mtime, source_file)
    except OSError:
        return (0.0, source_file)


def resolve_deliveries(
    result: ReadResult,
    inbox_dir: Path,
    *,
    register: pl.DataFrame | None = None,
    totals: pl.DataFrame | None = None,
) -> ReadResult:
    """Which delivery of each report is in force, and raw.enterprise_report_deliveries.

    register holds every line read that names its report, valid or not (REGISTER_SCHEMA; without
    it, the valid lines of result stand in); a line is valid when it is still in result's lines
    table (the per-cell checks and the unit-slip rules took the others out). The rules
    (sources/README.md, "Duplicates and re-delivered reports"):

    - a line identical to an earlier line of its delivery and sheet is a duplicate line;
    - a delivery with two different lines for one source (category, name) is conflicting;
    - a delivery is complete when it has no invalid line and is not conflicting;
    - the delivery in force is the newest complete one (by modification time, then name), else
      the newest that is not conflicting (a partial report), else none; of deliveries with the
      same content the first delivered is the one kept;
    - newer deliveries than the one in force are held whole, older ones superseded, and those
      with the same content as the one in force are duplicate reports. The valid lines of all of
      these go to raw.quarantine with that reason; their invalid lines keep their own.
    """
    inbox_dir = Path(inbox_dir)
    lines = result.tables[TABLE]
    register = _register_of_lines(lines) if register is None else register
    totals = empty_totals() if totals is None else totals
    if register.is_empty():
        return ReadResult.build(FAMILY, {**result.tables, DELIVERIES: pl.DataFrame()}, result.quarantine, result.files)

    register = _mark_lines(register, lines)
    deliveries = _delivery_facts(register, inbox_dir)
    decided = _decide(deliveries)
    deliveries = deliveries.join(
        decided, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(pl.col("delivery_status").fill_null("in_force"))
    missing = _missing_lines(register, deliveries)
    deliveries = deliveries.join(missing, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left")

    # Lines that do not load: duplicate copies, and every valid line of a delivery not in force.
    marked = register.join(
        deliveries.select(*DELIVERY_KEY, "delivery_status", "status_reason"),
        on=list(DELIVERY_KEY),
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    duplicate_lines = marked.filter(pl.col("valid") & pl.col("duplicate"))
    set_aside = marked.filter(pl.col("valid") & ~pl.col("duplicate") & (pl.col("delivery_status") != "in_force"))
    problems = [
        quarantine_row(
            FAMILY, r["source_file"], f"duplicate line: identical to row {r['first_row']}",
            sheet=r["source_sheet"], row=r["source_row"],
        )
        for r in duplicate_lines.select(*PROVENANCE_COLUMNS, "first_row").iter_rows(named=True)
    ] + [
        quarantine_row(
            FAMILY, r["source_file"], r["status_reason"], sheet=r["source_sheet"], row=r["source_row"],
            column=_KEY_HEADER, value=f"{r['report_year']} {r['data_status']}",
        )
        for r in set_aside.select(*PROVENANCE_COLUMNS, *REPORT_KEY, "status_reason").iter_rows(named=True)
    ]  # fmt: skip
    dropped = pl.concat(
        [duplicate_lines.select(PROVENANCE_COLUMNS), set_aside.select(PROVENANCE_COLUMNS)], how="vertical"
    )
    kept = lines.join(dropped, on=list(PROVENANCE_COLUMNS), how="anti", nulls_equal=True, maintain_order="left")
    table = _deliveries_table(deliveries, totals)
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, {**result.tables, TABLE: kept, DELIVERIES: table}, quarantine, result.files)


def _register_of_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """A register from valid lines alone (resolve_deliveries called without one)."""
    content = [c for c in lines.columns if c not in PROVENANCE_COLUMNS]
    return lines.select(
        *PROVENANCE_COLUMNS,
        "credit_code",
        pl.col("report_year").cast(pl.Utf8),
        "data_status",
        "source_category",
        "source_name",
        pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("∅") for c in content], separator="\x1f").alias("content"),
        pl.col("reported_co2_t").alias("co2_t"),
    ).cast(REGISTER_SCHEMA)  # type: ignore[arg-type]


def _mark_lines(register: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """valid (the line is in the lines table), duplicate and first_row (identical copies)."""
    loaded = lines.select(*PROVENANCE_COLUMNS).with_columns(valid=pl.lit(True))
    register = register.join(loaded, on=list(PROVENANCE_COLUMNS), how="left", nulls_equal=True, maintain_order="left")
    first_row = pl.col("source_row").min().over([*DELIVERY_KEY, pl.col("source_sheet").fill_null(""), "content"])
    return register.with_columns(pl.col("valid").fill_null(False), first_row=first_row).with_columns(
        duplicate=(pl.col("source_row") != pl.col("first_row")).fill_null(False)
    )


def _delivery_facts(register: pl.DataFrame, inbox_dir: Path) -> pl.DataFrame:
    """One row per delivery: counts, content digest, conflict, invalid rows, delivery order."""
    counts = register.group_by(DELIVERY_KEY, maintain_order=True).agg(
        lines_read=pl.len(),
        invalid=(~pl.col("valid")).sum(),
        duplicates=(pl.col("valid") & pl.col("duplicate")).sum(),
        loadable=(pl.col("valid") & ~pl.col("duplicate")).sum(),
        # What the lines state, to compare with the report's own total: an identical copy of a
        # line is no second line (it is quarantined as a duplicate), so it is not added twice.
        reported_lines_co2_t=pl.when(pl.col("co2_t").is_not_null().any()).then(
            pl.col("co2_t").filter(~pl.col("duplicate")).sum()
        ),
        # Order-free digest of the delivery's lines, to tell a duplicate report from a correction.
        digest=pl.col("content").filter(~pl.col("duplicate")).sort().str.join("\n").hash(),
    )
    # Two lines for one source that differ: which one is right cannot be told.
    conflicts = (
        register.filter(~pl.col("duplicate") & pl.col("source_name").is_not_null())
        .group_by([*DELIVERY_KEY, "source_category", "source_name"], maintain_order=True)
        .agg(
            different=pl.col("content").n_unique(),
            conflict_sheet=pl.col("source_sheet").first(),
            conflict_rows=pl.col("source_row").sort(),
        )
        .filter(pl.col("different") > 1)
        .group_by(DELIVERY_KEY, maintain_order=True)
        .agg(
            conflict_category=pl.col("source_category").first(),
            conflict_name=pl.col("source_name").first(),
            conflict_sheet=pl.col("conflict_sheet").first(),
            conflict_rows=pl.col("conflict_rows").first(),
        )
    )
    invalid = (
        register.filter(~pl.col("valid"))
        .group_by(DELIVERY_KEY, maintain_order=True)
        .agg(invalid_sheets=pl.col("source_sheet"), invalid_rows=pl.col("source_row"))
    )
    files = register["source_file"].unique().to_list()
    order = {f: rank for rank, f in enumerate(sorted(files, key=lambda f: _delivery_order(inbox_dir, f)))}
    return (
        counts.join(conflicts, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left")
        .join(invalid, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left")
        .with_columns(
            conflicting=pl.col("conflict_rows").is_not_null(),
            order=pl.col("source_file").replace_strict(order, return_dtype=pl.Int64),
        )
        .with_columns(complete=(pl.col("invalid") == 0) & ~pl.col("conflicting"))
    )


def _decide(deliveries: pl.DataFrame) -> pl.DataFrame:
    """delivery_status and status_reason of every delivery whose report is not simply in force.

    A report delivered once, without conflicting lines, is in force (complete or partial); the
    others are decided here, report by report, in delivery order.
    """
    pending = deliveries.filter((pl.len().over(list(REPORT_KEY)) > 1) | pl.col("conflicting"))
    decided: list[dict[str, object]] = []
    for _, group in pending.sort("order").group_by(list(REPORT_KEY), maintain_order=True):
        ordered = group.to_dicts()
        complete = [d for d in ordered if d["complete"]]
        usable = [d for d in ordered if not d["conflicting"]]
        chosen = complete[-1] if complete else (usable[-1] if usable else None)
        # Of deliveries with the same content, the first delivered stays (the others repeat it).
        force = next((d for d in ordered if d["digest"] == chosen["digest"]), None) if chosen else None
        what = f"report {ordered[0]['report_year']} {ordered[0]['data_status']} of this enterprise"
        for d in ordered:
            if d is force:
                status, reason = "in_force", None
            elif force is not None and d["digest"] == force["digest"]:
                status = "duplicate"
                reason = (
                    f"duplicate report: the same {what} was already delivered in {force['source_file']}; "
                    "not loaded twice"
                )
            elif chosen is not None and d["order"] < chosen["order"]:
                status = "superseded"
                reason = (
                    f"superseded: the {what} was re-delivered corrected in {chosen['source_file']}, "
                    "which replaces this file's lines"
                )
            else:  # newer than the delivery chosen, so not complete (or no delivery can be chosen)
                status, reason = "held", _held_reason(d, force, what)
            decided.append({**{k: d[k] for k in DELIVERY_KEY}, "delivery_status": status, "status_reason": reason})
    schema = {k: deliveries.schema[k] for k in DELIVERY_KEY} | {"delivery_status": pl.Utf8, "status_reason": pl.Utf8}
    return pl.DataFrame(decided, schema=schema)


def _held_reason(delivery: Mapping[str, object], force: Mapping[str, object] | None, what: str) -> str:
    """Why a delivery newer than the one in force (or of a report with none in force) is held."""
    if delivery["conflicting"]:
        category = str(delivery["conflict_category"])
        rows: list[int] = delivery["conflict_rows"]  # type: ignore[assignment]
        where = _rows_text([delivery["conflict_sheet"]] * len(rows), rows)  # type: ignore[list-item]
        reason = (
            f"held: {what} has two different lines for {_CATEGORY_LABELS.get(category, category)} "
            f"{delivery['conflict_name']} in this file ({where}); which is right cannot be told — "
            "the report is held until the file is corrected"
        )
        if force is not None:
            reason += f"; the earlier delivery in {force['source_file']} stays in force"
        return reason
    count = delivery["invalid"]
    reason = (
        f"held: this re-delivery of {what} has {count} invalid line{'s' if count != 1 else ''} "
        f"({_rows_text(delivery['invalid_sheets'] or [], delivery['invalid_rows'] or [])})"  # type: ignore[arg-type]
    )
    if force is not None:
        reason += f"; the earlier complete delivery in {force['source_file']} stays in force until it is corrected"
    return reason


def _rows_text(sheets: Sequence[str | None], rows: Sequence[int | None], most: int = 8) -> str:
    """'rows 5 and 9', 'row 4', 'sheet 化石燃料燃烧 rows 3 and 5; sheet 净购入热力' (a skipped sheet)."""
    by_sheet: dict[str | None, list[int | None]] = {}
    for sheet, row in zip(sheets, rows, strict=True):
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, found in by_sheet.items():
        numbers = sorted({row for row in found if row is not None})
        shown = [str(row) for row in numbers[:most]] + ([f"{len(numbers) - most} more"] if len(numbers) > most else [])
        listed = (", ".join(shown[:-1]) + " and " + shown[-1]) if len(shown) > 1 else "".join(shown)
        text = f"{'rows' if len(numbers) > 1 else 'row'} {listed}" if numbers else ""
        parts.append(f"sheet {sheet} {text}".strip() if sheet is not None else text)
    return "; ".join(parts)


def _missing_lines(register: pl.DataFrame, deliveries: pl.DataFrame) -> pl.DataFrame:
    """lines_missing_vs_previous of the deliveries in force that replace an older, different one.

    The previous delivery is the newest older one whose content differs; the list names the
    sources (category/name) it had and the delivery in force lacks, so that a corrected file
    that drops a line does not shrink the report silently.
    """
    schema = {k: deliveries.schema[k] for k in DELIVERY_KEY} | {"lines_missing_vs_previous": pl.Utf8}
    in_force = deliveries.filter(pl.col("delivery_status") == "in_force").select(
        *DELIVERY_KEY, force_digest=pl.col("digest")
    )
    report = deliveries.join(in_force.drop("source_file"), on=list(REPORT_KEY), how="inner", nulls_equal=True)
    # The content in force was last delivered by its newest copy: compare with what came before that.
    latest = pl.col("order").filter(pl.col("digest") == pl.col("force_digest")).max().over(list(REPORT_KEY))
    previous = (
        report.with_columns(force_order=latest)
        .filter((pl.col("order") < pl.col("force_order")) & (pl.col("digest") != pl.col("force_digest")))
        .sort("order")
        .group_by(list(REPORT_KEY), maintain_order=True)
        .agg(previous_file=pl.col("source_file").last())
    )
    if previous.is_empty():
        return pl.DataFrame(schema=schema)
    identity = pl.concat_str(
        pl.col("source_category").replace(_CATEGORY_LABELS), pl.lit("/"), pl.col("source_name")
    ).alias("identity")
    named = register.filter(pl.col("source_name").is_not_null()).select(*DELIVERY_KEY, identity)
    old = named.join(
        previous.rename({"previous_file": "source_file"}), on=list(DELIVERY_KEY), how="semi", nulls_equal=True
    )
    new = named.join(
        in_force.select(DELIVERY_KEY), on=list(DELIVERY_KEY), how="semi", nulls_equal=True, maintain_order="left"
    )
    lacking = (
        old.join(
            new.select(*REPORT_KEY, "identity"),
            on=[*REPORT_KEY, "identity"],
            how="anti",
            nulls_equal=True,
            maintain_order="left",
        )
        .unique(subset=[*REPORT_KEY, "identity"], keep="first", maintain_order=True)
        .group_by(list(REPORT_KEY), maintain_order=True)
        .agg(lines_missing_vs_previous=pl.col("identity").str.join("|"))
    )
    return in_force.select(DELIVERY_KEY).join(lacking, on=list(REPORT_KEY), how="inner", nulls_equal=True).select(
        list(schema)
    )


def _deliveries_table(deliveries: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """raw.enterprise_report_deliveries: one row per delivery, ordered by report then delivery."""
    stated = (
        totals.filter(pl.col("co2_t").is_not_null())
        .with_row_index("_position")
        .sort("rank", "_position")
        .group_by([*DELIVERY_KEY, "source_category"], maintain_order=True)
        .agg(pl.col("co2_t").last())
    )
    order = {category: rank for rank, category in enumerate(_CATEGORY_ORDER)}
    overall = stated.filter(pl.col("source_category").is_null()).select(*DELIVERY_KEY, stated_overall=pl.col("co2_t"))
    categories = stated.filter(pl.col("source_category").is_not_null())
    by_category = (
        categories.with_columns(
            _rank=pl.col("source_category").replace_strict(order, default=len(order), return_dtype=pl.Int32),
            _text=pl.concat_str(
                pl.col("source_category"),
                pl.lit("="),
                pl.Series([figure_text(value) for value in categories["co2_t"].to_list()], dtype=pl.Utf8),
            ),
        )
        .sort("_rank", "source_category")
        .group_by(list(DELIVERY_KEY), maintain_order=True)
        .agg(stated_categories=pl.col("co2_t").sum(), stated_category_totals=pl.col("_text").str.join("|"))
    )
    in_force = pl.col("delivery_status") == "in_force"
    return (
        deliveries.join(overall, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left")
        .join(by_category, on=list(DELIVERY_KEY), how="left", nulls_equal=True, maintain_order="left")
        .sort("credit_code", "report_year", "data_status", "order")
        .select(
            "source_file",
            "credit_code",
            pl.col("report_year").cast(pl.Int32, strict=False),
            "data_status",
            "delivery_status",
            "status_reason",
            "lines_read",
            pl.when(in_force).then(pl.col("loadable")).otherwise(0).alias("lines_loaded"),
            # Identical duplicate copies are not missing from the report: only invalid lines make it incomplete.
            pl.col("invalid").alias("lines_quarantined"),
            pl.when(in_force).then(pl.col("lines_missing_vs_previous")).alias("lines_missing_vs_previous"),
            pl.coalesce("stated_overall", "stated_categories").alias("stated_total_co2_t"),
            "stated_category_totals",
            "reported_lines_co2_t",
        )
    )
