"""Carbon-market allowance allocation and surrender files → raw.ets_allocations.

`enterprise_reports/allocations/*.csv` (配额分配与清缴_<year>.csv): one row per enterprise and
compliance year with the free and auctioned allowances, the CCER surrendered and the allowances
actually surrendered, all in t CO2 (a header bracket such as (万吨) is converted). Part of the
enterprise_reports family, whose reader (read_enterprise_reports_and_allocations) is here: the
reports (enterprise_reports.py), these files and the MRV files (mrv.py). Read like every CSV:
strict encoding detection (csv_cells), header aliases (text), number parsing (values), bad rows
quarantined with a reason.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import ALLOCATIONS_FOLDER
from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.checks import (
    apply_checks,
    check_credit_code,
    check_not_negative,
    check_number,
    check_required,
    check_year,
    quarantine_frame,
    quarantine_row,
)
from pipelines.ingest.csv_cells import (
    check_ragged,
    csv_file_problems,
    read_csv_cells,
    select_fields,
    split_damaged,
)
from pipelines.ingest.enterprise_reports import read_enterprise_reports
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.mrv import read_mrv
from pipelines.ingest.results import FileRead, ReadResult, read_each
from pipelines.ingest.schemas import ETS_ALLOCATIONS_SCHEMA, QUARANTINE_SCHEMA
from pipelines.ingest.text import match_headers, require_headers
from pipelines.ingest.units import lookup_unit
from pipelines.ingest.values import code_text, parse_year, scale, with_numbers

TABLE = "ets_allocations"

FIELDS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "compliance_year": ("履约年度", "年度", "compliance_year"),
    "scheme_code": ("碳市场", "市场", "scheme_code"),
    "free_allowances_t": ("免费配额", "免费分配配额", "free_allowances_t"),
    "auctioned_allowances_t": ("有偿配额", "有偿分配配额", "auctioned_allowances_t"),
    "ccer_surrendered_t": ("清缴CCER", "CCER抵销量", "ccer_surrendered_t"),
    "allowances_surrendered_t": ("实际清缴配额", "清缴配额", "allowances_surrendered_t"),
}
REQUIRED = ("credit_code", "compliance_year", "free_allowances_t")
AMOUNTS = ("free_allowances_t", "auctioned_allowances_t", "ccer_surrendered_t", "allowances_surrendered_t")
DEFAULT_SCHEME = "national"


def empty_allocations() -> pl.DataFrame:
    return pl.DataFrame(schema=ETS_ALLOCATIONS_SCHEMA)


def _result(tables: dict[str, pl.DataFrame], quarantine: pl.DataFrame, files: list[FileRead]) -> ReadResult:
    quarantine = quarantine.cast(QUARANTINE_SCHEMA) if not quarantine.is_empty() else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return ReadResult(FAMILY, tables, quarantine, files)


def _unit_factor(header_unit: str | None) -> float | None:
    if header_unit is None:
        return 1.0
    found = lookup_unit(header_unit)
    return found.factor if found and found.canonical == "t" else None


def read_allocations_csv(path: Path, root: Path) -> ReadResult:
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    info = FileRead.of(path, source_file, ALLOCATIONS_FOLDER.kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, FIELDS)
        require_headers(match, FIELDS, REQUIRED)
        factors = {name: _unit_factor(match.units.get(name)) for name in AMOUNTS}
        bad = [name for name, factor in factors.items() if factor is None]
        if bad:
            raise UnreadableFile(f"unit '{match.units[bad[0]]}' in header '{match.written[bad[0]]}' is not a mass unit")
    except UnreadableFile as problem:
        info.rejected = True
        info.problem = str(problem)
        return _result(
            {TABLE: empty_allocations()}, quarantine_frame([quarantine_row(FAMILY, source_file, str(problem))]), [info]
        )

    raw, h = select_fields(cells, match, FIELDS, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {name: f"p_{name}" for name in AMOUNTS})
    frame = frame.with_columns(
        p_credit_code=code_text(pl.col("credit_code")).str.to_uppercase(),
        p_compliance_year=parse_year(pl.col("compliance_year")),
        **{f"p_{name}": scale(pl.col(f"p_{name}"), factors[name]) for name in AMOUNTS if factors[name] != 1.0},
    )
    checks = [check_required(name, h[name]) for name in REQUIRED] + [
        check_ragged(len(cells.header)),
        check_credit_code("credit_code", "p_credit_code", h["credit_code"]),
        check_year("compliance_year", "p_compliance_year", h["compliance_year"]),
        *[check_number(name, f"p_{name}", h[name]) for name in AMOUNTS],
        *[check_not_negative(name, f"p_{name}", h[name]) for name in AMOUNTS],
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    table = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_credit_code").alias("credit_code"),
        pl.col("p_compliance_year").alias("compliance_year"),
        pl.coalesce(pl.col("scheme_code").str.strip_chars().replace("", None), pl.lit(DEFAULT_SCHEME)).alias("scheme_code"),
        *[pl.col(f"p_{name}").alias(name) for name in AMOUNTS],
    ).cast(ETS_ALLOCATIONS_SCHEMA)
    info.rows_loaded = table.height
    info.rows_quarantined = quarantine.height
    return _result({TABLE: table}, quarantine, [info])


def read_allocations(inbox_dir: Path) -> ReadResult:
    """Every allocation CSV under enterprise_reports/allocations/ (none → an empty table)."""
    inbox_dir = Path(inbox_dir)
    results = read_each(
        FAMILY, ALLOCATIONS_FOLDER.kind, read_allocations_csv, ALLOCATIONS_FOLDER.files(inbox_dir), inbox_dir
    )
    tables = [r.tables[TABLE] for r in results if TABLE in r.tables]
    quarantines = [r.quarantine for r in results if not r.quarantine.is_empty()]
    return _result(
        {TABLE: pl.concat(tables, how="vertical") if tables else empty_allocations()},
        pl.concat(quarantines, how="vertical") if quarantines else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        [f for r in results for f in r.files],
    )


def read_enterprise_reports_and_allocations(inbox_dir: Path) -> ReadResult:
    """The enterprise_reports family: report lines (read_enterprise_reports), ets_allocations and
    the MRV files (mrv.read_mrv: mrv_verifier_tasks, mrv_captive_power)."""
    parts = [read_enterprise_reports(inbox_dir), read_allocations(inbox_dir), read_mrv(inbox_dir)]
    schema = parts[0].quarantine.schema
    return ReadResult(
        FAMILY,
        {name: frame for part in parts for name, frame in part.tables.items()},
        pl.concat([part.quarantine.cast(schema) for part in parts], how="vertical"),
        [info for part in parts for info in part.files],
    )
