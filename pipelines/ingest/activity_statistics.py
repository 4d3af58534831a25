"""Activity statistics (§2b) → raw.activity_statistics.

The province's 主要经济指标 workbook: one row per region and year, one column per activity
variable of ref_activity_variables (GDP, industry value added, electricity flows …), its unit in
the header's bracket or the seed's published unit. Each region-year row is checked, then each
figure; the good figures become long rows in canonical units.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ACTIVITY_FOLDER
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.checks import (
    YEAR_RANGE,
    apply_checks,
    check_not_negative,
    check_number,
    check_region,
    check_required,
    check_year,
    quarantine_frame,
    quarantine_row,
)
from pipelines.ingest.excel import formula_reason, formulas_without_value, open_workbook, read_sheet_cells, reading_order
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, rejected_file
from pipelines.ingest.text import HeaderMatch, match_headers, name_key
from pipelines.ingest.units import Unit, lookup_unit
from pipelines.ingest.values import blank, parse_year, region_code_expr, scale, with_numbers


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
    kind = ACTIVITY_FOLDER.kind
    try:
        workbook = open_workbook(path)
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, kind, str(problem), path=path)
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
        header_index, match = _find_header(frame, fields)
        if match is None:
            continue
        found_table = True
        where = {"sheet": sheet, "row": header_index + 1}
        value_columns = _value_columns(match, frame.columns, variables, source_file, where, problems)
        value_headers = {letter: header for letter, _, header, _, _ in value_columns}
        for (letter, row_number), formula in sorted(formulas.get(sheet, {}).items(), key=reading_order):
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
        return rejected_file(
            FAMILY,
            source_file,
            kind,
            "no sheet has a header row with 地区代码 and 年份 (expected sheet 主要指标)",
            path=path,
        )
    tables = {
        "activity_statistics": pl.concat([p for p in long_parts if p.width], how="vertical")
        if any(p.width for p in long_parts)
        else pl.DataFrame()
    }
    quarantine = pl.concat([quarantine_frame(problems), *[q for q in quarantine_parts if q.width]], how="vertical")
    return ReadResult.build(FAMILY, tables, quarantine, [FileRead.of(path, source_file, kind)])


def _find_header(frame: pl.DataFrame, fields: Mapping[str, tuple[str, ...]]) -> tuple[int, HeaderMatch | None]:
    """The header row among a sheet's top 30: the first naming both 地区代码 and 年份."""
    for index, row in enumerate(frame.head(30).rows()):
        candidate = match_headers(row, fields)
        if {"region_code", "year"} <= candidate.positions.keys():
            return index, candidate
    return -1, None


def _value_columns(
    match: HeaderMatch,
    letters: list[str],
    variables: Mapping[str, vocab.Variable],
    source_file: str,
    where: Mapping[str, object],
    problems: list[dict[str, object]],
) -> list[tuple[str, str, str, Unit, str]]:
    """(letter, variable code, header, unit, unit as written) of each variable column the header
    names; a repeated, unknown or unconvertible column is skipped with the reason (at `where`)."""
    for field_name, first, second in match.duplicates:
        problems.append(
            quarantine_row(
                FAMILY,
                source_file,
                f"columns '{first}' and '{second}' both mean {field_name}; the second is skipped",
                column=second,
                **where,
            )
        )
    for _position, written in match.unknown:
        problems.append(
            quarantine_row(
                FAMILY,
                source_file,
                f"column '{written}' is not a known activity variable (known: {', '.join(v.aliases[0] for v in variables.values())}); column skipped",
                column=written,
                value=written,
                **where,
            )
        )
    value_columns: list[tuple[str, str, str, Unit, str]] = []
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
                    column=match.written[code],
                    value=written_unit,
                    **where,
                )
            )
            continue
        value_columns.append((letters[match.positions[code]], code, match.written[code], unit, written_unit))
    return value_columns


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
