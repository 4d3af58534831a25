"""Enterprise GHG reports → raw.enterprise_report_lines, raw.enterprise_report_deliveries (§1).

Two shapes arrive: the reporting platform's bulk CSV export (every version of every report,
GBK) and the per-enterprise Excel template (the year's own submissions). Both are extracted to
the same frame of strings, one column per field of the export, and then parsed and checked by
one vectorised step, so a rule exists once whichever shape a line came in. That step also keeps
a register of every line read, valid or not, with the report it names: re-delivered reports are
resolved on it (resolve_deliveries), so an invalid or conflicting re-delivery is held instead of
replacing a complete report, and every delivery is recorded with what became of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.identifiers import credit_code_problem
from pipelines.ingest import vocab
from pipelines.ingest.common import (
    CSV_SUFFIXES,
    DAMAGED_COLUMN,
    DAMAGED_VALUE_COLUMN,
    EXCEL_SUFFIXES,
    RAGGED_COLUMN,
    Check,
    FileRead,
    HeaderMatch,
    ReadResult,
    TwoRowHeader,
    UnreadableFile,
    apply_checks,
    blank,
    check_date,
    check_not_negative,
    check_number,
    check_ragged,
    check_recognised,
    check_region,
    check_required,
    check_unit,
    check_year,
    column_letter,
    combine_header_rows,
    csv_file_problems,
    display_header,
    eval_distinct,
    find_files,
    formula_reason,
    formulas_without_value,
    header_row_continues,
    header_row_text,
    is_total_label,
    lookup_ratio_unit,
    lookup_unit,
    map_distinct,
    match_headers,
    name_key,
    open_workbook,
    parse_date,
    parse_year,
    quarantine_frame,
    quarantine_row,
    read_csv_cells,
    read_sheet_rows,
    region_code_expr,
    rejected_file,
    relative_source,
    require_headers,
    scale,
    split_damaged,
    split_header_unit,
    strip_text,
    unexpected_error,
    unit_columns,
    with_numbers,
)
from pipelines.ingest.schemas import empty_frame

FAMILY = "enterprise_reports"
TABLE = "enterprise_report_lines"
EXPORT_FOLDER = "enterprise_reports/export"
WORKBOOK_FOLDER = "enterprise_reports/workbooks"

FIELDS = tuple(vocab.ENTERPRISE_FIELDS)
NUMERIC_FIELDS = ("activity_value", "ncv", "carbon_content", "oxidation_rate", "emission_factor", "co2_t")
# Fields a workbook states once on its 基本信息 sheet and every line repeats.
INFO_FIELDS = tuple(vocab.WORKBOOK_INFO_FIELDS)
# A workbook is the enterprise's own submission: status 企业自报.
WORKBOOK_STATUS = "企业自报"

# Which fields' headers are the template's when a check reports them (a workbook's own header
# text travels with each line, see _extract_workbook).
_HEADER_PREFIX = "__header__"
_INFO_ROW_PREFIX = "__info_row__"
_INFO_SHEET = "__info_sheet"


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def read_enterprise_reports(inbox_dir: Path) -> ReadResult:
    """Every export CSV and template workbook under the inbox's enterprise_reports folder, with
    re-delivered reports resolved (resolve_deliveries) and raw.enterprise_report_deliveries."""
    inbox_dir = Path(inbox_dir)
    parts = [
        _guarded(lambda path=path: _read_export(path, inbox_dir), path, inbox_dir, "enterprise_export_csv")
        for path in find_files(inbox_dir, EXPORT_FOLDER, CSV_SUFFIXES)
    ]
    workbooks = find_files(inbox_dir, WORKBOOK_FOLDER, EXCEL_SUFFIXES)
    if workbooks:
        try:
            # Workbooks are small and many: extract each, then parse and check them all at once.
            parts.append(_read_workbooks(workbooks, inbox_dir))
        except Exception:  # the batch broke in an unforeseen way: read them one by one instead
            parts += [
                _guarded(lambda path=path: _read_workbooks([path], inbox_dir), path, inbox_dir, "enterprise_workbook")
                for path in workbooks
            ]
    combined = ReadResult.combine([part.result for part in parts], FAMILY)
    register = pl.concat([part.register for part in parts], how="vertical") if parts else _empty_register()
    totals = pl.concat([part.totals for part in parts], how="vertical") if parts else _empty_totals()
    return resolve_deliveries(flag_unit_slips(combined), inbox_dir, register=register, totals=totals)


@dataclass
class _Read:
    """Enterprise files read, before re-deliveries are resolved: the result (valid lines, their
    quarantine, the files), every attributable line read (REGISTER_SCHEMA) and the totals the
    reports state (TOTALS_SCHEMA)."""

    result: ReadResult
    register: pl.DataFrame
    totals: pl.DataFrame

    @classmethod
    def of(cls, result: ReadResult) -> _Read:
        return cls(result, _empty_register(), _empty_totals())


def _guarded(read: Callable[[], _Read], path: Path, root: Path, kind: str) -> _Read:
    """read(), or the file quarantined whole when it breaks the reader in an unforeseen way."""
    try:
        return read()
    except Exception as exc:  # one bad file must not cost the office every other file
        return _Read.of(rejected_file(FAMILY, relative_source(path, root), kind, unexpected_error(exc), path=path))


# A line in a scaled unit (万t, 万m³ …) whose converted value is more than this many times the same
# source's value in the enterprise's other lines written in the base unit (other years,
# versions) is a slip: the figure was written in the base unit. 10⁴-fold slips give ~10⁴;
# real year-on-year changes stay well below 10².
SLIP_RATIO = 1000


def flag_unit_slips(result: ReadResult) -> ReadResult:
    """The enterprise-relative unit-slip rule (the absolute one is check_unit_slip)."""
    lines = result.tables[TABLE]
    if lines.is_empty():
        return result
    factor = map_distinct(lines, "activity_unit_original", lambda u: (lookup_unit(u).factor if lookup_unit(u) else None), pl.Float64)
    lines = lines.with_columns(_factor=factor)
    source = ["credit_code", "source_category", "source_name"]
    reference = (
        lines.filter((pl.col("_factor") == 1) & (pl.col("activity_value") > 0))
        .group_by(source)
        .agg(_typical=pl.col("activity_value").median())
    )
    marked = lines.join(reference, on=source, how="left", nulls_equal=True, maintain_order="left")
    slip = (pl.col("_factor") >= 1000) & (pl.col("activity_value") > pl.col("_typical") * SLIP_RATIO)
    slipped = marked.filter(slip.fill_null(False))
    if slipped.is_empty():
        return result.__class__(result.family, {**result.tables, TABLE: lines.drop("_factor")}, result.quarantine, result.files)
    problems = [
        quarantine_row(
            FAMILY,
            r["source_file"],
            f"unit '{r['activity_unit_original']}' with value {_cell(r['activity_value_original'])} looks like "
            f"{_UNIT_WORDS.get(r['activity_unit'], r['activity_unit'])} (×{_POWERS.get(r['_factor'], int(r['_factor']))} too large): "
            f"this source is about {_cell(r['_typical'])} {r['activity_unit']} in the enterprise's other reports; row quarantined",
            sheet=r["source_sheet"],
            row=r["source_row"],
            column="活动水平",
            value=_cell(r["activity_value_original"]),
        )
        for r in slipped.iter_rows(named=True)
    ]
    kept = marked.filter(~slip.fill_null(False)).drop("_factor", "_typical")
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, {**result.tables, TABLE: kept}, quarantine, result.files)


def _cell(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Deliveries, duplicates and re-deliveries (sources/README.md, "Duplicates and re-delivered reports")
# --------------------------------------------------------------------------------------------

DELIVERIES = "enterprise_report_deliveries"
REPORT_KEY = ("credit_code", "report_year", "data_status")
# A delivery is one report as found in one file.
DELIVERY_KEY = ("source_file", *REPORT_KEY)
_PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")
_KEY_HEADER = "统一社会信用代码/报告年度/数据状态"

# Every line read that names its report, valid or not: what resolution sees. The key is as
# parsed, or as written where a key cell is itself invalid (a year '去年', a status '草稿').
REGISTER_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "source_sheet": pl.Utf8,
        "source_row": pl.Int32,  # null for a line sheet that could not be read (it counts as one invalid line)
        "credit_code": pl.Utf8,
        "report_year": pl.Utf8,
        "data_status": pl.Utf8,
        "source_category": pl.Utf8,  # the line's identity: category and source name
        "source_name": pl.Utf8,
        "content": pl.Utf8,  # the line's cells, numbers parsed: tells an identical copy from a different one
        "co2_t": pl.Float64,
    }
)
# The totals a report states about itself: the 汇总 sheet's 排放总量, a line sheet's 合计 row, a
# CSV 合计 row. source_category null: the report's total; else that category's.
TOTALS_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "credit_code": pl.Utf8,
        "report_year": pl.Utf8,
        "data_status": pl.Utf8,
        "source_category": pl.Utf8,
        "co2_t": pl.Float64,
        "rank": pl.Int32,  # of several statements the highest counts: a 合计 over a 小计, then the last
    }
)
_CATEGORY_ORDER = ("combustion", "process", "electricity", "heat")
# The category as a clerk writes it, for reasons and missing-line lists.
_CATEGORY_LABELS = {
    "combustion": "化石燃料燃烧",
    "process": "工业生产过程",
    "electricity": "净购入电力",
    "heat": "净购入热力",
}


def _empty_register() -> pl.DataFrame:
    return pl.DataFrame(schema=REGISTER_SCHEMA)


def _empty_totals() -> pl.DataFrame:
    return pl.DataFrame(schema=TOTALS_SCHEMA)


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
    totals = _empty_totals() if totals is None else totals
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
        for r in duplicate_lines.select(*_PROVENANCE_COLUMNS, "first_row").iter_rows(named=True)
    ] + [
        quarantine_row(
            FAMILY, r["source_file"], r["status_reason"], sheet=r["source_sheet"], row=r["source_row"],
            column=_KEY_HEADER, value=f"{r['report_year']} {r['data_status']}",
        )
        for r in set_aside.select(*_PROVENANCE_COLUMNS, *REPORT_KEY, "status_reason").iter_rows(named=True)
    ]  # fmt: skip
    dropped = pl.concat(
        [duplicate_lines.select(_PROVENANCE_COLUMNS), set_aside.select(_PROVENANCE_COLUMNS)], how="vertical"
    )
    kept = lines.join(dropped, on=list(_PROVENANCE_COLUMNS), how="anti", nulls_equal=True, maintain_order="left")
    table = _deliveries_table(deliveries, totals)
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, {**result.tables, TABLE: kept, DELIVERIES: table}, quarantine, result.files)


def _register_of_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """A register from valid lines alone (resolve_deliveries called without one)."""
    content = [c for c in lines.columns if c not in _PROVENANCE_COLUMNS]
    return lines.select(
        *_PROVENANCE_COLUMNS,
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
    loaded = lines.select(*_PROVENANCE_COLUMNS).with_columns(valid=pl.lit(True))
    register = register.join(loaded, on=list(_PROVENANCE_COLUMNS), how="left", nulls_equal=True, maintain_order="left")
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
                pl.Series([_cell(value) for value in categories["co2_t"].to_list()], dtype=pl.Utf8),
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


def read_export_csv(path: Path, root: Path) -> ReadResult:
    """One bulk export of the reporting platform (§1a): one row per line of one report version.

    The lines of this file alone: re-deliveries across files are resolved by read_enterprise_reports.
    """
    return _read_export(Path(path), Path(root)).result


def _read_export(path: Path, root: Path) -> _Read:
    source_file = relative_source(path, root)
    info = FileRead.of(path, source_file, "enterprise_export_csv")
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.ENTERPRISE_FIELDS)
        require_headers(match, vocab.ENTERPRISE_FIELDS, vocab.ENTERPRISE_REQUIRED)
    except UnreadableFile as problem:
        return _Read.of(rejected_file(FAMILY, source_file, info.kind, str(problem), info.encoding, path))
    raw = cells.rows.select(
        pl.lit(source_file, dtype=pl.Utf8).alias("source_file"),
        pl.lit(None, dtype=pl.Utf8).alias("source_sheet"),
        "source_row",
        RAGGED_COLUMN,
        DAMAGED_COLUMN,
        DAMAGED_VALUE_COLUMN,
        pl.col("c0").alias(_FIRST_CELL),
        *[
            (pl.col(f"c{match.positions[name]}") if name in match.positions else pl.lit(None, dtype=pl.Utf8)).alias(
                name
            )
            for name in FIELDS
        ],
    )
    # A header that names no field is not an error (platform versions add columns), but the
    # header text of each field is what a clerk will look for in a reason.
    headers = {name: match.written.get(name, vocab.ENTERPRISE_FIELDS[name][0]) for name in FIELDS}
    raw, total_problems, totals = _export_totals(raw, headers, display_header(cells.header[0]))
    lines, quarantine, register = _parse_and_check(raw, headers, extra_checks=[check_ragged(len(cells.header))])
    quarantine = pl.concat([quarantine_frame(file_problems + total_problems), quarantine], how="vertical")
    return _Read(ReadResult.build(FAMILY, {TABLE: lines}, quarantine, [info]), register, totals)


_FIRST_CELL = "__first_cell"


def _export_totals(
    raw: pl.DataFrame, headers: Mapping[str, str], first_header: str
) -> tuple[pl.DataFrame, list[dict[str, object]], pl.DataFrame]:
    """Take the total rows (合计/总计 in 排放源 or in the first cell) out of an export's lines.

    A total is no emission line, so its cells are not checked one by one; it is quarantined once,
    and its 排放量 becomes the stated total of the report its key cells name (compared with the
    lines in raw.enterprise_report_deliveries).
    """
    by_name = map_distinct(raw, "source_name", is_total_label, pl.Boolean).fill_null(False)
    # A grand total row leaves 排放源 blank and says 合计 in its first cell (only then: a first
    # column of names could hold an enterprise called 总计…).
    by_first = map_distinct(raw, _FIRST_CELL, is_total_label, pl.Boolean).fill_null(False) & blank(raw["source_name"])
    is_total = (by_name | by_first) & raw[DAMAGED_COLUMN].is_null()
    if not is_total.any():
        return raw.drop(_FIRST_CELL), [], _empty_totals()
    found = _with_report_key(raw.filter(is_total).with_columns(_by_name=by_name.filter(is_total)))
    found = with_numbers(found.with_columns(_named=_KEY_PRESENT), {"co2_t": "_co2"})
    problems = []
    for r in found.iter_rows(named=True):
        label = display_header(r["source_name"] if r["_by_name"] else r[_FIRST_CELL])
        amount = (r["co2_t"] or "").strip()
        if not r["_named"]:
            compared = (
                f"it names no report (credit code, year, status), so its 排放量 {amount or '(blank)'} "
                "is compared with nothing"
            )
        else:
            compared = f"its 排放量 {amount} is compared with the report's lines" if amount else "it states no 排放量"
        problems.append(
            quarantine_row(
                FAMILY, r["source_file"], f"total row ({label}): not an emission line; {compared}",
                row=r["source_row"], column=headers["source_name"] if r["_by_name"] else first_header, value=label,
            )
        )  # fmt: skip
    named = found.filter(pl.col("_named"))
    totals = named.select(
        "source_file",
        pl.col("k_credit_code").alias("credit_code"),
        pl.col("k_report_year").alias("report_year"),
        pl.col("k_data_status").alias("data_status"),
        # A 合计 under a named category totals that category; otherwise the report.
        map_distinct(named, "source_category", vocab.SOURCE_CATEGORIES.code, pl.Utf8).alias("source_category"),
        pl.col("_co2").alias("co2_t"),
        # A 合计 counts over a 小计 of the same report and category.
        pl.when(pl.coalesce("source_name", _FIRST_CELL).str.strip_chars().str.starts_with("小计"))
        .then(0)
        .otherwise(1)
        .alias("rank"),
    )
    return raw.filter(~is_total).drop(_FIRST_CELL), problems, totals.cast(TOTALS_SCHEMA)  # type: ignore[arg-type]


def read_enterprise_workbook(path: Path, root: Path) -> ReadResult:
    """One enterprise's template workbook (§1b)."""
    return _read_workbooks([Path(path)], Path(root)).result


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------

