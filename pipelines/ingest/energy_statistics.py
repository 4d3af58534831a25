"""Energy statistics → raw.energy_balance, raw.activity_statistics, raw.indicator_statistics (§2).

Three shapes: yearbook energy balance tables (one sheet per region, fuels across, items down),
the province's long table of economic indicators, and the CSV files other departments send.
Each is extracted to strings, then parsed and checked with polars expressions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.common import (
    select_fields,
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    Check,
    FileRead,
    ReadResult,
    Unit,
    UnreadableFile,
    apply_checks,
    blank,
    check_not_negative,
    check_number,
    check_ragged,
    check_recognised,
    check_region,
    check_required,
    check_year,
    combine_header_rows,
    csv_file_problems,
    display_header,
    find_files,
    formula_reason,
    formulas_without_value,
    header_row_continues,
    is_total_label,
    lookup_unit,
    map_distinct,
    match_headers,
    name_key,
    open_workbook,
    parse_year,
    quarantine_frame,
    quarantine_row,
    read_csv_cells,
    read_each,
    read_sheet_cells,
    read_sheet_rows,
    region_code_expr,
    rejected_file,
    relative_source,
    require_headers,
    scale,
    split_damaged,
    split_header_unit,
    strip_text,
    unit_columns,
    with_numbers,
)

FAMILY = "energy_statistics"
BALANCE_FOLDER = "energy_statistics/energy_balance"
ACTIVITY_FOLDER = "energy_statistics/activity"
INDICATOR_FOLDER = "energy_statistics/department_indicators"

YEAR_RANGE = (2000, 2035)


def read_energy_statistics(inbox_dir: Path) -> ReadResult:
    """Every balance workbook, activity workbook and department CSV under energy_statistics/."""
    inbox_dir = Path(inbox_dir)
    results = read_each(
        FAMILY, "energy_balance_workbook", read_energy_balance_workbook,
        find_files(inbox_dir, BALANCE_FOLDER, EXCEL_SUFFIXES), inbox_dir,
    )  # fmt: skip
    results += read_each(
        FAMILY,
        "activity_workbook",
        read_activity_workbook,
        find_files(inbox_dir, ACTIVITY_FOLDER, EXCEL_SUFFIXES),
        inbox_dir,
    )
    results += read_each(
        FAMILY, "department_indicators_csv", read_department_indicators_csv,
        find_files(inbox_dir, INDICATOR_FOLDER, CSV_SUFFIXES), inbox_dir,
    )  # fmt: skip
    return resolve_redeliveries(ReadResult.combine(results, FAMILY), inbox_dir)


# What one delivery states, per table: a balance sheet is a region-year, an activity or
# indicator row a region-year-variable. The same key in a newer file replaces the older file's.
REDELIVERY_KEYS = {
    "energy_balance": (("region_code", "year"), "balance table {} {} (region, year)"),
    "activity_statistics": (("region_code", "year", "variable_code"), "activity value {} {} {} (region, year, variable)"),
    "indicator_statistics": (("region_code", "year", "indicator_code"), "indicator {} {} {} (region, year, indicator)"),
}


def _delivery_time(inbox_dir: Path, source_file: str) -> float:
    try:
        return (inbox_dir / source_file).stat().st_mtime
    except OSError:  # a file that vanished sorts first
        return 0.0


def resolve_redeliveries(result: ReadResult, inbox_dir: Path) -> ReadResult:
    """A corrected re-delivery replaces the older file's rows for the same key (see REDELIVERY_KEYS).

    The files holding a key are ordered by modification time, then name; the newest file's rows
    stay and the older files' rows for that key go to raw.quarantine ("superseded: … re-delivered
    corrected in <file>"). Two files sharing the newest modification time are not resolved: which
    one is the correction cannot be told, so both stay and the dbt uniqueness tests block the
    build. Conflicting values within one file are never resolved here either.
    """
    inbox_dir = Path(inbox_dir)
    tables = dict(result.tables)
    problems: list[dict[str, object]] = []
    for table, (key, what) in REDELIVERY_KEYS.items():
        frame = tables[table]
        if frame.is_empty():
            continue
        files_per_key = frame.select(*key, "source_file").unique()
        repeated = files_per_key.filter(pl.len().over(list(key)) > 1)
        if repeated.is_empty():
            continue
        times = {f: _delivery_time(inbox_dir, f) for f in repeated["source_file"].unique().to_list()}
        dropped: list[dict[str, object]] = []
        for values, group in repeated.group_by(list(key)):
            deliveries = sorted(group["source_file"].to_list(), key=lambda f: (times[f], f))
            winner = deliveries[-1]
            if times[deliveries[-2]] == times[winner]:
                continue  # same modification time: ambiguous, left to the blocking checks
            described = what.format(*values)
            for older in deliveries[:-1]:
                dropped.append(
                    {
                        **dict(zip(key, values, strict=True)),
                        "source_file": older,
                        "_reason": f"superseded: the {described} was re-delivered corrected in {winner}, "
                        "which replaces this file's rows",
                    }
                )
        if not dropped:
            continue
        keyed = pl.DataFrame(dropped, schema={**{c: frame.schema[c] for c in key}, "source_file": pl.Utf8, "_reason": pl.Utf8})
        marked = frame.join(keyed, on=[*key, "source_file"], how="left", nulls_equal=True)
        superseded = (
            marked.filter(pl.col("_reason").is_not_null())
            .select("source_file", "source_sheet", "source_row", *key, "_reason")
            .unique(subset=["source_file", "source_sheet", "source_row", "_reason"], maintain_order=True)
        )
        for r in superseded.iter_rows(named=True):
            problems.append(
                quarantine_row(
                    FAMILY, r["source_file"], r["_reason"], sheet=r["source_sheet"], row=r["source_row"],
                    column="/".join(key), value=" ".join(str(r[c]) for c in key),
                )
            )  # fmt: skip
        tables[table] = marked.filter(pl.col("_reason").is_null()).drop("_reason")
    if not problems:
        return result
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, tables, quarantine, result.files)


def _rejected(
    source_file: str, kind: str, problem: Exception, encoding: str | None = None, path: Path | None = None
) -> ReadResult:
    return rejected_file(FAMILY, source_file, kind, str(problem), encoding, path)


def _in_year_range(year: int | None) -> bool:
    return year is not None and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


# --------------------------------------------------------------------------------------------
# 2a. Energy balance tables
# --------------------------------------------------------------------------------------------

_SHEET_REGION = re.compile(r"^\s*(\d{6})")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_UNIT_LABELS = {name_key("单位"), name_key("计量单位"), ""}


# The long columns a balance workbook is extracted to, before its values are parsed.
_BALANCE_CELL_COLUMNS = (
    "source_sheet", "source_row", "source_column", "region_code", "year", "item", "item_code",
    "fuel_code", "fuel_header", "unit_written", "value_written",
)  # fmt: skip


def read_energy_balance_workbook(path: Path, root: Path) -> ReadResult:
    """One province-year workbook, one sheet per region named '<adcode> <name>' (§2a)."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    try:
        workbook = open_workbook(path)
    except UnreadableFile as problem:
        return _rejected(source_file, "energy_balance_workbook", problem, path=path)
    file_year = _FILE_YEAR.search(path.stem)
    problems: list[dict[str, object]] = []
    cells: dict[str, list] = {name: [] for name in _BALANCE_CELL_COLUMNS}
    formulas = formulas_without_value(path)
    for sheet in workbook.sheet_names:
        try:
            _balance_sheet_cells(
                workbook, sheet, source_file, file_year.group(1) if file_year else None, problems, cells,
                formulas.get(sheet, {}),
            )  # fmt: skip
        except UnreadableFile as problem:
            problems.append(quarantine_row(FAMILY, source_file, str(problem), sheet=sheet))
    frame = pl.DataFrame(
        cells,
        schema={name: (pl.Int32 if name in ("source_row", "year") else pl.Utf8) for name in _BALANCE_CELL_COLUMNS},
    ).with_columns(pl.lit(source_file).alias("source_file"))
    balance, quarantine = _finish_balance(frame)
    quarantine = pl.concat([q for q in (quarantine_frame(problems), quarantine) if q.width], how="vertical")
    return ReadResult.build(
        FAMILY, {"energy_balance": balance}, quarantine, [FileRead.of(path, source_file, "energy_balance_workbook")]
    )


