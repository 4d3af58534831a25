"""The per-enterprise Excel template (§1b): one workbook per enterprise and year.

The lines of every line sheet (化石燃料燃烧, 工业生产过程, 净购入电力, 净购入热力) are extracted as
records of strings, each carrying the 基本信息 values, and then parsed and checked all at once by
enterprise_lines.parse_and_check. 合计 rows and the 汇总 sheet are no lines: their 排放量 become
the report's stated totals (compared with its lines in raw.enterprise_report_deliveries).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.catalog import WORKBOOK_FOLDER
from pipelines.ingest.checks import quarantine_frame, quarantine_row
from pipelines.ingest.enterprise_lines import (
    FIELDS,
    HELD_BACK,
    INFO_FIELDS,
    KEY_PRESENT,
    REPORT_KEY,
    TABLE,
    TOTALS_SCHEMA,
    ReportsRead,
    empty_totals,
    parse_and_check,
    with_report_key,
)
from pipelines.ingest.excel import (
    TwoRowHeader,
    combine_header_rows,
    formula_reason,
    formulas_without_value,
    header_row_continues,
    open_workbook,
    read_sheet_rows,
)
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, unexpected_error
from pipelines.ingest.text import (
    HeaderMatch,
    column_letter,
    header_row_text,
    is_total_label,
    match_headers,
    name_key,
    split_header_unit,
)
from pipelines.ingest.values import with_numbers

# A workbook is the enterprise's own submission: status 企业自报.
WORKBOOK_STATUS = "企业自报"

# Which fields' headers are the template's when a check reports them (a workbook's own header
# text travels with each line, see _line_defaults and _line_record).
_HEADER_PREFIX = "__header__"
_INFO_ROW_PREFIX = "__info_row__"
_INFO_SHEET = "__info_sheet"


def read_enterprise_workbook(path: Path, root: Path) -> ReadResult:
    """One enterprise's template workbook (§1b)."""
    return read_workbooks([Path(path)], Path(root)).result


def read_workbooks(paths: Sequence[Path], root: Path) -> ReportsRead:
    """Template workbooks, each extracted on its own, then parsed and checked all at once."""
    records: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    totals: list[dict[str, object]] = []
    files: list[FileRead] = []
    for path in paths:
        source_file = relative_source(path, root)
        info = FileRead.of(path, source_file, WORKBOOK_FOLDER.kind)
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
    schema = {name: pl.Utf8 for name in string_columns} | {"source_row": pl.Int32, HELD_BACK: pl.Boolean}
    schema |= {_INFO_ROW_PREFIX + name: pl.Int32 for name in INFO_FIELDS}
    raw = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    headers = {name: pl.col(_HEADER_PREFIX + name) for name in FIELDS}
    info_location = {name: (pl.col(_INFO_SHEET), pl.col(_INFO_ROW_PREFIX + name)) for name in INFO_FIELDS}
    lines, quarantine, register = parse_and_check(raw, headers, info_location=info_location)
    quarantine = pl.concat([quarantine_frame(problems), quarantine], how="vertical")
    return ReportsRead(ReadResult.build(FAMILY, {TABLE: lines}, quarantine, files), register, _workbook_totals(totals))


def _workbook_totals(records: list[dict[str, object]]) -> pl.DataFrame:
    """The totals a workbook states (its 汇总 sheet, its line sheets' 合计 rows), keyed like its lines."""
    if not records:
        return empty_totals()
    written = {"source_file": pl.Utf8, **{name: pl.Utf8 for name in REPORT_KEY}, "source_category": pl.Utf8,
               "co2_t": pl.Utf8, "factor": pl.Float64, "rank": pl.Int32}  # fmt: skip
    frame = with_report_key(pl.DataFrame(records, schema=written)).filter(KEY_PRESENT)
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


@dataclass
class _Extraction:
    """One workbook being extracted: what each of its lines carries, and where its problems and
    stated totals go."""

    source_file: str
    common: dict[str, object]  # the 基本信息 values, where they stand, and the default headers
    report: dict[str, object]  # source_file and the report key, for the totals
    formulas: Mapping[str, Mapping[tuple[str, int], str]]  # formulas_without_value, by sheet
    problems: list[dict[str, object]]
    totals: list[dict[str, object]]


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
    common = _line_defaults(source_file, info_sheet, base)
    report = {"source_file": source_file, **{name: common.get(name) for name in REPORT_KEY}}
    extraction = _Extraction(source_file, common, report, formulas, problems, totals)
    records: list[dict[str, object]] = []
    for sheet in workbook.sheet_names:
        category = _sheet_category(sheet)
        if category is not None:
            records.extend(_extract_line_sheet(extraction, workbook, sheet, category))
    summary = _summary_total(workbook)
    if summary is not None:
        totals.append(report | {"source_category": None, "co2_t": summary[0], "factor": summary[1], "rank": 1})
    if not records and len(problems) == problems_before:
        problems.append(quarantine_row(FAMILY, source_file, "workbook has no emission-source lines"))
    return records


