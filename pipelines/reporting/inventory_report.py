"""The inventory report in Excel: the provincial guideline's summary table and a CRT-like table.

One workbook per region and year, two sheets:
1. 清单汇总表 — marts.fct_inventory_summary as it is (the lines, which categories make them and the
   sums are dbt's: ref_inventory_summary_rows, fct_inventory_summary.sql): CO2, CH4, N2O in t of the
   gas, HFCs, PFCs, SF6 in t CO2e, 合计 in t CO2e.
2. 分类别清单 (CRT) — marts.fct_inventory by category × gas (sub-categories added up), emissions in t
   of the gas, CO2e and the method.
Header rows name the region, the year, the GWP set and the publication time.

The same function serves `ghg report` (pipelines/cli/report.py) and the dashboard's download
button (dashboards/views/inventory.py): load_report() reads the frames with the SQL below from
whichever warehouse file the caller may read, write_report() lays them out. A figure the public
file hides (a `suppressed` row: its enterprise part is confidential) is written as "—" with the
reason, never as 0. Strings are written as text (strings_to_formulas off), like `ghg export`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

SUMMARY_SHEET = "清单汇总表"
CRT_SHEET = "分类别清单 (CRT)"
MISSING = "—"

# The tables a report reads; a warehouse file without them cannot make one (the public file before
# it publishes the inventory).
REPORT_TABLES = ("fct_inventory_summary", "fct_inventory")

# Which of the report's tables the file holds, and whether each has the public file's
# suppressed / suppression_reason columns. No params.
REPORT_SCHEMA = """
SELECT
    table_name,
    bool_or(column_name = 'suppressed') AS has_suppressed
FROM information_schema.columns
WHERE table_schema = 'marts'
  AND table_name IN ('fct_inventory_summary', 'fct_inventory', 'fct_key_categories', 'fct_uncertainty')
GROUP BY table_name
"""


def _summary_sql(hidden: str) -> str:
    """The summary lines of one region-year (hidden: SQL for suppressed, suppression_reason)."""
    return f"""
SELECT
    row_order, label_zh, label_en, co2_t, ch4_t, n2o_t, hfcs_co2e_t, pfcs_co2e_t, sf6_co2e_t, total_co2e_t,
    {hidden}
FROM marts.fct_inventory_summary
WHERE region_code = ? AND year = ?
ORDER BY row_order
"""


def _crt_sql(hidden: str) -> str:
    """One region-year's inventory by category × gas, sub-categories added up; a group with a hidden
    row is hidden as a whole (its visible part alone would be a wrong figure)."""
    return f"""
SELECT
    sector,
    category_code,
    any_value(category_name_zh) AS category_name_zh,
    any_value(category_name_en) AS category_name_en,
    gas,
    sum(emissions_t) AS emissions_t,
    sum(co2e_t) AS co2e_t,
    string_agg(DISTINCT method, '; ' ORDER BY method) AS method,
    any_value(gwp_set) AS gwp_set,
    {hidden}