# A line already quarantined while the workbook was extracted (a formula without a saved value,
# a line sheet that could not be read): not checked again, but an invalid line of its report.
_HELD_BACK = "__held_back"


def _read_workbooks(paths: Sequence[Path], root: Path) -> _Read:
    records: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    totals: list[dict[str, object]] = []
    files: list[FileRead] = []
    for path in paths:
        source_file = relative_source(path, root)
        info = FileRead.of(path, source_file, "enterprise_workbook")
        try:
            records.extend(_extract_workbook(path, source_file, problems, totals))
        except UnreadableFile as problem:
            info.rejected, info.problem = True, str(problem)
            problems.append(quarantine_row(FAMILY, source_file, str(problem)))
        except Exception as exc:  # one bad workbook must not cost the office the others
            info.rejected, info.problem = True, unexpected_error(exc)
            problems.append(quarantine_row(FAMILY, source_file, unexpected_error(exc)))
        files.append(info)
    string_columns = ["source_file", "source_sheet", *FIELDS, _INFO_SHEET]
    string_columns += [_HEADER_PREFIX + name for name in FIELDS] + [_INFO_ROW_PREFIX + name for name in INFO_FIELDS]
    schema = {name: pl.Utf8 for name in string_columns} | {"source_row": pl.Int32, _HELD_BACK: pl.Boolean}
    schema |= {_INFO_ROW_PREFIX + name: pl.Int32 for name in INFO_FIELDS}
    raw = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    headers = {name: pl.col(_HEADER_PREFIX + name) for name in FIELDS}
    info_location = {name: (pl.col(_INFO_SHEET), pl.col(_INFO_ROW_PREFIX + name)) for name in INFO_FIELDS}
    lines, quarantine, register = _parse_and_check(raw, headers, info_location=info_location)
    quarantine = pl.concat([quarantine_frame(problems), quarantine], how="vertical")
    return _Read(ReadResult.build(FAMILY, {TABLE: lines}, quarantine, files), register, _workbook_totals(totals))


