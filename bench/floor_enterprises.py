"""The floor's enterprise reports: every export CSV and per-enterprise workbook read once.

Each file's lines are summed per report in the worker: (credit code, year, status rank, file, file
time, lines, reported CO2 t), a delivery; floor.sql keeps, per credit code × year, the lines of the version in force (复查 > 核查 > 企业自报; of
several deliveries of that report the newest file by modification time, then name — the build's
order) with its reported CO2 (排放量). Total rows (合计/总计/小计, the 汇总 sheet) are statements,
not lines, as in the build. What the floor does not repeat: the build's line checks (quarantined
lines, unit slips, duplicate lines, held re-deliveries) and its line-by-line recomputation from
activity and factors (the mart's co2_t); so the floor is compared with the mart's reported_co2_t.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

EXPORT_GLOB = "enterprise_reports/export/*.csv"
WORKBOOK_GLOB = "enterprise_reports/workbooks/*/*.xlsx"
# sources/README.md 1a: the accepted headers of the columns the floor needs
EXPORT_HEADERS = {
    "credit_code": ("统一社会信用代码", "credit_code"),
    "report_year": ("报告年度", "年度", "report_year"),
    "data_status": ("数据状态", "版本", "data_status"),
    "source_name": ("排放源", "燃料品种", "排放源名称", "source_name"),
    "reported_co2_t": ("排放量(tCO2)", "排放量", "co2_t"),
}
STATUS_RANK = {"企业自报": 1, "reported": 1, "核查": 2, "verified": 2, "复查": 3, "rechecked": 3}
TOTAL_NAMES = ("合计", "总计", "小计")
LINE_SHEETS = ("化石燃料燃烧", "工业生产过程", "净购入电力", "净购入热力")
LINE_NAME_HEADERS = ("燃料品种", "排放源", "项目")
DELIVERY_KEY = ("credit_code", "year", "status_rank", "source_file", "file_mtime_ns")
DELIVERY_SCHEMA = {"credit_code": pl.Utf8, "year": pl.Int32, "status_rank": pl.Int8, "source_file": pl.Utf8,
                   "file_mtime_ns": pl.Int64, "lines_count": pl.Int64, "reported_co2_t": pl.Float64}


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) when it is, else GB18030 (a superset of the platform's GBK)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _number(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.replace_all(",", "").cast(pl.Float64, strict=False)


def _deliveries(lines: pl.DataFrame) -> pl.DataFrame:
    """One file's lines summed per report (a delivery), in the worker: what travels back to the main
    process is a row per report, not a row per line. Reported CO2 stays null when no line has one
    (SQL's sum, as the build's)."""
    co2 = pl.col("reported_co2_t")
    return lines.group_by(DELIVERY_KEY).agg(
        pl.len().cast(pl.Int64).alias("lines_count"),
        pl.when(co2.count() > 0).then(co2.sum()).alias("reported_co2_t"),
    ).select(DELIVERY_SCHEMA.keys()).cast(DELIVERY_SCHEMA)


def export_deliveries(path: Path, root: Path) -> pl.DataFrame:
    """One export CSV's reports (worker process). A file without the needed headers is refused."""
    from bench.floor import FloorError

    frame = pl.read_csv(_decode(path.read_bytes()).encode("utf-8"), infer_schema=False)
    header = {}
    for field, names in EXPORT_HEADERS.items():
        found = next((name for name in names if name in frame.columns), None)
        if found is None:
            raise FloorError(f"{path.name}: no {field} column (one of {', '.join(names)})")
        header[field] = found
    frame = frame.select(pl.col(written).str.strip_chars().alias(field) for field, written in header.items())
    first = pl.col(frame.columns[0])
    return _deliveries(frame.filter(
        ~pl.col("source_name").is_in(TOTAL_NAMES).fill_null(False) & ~first.is_in(TOTAL_NAMES).fill_null(False)
        & pl.col("credit_code").is_not_null() & pl.col("report_year").is_not_null()
        & pl.col("data_status").is_not_null()
    ).select(
        pl.col("credit_code").str.to_uppercase(),
        pl.col("report_year").cast(pl.Int32, strict=False).alias("year"),
        pl.col("data_status").replace_strict(STATUS_RANK, default=None, return_dtype=pl.Int8).alias("status_rank"),
        pl.lit(path.relative_to(root).as_posix()).alias("source_file"),
        pl.lit(path.stat().st_mtime_ns, dtype=pl.Int64).alias("file_mtime_ns"),
        _number("reported_co2_t").alias("reported_co2_t"),
    ))


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _sheet_lines(rows: list[tuple]) -> list[tuple[str, str]]:
    """(source name, reported CO2 as written) of a line sheet: under the header row naming the line,
    every row with a name that is not a total."""
    header_at = next((i for i, row in enumerate(rows[:30]) if _text(row[0]) in LINE_NAME_HEADERS), None)
    if header_at is None:
        return []
    co2_at = next((i for i, cell in enumerate(rows[header_at]) if _text(cell).startswith("排放量")), None)
    if co2_at is None:
        return []
    return [(_text(row[0]), _text(row[co2_at]).replace(",", "")) for row in rows[header_at + 1:]
            if _text(row[0]) and _text(row[0]) not in TOTAL_NAMES]