FROM marts.fct_inventory
WHERE region_code = ? AND year = ?
GROUP BY sector, category_code, gas
ORDER BY category_code, gas
"""


_FULL_HIDDEN = "FALSE AS suppressed, CAST(NULL AS VARCHAR) AS suppression_reason"
_PUBLIC_SUMMARY_HIDDEN = "coalesce(suppressed, FALSE) AS suppressed, suppression_reason"
_PUBLIC_CRT_HIDDEN = (
    "coalesce(bool_or(suppressed), FALSE) AS suppressed, "
    "any_value(suppression_reason) FILTER (WHERE suppressed) AS suppression_reason"
)
SUMMARY_FULL = _summary_sql(_FULL_HIDDEN)
SUMMARY_PUBLIC = _summary_sql(_PUBLIC_SUMMARY_HIDDEN)
CRT_FULL = _crt_sql(_FULL_HIDDEN)
CRT_PUBLIC = _crt_sql(_PUBLIC_CRT_HIDDEN)

# The region's Chinese name for the header. Params: region_code.
REGION_NAME = "SELECT name_zh FROM marts.dim_region WHERE region_code = ?"

SUMMARY_COLUMNS = (
    ("co2_t", "CO₂（吨）"),
    ("ch4_t", "CH₄（吨）"),
    ("n2o_t", "N₂O（吨）"),
    ("hfcs_co2e_t", "HFCs（吨 CO₂当量）"),
    ("pfcs_co2e_t", "PFCs（吨 CO₂当量）"),
    ("sf6_co2e_t", "SF₆（吨 CO₂当量）"),
    ("total_co2e_t", "合计（吨 CO₂当量）"),
)
CRT_COLUMNS = (
    ("category_code", "类别代码 / category"),
    ("category_name_zh", "类别名称"),
    ("category_name_en", "category name"),
    ("gas", "气体 / gas"),
    ("emissions_t", "排放量（吨该气体）/ emissions, t of gas"),
    ("co2e_t", "CO₂当量（吨）/ CO₂e, t"),
    ("method", "方法 / method"),
)
REASONS = {
    "fewer_than_3_enterprises": "已保密（涉及企业少于3家）",
    "dominant_enterprise_over_80pct": "已保密（单一企业占比超过80%）",
}


class ReportUnavailable(LookupError):
    """The warehouse file does not hold the tables a report needs (or the region-year has no inventory)."""


@dataclass(frozen=True)
class ReportHeader:
    region_code: str
    region_name: str
    year: int
    gwp_set: str
    published_at: str  # as it should read, e.g. "2026-12-05 11:02"
    source: str  # which file: "公开库 / public warehouse" or "完整库（保密）/ full warehouse (confidential)"


def frame_variant(schema: pd.DataFrame, table: str) -> bool | None:
    """Whether `table` has the public file's suppressed column (True/False), or None when it is absent.
    schema: the result of REPORT_SCHEMA."""
    match = schema[schema["table_name"] == table]
    return None if match.empty else bool(match["has_suppressed"].iat[0])


def load_report(run, region_code: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The summary frame, the CRT frame and the region's name, read with run(sql, params) -> DataFrame
    (the dashboard's cached query, or a connection of the CLI). Raises ReportUnavailable."""
    schema = run(REPORT_SCHEMA, ())
    variants = {table: frame_variant(schema, table) for table in REPORT_TABLES}
    missing = [table for table, variant in variants.items() if variant is None]
    if missing:
        raise ReportUnavailable(f"the warehouse file has no {', '.join('marts.' + t for t in missing)}")
    summary = run(SUMMARY_PUBLIC if variants["fct_inventory_summary"] else SUMMARY_FULL, (region_code, year))
    crt = run(CRT_PUBLIC if variants["fct_inventory"] else CRT_FULL, (region_code, year))
    if summary.empty or crt.empty:
        raise ReportUnavailable(f"no inventory for region {region_code} in {year}")
    names = run(REGION_NAME, (region_code,))
    return summary, crt, (str(names["name_zh"].iat[0]) if not names.empty else region_code)


def write_report(summary: pd.DataFrame, crt: pd.DataFrame, header: ReportHeader, target: BinaryIO | Path) -> None:
    """Lay the two frames out as a workbook in target (a path or a binary stream)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(target) if isinstance(target, Path) else target,
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}),
        "label": book.add_format({"border": 1}),
        "total": book.add_format({"border": 1, "bold": True}),
        "number": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "total_number": book.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"}),
        "missing": book.add_format({"border": 1, "align": "right"}),
    }
    _summary_sheet(book.add_worksheet(SUMMARY_SHEET), summary, header, formats)
    _crt_sheet(book.add_worksheet(CRT_SHEET[:31]), crt, header, formats)
    book.close()


def report_header(crt: pd.DataFrame, region_code: str, region_name: str, year: int, published_at: str, public: bool) -> ReportHeader:
    """The header of a report of these rows (the GWP set is the one fct_inventory's CO2e used)."""
    gwp_sets = sorted({str(value) for value in crt["gwp_set"].dropna()}) if "gwp_set" in crt else []
    return ReportHeader(
        region_code=region_code, region_name=region_name, year=int(year), gwp_set=", ".join(gwp_sets) or MISSING,
        published_at=published_at,
        source="公开库 / public warehouse" if public else "完整库（保密，仅限授权人员）/ full warehouse (confidential, authorised staff only)",
    )


def report_bytes(summary: pd.DataFrame, crt: pd.DataFrame, header: ReportHeader) -> bytes:
    buffer = io.BytesIO()
    write_report(summary, crt, header, buffer)
    return buffer.getvalue()


# The row (0-based) of each sheet's column headers: tests and readers skip the header block above it.
HEADER_ROWS = 6


def _header_block(sheet, title: str, header: ReportHeader, formats: dict) -> None:
    sheet.write_string(0, 0, title, formats["title"])
    lines = (
        ("地区 / region", f"{header.region_name}（{header.region_code}）"),
        ("年份 / year", str(header.year)),
        ("全球增温潜势 / GWP set", header.gwp_set),
        ("数据发布时间 / published", header.published_at),
        ("数据来源 / source", header.source),
    )
    for row, (name, value) in enumerate(lines, start=1):
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, value)