def _line_defaults(
    source_file: str, info_sheet: str, base: Mapping[str, tuple[str | None, int | None, str]]
) -> dict[str, object]:
    """What every line of a workbook carries: the 基本信息 values with their row and label, the
    status 企业自报, and the export's header names for the columns a sheet lacks."""
    common: dict[str, object] = {"source_file": source_file, _INFO_SHEET: info_sheet, "data_status": WORKBOOK_STATUS}
    # The export's header names stand in for columns a sheet lacks (no NCV on the process sheet).
    common |= {_HEADER_PREFIX + name: aliases[0] for name, aliases in vocab.ENTERPRISE_FIELDS.items()}
    for name, (value, row, header) in base.items():
        common[name] = value
        common[_INFO_ROW_PREFIX + name] = row
        common[_HEADER_PREFIX + name] = header
    common[_HEADER_PREFIX + "data_status"] = "数据状态"
    return common


def _extract_line_sheet(extraction: _Extraction, workbook, sheet: str, category: str) -> list[dict[str, object]]:
    """The lines of one line sheet; its 合计 rows go to the totals. A sheet that cannot be read or
    has no header row is quarantined and stands as one held-back line of the report."""
    problems, source_file = extraction.problems, extraction.source_file
    skipped = {**extraction.common, "source_sheet": sheet, "source_category": category, HELD_BACK: True}
    try:
        rows, letters = read_sheet_rows(workbook, sheet)
    except UnreadableFile as problem:
        problems.append(quarantine_row(FAMILY, source_file, str(problem), sheet=sheet))
        return [skipped | {"source_row": None}]
    data_start, match, problem = _find_line_header(rows)
    if match is None:
        problems.append(quarantine_row(FAMILY, source_file, problem, sheet=sheet, row=data_start or None))
        return [skipped | {"source_row": data_start or None}]
    sheet_formulas = extraction.formulas.get(sheet, {})
    co2_at = match.positions.get("co2_t")
    records: list[dict[str, object]] = []
    for index in range(data_start, len(rows)):
        row = rows[index]
        name_cell = row[match.positions["source_name"]]
        if is_total_label(name_cell) or is_total_label(row[0]):
            # A total is no line; a SUM formula without a saved value leaves the total unknown.
            label = name_cell if is_total_label(name_cell) else row[0]
            rank = 0 if name_key(label).startswith("小计") else 1  # the sheet's 合计 over a group's 小计
            value = row[co2_at] if co2_at is not None and (letters[co2_at], index + 1) not in sheet_formulas else None
            extraction.totals.append(
                extraction.report | {"source_category": category, "co2_t": value, "factor": 1.0, "rank": rank}
            )
            continue
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        records.append(_line_record(extraction, sheet, category, row, index + 1, letters, match))
    return records


def _line_record(
    extraction: _Extraction,
    sheet: str,
    category: str,
    row: Sequence[object],
    row_number: int,
    letters: Sequence[str],
    match: HeaderMatch,
) -> dict[str, object]:
    """One line of a line sheet as a record of strings; held back (and quarantined) when one of
    its cells is a formula without a saved value."""
    sheet_formulas = extraction.formulas.get(sheet, {})
    unsaved = [
        (name, letters[position], sheet_formulas[(letters[position], row_number)])
        for name, position in sorted(match.positions.items(), key=lambda item: item[1])
        if (letters[position], row_number) in sheet_formulas and name in _READ_FROM_LINES
    ]
    if unsaved:
        extraction.problems.extend(
            quarantine_row(
                FAMILY, extraction.source_file, formula_reason(letter, row_number, formula),
                sheet=sheet, row=row_number, column=match.written[name], value=formula,
            )
            for name, letter, formula in unsaved
        )  # fmt: skip
    record = dict(extraction.common)
    record.update(source_sheet=sheet, source_row=row_number, source_category=category)
    record[HELD_BACK] = bool(unsaved)
    record[_HEADER_PREFIX + "source_category"] = f"工作表 {sheet}"
    for name, position in match.positions.items():
        if name not in _READ_FROM_LINES:
            continue
        record[name] = row[position]
        record[_HEADER_PREFIX + name] = match.written[name]
    # 排放因子(tCO2/MWh), 消耗量(万吨): the unit is in the header when the sheet has no unit column.
    for value_field, unit_field in _HEADER_UNIT_FIELDS.items():
        if record.get(unit_field) is None and value_field in match.units:
            record[unit_field] = match.units[value_field]
            record[_HEADER_PREFIX + unit_field] = match.written[value_field]
    return record


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
    as one (excel.combine_header_rows): 燃料品种 merged down beside 消耗量 merged across 数值 |
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
