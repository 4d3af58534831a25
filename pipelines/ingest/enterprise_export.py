"""The reporting platform's bulk export (§1a): one CSV row per line of one report version.

The export is read as strings (csv_cells), its total rows (合计/总计) are taken out as the
reports' stated totals, and the lines are parsed and checked by enterprise_lines.parse_and_check.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.catalog import EXPORT_FOLDER
from pipelines.ingest.checks import quarantine_frame, quarantine_row
from pipelines.ingest.csv_cells import (
    DAMAGED_COLUMN,
    DAMAGED_VALUE_COLUMN,
    RAGGED_COLUMN,
    check_ragged,
    csv_file_problems,
    read_csv_cells,
)
from pipelines.ingest.enterprise_lines import (
    FIELDS,
    KEY_PRESENT,
    TABLE,
    TOTALS_SCHEMA,
    ReportsRead,
    empty_totals,
    parse_and_check,
    with_report_key,
)
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, rejected_file
from pipelines.ingest.text import display_header, is_total_label, match_headers, require_headers
from pipelines.ingest.values import blank, map_distinct, with_numbers


def read_export_csv(path: Path, root: Path) -> ReadResult:
    """One bulk export of the reporting platform (§1a): one row per line of one report version.

    The lines of this file alone: re-deliveries across files are resolved by read_enterprise_reports.
    """
    return read_export(Path(path), Path(root)).result


def read_export(path: Path, root: Path) -> ReportsRead:
    """One export file as read_enterprise_reports needs it: its lines, their register and the totals it states."""
    source_file = relative_source(path, root)
    info = FileRead.of(path, source_file, EXPORT_FOLDER.kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.ENTERPRISE_FIELDS)
        require_headers(match, vocab.ENTERPRISE_FIELDS, vocab.ENTERPRISE_REQUIRED)
    except UnreadableFile as problem:
        return ReportsRead.of(rejected_file(FAMILY, source_file, info.kind, str(problem), info.encoding, path))
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
    lines, quarantine, register = parse_and_check(raw, headers, extra_checks=[check_ragged(len(cells.header))])
    quarantine = pl.concat([quarantine_frame(file_problems + total_problems), quarantine], how="vertical")
    return ReportsRead(ReadResult.build(FAMILY, {TABLE: lines}, quarantine, [info]), register, totals)


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
        return raw.drop(_FIRST_CELL), [], empty_totals()
    found = with_report_key(raw.filter(is_total).with_columns(_by_name=by_name.filter(is_total)))
    found = with_numbers(found.with_columns(_named=KEY_PRESENT), {"co2_t": "_co2"})
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