def _value(sheet, row: int, column: int, value: object, hidden: bool, number_format, formats: dict) -> None:
    if hidden or value is None or pd.isna(value):
        sheet.write_string(row, column, MISSING, formats["missing"])
    else:
        sheet.write_number(row, column, float(value), number_format)


def _note(hidden: bool, reason: object) -> str:
    if not hidden:
        return ""
    return REASONS.get(str(reason), "已保密 / suppressed")


def _summary_sheet(sheet, summary: pd.DataFrame, header: ReportHeader, formats: dict) -> None:
    _header_block(sheet, f"{header.region_name}{header.year}年温室气体清单汇总表", header, formats)
    headings = ["排放源与吸收汇 / source and sink", *[label for _, label in SUMMARY_COLUMNS], "备注 / note"]
    sheet.write_row(HEADER_ROWS, 0, headings, formats["head"])
    for offset, line in enumerate(summary.to_dict("records"), start=1):
        row = HEADER_ROWS + offset
        # Indentation shows the guideline's hierarchy: fuel combustion and fugitive under energy,
        # the four combustion sub-sectors under fuel combustion.
        indent = {2: 1, 7: 1, 3: 2, 4: 2, 5: 2, 6: 2}.get(int(line["row_order"]), 0)
        is_total = str(line["label_en"]).startswith("total")
        sheet.write_string(row, 0, "　" * indent + str(line["label_zh"]), formats["total" if is_total else "label"])
        hidden = bool(line.get("suppressed", False))
        for column, (field, _) in enumerate(SUMMARY_COLUMNS, start=1):
            _value(sheet, row, column, line[field], hidden, formats["total_number" if is_total else "number"], formats)
        sheet.write_string(row, len(SUMMARY_COLUMNS) + 1, _note(hidden, line.get("suppression_reason")), formats["label"])
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, len(SUMMARY_COLUMNS), 18)
    sheet.set_column(len(SUMMARY_COLUMNS) + 1, len(SUMMARY_COLUMNS) + 1, 30)
    sheet.write_string(HEADER_ROWS + len(summary) + 2, 0, "注：土地利用变化和林业的吸收以负值表示；“—”表示无数据或已保密（不按0处理）。")


def _crt_sheet(sheet, crt: pd.DataFrame, header: ReportHeader, formats: dict) -> None:
    _header_block(sheet, f"{header.region_name}{header.year}年分类别、分气体温室气体清单", header, formats)
    sheet.write_row(HEADER_ROWS, 0, [*[label for _, label in CRT_COLUMNS], "备注 / note"], formats["head"])
    for offset, line in enumerate(crt.to_dict("records"), start=1):
        row = HEADER_ROWS + offset
        hidden = bool(line.get("suppressed", False))
        for column, (field, _) in enumerate(CRT_COLUMNS):
            if field in ("emissions_t", "co2e_t"):
                _value(sheet, row, column, line[field], hidden, formats["number"], formats)
            else:
                value = line[field]
                sheet.write_string(row, column, "" if value is None or pd.isna(value) else str(value), formats["label"])
        sheet.write_string(row, len(CRT_COLUMNS), _note(hidden, line.get("suppression_reason")), formats["label"])
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 2, 36)
    sheet.set_column(3, 3, 10)
    sheet.set_column(4, 5, 20)
    sheet.set_column(6, 7, 28)
