"""Enterprise GHG reports → raw.enterprise_report_lines (sources/README.md §1).

Two shapes arrive: the reporting platform's bulk CSV export (every version of every report,
GBK) and the per-enterprise Excel template (the year's own submissions). Both are extracted to
the same frame of strings, one column per field of the export, and then parsed and checked by
one vectorised step, so a rule exists once whichever shape a line came in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.identifiers import credit_code_problem
from pipelines.ingest import vocab
from pipelines.ingest.common import (
    CSV_SUFFIXES,
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
    read_each,
    read_sheet_rows,
    region_code_expr,
    rejected_file,
    relative_source,
    require_headers,
    scale,
    strip_text,
    unexpected_error,
    unit_columns,
    with_numbers,
)

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
    """Every export CSV and template workbook under the inbox's enterprise_reports folder."""
    inbox_dir = Path(inbox_dir)
    exports = find_files(inbox_dir, EXPORT_FOLDER, CSV_SUFFIXES)
    results = read_each(FAMILY, "enterprise_export_csv", read_export_csv, exports, inbox_dir)
    workbooks = find_files(inbox_dir, WORKBOOK_FOLDER, EXCEL_SUFFIXES)
    if workbooks:
        # Workbooks are small and many: extract each, then parse and check them all at once.
        results.append(_read_workbooks(workbooks, inbox_dir))
    return resolve_deliveries(flag_unit_slips(ReadResult.combine(results, FAMILY)), inbox_dir)


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
    marked = lines.join(reference, on=source, how="left", nulls_equal=True)
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
# Duplicates and re-deliveries (sources/README.md, "Duplicates and re-delivered files")
# --------------------------------------------------------------------------------------------

REPORT_KEY = ("credit_code", "report_year", "data_status")
_PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")


def _delivery_order(inbox_dir: Path, source_file: str) -> tuple[float, str]:
    """Newer by file modification time, then by name (a file that vanished sorts first)."""
    try:
        return ((inbox_dir / source_file).stat().st_mtime, source_file)
    except OSError:
        return (0.0, source_file)


def resolve_deliveries(result: ReadResult, inbox_dir: Path) -> ReadResult:
    """One copy of every line and of every report, the newest delivery winning.

    - A line identical to an earlier line of the same file and sheet is quarantined
      ("duplicate line: identical to row N").
    - A report (credit code, year, status) found in several files: the deliveries are ordered by
      modification time, then name. The newest content wins. A delivery with the same lines as
      the winner is a duplicate ("duplicate report: … already delivered in <file>"); one with
      different lines is superseded ("superseded: … re-delivered corrected in <file>"). Either way
      its lines go to raw.quarantine, so what was replaced stays on record.
    """
    lines = result.tables[TABLE]
    if lines.is_empty():
        return result
    content = [c for c in lines.columns if c not in _PROVENANCE_COLUMNS]
    lines = lines.with_columns(
        _first_row=pl.col("source_row").min().over(["source_file", pl.col("source_sheet").fill_null(""), *content])
    )
    duplicate_lines = lines.filter(pl.col("source_row") != pl.col("_first_row"))
    lines = lines.filter(pl.col("source_row") == pl.col("_first_row")).drop("_first_row")
    problems = [
        quarantine_row(
            FAMILY, r["source_file"], f"duplicate line: identical to row {r['_first_row']}",
            sheet=r["source_sheet"], row=r["source_row"], column=None, value=None,
        )
        for r in duplicate_lines.select("source_file", "source_sheet", "source_row", "_first_row").iter_rows(named=True)
    ]
    # A digest of each delivery's lines (order-free), to tell a duplicate from a correction.
    digests = (
        lines.with_columns(_line=pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("∅") for c in content], separator="|"))
        .group_by([*REPORT_KEY, "source_file"])
        .agg(_digest=pl.col("_line").sort().str.join("\n").hash())
    )
    repeated = digests.filter(pl.len().over(list(REPORT_KEY)) > 1)
    dropped: dict[tuple, str] = {}  # (credit_code, year, status, file) → reason
    for key, group in repeated.group_by(list(REPORT_KEY)):
        deliveries = sorted(group.iter_rows(named=True), key=lambda r: _delivery_order(inbox_dir, r["source_file"]))
        newest = deliveries[-1]["_digest"]
        winner = next(d for d in deliveries if d["_digest"] == newest)["source_file"]
        what = f"report {key[1]} {key[2]} of this enterprise"
        for d in deliveries:
            if d["source_file"] == winner:
                continue
            if d["_digest"] == newest:
                reason = f"duplicate report: the same {what} was already delivered in {winner}; not loaded twice"
            else:
                reason = f"superseded: the {what} was re-delivered corrected in {winner}, which replaces this file's lines"
            dropped[(*key, d["source_file"])] = reason
    if dropped:
        keyed = pl.DataFrame(
            [dict(zip((*REPORT_KEY, "source_file", "_reason"), (*k, v))) for k, v in dropped.items()],
            schema={**{c: lines.schema[c] for c in REPORT_KEY}, "source_file": pl.Utf8, "_reason": pl.Utf8},
        )
        marked = lines.join(keyed, on=[*REPORT_KEY, "source_file"], how="left", nulls_equal=True)
        for r in marked.filter(pl.col("_reason").is_not_null()).iter_rows(named=True):
            problems.append(
                quarantine_row(
                    FAMILY, r["source_file"], r["_reason"], sheet=r["source_sheet"], row=r["source_row"],
                    column="统一社会信用代码/报告年度/数据状态", value=f"{r['report_year']} {r['data_status']}",
                )
            )
        lines = marked.filter(pl.col("_reason").is_null()).drop("_reason")
    if not problems:
        return result
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, {**result.tables, TABLE: lines}, quarantine, result.files)