def workbook_deliveries(path: Path, root: Path) -> pl.DataFrame | None:
    """One per-enterprise workbook's report (worker process): 基本信息 names it (企业自报), the line
    sheets hold its lines; None when the file cannot be opened as a workbook."""
    import fastexcel

    try:
        workbook = fastexcel.read_excel(path)
    except fastexcel.FastExcelError:
        return None  # unreadable (cut off, not a workbook): the build rejects it whole, it costs only itself
    sheets = set(workbook.sheet_names)

    def rows(sheet: str) -> list[tuple]:
        return workbook.load_sheet(sheet, header_row=None, dtypes="string").to_polars().rows()

    info = {_text(row[0]): _text(row[1]) for row in rows("基本信息") if len(row) > 1} if "基本信息" in sheets else {}
    year = info.get("报告年度", "")
    co2_written = [co2 for category in LINE_SHEETS if category in sheets for _name, co2 in _sheet_lines(rows(category))]
    lines = pl.DataFrame({"reported_co2_t": co2_written}, schema={"reported_co2_t": pl.Utf8}).with_columns(
        pl.lit(info.get("统一社会信用代码", "").upper()).alias("credit_code"),
        pl.lit(int(float(year)) if year.replace(".", "", 1).isdigit() else None, dtype=pl.Int32).alias("year"),
        pl.lit(1, dtype=pl.Int8).alias("status_rank"),
        pl.lit(path.relative_to(root).as_posix()).alias("source_file"),
        pl.lit(path.stat().st_mtime_ns, dtype=pl.Int64).alias("file_mtime_ns"),
        _number("reported_co2_t"),
    )
    return _deliveries(lines)


def _export_task(args: tuple[Path, Path]) -> pl.DataFrame:
    return export_deliveries(*args)


def _workbook_task(args: tuple[Path, Path]) -> pl.DataFrame | None:
    return workbook_deliveries(*args)


def read_family(pool, inbox: Path, family: str) -> tuple[pl.DataFrame, int]:
    """Every file of one family ('export' or 'workbooks') read once, on every core of `pool`:
    its reports (deliveries), and how many files could not be opened (skipped, as the build rejects them)."""
    inbox = Path(inbox)
    glob, task = (EXPORT_GLOB, _export_task) if family == "export" else (WORKBOOK_GLOB, _workbook_task)
    paths = sorted(inbox.glob(glob))
    frames = list(pool.map(task, [(path, inbox) for path in paths], chunksize=max(1, len(paths) // 64)))
    read = [frame for frame in frames if frame is not None]
    return (pl.concat(read) if read else pl.DataFrame(schema=DELIVERY_SCHEMA)), len(frames) - len(read)


# Enterprise-years where the build applied a rule the floor leaves out, from the build's own record
# of each delivery: a held or superseded delivery, quarantined lines, lines missing vs the previous one.
BUILD_RULES_SQL = """
select distinct upper(credit_code), report_year from built.raw.enterprise_report_deliveries
where delivery_status <> 'in_force' or lines_quarantined > 0 or lines_missing_vs_previous is not null
"""


def planted_anomalies(inbox: Path) -> set[tuple[str, int]]:
    """The (credit code, year) of the sample's planted anomalies (enterprise_reports/ANOMALIES.csv)."""
    path = Path(inbox) / "enterprise_reports" / "ANOMALIES.csv"
    if not path.exists():
        return set()
    frame = pl.read_csv(path, infer_schema=False)
    return {(code.upper(), int(year)) for code, year in frame.select("credit_code", "year").iter_rows()}


def check_enterprise_years(con, inbox: Path, close) -> list[str]:
    """The floor's enterprise-years against the build's (fct_enterprise_year, attached as `built`).
    Keys must match; reported CO2 must be equal (`close`) except where the build's record shows a
    rule the floor leaves out, or the inbox plants an anomaly: those are counted, not failed."""
    floor_rows = {(c, y): v for c, y, v in con.execute(
        "select credit_code, year, reported_co2_t from floor_enterprise_year").fetchall()}
    mart_rows = {(c, y): v for c, y, v in con.execute(
        "select credit_code, year, reported_co2_t from built.marts.fct_enterprise_year").fetchall()}
    by_rules = {(c, y) for c, y in con.execute(BUILD_RULES_SQL).fetchall()}
    planted = planted_anomalies(inbox)
    keys = floor_rows.keys() | mart_rows.keys()
    unequal = {key for key in keys if key not in floor_rows or key not in mart_rows
               or not close(floor_rows[key], mart_rows[key])}
    unexplained = sorted(unequal - by_rules - planted)
    equal_share = 1 - len(unequal) / len(keys) if keys else 1.0
    print(f"check floor_enterprise_year: {len(floor_rows):,} floor rows, {len(mart_rows):,} mart rows — "
          f"{equal_share:.1%} of {len(keys):,} enterprise-years equal (reported CO2); of the "
          f"{len(unequal):,} others {len(unequal & by_rules):,} differ by rules the floor leaves out "
          f"(the build held, superseded or quarantined lines of them), {len(unequal & planted - by_rules):,} "
          f"are planted anomalies (ANOMALIES.csv), {len(unexplained):,} unexplained")
    if not unexplained:
        return []
    return [f"floor_enterprise_year: {len(unexplained)} enterprise-years differ unexplained, e.g. " + "; ".join(
        f"{key} floor {floor_rows.get(key)!r} marts {mart_rows.get(key)!r}" for key in unexplained[:3])]