def _first_cell(row: Sequence[object]) -> tuple[int, str] | None:
    for position, cell in enumerate(row):
        if cell is not None and str(cell).strip():
            return position, str(cell)
    return None


def _blank_cell(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _balance_sheet_cells(
    workbook,
    sheet: str,
    source_file: str,
    file_year: str | None,
    problems: list[dict[str, object]],
    out: dict[str, list],
    formulas: Mapping[tuple[str, int], str] | None = None,
) -> None:
    """Append one balance sheet's non-blank cells (item row × fuel column) to `out`, as written.

    Structure problems (region, year, fuel columns, units, item names) are found here, once per
    sheet, column or row; the values are parsed later for the whole workbook at once. A sheet
    is a few hundred cells, so plain Python is cheaper here than a frame per sheet.
    """
    rows, letters = read_sheet_rows(workbook, sheet)
    top = rows[:40]
    header_index = next(
        (i for i, row in enumerate(top) if (found := _first_cell(row)) and name_key(found[1]) == name_key("项目")), None
    )
    region_match = _SHEET_REGION.match(sheet)
    if header_index is None:
        if region_match:  # named like a region but without the table: tell the clerk
            problems.append(
                quarantine_row(
                    FAMILY, source_file, "no header row starting with 项目 found; sheet skipped", sheet=sheet
                )
            )
        return  # a notes or cover sheet
    if not region_match:
        problems.append(
            quarantine_row(
                FAMILY,
                source_file,
                "sheet name does not start with a 6-digit region code (e.g. '620100 兰州市'); sheet skipped",
                sheet=sheet,
                value=sheet,
            )
        )
        return
    region = vocab.region_code_changes().get(region_match.group(1), region_match.group(1))
    if region not in vocab.region_codes():
        problems.append(
            quarantine_row(
                FAMILY,
                source_file,
                f"region code {region_match.group(1)} does not exist in the 2024 division list; sheet skipped",
                sheet=sheet,
                value=sheet,
            )
        )
        return
    # The year is in the merged title ('兰州市能源平衡表（实物量） 2015年'), else in the file name.
    year = next(
        (
            found.group(1)
            for row in top[:header_index]
            for cell in row
            if cell and (found := _TITLE_YEAR.search(str(cell)))
        ),
        file_year,
    )
    if year is None or not _in_year_range(int(year)):
        problems.append(
            quarantine_row(
                FAMILY,
                source_file,
                f"year {'not found in the title or file name' if year is None else year + ' is outside 2000–2035'}; sheet skipped",
                sheet=sheet,
                row=1,
            )
        )
        return

    header = rows[header_index]
    item_position = _first_cell(header)[0]  # type: ignore[index]
    # A two-row header: 项目 merged down over a group row (煤炭类 | 油品类) and the fuel row
    # under it. The lower row names the fuels; its blanks fall back to the upper row.
    below = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if header_row_continues(header, below, _is_fuel_header, anchor=item_position):
        header = tuple(combine_header_rows(header, below, _is_fuel_header).cells)  # type: ignore[arg-type]
        header_index += 1
    # The unit row under the header (blank or 单位 under 项目); units may also be in the header.
    unit_row = rows[header_index + 1] if header_index + 1 < len(rows) else None
    if unit_row is not None and not (
        name_key(unit_row[item_position]) in _UNIT_LABELS
        and any(lookup_unit(cell) for cell in unit_row[item_position + 1 :] if cell)
    ):
        unit_row = None
    data_start = header_index + (2 if unit_row is not None else 1)

    columns: list[tuple[int, str, str, str]] = []  # (position, fuel_code, fuel header, unit as written)
    seen: dict[str, str] = {}
    for position in range(item_position + 1, len(letters)):
        written = display_header(header[position])
        if not written or is_total_label(written) or "合计" in written:
            continue
        base, bracket_unit = split_header_unit(written)
        fuel = vocab.fuels().code(written) or vocab.fuels().code(base)
        unit = (
            str(unit_row[position]).strip() if unit_row is not None and unit_row[position] else None
        ) or bracket_unit
        where = {"sheet": sheet, "row": header_index + 1, "column": written}
        if fuel is None:
            problems.append(
                quarantine_row(
                    FAMILY,
                    source_file,
                    f"fuel column '{written}' is not recognised (known: {vocab.fuels().display}); column skipped",
                    value=written,
                    **where,
                )
            )
            continue
        if fuel in seen:
            problems.append(
                quarantine_row(
                    FAMILY,
                    source_file,
                    f"fuel column '{written}' repeats '{seen[fuel]}'; column skipped",
                    value=written,
                    **where,
                )
            )
            continue
        problem = _balance_unit_problem(fuel, written, unit)
        if problem:
            unit_where = where | {"row": header_index + 2 if unit_row is not None else header_index + 1}
            problems.append(quarantine_row(FAMILY, source_file, problem, value=unit, **unit_where))
            continue
        seen[fuel] = written
        columns.append((position, fuel, written, unit))  # type: ignore[arg-type]
    if not columns:
        return

    # Formula cells without a saved result read as empty: say so instead of loading a gap.
    fuel_letters = {letters[position]: written for position, _, written, _ in columns}
    for (letter, row_number), formula in sorted((formulas or {}).items(), key=_sheet_order):
        if letter in fuel_letters and row_number > data_start:
            problems.append(
                quarantine_row(
                    FAMILY, source_file, formula_reason(letter, row_number, formula),
                    sheet=sheet, row=row_number, column=fuel_letters[letter], value=formula,
                )
            )  # fmt: skip

    for index in range(data_start, len(rows)):
        row = rows[index]
        values = [(column, row[column[0]]) for column in columns if not _blank_cell(row[column[0]])]
        item = row[item_position]
        if not values or is_total_label(item):  # a row of blanks is no flow; 合计 repeats the rows
            continue
        item_code = vocab.balance_items().code(item)
        if item_code is None:
            problems.append(
                quarantine_row(
                    FAMILY,
                    source_file,
                    f"energy balance item '{display_header(item)}' is not recognised (known: {vocab.balance_items().display}); row skipped"
                    if not _blank_cell(item)
                    else "row has figures but no item name in column 项目; row skipped",
                    sheet=sheet,
                    row=index + 1,
                    column="项目",
                    value=item,
                )
            )
            continue
        for (position, fuel, fuel_header, unit), value in values:
            out["source_sheet"].append(sheet)
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


def _sheet_order(item: tuple[tuple[str, int], str]) -> tuple[int, int, str]:
    """Cells in reading order: by row, then column (B before AA)."""
    (letter, row), _ = item
    return row, len(letter), letter


def _is_fuel_header(text: str) -> bool:
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
    from pipelines.ingest.common import known_units

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


# --------------------------------------------------------------------------------------------
# 2b. Activity statistics
# --------------------------------------------------------------------------------------------

# Units of activity variables outside the general table (people, indices): the seed publishes
# 万人 and 'index' and names 10k_persons and index as canonical.
_ACTIVITY_EXTRA_UNITS = {
    name_key("万人"): Unit("万人", "10k_persons", 1.0, "population"),
    name_key("人"): Unit("人", "10k_persons", 0.0001, "population"),
    name_key("index"): Unit("index", "index", 1.0, "index"),
}


def _activity_unit(variable: vocab.Variable, header_unit: str | None) -> tuple[Unit | None, str]:
    """The unit of a variable's column: the header's bracket, else the seed's published unit."""
    if variable.canonical_unit == "index":  # (上年=100) in an index header is a base, not a unit
        return _ACTIVITY_EXTRA_UNITS[name_key("index")], "index"
    written = header_unit or variable.unit_published
    found = lookup_unit(written) or _ACTIVITY_EXTRA_UNITS.get(name_key(written))
    return (found if found and found.canonical == variable.canonical_unit else None), written


def read_activity_workbook(path: Path, root: Path) -> ReadResult:
    """The province's 主要经济指标 workbook: one row per region and year (§2b)."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    kind = "activity_workbook"
    try:
        workbook = open_workbook(path)
    except UnreadableFile as problem:
        return _rejected(source_file, kind, problem, path=path)
    variables = vocab.activity_variables()
    fields = {**vocab.ACTIVITY_KEY_FIELDS, **{code: v.aliases for code, v in variables.items()}}
    problems: list[dict[str, object]] = []
    long_parts: list[pl.DataFrame] = []
    quarantine_parts: list[pl.DataFrame] = []
    found_table = False
    formulas = formulas_without_value(path)
    # The spec names the sheet 主要指标; any sheet with 地区代码 and 年份 headers is read, hidden or not.
    for sheet in workbook.sheet_names:
        try:
            frame = read_sheet_cells(workbook, sheet)
        except UnreadableFile as problem:
            problems.append(quarantine_row(FAMILY, source_file, str(problem), sheet=sheet))
            continue
        top = frame.head(30).rows()
        header_index, match = None, None
        for index, row in enumerate(top):
            candidate = match_headers(row, fields)
            if {"region_code", "year"} <= candidate.positions.keys():
                header_index, match = index, candidate
                break
        if match is None:
            continue
        found_table = True
        letters = frame.columns
        for field_name, first, second in match.duplicates:
            problems.append(
                quarantine_row(
                    FAMILY,
                    source_file,
                    f"columns '{first}' and '{second}' both mean {field_name}; the second is skipped",
                    sheet=sheet,
                    row=header_index + 1,
                    column=second,
                )
            )
        for _position, written in match.unknown:
            problems.append(
                quarantine_row(
                    FAMILY,
                    source_file,
                    f"column '{written}' is not a known activity variable (known: {', '.join(v.aliases[0] for v in variables.values())}); column skipped",
                    sheet=sheet,
                    row=header_index + 1,
                    column=written,
                    value=written,
                )
            )
        value_columns: list[tuple[str, str, str, Unit, str]] = []  # (letter, code, header, unit, unit written)
        for code in variables:
            if code not in match.positions:
                continue
            unit, written_unit = _activity_unit(variables[code], match.units.get(code))
            if unit is None:
                problems.append(
                    quarantine_row(
                        FAMILY,
                        source_file,
                        f"unit '{written_unit}' of column '{match.written[code]}' cannot be converted to {variables[code].canonical_unit}; column skipped",
                        sheet=sheet,
                        row=header_index + 1,
                        column=match.written[code],
                        value=written_unit,
                    )
                )
                continue
            value_columns.append((letters[match.positions[code]], code, match.written[code], unit, written_unit))
        value_headers = {letter: header for letter, _, header, _, _ in value_columns}
        sheet_formulas = formulas.get(sheet, {})
        for (letter, row_number), formula in sorted(sheet_formulas.items(), key=_sheet_order):
            if letter in value_headers and row_number > header_index + 1:
                problems.append(
                    quarantine_row(
                        FAMILY, source_file, formula_reason(letter, row_number, formula),
                        sheet=sheet, row=row_number, column=value_headers[letter], value=formula,
                    )
                )  # fmt: skip
        long, quarantine = _finish_activity(frame, sheet, source_file, header_index, match, value_columns)
        long_parts.append(long)
        quarantine_parts.append(quarantine)
    if not found_table:
        return _rejected(
            source_file,
            kind,
            UnreadableFile("no sheet has a header row with 地区代码 and 年份 (expected sheet 主要指标)"),
            path=path,
        )
    tables = {
        "activity_statistics": pl.concat([p for p in long_parts if p.width], how="vertical")
        if any(p.width for p in long_parts)
        else pl.DataFrame()
    }
    quarantine = pl.concat([quarantine_frame(problems), *[q for q in quarantine_parts if q.width]], how="vertical")
    return ReadResult.build(FAMILY, tables, quarantine, [FileRead.of(path, source_file, kind)])


def _finish_activity(
    frame: pl.DataFrame, sheet: str, source_file: str, header_index: int, match, value_columns
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check each region-year row, then each figure; good figures become long rows."""
    letters = frame.columns
    region_letter = letters[match.positions["region_code"]]
    year_letter = letters[match.positions["year"]]
    value_letters = [c[0] for c in value_columns]
    body = (
        frame.slice(header_index + 1)
        .with_row_index("source_row", offset=header_index + 2)
        .select(
            pl.lit(source_file).alias("source_file"),
            pl.lit(sheet).alias("source_sheet"),
            pl.col("source_row").cast(pl.Int32),
            pl.col(region_letter).alias("region_written"),
            pl.col(year_letter).alias("year_written"),
            *value_letters,
        )
        # Blank rows and 合计 rows carry nothing of their own.
        .filter(~pl.all_horizontal([blank(pl.col(c)) for c in ["region_written", "year_written", *value_letters]]))
        .filter(
            ~pl.col("region_written")
            .str.replace_all(r"\s", "")
            .str.to_lowercase()
            .is_in(["合计", "总计", "total"])
            .fill_null(False)
        )
    )
    body = body.with_columns(p_region=region_code_expr("region_written"), p_year=parse_year(pl.col("year_written")))
    region_header, year_header = match.written["region_code"], match.written["year"]
    row_checks = [
        check_required("region_written", region_header),
        check_required("year_written", year_header),
        check_region("region_written", "p_region", region_header),
        check_year("year_written", "p_year", year_header, *YEAR_RANGE),
    ]
    rows, row_quarantine = apply_checks(body, row_checks, FAMILY)
    if not value_columns or rows.is_empty():
        return pl.DataFrame(), row_quarantine
    info = pl.DataFrame(
        {
            "letter": value_letters,
            "variable_code": [c[1] for c in value_columns],
            "header": [c[2] for c in value_columns],
            "unit": [c[3].canonical for c in value_columns],
            "factor": [c[3].factor for c in value_columns],
            "unit_original": [c[4] for c in value_columns],
        }
    )
    long = (
        rows.unpivot(
            index=["source_file", "source_sheet", "source_row", "p_region", "p_year"],
            on=value_letters,
            variable_name="letter",
            value_name="value_written",
        )
        .filter(~blank(pl.col("value_written")))
        .join(info, on="letter", how="left")
    )
    long = with_numbers(long, {"value_written": "p_value"})
    value_checks = [
        check_number("value_written", "p_value", pl.col("header")),
        check_not_negative("value_written", "p_value", pl.col("header")),
    ]
    good, value_quarantine = apply_checks(long, value_checks, FAMILY)
    activity = good.filter(pl.col("p_value").is_not_null()).select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_region").alias("region_code"),
        pl.col("p_year").alias("year"),
        "variable_code",
        scale(pl.col("p_value"), pl.col("factor")).alias("value"),
        "unit",
        pl.col("p_value").alias("value_original"),
        "unit_original",
    )
    return activity, pl.concat([row_quarantine, value_quarantine], how="vertical")