def read_export_csv(path: Path, root: Path) -> ReadResult:
    """One bulk export of the reporting platform (§1a): one row per line of one report version."""
    source_file = relative_source(Path(path), Path(root))
    info = FileRead(source_file, "enterprise_export_csv")
    try:
        cells = read_csv_cells(Path(path))
        info.encoding = cells.encoding
        match = match_headers(cells.header, vocab.ENTERPRISE_FIELDS)
        require_headers(match, vocab.ENTERPRISE_FIELDS, vocab.ENTERPRISE_REQUIRED)
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, info.kind, str(problem), info.encoding)
    raw = cells.rows.select(
        pl.lit(source_file, dtype=pl.Utf8).alias("source_file"),
        pl.lit(None, dtype=pl.Utf8).alias("source_sheet"),
        "source_row",
        RAGGED_COLUMN,
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
    lines, quarantine = _parse_and_check(raw, headers, extra_checks=[check_ragged(len(cells.header))])
    return ReadResult.build(FAMILY, {TABLE: lines}, quarantine, [info])


def read_enterprise_workbook(path: Path, root: Path) -> ReadResult:
    """One enterprise's template workbook (§1b)."""
    return _read_workbooks([Path(path)], Path(root))


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------


def _read_workbooks(paths: Sequence[Path], root: Path) -> ReadResult:
    records: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    files: list[FileRead] = []
    for path in paths:
        source_file = relative_source(path, root)
        info = FileRead(source_file, "enterprise_workbook")
        try:
            records.extend(_extract_workbook(path, source_file, problems))
        except UnreadableFile as problem:
            info.rejected = True
            problems.append(quarantine_row(FAMILY, source_file, str(problem)))
        except Exception as exc:  # one bad workbook must not cost the office the others
            info.rejected = True
            problems.append(quarantine_row(FAMILY, source_file, unexpected_error(exc)))
        files.append(info)
    string_columns = ["source_file", "source_sheet", *FIELDS, _INFO_SHEET]
    string_columns += [_HEADER_PREFIX + name for name in FIELDS] + [_INFO_ROW_PREFIX + name for name in INFO_FIELDS]
    schema = {name: pl.Utf8 for name in string_columns} | {"source_row": pl.Int32}
    schema |= {_INFO_ROW_PREFIX + name: pl.Int32 for name in INFO_FIELDS}
    raw = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    headers = {name: pl.col(_HEADER_PREFIX + name) for name in FIELDS}
    info_location = {name: (pl.col(_INFO_SHEET), pl.col(_INFO_ROW_PREFIX + name)) for name in INFO_FIELDS}
    lines, quarantine = _parse_and_check(raw, headers, info_location=info_location)
    quarantine = pl.concat([quarantine_frame(problems), quarantine], how="vertical")
    return ReadResult.build(FAMILY, {TABLE: lines}, quarantine, files)


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


def _extract_workbook(path: Path, source_file: str, problems: list[dict[str, object]]) -> list[dict[str, object]]:
    """The lines of one template workbook as records of strings, each carrying the 基本信息 values.

    Sheets are found by name, the header row of each line sheet by its contents (the template
    puts a title row above it, offices sometimes add a second), and 合计 rows are skipped: a
    total is recomputed downstream, where a mismatch becomes a review flag.
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

    records: list[dict[str, object]] = []
    line_sheets = [(sheet, _sheet_category(sheet)) for sheet in workbook.sheet_names]
    for sheet, category in line_sheets:
        if category is None:
            continue
        try:
            rows, letters = read_sheet_rows(workbook, sheet)
        except UnreadableFile as problem:
            problems.append(quarantine_row(FAMILY, source_file, str(problem), sheet=sheet))
            continue
        data_start, match, problem = _find_line_header(rows)
        if match is None:
            problems.append(quarantine_row(FAMILY, source_file, problem, sheet=sheet, row=data_start or None))
            continue
        sheet_formulas = formulas.get(sheet, {})
        header_units = dict(match.units)
        for index in range(data_start, len(rows)):
            row = rows[index]
            name_cell = row[match.positions["source_name"]]
            if is_total_label(name_cell) or is_total_label(row[0]):
                continue  # a total, recomputed downstream; its SUM formulas are no line's figures
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
                continue
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            record = dict(common)
            record.update(source_sheet=sheet, source_row=index + 1, source_category=category)
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
    if not records and len(problems) == problems_before:
        problems.append(quarantine_row(FAMILY, source_file, "workbook has no emission-source lines"))
    return records


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
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Strings → typed lines in the raw schema, and the quarantine rows of the lines that failed."""
    if raw.is_empty():
        return pl.DataFrame(), pl.DataFrame()
    frame = _parse(raw)
    checks = []
    for check in _checks(headers):
        # Problems in a 基本信息 value point at the 基本信息 cell, not at every line.
        name = _field_of(check)
        if info_location and name in info_location:
            check = check.at(*info_location[name])
        checks.append(check)
    good, quarantine = apply_checks(frame, [*checks, *extra_checks], FAMILY)
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
    return lines, quarantine


def _field_of(check: Check) -> str | None:
    """The raw field a check reads (its value column), to relocate 基本信息 problems."""
    names = check.value.meta.root_names()
    return names[0] if names else None
