"""Energy balance tables (§2a) → raw.energy_balance.

A yearbook workbook, one sheet per region named '<adcode> <name>': fuels across, balance items
down, a unit per fuel column. Each sheet's structure (region, year, fuel columns, units, item
names) is checked once per sheet, column or row; its cells are then parsed for the whole workbook
at once, signed as published and converted to canonical units. The workbook loop
(read_region_sheets) and the sheet, year and fuel-column rules serve the industry energy table
(industry_energy.py) too, so the two tables of one yearbook are read alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import BALANCE_FOLDER
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.checks import YEAR_RANGE, Check, apply_checks, quarantine_frame, quarantine_row
from pipelines.ingest.excel import (
    combine_header_rows,
    formula_reason,
    formulas_without_value,
    header_row_continues,
    open_workbook,
    read_sheet_rows,
    reading_order,
)
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, rejected_file
from pipelines.ingest.text import display_header, is_total_label, name_key, split_header_unit
from pipelines.ingest.units import Unit, known_units, lookup_unit, unit_columns
from pipelines.ingest.values import MISSING_TOKENS, scale, with_numbers


SHEET_REGION = re.compile(r"^\s*(\d{6})")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_UNIT_LABELS = {name_key("单位"), name_key("计量单位"), ""}


# The long columns a balance workbook is extracted to, before its values are parsed.
_BALANCE_CELL_COLUMNS = (
    "source_sheet", "source_row", "source_column", "region_code", "year", "item", "item_code",
    "fuel_code", "fuel_header", "unit_written", "value_written",
)  # fmt: skip


def read_energy_balance_workbook(path: Path, root: Path) -> ReadResult:
    """One province-year workbook, one sheet per region named '<adcode> <name>' (§2a)."""
    return read_region_sheets(path, root, _BALANCE)


def _first_cell(row: Sequence[object]) -> tuple[int, str] | None:
    for position, cell in enumerate(row):
        if cell is not None and str(cell).strip():
            return position, str(cell)
    return None


def _blank_cell(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _in_year_range(year: int | None) -> bool:
    return year is not None and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


@dataclass
class SheetProblems:
    """Where one balance sheet's structure problems go: quarantine rows naming the file and sheet."""

    source_file: str
    sheet: str
    problems: list[dict[str, object]]

    def add(self, reason: str, **where: object) -> None:
        self.problems.append(quarantine_row(FAMILY, self.source_file, reason, sheet=self.sheet, **where))


@dataclass(frozen=True)
class RegionSheets:
    """A yearbook table delivered as one workbook per province and year, one sheet per region:
    what its reader extracts from each sheet and how it parses the extracted cells. The energy
    balance and the industry energy table (industry_energy.py) are both read by read_region_sheets.

    sheet_cells(workbook, report, file_year, out, formulas) appends one sheet's cells as written to
    `out` (one list per column) and reports the sheet's structure problems; file_year is the year
    in the file name, for a sheet whose title names none; formulas are the sheet's formula cells
    without a saved result. finish(cells) parses the whole workbook's cells at once: (table, quarantine).
    """

    table: str  # the raw table: 'energy_balance'
    kind: str  # the folder's kind, for raw.source_files
    columns: tuple[str, ...]  # the extracted cells' columns, before parsing
    types: Mapping[str, pl.DataType]  # the extracted columns that are not text
    sheet_cells: Callable[[object, SheetProblems, str | None, dict[str, list], Mapping[tuple[str, int], str]], None]
    finish: Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]]