# --------------------------------------------------------------------------------------------
# 2c. Department indicator statistics
# --------------------------------------------------------------------------------------------


def _indicator_conversion(key: str) -> tuple[str, float] | None:
    """'forest_area|万公顷' → ('ha', 10000): the seed's multiplier for its published unit, else
    the general unit table when it lands on the indicator's canonical unit; None otherwise."""
    code, _, unit = key.partition("|")
    indicator = vocab.indicators().get(code)
    if indicator is None:
        return None
    if not unit or name_key(unit) == name_key(indicator.unit_published):
        return indicator.canonical_unit, indicator.multiplier or 1.0
    found = lookup_unit(unit)
    if found and found.canonical == indicator.canonical_unit:
        return found.canonical, found.factor
    return None


def read_department_indicators_csv(path: Path, root: Path) -> ReadResult:
    """One department's indicator file: region, year, indicator, value, unit, department (§2c)."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    kind = "department_indicators_csv"
    info = FileRead.of(path, source_file, kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.INDICATOR_FIELDS)
        require_headers(match, vocab.INDICATOR_FIELDS, [*vocab.INDICATOR_REQUIRED, "value"])
    except UnreadableFile as problem:
        return _rejected(source_file, kind, problem, info.encoding, path)
    raw, h = select_fields(cells, match, vocab.INDICATOR_FIELDS, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {"value": "p_value"}).with_columns(
        p_region=region_code_expr("region_code"),
        p_year=parse_year(pl.col("year")),
        p_unit=strip_text(pl.col("unit")),
        p_department=strip_text(pl.col("department")),
    )
    frame = frame.with_columns(p_indicator=map_distinct(frame, "indicator", vocab.indicator_names().code, pl.Utf8))
    frame = frame.with_columns(p_key=pl.concat_str(pl.col("p_indicator"), pl.lit("|"), pl.col("p_unit").fill_null("")))
    frame = frame.with_columns(
        p_canonical=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[0], pl.Utf8),
        p_factor=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[1], pl.Float64),
        p_published=pl.col("p_indicator").replace_strict(
            {c: v.unit_published for c, v in vocab.indicators().items()}, default=None, return_dtype=pl.Utf8
        ),
    )
    checks = [check_required(n, h[n]) for n in vocab.INDICATOR_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_region("region_code", "p_region", h["region_code"]),
        check_year("year", "p_year", h["year"], *YEAR_RANGE),
        check_recognised("indicator", "p_indicator", h["indicator"], "indicator", vocab.indicator_names().display),
        check_number("value", "p_value", h["value"]),
        check_not_negative("value", "p_value", h["value"]),
        check_indicator_unit(h["unit"]),
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    indicators = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_region").alias("region_code"),
        pl.col("p_year").alias("year"),
        pl.col("p_indicator").alias("indicator_code"),
        scale(pl.col("p_value"), pl.col("p_factor")).alias("value"),
        pl.col("p_canonical").alias("unit"),
        pl.col("p_value").alias("value_original"),
        # A blank unit is read as the indicator's published unit, and recorded as such.
        pl.coalesce("p_unit", "p_published").alias("unit_original"),
        pl.col("p_department").alias("department"),
    )
    return ReadResult.build(FAMILY, {"indicator_statistics": indicators}, quarantine, [info])


def check_indicator_unit(header: str) -> Check:
    """The unit must be the indicator's published unit or convert to its canonical unit."""
    return Check.of(
        header,
        pl.col("unit"),
        (
            pl.col("p_indicator").is_not_null() & pl.col("p_canonical").is_null(),
            pl.format(
                "unit '{}' does not fit indicator {} (published in {})",
                pl.col("unit"),
                pl.col("indicator"),
                pl.col("p_published"),
            ),
        ),
    )