def _workbook_totals(records: list[dict[str, object]]) -> pl.DataFrame:
    """The totals a workbook states (its 汇总 sheet, its line sheets' 合计 rows), keyed like its lines."""
    if not records:
        return _empty_totals()
    written = {"source_file": pl.Utf8, **{name: pl.Utf8 for name in REPORT_KEY}, "source_category": pl.Utf8,
               "co2_t": pl.Utf8, "factor": pl.Float64, "rank": pl.Int32}  # fmt: skip
    frame = _with_report_key(pl.DataFrame(records, schema=written)).filter(_KEY_PRESENT)
    frame = with_numbers(frame, {"co2_t": "_co2"})
    return frame.select(
        "source_file",
        pl.col("k_credit_code").alias("credit_code"),
        pl.col("k_report_year").alias("report_year"),
        pl.col("k_data_status").alias("data_status"),
        "source_category",
        (pl.col("_co2") * pl.col("factor")).alias("co2_t"),
        "rank",
    ).cast(TOTALS_SCHEMA)  # type: ignore[arg-type]


def _sheet_category(sheet: str) -> str | None:
    """The source category a line sheet holds, from its name ('化石燃料燃烧', '2 工业生产过程')."""
    code = vocab.SOURCE_CATEGORIES.code(sheet)
    if code:
        return code
    key = name_key(sheet)
    for alias, category in sorted(vocab.SOURCE_CATEGORIES.lookup.items(), key=lambda item: -len(item[0])):
        if len(alias) >= 4 and alias in key:  # long Chinese aliases only: 'heat' must not match 'wheat'
            return category
    return None


