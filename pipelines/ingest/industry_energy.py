"""Industrial sub-sector energy tables (§2d) → raw.industry_energy.

The yearbook table 工业分行业终端能源消费量（实物量）: one workbook per province and year, one sheet
per region named '<adcode> <name>' (as the balance tables), fuels across with their units,
industrial divisions of GB/T 4754-2017 down (by name, by code, or '06 煤炭开采和洗选业'). A
division may be followed by its 其中：用作原料、材料 sub-row (non-energy use, part of the division's
figure). Totals (工业, 合计), sections (采矿业, 制造业, …) and groupings (轻工业, 重工业) repeat the
divisions and are not loaded.

The sheet, fuel-column and unit rules are the balance reader's (energy_balance.py), so the two
tables of one yearbook are read alike; the rows are industries instead of balance items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.catalog import INDUSTRY_FOLDER
from pipelines.ingest.checks import YEAR_RANGE, Check, apply_checks
# The workbook loop and the sheet naming, year and fuel-column rules of the balance tables, so
# both tables read alike.
from pipelines.ingest.energy_balance import (
    SHEET_REGION,
    TITLE_YEAR,
    RegionSheets,
    SheetProblems,
    fuel_columns,
    is_fuel_header,
    read_region_sheets,
    report_unknown_column,
)
from pipelines.ingest.excel import combine_header_rows, formula_reason, header_row_continues, read_sheet_rows, reading_order
from pipelines.ingest.results import ReadResult
from pipelines.ingest.text import display_header, is_total_label, name_key
from pipelines.ingest.units import lookup_unit, unit_columns
from pipelines.ingest.values import scale, with_numbers

# '06 煤炭开采和洗选业', '06', '06-煤炭开采和洗选业': a division code in front of (or instead of) the name
_LEADING_CODE = re.compile(r"^\s*(\d{2})(?!\d)[\s.、:：\-]*(.*)$")

# The first cell of the header row: the industry column.
_HEADER_LABELS = frozenset(name_key(w) for w in ("行业", "项目", "行业名称", "行业分类", "行业类别", "行业/项目"))
# A separate code column right of the industry names (行业 | 代码 | 原煤 …).
_CODE_LABELS = frozenset(name_key(w) for w in ("代码", "行业代码", "国标代码"))
_UNIT_LABELS = frozenset(name_key(w) for w in ("单位", "计量单位", ""))
# Rows that total divisions: never loaded (the balance's 工业 row is the total the divisions are
# reconciled with, in dbt). Sections (采矿业, 制造业, …) come from ref_industry_divisions.
_TOTAL_LABELS = frozenset(
    name_key(w)
    for w in ("工业", "全部工业", "工业合计", "全部工业企业", "规模以上工业", "规模以上工业企业", "按轻重分", "轻工业", "重工业")
)

_CELL_COLUMNS = (
    "source_sheet", "source_row", "source_column", "region_code", "year", "industry", "division_code",
    "is_feedstock", "fuel_code", "fuel_header", "unit_written", "value_written",
)  # fmt: skip


def read_industry_energy_workbook(path: Path, root: Path) -> ReadResult:
    """One province-year workbook of 工业分行业终端能源消费量, one sheet per region (§2d)."""
    return read_region_sheets(path, root, _INDUSTRY)


@dataclass(frozen=True)
class _Layout:
    """Where one sheet's table is: its region and year, the industry (and code) column, the
    first data row, and the fuel columns (position, fuel_code, header, unit as written)."""

    region: str
    year: int
    item_position: int
    code_position: int | None
    data_start: int
    columns: list[tuple[int, str, str, str]]


def _sheet_cells(
    workbook, report: SheetProblems, file_year: str | None, out: dict[str, list], formulas: Mapping[tuple[str, int], str]
) -> None:
    """Append one sheet's non-blank division × fuel cells to `out`, as written; structure
    problems (region, year, columns, units, industry names) go to the report once each."""
    rows, letters = read_sheet_rows(workbook, report.sheet)
    layout = _layout(rows, len(letters), file_year, report)
    if layout is None:
        return
    fuel_letters = {letters[position]: written for position, _, written, _ in layout.columns}
    for (letter, row_number), formula in sorted(formulas.items(), key=reading_order):
        if letter in fuel_letters and row_number > layout.data_start:
            report.add(
                formula_reason(letter, row_number, formula), row=row_number, column=fuel_letters[letter], value=formula
            )
    for index, division, is_feedstock in _division_rows(rows, layout, report):
        for position, fuel, fuel_header, unit in layout.columns:
            value = rows[index][position]
            if value is None or not str(value).strip():
                continue  # blank: no consumption (never zero)
            for name, item in (
                ("source_sheet", report.sheet), ("source_row", index + 1), ("source_column", letters[position]),
                ("region_code", layout.region), ("year", layout.year), ("industry", rows[index][layout.item_position]),
                ("division_code", division), ("is_feedstock", is_feedstock), ("fuel_code", fuel),
                ("fuel_header", fuel_header), ("unit_written", unit), ("value_written", value),
            ):  # fmt: skip
                out[name].append(item)


def _first_text(row: Sequence[object]) -> tuple[int, str] | None:
    return next(((i, str(c)) for i, c in enumerate(row) if c is not None and str(c).strip()), None)


def _layout(rows: Sequence[Sequence[object]], width: int, file_year: str | None, report: SheetProblems) -> _Layout | None:
    """The sheet's table layout, or None (with the reason) when the sheet holds no table it can read."""
    top = rows[:40]
    header_index = next(
        (i for i, row in enumerate(top) if (found := _first_text(row)) and name_key(found[1]) in _HEADER_LABELS), None
    )
    region_match = SHEET_REGION.match(report.sheet)
    if header_index is None:
        if region_match:  # named like a region but without the table: tell the clerk
            report.add("no header row starting with 行业 or 项目 found; sheet skipped")
        return None  # a notes or cover sheet
    if not region_match:
        report.add("sheet name does not start with a 6-digit region code (e.g. '620100 兰州市'); sheet skipped",
                   value=report.sheet)  # fmt: skip
        return None
    region = vocab.region_code_changes().get(region_match.group(1), region_match.group(1))
    if region not in vocab.region_codes():
        report.add(f"region code {region_match.group(1)} does not exist in the 2024 division list; sheet skipped",
                   value=report.sheet)  # fmt: skip
        return None
    year = next((m.group(1) for row in top[:header_index] for c in row if c and (m := TITLE_YEAR.search(str(c)))), file_year)
    if year is None or not YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
        where = "not found in the title or file name" if year is None else f"{year} is outside 2000–2035"
        report.add(f"year {where}; sheet skipped", row=1)
        return None
    header = list(rows[header_index])
    item_position = _first_text(header)[0]  # type: ignore[index]
    below = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if header_row_continues(header, below, is_fuel_header, anchor=item_position):
        header = list(combine_header_rows(header, below, is_fuel_header).cells)
        header_index += 1
    code_position = next(
        (p for p in range(item_position + 1, min(item_position + 3, len(header))) if name_key(header[p]) in _CODE_LABELS),
        None,
    )
    if code_position is not None:
        header[code_position] = None  # not a fuel column
    unit_row = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if unit_row is not None and not (
        name_key(unit_row[item_position]) in _UNIT_LABELS and any(lookup_unit(c) for c in unit_row[item_position + 1 :] if c)
    ):
        unit_row = None
    data_start = header_index + (2 if unit_row is not None else 1)
    # An unknown fuel column is reported as in the balance: with amounts it blocks publication.
    unknown: list[tuple[int, str]] = []
    columns = fuel_columns(header, unit_row, item_position, width, header_index, report, unknown)
    for position, written in unknown:
        report_unknown_column(rows, data_start, (item_position, position), written, header_index + 1, report)
    if not columns:
        return None
    return _Layout(region, int(year), item_position, code_position, data_start, columns)