def read_region_sheets(path: Path, root: Path, spec: RegionSheets) -> ReadResult:
    """One workbook of region sheets: every sheet's cells extracted (a sheet that cannot be read is
    one quarantine row, the other sheets are still read), then parsed for the whole workbook at once."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    try:
        workbook = open_workbook(path)
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, spec.kind, str(problem), path=path)
    # A sheet whose title names no year takes the file name's (能源平衡表_620000_2015.xlsx).
    file_year = FILE_YEAR.search(path.stem)
    problems: list[dict[str, object]] = []
    cells: dict[str, list] = {name: [] for name in spec.columns}
    formulas = formulas_without_value(path)
    for sheet in workbook.sheet_names:
        report = SheetProblems(source_file, sheet, problems)
        try:
            spec.sheet_cells(workbook, report, file_year.group(1) if file_year else None, cells, formulas.get(sheet, {}))
        except UnreadableFile as problem:
            report.add(str(problem))
    frame = pl.DataFrame(cells, schema={name: spec.types.get(name, pl.Utf8) for name in spec.columns})
    table, quarantine = spec.finish(frame.with_columns(pl.lit(source_file).alias("source_file")))
    quarantine = pl.concat([q for q in (quarantine_frame(problems), quarantine) if q.width], how="vertical")
    return ReadResult.build(FAMILY, {spec.table: table}, quarantine, [FileRead.of(path, source_file, spec.kind)])


def _balance_sheet_cells(
    workbook,
    report: SheetProblems,
    file_year: str | None,
    out: dict[str, list],
    formulas: Mapping[tuple[str, int], str],
) -> None:
    """Append one balance sheet's non-blank cells (item row × fuel column) to `out`, as written.

    Structure problems (region, year, fuel columns, units, item names) are found here, once per
    sheet, column or row; the values are parsed later for the whole workbook at once. A sheet
    is a few hundred cells, so plain Python is cheaper here than a frame per sheet.
    """
    rows, letters = read_sheet_rows(workbook, report.sheet)
    table = _region_and_year(rows, report.sheet, file_year, report)
    if table is None:
        return
    header_index, region, year = table
    header = rows[header_index]
    item_position = _first_cell(header)[0]  # type: ignore[index]
    # A two-row header: 项目 merged down over a group row (煤炭类 | 油品类) and the fuel row
    # under it. The lower row names the fuels; its blanks fall back to the upper row.
    below = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if header_row_continues(header, below, is_fuel_header, anchor=item_position):
        header = tuple(combine_header_rows(header, below, is_fuel_header).cells)  # type: ignore[arg-type]
        header_index += 1
    # The unit row under the header (blank or 单位 under 项目); units may also be in the header.
    unit_row = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if unit_row is not None and not (
        name_key(unit_row[item_position]) in _UNIT_LABELS
        and any(lookup_unit(cell) for cell in unit_row[item_position + 1 :] if cell)
    ):
        unit_row = None
    data_start = header_index + (2 if unit_row is not None else 1)
    unknown: list[tuple[int, str]] = []
    columns = fuel_columns(header, unit_row, item_position, len(letters), header_index, report, unknown)
    for position, written in unknown:
        report_unknown_column(rows, data_start, (item_position, position), written, header_index + 1, report)
    if not columns:
        return
    # Formula cells without a saved result read as empty: say so instead of loading a gap.
    fuel_letters = {letters[position]: written for position, _, written, _ in columns}
    for (letter, row_number), formula in sorted(formulas.items(), key=reading_order):
        if letter in fuel_letters and row_number > data_start:
            report.add(
                formula_reason(letter, row_number, formula), row=row_number, column=fuel_letters[letter], value=formula
            )
    _item_cells(rows, letters, data_start, item_position, columns, (region, year), report, out)


def _region_and_year(
    rows: Sequence[Sequence[object]], sheet: str, file_year: str | None, report: SheetProblems
) -> tuple[int, str, str] | None:
    """The index of the table's header row (the one starting with 项目), its region (from the
    sheet name) and its year (from the title, else the file name); None when the sheet holds no
    table it can read, with the reason (a notes or cover sheet has none)."""
    top = rows[:40]
    header_index = next(
        (i for i, row in enumerate(top) if (found := _first_cell(row)) and name_key(found[1]) == name_key("项目")), None
    )
    region_match = SHEET_REGION.match(sheet)
    if header_index is None:
        if region_match:  # named like a region but without the table: tell the clerk
            report.add("no header row starting with 项目 found; sheet skipped")
        return None  # a notes or cover sheet
    if not region_match:
        report.add(
            "sheet name does not start with a 6-digit region code (e.g. '620100 兰州市'); sheet skipped", value=sheet
        )
        return None
    region = vocab.region_code_changes().get(region_match.group(1), region_match.group(1))
    if region not in vocab.region_codes():
        report.add(
            f"region code {region_match.group(1)} does not exist in the 2024 division list; sheet skipped", value=sheet
        )
        return None
    # The year is in the merged title ('兰州市能源平衡表（实物量） 2015年'), else in the file name.
    year = next(
        (
            found.group(1)
            for row in top[:header_index]
            for cell in row
            if cell and (found := TITLE_YEAR.search(str(cell)))
        ),
        file_year,
    )
    if year is None or not _in_year_range(int(year)):
        report.add(
            f"year {'not found in the title or file name' if year is None else year + ' is outside 2000–2035'}; sheet skipped",
            row=1,
        )
        return None
    return header_index, region, year


def fuel_columns(
    header: Sequence[object],
    unit_row: Sequence[object] | None,
    item_position: int,
    width: int,
    header_index: int,
    report: SheetProblems,
    unknown: list[tuple[int, str]],
) -> list[tuple[int, str, str, str]]:
    """(position, fuel_code, fuel header, unit as written) of every fuel column the sheet's header
    names; a column whose fuel is repeated, or whose unit does not fit, is skipped with the
    reason; one whose fuel is unknown is added to `unknown` (position, header as written)."""
    columns: list[tuple[int, str, str, str]] = []
    seen: dict[str, str] = {}
    for position in range(item_position + 1, width):
        written = display_header(header[position])
        if not written or is_total_label(written) or "合计" in written:
            continue
        base, bracket_unit = split_header_unit(written)
        fuel = vocab.fuels().code(written) or vocab.fuels().code(base)
        unit = (
            str(unit_row[position]).strip() if unit_row is not None and unit_row[position] else None
        ) or bracket_unit
        where = {"row": header_index + 1, "column": written}
        if fuel is None:
            unknown.append((position, written))
            continue
        if fuel in seen:
            report.add(f"fuel column '{written}' repeats '{seen[fuel]}'; column skipped", value=written, **where)
            continue
        problem = _balance_unit_problem(fuel, written, unit)
        if problem:
            unit_at = header_index + 2 if unit_row is not None else header_index + 1
            report.add(problem, row=unit_at, column=written, value=unit)
            continue
        seen[fuel] = written
        columns.append((position, fuel, written, unit))  # type: ignore[arg-type]
    return columns


def report_unknown_column(
    rows: Sequence[Sequence[object]],
    data_start: int,
    positions: tuple[int, int],
    written: str,
    header_row: int,
    report: SheetProblems,
) -> None:
    """Quarantine a fuel column the project does not know. With amounts in it, its energy and CO2
    would vanish from every total while every check stays green, so the row blocks publication
    (the dbt test assert_no_blocking_quarantine); an empty one is only a warning."""
    item_position, position = positions
    amounts = [
        (index + 1, rows[index][item_position], rows[index][position])
        for index in range(data_start, len(rows))
        if _holds_amount(rows[index][position]) and not is_total_label(rows[index][item_position])
    ]
    known = vocab.fuels().display
    if not amounts:
        report.add(f"fuel column '{written}' is not recognised (known: {known}); it holds no amounts; column skipped",
                   value=written, row=header_row, column=written)
        return
    row, item, value = amounts[0]
    report.add(
        f"fuel column '{written}' is not recognised (known: {known}) but holds amounts ({len(amounts)} cells, e.g. "
        f"row {row} {display_header(item)}: {value}): its energy and CO2 would be missing from every total, so "
        "nothing is published until the header names a known fuel or the fuel is added to ref_fuels with its factors",
        value=written, row=header_row, column=written, blocks_publication=True,
    )  # fmt: skip


def _holds_amount(cell: object) -> bool:
    """A cell that states a flow: not blank, not a 'no flow' mark (/, -, —), not zero."""
    if _blank_cell(cell) or str(cell).strip().lower() in MISSING_TOKENS:
        return False
    try:
        return float(str(cell).replace(",", "").strip()) != 0
    except ValueError:
        return True  # text where a number should be: a flow written wrongly is still a flow


def _item_cells(
    rows: Sequence[Sequence[object]],
    letters: Sequence[str],
    data_start: int,
    item_position: int,
    columns: Sequence[tuple[int, str, str, str]],
    region_year: tuple[str, str],
    report: SheetProblems,
    out: dict[str, list],
) -> None:
    """Append the non-blank cells of every item row to `out`; an item row whose name is not a
    balance item is skipped with the reason."""
    region, year = region_year
    for index in range(data_start, len(rows)):
        row = rows[index]
        values = [(column, row[column[0]]) for column in columns if not _blank_cell(row[column[0]])]
        item = row[item_position]
        if not values or is_total_label(item):  # a row of blanks is no flow; 合计 repeats the rows
            continue
        item_code = vocab.balance_items().code(item)
        if item_code is None:
            report.add(
                f"energy balance item '{display_header(item)}' is not recognised (known: {vocab.balance_items().display}); row skipped"
                if not _blank_cell(item)
                else "row has figures but no item name in column 项目; row skipped",
                row=index + 1,
                column="项目",
                value=item,
            )
            continue
        for (position, fuel, fuel_header, unit), value in values:
            out["source_sheet"].append(report.sheet)
            out["source_row"].append(index + 1)
            out["source_column"].append(letters[position])
            out["region_code"].append(region)
            out["year"].append(int(year))
            out["item"].append(item)
            out["item_code"].append(item_code)
            out["fuel_code"].append(fuel)
            out["fuel_header"].append(fuel_header)
            out["unit_written"].append(unit)
            out["value_written"].append(value)


def is_fuel_header(text: str) -> bool:
    """A balance header cell naming a fuel, with or without its unit in brackets (原煤(万吨))."""
    return bool(vocab.fuels().code(display_header(text)) or vocab.fuels().code(split_header_unit(text)[0]))


def _balance_unit_problem(fuel: str, header: str, unit: str | None) -> str | None:
    """A fuel column's unit must be in the table and of the fuel's kind (万吨 for coal, not 亿千瓦时)."""
    canonical = vocab.fuel_canonical_units()[fuel]
    expected = lookup_unit(canonical)
    if not unit:
        return f"column '{header}' has no unit (expected a {expected.dimension} unit such as {_example_units(expected)}); column skipped"
    found = lookup_unit(unit)
    if found is None:
        return f"unit '{unit}' of column '{header}' is not a known {expected.dimension} unit (known: {_example_units(expected)}); column skipped"
    if found.canonical != canonical:
        return f"unit '{unit}' of column '{header}' is a {found.dimension} unit but {header} is measured in {expected.dimension} ({_example_units(expected)}); column skipped"
    return None


def _example_units(unit: Unit) -> str:
    return known_units(unit.dimension)


def _finish_balance(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parse the values (signed as published) and convert them to canonical units."""
    if cells.is_empty():
        return pl.DataFrame(), pl.DataFrame()
    frame = unit_columns(with_numbers(cells, {"value_written": "p_value"}), "unit_written", "p_unit")
    checks = [
        Check.of(
            pl.col("fuel_header"),
            pl.col("value_written"),
            (
                pl.col("p_value_bad"),
                pl.format(
                    "'{}' for {} / {} is not a number", pl.col("value_written"), pl.col("fuel_header"), pl.col("item")
                ),
            ),
        )
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    balance = good.filter(pl.col("p_value").is_not_null()).select(
        "source_file",
        "source_sheet",
        "source_row",
        "source_column",
        "region_code",
        "year",
        "item_code",
        "fuel_code",
        scale(pl.col("p_value"), pl.col("p_unit_factor")).alias("value"),
        pl.col("p_unit_canonical").alias("unit"),
        pl.col("p_value").alias("value_original"),
        pl.col("unit_written").alias("unit_original"),
    )
    return balance, quarantine


_BALANCE = RegionSheets(
    table="energy_balance",
    kind=BALANCE_FOLDER.kind,
    columns=_BALANCE_CELL_COLUMNS,
    types={"source_row": pl.Int32, "year": pl.Int32},
    sheet_cells=_balance_sheet_cells,
    finish=_finish_balance,
)