def _extract_workbook(
    path: Path, source_file: str, problems: list[dict[str, object]], totals: list[dict[str, object]]
) -> list[dict[str, object]]:
    """The lines of one template workbook as records of strings, each carrying the 基本信息 values.

    Sheets are found by name, the header row of each line sheet by its contents (the template
    puts a title row above it, offices sometimes add a second). 合计 rows and the 汇总 sheet are
    no lines: their 排放量 goes to `totals` (the report's own totals, compared with its lines in
    raw.enterprise_report_deliveries; a total that disagrees is a review flag, not a reject).
    A line holding a formula without a saved value, and a line sheet that cannot be read, are
    quarantined here and kept as held-back records: invalid lines of the report.
    """
    workbook = open_workbook(path)
    info_sheet = next((s for s in workbook.sheet_names if "基本信息" in name_key(s) or "企业信息" in name_key(s)), None)
    if info_sheet is None:
        raise UnreadableFile(f"workbook has no 基本信息 sheet (sheets: {', '.join(workbook.sheet_names)})")
    # Formula cells whose result was never saved read as blank: they are named, never loaded as gaps.
    formulas = formulas_without_value(path)
    base, info_formulas = _read_info_sheet(workbook, info_sheet, formulas.get(info_sheet, {}))
    if info_formulas:
        # Every line carries the 基本信息 values: none of them can load without it.
        problems.extend(quarantine_row(FAMILY, source_file, sheet=info_sheet, **where) for where in info_formulas)
        return []
    # The year folder stands in for a missing 报告年度 (the template asks for both).
    folder_year = path.parent.name if re.fullmatch(r"\d{4}", path.parent.name) else None
    if base["report_year"][0] is None and folder_year:
        base["report_year"] = (folder_year, None, base["report_year"][2])

    problems_before = len(problems)
    common: dict[str, object] = {"source_file": source_file, _INFO_SHEET: info_sheet, "data_status": WORKBOOK_STATUS}
    # The export's header names stand in for columns a sheet lacks (no NCV on the process sheet).
    common |= {_HEADER_PREFIX + name: aliases[0] for name, aliases in vocab.ENTERPRISE_FIELDS.items()}
    for name, (value, row, header) in base.items():
        common[name] = value
        common[_INFO_ROW_PREFIX + name] = row
        common[_HEADER_PREFIX + name] = header
    common[_HEADER_PREFIX + "data_status"] = "数据状态"
    report = {"source_file": source_file, **{name: common.get(name) for name in REPORT_KEY}}

    records: list[dict[str, object]] = []
    line_sheets = [(sheet, _sheet_category(sheet)) for sheet in workbook.sheet_names]
    for sheet, category in line_sheets:
        if category is None:
            continue
        skipped = {**common, "source_sheet": sheet, "source_category": category, _HELD_BACK: True}
        try:
            rows, letters = read_sheet_rows(workbook, sheet)
        except UnreadableFile as problem:
            problems.append(quarantine_row(FAMILY, source_file, str(problem), sheet=sheet))
            records.append(skipped | {"source_row": None})
            continue
        data_start, match, problem = _find_line_header(rows)
        if match is None:
            problems.append(quarantine_row(FAMILY, source_file, problem, sheet=sheet, row=data_start or None))
            records.append(skipped | {"source_row": data_start or None})
            continue
        sheet_formulas = formulas.get(sheet, {})
        header_units = dict(match.units)
        co2_at = match.positions.get("co2_t")
        for index in range(data_start, len(rows)):
            row = rows[index]
            name_cell = row[match.positions["source_name"]]
            if is_total_label(name_cell) or is_total_label(row[0]):
                # A total is no line; a SUM formula without a saved value leaves the total unknown.
                label = name_cell if is_total_label(name_cell) else row[0]
                rank = 0 if name_key(label).startswith("小计") else 1  # the sheet's 合计 over a group's 小计
                value = row[co2_at] if co2_at is not None and (letters[co2_at], index + 1) not in sheet_formulas else None
                totals.append(report | {"source_category": category, "co2_t": value, "factor": 1.0, "rank": rank})
                continue
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            unsaved = [
                (name, letters[position], sheet_formulas[(letters[position], index + 1)])
                for name, position in sorted(match.positions.items(), key=lambda item: item[1])
                if (letters[position], index + 1) in sheet_formulas and name in _READ_FROM_LINES
            ]
            if unsaved:
                problems.extend(
                    quarantine_row(
                        FAMILY, source_file, formula_reason(letter, index + 1, formula),
                        sheet=sheet, row=index + 1, column=match.written[name], value=formula,
                    )
                    for name, letter, formula in unsaved
                )  # fmt: skip
            record = dict(common)
            record.update(source_sheet=sheet, source_row=index + 1, source_category=category)
            record[_HELD_BACK] = bool(unsaved)
            record[_HEADER_PREFIX + "source_category"] = f"工作表 {sheet}"
            for name, position in match.positions.items():
                if name not in _READ_FROM_LINES:
                    continue
                record[name] = row[position]
                record[_HEADER_PREFIX + name] = match.written[name]
            # 排放因子(tCO2/MWh), 消耗量(万吨): the unit is in the header when the sheet has no unit column.
            for value_field, unit_field in _HEADER_UNIT_FIELDS.items():
                if record.get(unit_field) is None and value_field in header_units:
                    record[unit_field] = header_units[value_field]
                    record[_HEADER_PREFIX + unit_field] = match.written[value_field]
            records.append(record)
    summary = _summary_total(workbook)
    if summary is not None:
        totals.append(report | {"source_category": None, "co2_t": summary[0], "factor": summary[1], "rank": 1})
    if not records and len(problems) == problems_before:
        problems.append(quarantine_row(FAMILY, source_file, "workbook has no emission-source lines"))
    return records