def _division_rows(
    rows: Sequence[Sequence[object]], layout: _Layout, report: SheetProblems
) -> list[tuple[int, str, bool]]:
    """(row index, division code, is_feedstock) of every row to load. A feedstock sub-row
    belongs to the row above it: loaded under a division, skipped under a total or section."""
    found: list[tuple[int, str, bool]] = []
    seen: dict[tuple[str, bool], int] = {}
    parent: str | None = None  # the division the next 其中 row belongs to; '' under a total
    for index in range(layout.data_start, len(rows)):
        row = rows[index]
        has_values = any(row[p] is not None and str(row[p]).strip() for p, _, _, _ in layout.columns)
        label = row[layout.item_position]
        code_cell = row[layout.code_position] if layout.code_position is not None else None
        is_feedstock_row = vocab.balance_items().code(label) == "final_industry_feedstock"
        if not has_values:
            # Nothing consumed, but a named row still decides whom the next 其中 row belongs to.
            if not is_feedstock_row and (name_key(label) or (code_cell is not None and str(code_cell).strip())):
                kind, result = _classify(label, code_cell)
                parent = result if kind == "division" else ("" if kind == "total" else None)
            continue
        where = {"row": index + 1, "column": "行业"}
        if is_feedstock_row:
            if parent is None:
                report.add("其中：用作原料、材料 row follows no industry row; row skipped", value=label, **where)
            elif parent and (parent, True) in seen:
                report.add(f"a second 其中：用作原料、材料 row for division {parent} (first: row {seen[(parent, True)]}); row skipped",
                           value=label, **where)  # fmt: skip
            elif parent:
                seen[(parent, True)] = index + 1
                found.append((index, parent, True))
            continue
        kind, result = _classify(label, code_cell)
        if kind == "total":
            parent = ""
            continue
        if kind == "problem":
            report.add(result, value=label, **where)
            parent = None
            continue
        parent = result
        if (result, False) in seen:
            report.add(f"industry '{display_header(label)}' repeats row {seen[(result, False)]}; row skipped",
                       value=label, **where)  # fmt: skip
            parent = ""
            continue
        seen[(result, False)] = index + 1
        found.append((index, result, False))
    return found


