"""The MRV year's source files → raw.mrv_verifier_tasks, raw.mrv_captive_power.

`enterprise_reports/mrv/` holds two kinds of CSV, told apart by the file name:
  核查任务_<year>.csv   which verification body was given which enterprise's report year
                        (核查 verification, 复查 re-check) and which bodies consulted for it (咨询);
  自备电厂_<…>.csv      each enterprise's captive power plant capacity, converted to kW.
A CSV named otherwise is quarantined whole (the folder says "MRV", the name says which table).
Part of the enterprise_reports family (allocations.read_enterprise_reports_and_allocations).
Read like every CSV: strict encoding detection (csv_cells), header aliases and units in header
brackets (text), values parsed by values.py, bad rows quarantined with file, row and reason.
Which conflicts the tasks reveal is a business rule, so it lives in dbt, not here.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.catalog import MRV_FOLDER
from pipelines.ingest.checks import (
    Check,
    apply_checks,
    check_credit_code,
    check_date,
    check_not_negative,
    check_number,
    check_recognised,
    check_required,
    check_year,
    quarantine_frame,
    quarantine_row,
)
from pipelines.ingest.csv_cells import (
    CsvCells,
    check_ragged,
    csv_file_problems,
    read_csv_cells,
    select_fields,
    split_damaged,
)
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, read_each
from pipelines.ingest.schemas import (
    MRV_CAPTIVE_POWER_SCHEMA,
    MRV_VERIFIER_TASKS_SCHEMA,
    QUARANTINE_SCHEMA,
)
from pipelines.ingest.text import HeaderMatch, match_headers, name_key, require_headers
from pipelines.ingest.values import (
    blank,
    code_text,
    map_distinct,
    parse_date,
    parse_year,
    scale,
    strip_text,
    with_numbers,
)

TASKS_TABLE = "mrv_verifier_tasks"
CAPTIVE_TABLE = "mrv_captive_power"
TASKS_PREFIX = "核查任务"
CAPTIVE_PREFIX = "自备电厂"
DEFAULT_SCHEME = "national"  # as in allocations: the national market unless a 碳市场 column says otherwise

TASK_FIELDS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "report_year": ("报告年度", "年度", "report_year"),
    "task_type": ("任务类型", "类型", "task_type"),
    "verifier_code": ("核查机构代码", "机构代码", "verifier_code"),
    "verifier_name": ("核查机构名称", "机构名称", "verifier_name"),
    "assigned_on": ("指派日期", "委托日期", "assigned_on"),
    "scheme_code": ("碳市场", "scheme_code"),
}
TASK_REQUIRED = ("credit_code", "report_year", "task_type", "verifier_code")
# The words offices use for each kind of task (compared by name_key: case and width folded).
TASK_TYPES: dict[str, tuple[str, ...]] = {
    "verification": ("核查", "首次核查", "verification"),
    "recheck": ("复查", "recheck"),
    "consulting": ("咨询", "咨询服务", "consulting"),
}
_TASK_TYPE_BY_KEY = {name_key(word): code for code, words in TASK_TYPES.items() for word in words}
_KNOWN_TASK_TYPES = "、".join(word for words in TASK_TYPES.values() for word in words)

CAPTIVE_FIELDS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "year": ("年度", "year"),
    "captive_power_kw": ("自备电厂装机容量", "装机容量", "captive_power_kw"),
}
CAPTIVE_REQUIRED = ("credit_code", "year", "captive_power_kw")
# Capacity units a header bracket may name → kW. Power is in no other source, so the table is here.
POWER_UNITS_KW = {name_key(unit): factor for unit, factor in (
    ("千瓦", 1.0), ("kW", 1.0), ("兆瓦", 1_000.0), ("MW", 1_000.0), ("万千瓦", 10_000.0),
)}  # fmt: skip


def empty_tables() -> dict[str, pl.DataFrame]:
    return {
        TASKS_TABLE: pl.DataFrame(schema=MRV_VERIFIER_TASKS_SCHEMA),
        CAPTIVE_TABLE: pl.DataFrame(schema=MRV_CAPTIVE_POWER_SCHEMA),
    }


def _result(tables: dict[str, pl.DataFrame], quarantine: pl.DataFrame, files: list[FileRead]) -> ReadResult:
    quarantine = quarantine.cast(QUARANTINE_SCHEMA) if not quarantine.is_empty() else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return ReadResult(FAMILY, {**empty_tables(), **tables}, quarantine, files)


def _rejected(info: FileRead, problem: str) -> ReadResult:
    info.rejected = True
    info.problem = problem
    return _result({}, quarantine_frame([quarantine_row(FAMILY, info.source_file, problem)]), [info])


def _open(path: Path, info: FileRead, fields: dict, required: tuple[str, ...]) -> tuple[CsvCells, HeaderMatch, list]:
    """The file's cells, its header match and its file-level findings; UnreadableFile when unusable."""
    cells = read_csv_cells(path)
    file_problems = csv_file_problems(cells, FAMILY, info)
    match = match_headers(cells.header, fields)
    require_headers(match, fields, required)
    return cells, match, file_problems


def _finish(
    info: FileRead, table: str, frame: pl.DataFrame, checks: list[Check], file_problems: list, damaged: pl.DataFrame,
    columns: dict[str, pl.Expr],
) -> ReadResult:
    """Apply the checks; the good rows become the table (provenance, then columns: name → value),
    the others quarantine rows."""
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    schema = MRV_VERIFIER_TASKS_SCHEMA if table == TASKS_TABLE else MRV_CAPTIVE_POWER_SCHEMA
    loaded = good.select("source_file", "source_sheet", "source_row", **columns).cast(schema)
    info.rows_loaded = loaded.height
    info.rows_quarantined = quarantine.height
    return _result({table: loaded}, quarantine, [info])