def _summary_total(workbook) -> tuple[str, float] | None:
    """The 汇总 sheet's 排放总量 (the value after the label) and its factor to t (×10⁴ for 万t)."""
    sheet = next((s for s in workbook.sheet_names if "汇总" in name_key(s)), None)
    if sheet is None:
        return None
    try:
        rows, _ = read_sheet_rows(workbook, sheet)
    except UnreadableFile:
        return None
    for row in rows:
        cells = [str(cell).strip() for cell in row if cell is not None and str(cell).strip() != ""]
        if len(cells) < 2:
            continue
        label, unit = split_header_unit(cells[0])
        if name_key(label).startswith(name_key("排放总量")) or is_total_label(label):
            return cells[1], (10_000.0 if unit and unit.startswith("万") else 1.0)
    return None


# A value column whose header carries its unit in brackets stands in for the unit column.
_HEADER_UNIT_FIELDS = {
    "activity_value": "activity_unit",
    "ncv": "ncv_unit",
    "emission_factor": "emission_factor_unit",
}
_LINE_KEYS = ("source_name", "activity_value")
# A line sheet's columns that are read (基本信息 fields and the category come from elsewhere).
_READ_FROM_LINES = frozenset(FIELDS) - set(INFO_FIELDS) - {"source_category"}
# The fields a line sheet's own columns hold (the others come from 基本信息 and the sheet name).
_LINE_FIELDS = (
    "source_name", "activity_value", "activity_unit", "ncv", "ncv_unit", "carbon_content",
    "oxidation_rate", "emission_factor", "emission_factor_unit", "co2_t",
)  # fmt: skip
_NO_HEADER = (
    "no header row found (a row naming 燃料品种/排放源/项目 and 消耗量/活动水平/电量/热量); sheet skipped"
)


@lru_cache(maxsize=4096)
def _understood_line_header(text: str) -> bool:
    return bool(match_headers([text], vocab.WORKBOOK_LINE_FIELDS).positions)


def _find_line_header(rows: Sequence[Sequence[object]]) -> tuple[int, HeaderMatch | None, str | None]:
    """(first line's index, header) of a line sheet, or (Excel row, None, why) when it has none.

    The header is the first row (of the top 30) naming the line and its amount, or two rows read
    as one (common.combine_header_rows): 燃料品种 merged down beside 消耗量 merged across 数值 |
    单位, or 排放因子 over (tCO2/t). A second header row that cannot be read skips the sheet with a
    reason quoting both rows, rather than loading figures under a guessed meaning.
    """
    fields = vocab.WORKBOOK_LINE_FIELDS
    for index, row in enumerate(rows[:30]):
        single = match_headers(row, fields)
        if not single.positions:  # a title, a note or a blank row
            continue
        below = rows[index + 1] if index + 1 < len(rows) else None
        if header_row_continues(row, below, _understood_line_header, anchor=single.positions.get("source_name")):
            combined = combine_header_rows(row, below, _understood_line_header)  # type: ignore[arg-type]
            match = match_headers(combined.cells, fields)
            if set(_LINE_KEYS) <= match.positions.keys() | single.positions.keys():
                problem = _two_row_problem(combined, match)
                if problem is None:
                    return index + 2, match, None
                reason = (
                    f"header over rows {index + 1}–{index + 2} cannot be read: {problem}; rows found: "
                    f"row {index + 1} [{header_row_text(row)}], row {index + 2} [{header_row_text(below)}]; "  # type: ignore[arg-type]
                    "sheet skipped"
                )
                return index + 1, None, reason
        if set(_LINE_KEYS) <= single.positions.keys():
            return index + 1, single, None
    return 0, None, _NO_HEADER


def _two_row_problem(combined: TwoRowHeader, match: HeaderMatch) -> str | None:
    """Why a two-row header cannot be used: a column neither row explains, a field twice or missing."""
    fields = vocab.WORKBOOK_LINE_FIELDS
    if combined.unread:
        columns = "; ".join(f"column {column_letter(p)} '{written}' is not understood" for p, written in combined.unread)
        return f"{columns} (known: {', '.join(fields[name][0] for name in _LINE_FIELDS)})"
    if match.duplicates:
        name, first, second = match.duplicates[0]
        return f"columns '{first}' and '{second}' both mean {name}"
    missing = match.missing(_LINE_KEYS)
    if missing:
        return "no column for " + " and ".join(" / ".join(fields[name][:3]) for name in missing)
    return None