def _classify(label: object, code_cell: object) -> tuple[str, str]:
    """('division', code), ('total', '') for a row totalling divisions, or ('problem', reason)."""
    text = display_header(label)
    key = name_key(text)
    if not key and (code_cell is None or not str(code_cell).strip()):
        return "problem", "row has figures but no industry name in column 行业; row skipped"
    if key in _TOTAL_LABELS or key in vocab.industry_section_names() or is_total_label(text):
        return "total", ""
    divisions = vocab.industry_divisions()
    leading = _LEADING_CODE.match(text)
    name = leading.group(2) if leading else text
    by_name = divisions.code(name) if name else None
    code = leading.group(1) if leading else (str(code_cell).strip().zfill(2) if code_cell and str(code_cell).strip() else None)
    if code is not None and divisions.code(code) is None:
        return "problem", f"industry code {code} is not a GB/T 4754-2017 division of industry (06–46); row skipped"
    if code is not None and by_name is not None and by_name != code:
        return "problem", f"industry code {code} and name '{name}' (division {by_name}) disagree; row skipped"
    if code is None and by_name is None:
        return "problem", (
            f"industry '{text}' is not recognised (known: the GB/T 4754-2017 divisions 06–46 by name or code, "
            f"e.g. 煤炭开采和洗选业, 黑色金属冶炼和压延加工业, 电力、热力生产和供应业); row skipped"
        )
    return "division", code or by_name  # type: ignore[return-value]


def _finish(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parse the values, refuse text and negative figures, convert to canonical units."""
    if cells.is_empty():
        return pl.DataFrame(), pl.DataFrame()
    frame = unit_columns(with_numbers(cells, {"value_written": "p_value"}), "unit_written", "p_unit")
    where = (pl.col("fuel_header"), pl.col("industry"))
    checks = [
        Check.of(
            pl.col("fuel_header"),
            pl.col("value_written"),
            (pl.col("p_value_bad"), pl.format("'{}' for {} / {} is not a number", pl.col("value_written"), *where)),
            (
                pl.col("p_value") < 0,
                pl.format("{} for {} / {} is negative; consumption cannot be negative", pl.col("value_written"), *where),
            ),
        )
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    table = good.filter(pl.col("p_value").is_not_null()).select(
        "source_file", "source_sheet", "source_row", "source_column", "region_code", "year", "division_code",
        "is_feedstock", "fuel_code",
        scale(pl.col("p_value"), pl.col("p_unit_factor")).alias("value"),
        pl.col("p_unit_canonical").alias("unit"),
        pl.col("p_value").alias("value_original"),
        pl.col("unit_written").alias("unit_original"),
    )  # fmt: skip
    return table, quarantine


_INDUSTRY = RegionSheets(
    table="industry_energy",
    kind=INDUSTRY_FOLDER.kind,
    columns=_CELL_COLUMNS,
    types={"source_row": pl.Int32, "year": pl.Int32, "is_feedstock": pl.Boolean},
    sheet_cells=_sheet_cells,
    finish=_finish,
)