def read_tasks_csv(path: Path, info: FileRead) -> ReadResult:
    """One 核查任务 file → raw.mrv_verifier_tasks rows."""
    try:
        cells, match, file_problems = _open(path, info, TASK_FIELDS, TASK_REQUIRED)
    except UnreadableFile as problem:
        return _rejected(info, str(problem))
    raw, h = select_fields(cells, match, TASK_FIELDS, info.source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = raw.with_columns(
        p_credit_code=code_text(pl.col("credit_code")).str.to_uppercase(),
        p_verifier_code=code_text(pl.col("verifier_code")).str.to_uppercase(),
        p_report_year=parse_year(pl.col("report_year")),
        p_task_type=map_distinct(raw, "task_type", lambda text: _TASK_TYPE_BY_KEY.get(name_key(text)), pl.Utf8),
        p_assigned_on=parse_date(pl.col("assigned_on")),
    )
    checks = [check_required(name, h[name]) for name in TASK_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_credit_code("credit_code", "p_credit_code", h["credit_code"]),
        check_credit_code("verifier_code", "p_verifier_code", h["verifier_code"], "verifier credit code"),
        check_year("report_year", "p_report_year", h["report_year"]),
        check_recognised("task_type", "p_task_type", h["task_type"], "task type", _KNOWN_TASK_TYPES),
        check_date("assigned_on", "p_assigned_on", h["assigned_on"]),
        Check.of(
            h["assigned_on"],
            pl.col("assigned_on"),
            (
                blank(pl.col("assigned_on")) & pl.col("p_task_type").is_in(["verification", "recheck"]),
                pl.format("{} is empty; only a consulting row may leave it blank", pl.lit(h["assigned_on"])),
            ),
        ),
    ]
    parsed = {name: pl.col(f"p_{name}") for name in ("credit_code", "report_year", "task_type", "verifier_code")}
    return _finish(info, TASKS_TABLE, frame, checks, file_problems, damaged, {
        **parsed,
        "verifier_name": strip_text(pl.col("verifier_name")),
        "assigned_on": pl.col("p_assigned_on"),
        "scheme_code": pl.coalesce(strip_text(pl.col("scheme_code")), pl.lit(DEFAULT_SCHEME)),
    })  # fmt: skip


def read_captive_csv(path: Path, info: FileRead) -> ReadResult:
    """One 自备电厂 file → raw.mrv_captive_power rows, capacity in kW."""
    try:
        cells, match, file_problems = _open(path, info, CAPTIVE_FIELDS, CAPTIVE_REQUIRED)
        unit = match.units.get("captive_power_kw")
        factor = 1.0 if unit is None else POWER_UNITS_KW.get(name_key(unit))
        if factor is None:
            raise UnreadableFile(
                f"unit '{unit}' in header '{match.written['captive_power_kw']}' is not a power unit "
                "(known: 千瓦, kW, 兆瓦, MW, 万千瓦)"
            )
    except UnreadableFile as problem:
        return _rejected(info, str(problem))
    raw, h = select_fields(cells, match, CAPTIVE_FIELDS, info.source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {"captive_power_kw": "p_captive_power_kw"}).with_columns(
        p_credit_code=code_text(pl.col("credit_code")).str.to_uppercase(),
        p_year=parse_year(pl.col("year")),
        p_captive_power_kw=scale(pl.col("p_captive_power_kw"), factor),
    )
    checks = [check_required(name, h[name]) for name in CAPTIVE_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_credit_code("credit_code", "p_credit_code", h["credit_code"]),
        check_year("year", "p_year", h["year"]),
        check_number("captive_power_kw", "p_captive_power_kw", h["captive_power_kw"]),
        check_not_negative("captive_power_kw", "p_captive_power_kw", h["captive_power_kw"]),
    ]
    columns = {name: pl.col(f"p_{name}") for name in CAPTIVE_REQUIRED}
    return _finish(info, CAPTIVE_TABLE, frame, checks, file_problems, damaged, columns)


def read_mrv_csv(path: Path, root: Path) -> ReadResult:
    """One CSV of the mrv folder, read as its name says; any other name is quarantined whole."""
    path, root = Path(path), Path(root)
    info = FileRead.of(path, relative_source(path, root), MRV_FOLDER.kind)
    if path.name.startswith(TASKS_PREFIX):
        return read_tasks_csv(path, info)
    if path.name.startswith(CAPTIVE_PREFIX):
        return read_captive_csv(path, info)
    return _rejected(
        info,
        f"file name '{path.name}' is neither {TASKS_PREFIX}_<year>.csv (verifier tasks) nor "
        f"{CAPTIVE_PREFIX}_<…>.csv (captive power plants); rename it to say which it holds",
    )


def read_mrv(inbox_dir: Path) -> ReadResult:
    """Every CSV under enterprise_reports/mrv/ (no folder → both tables empty, typed)."""
    inbox_dir = Path(inbox_dir)
    results = read_each(FAMILY, MRV_FOLDER.kind, read_mrv_csv, MRV_FOLDER.files(inbox_dir), inbox_dir)
    tables = {
        name: pl.concat([r.tables[name] for r in results if name in r.tables] or [empty], how="vertical")
        for name, empty in empty_tables().items()
    }
    quarantines = [r.quarantine for r in results if not r.quarantine.is_empty()]
    return _result(
        tables,
        pl.concat(quarantines, how="vertical") if quarantines else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        [f for r in results for f in r.files],
    )