def _read_info_sheet(
    workbook, sheet: str, formulas: Mapping[tuple[str, int], str]
) -> tuple[dict[str, tuple[str | None, int | None, str]], list[dict[str, object]]]:
    """基本信息: label then value on each row → {field: (value, Excel row, label as written)}, and
    where a value is a formula without a saved value (row, column, value, reason), if anywhere."""
    found: dict[str, tuple[str | None, int | None, str]] = {}
    unsaved: list[dict[str, object]] = []
    rows, letters = read_sheet_rows(workbook, sheet)
    for index, row in enumerate(rows):
        cells = [cell for cell in row if cell is not None and str(cell).strip() != ""]
        if not cells:
            continue
        match = match_headers(cells[:1], vocab.WORKBOOK_INFO_FIELDS)
        if match.positions and match.written:
            name = next(iter(match.positions))
            if name not in found:
                found[name] = (cells[1] if len(cells) > 1 else None, index + 1, match.written[name])
                # The value cell is the first after the label that holds a value or a formula.
                label_at = next(i for i, cell in enumerate(row) if cell is not None and str(cell).strip() != "")
                for letter, cell in zip(letters[label_at + 1 :], row[label_at + 1 :], strict=True):
                    formula = formulas.get((letter, index + 1))
                    if formula is not None:
                        reason = formula_reason(letter, index + 1, formula)
                        unsaved.append({"row": index + 1, "column": match.written[name], "value": formula, "reason": reason})
                    if formula is not None or (cell is not None and str(cell).strip() != ""):
                        break
    for name in INFO_FIELDS:
        found.setdefault(name, (None, None, vocab.ENTERPRISE_FIELDS[name][0]))
    return found, unsaved


# --------------------------------------------------------------------------------------------
# Parsing and checking (vectorised, shared by both shapes)
# --------------------------------------------------------------------------------------------


def _dimension_of_canonical(unit: str | None) -> str | None:
    found = lookup_unit(unit)
    return found.dimension if found else None


def _parse(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed columns beside the strings: p_<field> parsed values, codes looked up."""
    frame = raw.with_columns(
        p_activity_unit=strip_text(pl.col("activity_unit")),
        p_source_name=strip_text(pl.col("source_name")),
        p_enterprise_name=strip_text(pl.col("enterprise_name")),
        # 98, 98% and 0.98 all mean 98 %: the spec allows percent or fraction in one column.
        p_oxidation_text=pl.col("oxidation_rate").str.replace_all("[%％]", ""),
        p_oxidation_percent=pl.col("oxidation_rate").str.contains("[%％]").fill_null(False),
    )
    numbers = {name: f"p_{name}" for name in NUMERIC_FIELDS if name != "oxidation_rate"}
    frame = with_numbers(frame, numbers | {"p_oxidation_text": "p_oxidation_rate"})
    frame = frame.with_columns(
        p_credit_code=eval_distinct(frame, "credit_code", lambda e: strip_text(e).str.to_uppercase(), pl.Utf8),
        p_region_code=eval_distinct(frame, "region_code", region_code_expr, pl.Utf8),
        p_report_year=eval_distinct(frame, "report_year", parse_year, pl.Int32),
        p_submitted_on=eval_distinct(frame, "submitted_on", parse_date, pl.Date),
        p_oxidation_rate=pl.when(pl.col("p_oxidation_percent") | (pl.col("p_oxidation_rate") > 1))
        .then(pl.col("p_oxidation_rate") / 100)
        .otherwise(pl.col("p_oxidation_rate")),
    )
    frame = frame.with_columns(
        p_sector_code=map_distinct(frame, "sector", vocab.sectors().code, pl.Utf8),
        p_data_status=map_distinct(frame, "data_status", vocab.DATA_STATUSES.code, pl.Utf8),
        p_source_category=map_distinct(frame, "source_category", vocab.SOURCE_CATEGORIES.code, pl.Utf8),
        p_in_ets=map_distinct(frame, "in_ets", vocab.YES_NO.code, pl.Utf8),
        p_fuel_name_code=map_distinct(frame, "source_name", vocab.fuels().code, pl.Utf8),
        p_credit_problem=map_distinct(frame, "p_credit_code", _credit_code_problem, pl.Utf8),
        p_ncv_canonical=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "canonical"), pl.Utf8),
        p_ncv_factor=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "factor"), pl.Float64),
        p_ncv_dimension=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "denominator_dimension"), pl.Utf8),
        p_ef_canonical=map_distinct(frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "canonical"), pl.Utf8),
        p_ef_factor=map_distinct(frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "factor"), pl.Float64),
        p_ef_dimension=map_distinct(
            frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "denominator_dimension"), pl.Utf8
        ),
    )
    frame = unit_columns(frame, "activity_unit", "p_unit")
    # Combustion lines name a fuel; purchased electricity and heat are the fuels of those
    # names in ref_fuels; a process line (熟料生产) has no fuel.
    fuel_dimensions = {code: _dimension_of_canonical(unit) for code, unit in vocab.fuel_canonical_units().items()}
    frame = frame.with_columns(
        p_fuel_code=pl.when(pl.col("p_source_category") == "combustion")
        .then(pl.col("p_fuel_name_code"))
        .when(pl.col("p_source_category").is_in(["electricity", "heat"]))
        .then(pl.col("p_source_category")),
    )
    return frame.with_columns(
        # The kind of unit the line needs: a fuel's canonical unit (t for coal, 10^4Nm3 for
        # gas), MWh for electricity, GJ for heat; process lines take any unit in the table.
        p_expected_dimension=pl.when(pl.col("p_source_category") == "process")
        .then(None)
        .otherwise(pl.col("p_fuel_code").replace_strict(fuel_dimensions, default=None, return_dtype=pl.Utf8)),
    )


# The same enterprises report every year and in several versions: check each code once.
_credit_code_problem = lru_cache(maxsize=None)(credit_code_problem)


def _ratio(text: str, numerator: str, attribute: str):
    found = lookup_ratio_unit(text, numerator)
    return getattr(found, attribute) if found else None


def _checks(headers: Mapping[str, str | pl.Expr]) -> list[Check]:
    """Every rule for a report line, one function each (see the check_* functions below)."""
    h = headers
    checks = [check_required(name, h[name]) for name in vocab.ENTERPRISE_REQUIRED]
    checks += [check_number(name, f"p_{name}", h[name]) for name in NUMERIC_FIELDS]  # p_oxidation_rate: the % stripped
    checks += [
        check_credit_code(h["credit_code"]),
        check_region("region_code", "p_region_code", h["region_code"]),
        check_year("report_year", "p_report_year", h["report_year"]),
        check_date("submitted_on", "p_submitted_on", h["submitted_on"]),
        check_recognised("sector", "p_sector_code", h["sector"], "sector", vocab.sectors().display),
        check_recognised("in_ets", "p_in_ets", h["in_ets"], "yes/no value", vocab.YES_NO.display),
        check_recognised("data_status", "p_data_status", h["data_status"], "data status", vocab.DATA_STATUSES.display),
        check_recognised(
            "source_category",
            "p_source_category",
            h["source_category"],
            "emission source category",
            vocab.SOURCE_CATEGORIES.display,
        ),
        check_fuel(h["source_name"]),
        check_unit("activity_unit", "p_unit_dimension", h["activity_unit"], expected=pl.col("p_expected_dimension")),
        check_ratio_unit("ncv_unit", "p_ncv_dimension", h["ncv_unit"], "net calorific value", "GJ/t, GJ/万Nm³, kJ/kg"),
        check_ratio_unit(
            "emission_factor_unit",
            "p_ef_dimension",
            h["emission_factor_unit"],
            "emission factor",
            "tCO2/t, tCO2/MWh, tCO2/GJ",
        ),
        check_oxidation(h["oxidation_rate"]),
        check_unit_slip(h["activity_value"]),
    ]
    # Net purchased electricity and heat (购入 − 外供) may be negative for an enterprise that
    # sells power or steam; fuels burned and process activity cannot be.
    burned_or_processed = pl.col("p_source_category").is_in(["combustion", "process"]).fill_null(True)
    checks += [
        check_not_negative("activity_value", "p_activity_value", h["activity_value"], when=burned_or_processed),
        check_not_negative("co2_t", "p_co2_t", h["co2_t"], when=burned_or_processed),
        check_not_negative("ncv", "p_ncv", h["ncv"]),
        check_not_negative("carbon_content", "p_carbon_content", h["carbon_content"]),
        check_not_negative("emission_factor", "p_emission_factor", h["emission_factor"]),
    ]
    return checks


def check_credit_code(header: str | pl.Expr) -> Check:
    """GB 32100 unified social credit code (length, characters, check character)."""
    return Check.of(
        header,
        pl.col("credit_code"),
        (~blank(pl.col("credit_code")) & pl.col("p_credit_problem").is_not_null(), pl.col("p_credit_problem")),
    )


def check_fuel(header: str | pl.Expr) -> Check:
    """A combustion line's source must be a fuel of ref_fuels (under any of its aliases)."""
    return Check.of(
        header,
        pl.col("source_name"),
        (
            (pl.col("p_source_category") == "combustion")
            & ~blank(pl.col("source_name"))
            & pl.col("p_fuel_code").is_null(),
            pl.format("fuel '{}' is not recognised (known: {})", pl.col("source_name"), pl.lit(vocab.fuels().display)),
        ),
    )


def check_ratio_unit(raw: str, dimension: str, header: str | pl.Expr, what: str, known: str) -> Check:
    """NCV and emission-factor units must be understood and per the line's own kind of unit."""
    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & pl.col(dimension).is_null(),
            pl.format("{} unit '{}' is not known (known: {})", pl.lit(what), pl.col(raw), pl.lit(known)),
        ),
        (
            pl.col("p_unit_dimension").is_not_null() & (pl.col(dimension) != pl.col("p_unit_dimension")),
            pl.format(
                "{} unit '{}' is per {} but the activity is in {} ({})",
                pl.lit(what),
                pl.col(raw),
                pl.col(dimension),
                pl.col("activity_unit"),
                pl.col("p_unit_dimension"),
            ),
        ),
    )


# The most one report line can plausibly hold, per canonical unit. Set far above the largest
# real figure (China's biggest coal plants burn ~1.5×10⁷ t a year) so that a line above it can
# only be a unit slip: 5×10⁷ t of one fuel, 10⁶ ×10⁴Nm³ (10 billion m³) of gas, 10⁸ MWh of
# electricity, 10⁹ GJ of heat.
IMPLAUSIBLE_LINE = {"t": 5e7, "10^4Nm3": 1e6, "MWh": 1e8, "GJ": 1e9}
_UNIT_WORDS = {"t": "tonnes", "10^4Nm3": "m³", "MWh": "kWh", "GJ": "GJ"}
_POWERS = {10.0: "10", 100.0: "10²", 1000.0: "10³", 10000.0: "10⁴", 100000.0: "10⁵"}


def check_unit_slip(header: str | pl.Expr) -> Check:
    """A line written in a large unit (万吨, 万m³, 亿kWh …) whose value, converted, is impossible for
    one enterprise: the clerk most likely typed tonnes into the 万吨 column."""
    limit = pl.col("p_unit_canonical").replace_strict(IMPLAUSIBLE_LINE, default=None, return_dtype=pl.Float64)
    converted = pl.col("p_activity_value") * pl.col("p_unit_factor")
    factor = pl.col("p_unit_factor")
    return Check.of(
        header,
        pl.col("activity_value"),
        (
            (factor > 1) & (converted.abs() > limit),
            pl.format(
                "unit '{}' with value {} looks like {} (×{} too large); row quarantined",
                pl.col("activity_unit"),
                pl.col("activity_value"),
                pl.col("p_unit_canonical").replace_strict(_UNIT_WORDS, default=pl.col("p_unit_canonical"), return_dtype=pl.Utf8),
                factor.replace_strict(_POWERS, default=factor.cast(pl.Int64).cast(pl.Utf8), return_dtype=pl.Utf8),
            ),
        ),
    )


def check_oxidation(header: str | pl.Expr) -> Check:
    """An oxidation rate is between 0 and 100 % (0–1 as a fraction)."""
    return Check.of(
        header,
        pl.col("oxidation_rate"),
        (
            (pl.col("p_oxidation_rate") > 1) | (pl.col("p_oxidation_rate") < 0),
            pl.format("oxidation rate {} is outside 0–100 %", pl.col("oxidation_rate")),
        ),
    )


def _parse_and_check(
    raw: pl.DataFrame,
    headers: Mapping[str, str | pl.Expr],
    *,
    extra_checks: Sequence[Check] = (),
    info_location: Mapping[str, tuple[pl.Expr, pl.Expr]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Strings → typed lines in the raw schema, the quarantine rows of the lines that failed, and
    the register of every line that names its report (REGISTER_SCHEMA), valid or not."""
    if raw.is_empty():
        return empty_frame(TABLE), empty_frame("quarantine"), _empty_register()
    frame = _parse(raw)
    register = _register(frame)
    # Lines quarantined before (at extraction, or damaged by the file itself) are not checked again.
    if _HELD_BACK in frame.columns:
        frame = frame.filter(~pl.col(_HELD_BACK).fill_null(False))
    damaged = empty_frame("quarantine")
    if DAMAGED_COLUMN in frame.columns:
        frame, damaged = split_damaged(frame, FAMILY)
    checks = []
    for check in _checks(headers):
        # Problems in a 基本信息 value point at the 基本信息 cell, not at every line.
        name = _field_of(check)
        if info_location and name in info_location:
            check = check.at(*info_location[name])
        checks.append(check)
    good, quarantine = apply_checks(frame, [*checks, *extra_checks], FAMILY)
    quarantine = pl.concat([damaged, quarantine], how="vertical")
    lines = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_credit_code").alias("credit_code"),
        pl.col("p_enterprise_name").alias("enterprise_name"),
        pl.col("p_region_code").alias("region_code"),
        pl.col("p_sector_code").alias("sector_code"),
        (pl.col("p_in_ets") == "true").alias("in_ets"),
        pl.col("p_report_year").alias("report_year"),
        pl.col("p_data_status").alias("data_status"),
        pl.col("p_submitted_on").alias("submitted_on"),
        pl.col("p_source_category").alias("source_category"),
        pl.col("p_source_name").alias("source_name"),
        pl.col("p_fuel_code").alias("fuel_code"),
        scale(pl.col("p_activity_value"), pl.col("p_unit_factor")).alias("activity_value"),
        pl.col("p_unit_canonical").alias("activity_unit"),
        pl.col("p_activity_value").alias("activity_value_original"),
        pl.col("p_activity_unit").alias("activity_unit_original"),
        # A blank NCV unit means the file's default, GJ per t or per 10^4 Nm3.
        scale(pl.col("p_ncv"), pl.col("p_ncv_factor").fill_null(1.0)).alias("ncv_gj_per_unit"),
        pl.col("p_carbon_content").alias("carbon_content_tc_per_tj"),
        pl.col("p_oxidation_rate").alias("oxidation_fraction"),
        # Emission factors are stored per canonical activity unit; with no unit written, the
        # factor is taken to be per canonical unit already (tCO2/t, tCO2/MWh, tCO2/GJ).
        scale(pl.col("p_emission_factor"), pl.col("p_ef_factor").fill_null(1.0)).alias("emission_factor"),
        pl.when(pl.col("p_emission_factor").is_not_null())
        .then(pl.coalesce("p_ef_canonical", pl.lit("tCO2/") + pl.col("p_unit_canonical")))
        .alias("emission_factor_unit"),
        pl.col("p_co2_t").alias("reported_co2_t"),
    )
    return lines, quarantine, register


def _with_report_key(frame: pl.DataFrame) -> pl.DataFrame:
    """k_credit_code, k_report_year, k_data_status: the report a row belongs to, as text.

    Parsed where the cell parses (2020年 → '2020', 核查 → 'verified'), else the cell as written,
    so that a line whose key cell is invalid still counts against its report; null when blank.
    """
    return frame.with_columns(
        k_credit_code=eval_distinct(frame, "credit_code", lambda e: strip_text(e).str.to_uppercase(), pl.Utf8),
        k_report_year=pl.coalesce(
            eval_distinct(frame, "report_year", parse_year, pl.Int32).cast(pl.Utf8), strip_text(pl.col("report_year"))
        ),
        k_data_status=pl.coalesce(
            map_distinct(frame, "data_status", vocab.DATA_STATUSES.code, pl.Utf8), strip_text(pl.col("data_status"))
        ),
    )


# A line can be attributed to a report only when all three key cells are written.
_KEY_PRESENT = pl.all_horizontal(pl.col("k_credit_code", "k_report_year", "k_data_status").is_not_null())


def _register(frame: pl.DataFrame) -> pl.DataFrame:
    """Every parsed line that names its report, valid or not (REGISTER_SCHEMA).

    content compares two lines cell by cell as read: numbers, codes and dates parsed where they
    parse (15,000 = 15000), text trimmed, so an invalid line compares by what was written.
    """
    parsed = {
        "credit_code": "k_credit_code", "report_year": "k_report_year", "data_status": "k_data_status",
        "region_code": "p_region_code", "submitted_on": "p_submitted_on", "source_category": "p_source_category",
        "oxidation_rate": "p_oxidation_rate", **{name: f"p_{name}" for name in NUMERIC_FIELDS if name != "oxidation_rate"},
    }  # fmt: skip
    cells = [
        pl.coalesce(pl.col(parsed[name]).cast(pl.Utf8), strip_text(pl.col(name)))
        if name in parsed
        else strip_text(pl.col(name))
        for name in FIELDS
    ]
    if RAGGED_COLUMN in frame.columns:
        cells.append(pl.col(RAGGED_COLUMN))
    return (
        _with_report_key(frame)
        .filter(_KEY_PRESENT)
        .select(
            *_PROVENANCE_COLUMNS,
            pl.col("k_credit_code").alias("credit_code"),
            pl.col("k_report_year").alias("report_year"),
            pl.col("k_data_status").alias("data_status"),
            pl.coalesce("p_source_category", strip_text(pl.col("source_category"))).alias("source_category"),
            pl.col("p_source_name").alias("source_name"),
            pl.concat_str([cell.fill_null("∅") for cell in cells], separator="\x1f").alias("content"),
            pl.col("p_co2_t").alias("co2_t"),
        )
        .cast(REGISTER_SCHEMA)  # type: ignore[arg-type]
    )


def _field_of(check: Check) -> str | None:
    """The raw field a check reads (its value column), to relocate 基本信息 problems."""
    names = check.value.meta.root_names()
    return names[0] if names else None
