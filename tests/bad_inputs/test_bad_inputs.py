"""A corpus of bad inputs: one small file (or pair of files) per case, generated here.

Every case asserts the exact reason the clerk reads in raw.quarantine (file, row, column) and
that the valid rows of the same file arrived. Cases are grouped by family; a case is
(id, files to write, expected quarantine rows, expected loaded rows per file).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.identifiers import credit_code_check_char
from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.enterprise_reports import read_enterprise_reports
from pipelines.ingest.exchange_prices import read_exchange_prices

# --------------------------------------------------------------------------------------------
# File writers
# --------------------------------------------------------------------------------------------


def credit_code(number: int = 1) -> str:
    first17 = f"91620100MA7{number:06d}"
    return first17 + credit_code_check_char(first17)


CODE = credit_code(1)
VERIFIER = credit_code(2)
BAD_CHECK_CHAR = CODE[:-1] + ("X" if CODE[-1] != "X" else "Y")

ENTERPRISE_HEADER = (
    "统一社会信用代码,企业名称,行政区划代码,所属行业,是否纳入碳市场,报告年度,数据状态,提交日期,排放类别,排放源,"
    "活动水平,活动水平单位,低位发热量,低位发热量单位,单位热值含碳量(tC/TJ),碳氧化率(%),排放因子,排放因子单位,排放量(tCO2)"
)
_ENTERPRISE_FIELDS = (
    "credit_code", "name", "region", "sector", "in_ets", "year", "status", "submitted", "category", "source",
    "activity", "unit", "ncv", "ncv_unit", "cc", "ox", "ef", "ef_unit", "co2",
)
_ENTERPRISE_DEFAULTS = dict(
    zip(
        _ENTERPRISE_FIELDS,
        (CODE, "兰州某电厂", "620102", "电力", "是", "2020", "企业自报", "2021-03-15", "化石燃料燃烧", "原煤",
         "15000", "吨", "20908", "kJ/kg", "26.37", "98", "", "", "40000"),
    )
)


def report_line(**overrides: str) -> str:
    fields = {**_ENTERPRISE_DEFAULTS, **overrides}
    return ",".join(fields[name] for name in _ENTERPRISE_FIELDS)


def good_lines() -> list[str]:
    """Two valid lines of one report (coal and diesel)."""
    return [report_line(), report_line(source="柴油", activity="120", unit="t")]


def export(name: str, rows: list[str], encoding: str = "gbk", header: str = ENTERPRISE_HEADER) -> tuple[str, bytes]:
    return f"enterprise_reports/export/{name}", ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


PRICE_HEADER = "交易日期,交易品种,开盘价(元/吨),最高价,最低价,收盘价,成交均价,成交量(吨),成交额(元),交易方式"
GOOD_PRICE = "2019-06-03,HBEA,28.5,29.1,28.2,28.9,28.7,12000,344400,挂牌"
GOOD_PRICE_2 = "2019-06-04,HBEA,28.9,29.5,28.8,29.2,,1000,29100,竞价"


def prices(rows: list[str], name: str = "HB_daily_2014-2020.csv", header: str = PRICE_HEADER, encoding="gbk"):
    return f"exchange_prices/{name}", ("\n".join([header, *rows]) + "\n").encode(encoding)


INDUSTRY = "energy_statistics/industry_energy/lanzhou_2015.xlsx"
BALANCE_FUELS = ["原煤", "天然气", "电力", "热力"]
BALANCE_UNITS = ["万吨", "亿立方米", "亿千瓦时", "万百万千焦"]
GOOD_BALANCE_ROW = ["一次能源生产量", 1.5, 3, None, None]


def balance(name: str, sheets: dict[str, list[list]], *, units=BALANCE_UNITS, fuels=BALANCE_FUELS, hidden=()):
    """A yearbook-style workbook written to bytes (merged title, 项目 header, unit row)."""

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        for sheet_name, rows in sheets.items():
            sheet = book.add_worksheet(sheet_name)
            region = sheet_name.split(" ", 1)[-1]
            sheet.merge_range(0, 0, 0, len(fuels), f"{region}能源平衡表（实物量） 2015年")
            sheet.write_row(2, 0, ["项目", *fuels])
            sheet.write_row(3, 0, ["", *units])
            for offset, row in enumerate(rows):
                for col, cell in enumerate(row):
                    if isinstance(cell, Formula):
                        cached = _NO_CACHE if cell.cached is None else cell.cached
                        sheet.write_formula(4 + offset, col, cell.text, None, cached)
                    elif cell is not None:
                        sheet.write(4 + offset, col, cell)
            if sheet_name in hidden:
                sheet.hide()
        book.close()
        _drop_cached_results(path)

    return f"energy_statistics/energy_balance/{name}", write


INDUSTRY_FUELS = ["原煤(万吨)", "天然气(亿立方米)", "电力(亿千瓦时)"]
GOOD_INDUSTRY_ROW = ["黑色金属冶炼和压延加工业", 1.5, None, 2]


def industry(name: str, rows: list[list], *, fuels=INDUSTRY_FUELS):
    """An industry table (工业分行业终端能源消费量): merged title, 行业 header with units, industry rows."""

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("620100 兰州市")
        sheet.merge_range(0, 0, 0, len(fuels), "兰州市工业分行业终端能源消费量（实物量） 2015年")
        sheet.write_row(1, 0, ["行业", *fuels])
        for offset, row in enumerate(rows):
            for col, cell in enumerate(row):
                if isinstance(cell, Formula):
                    sheet.write_formula(2 + offset, col, cell.text, None, _NO_CACHE if cell.cached is None else cell.cached)
                elif cell is not None:
                    sheet.write(2 + offset, col, cell)
        book.close()
        _drop_cached_results(path)

    return f"energy_statistics/industry_energy/{name}", write


def activity(name: str, rows: list[list], header=("地区代码", "地区名称", "年份", "地区生产总值(亿元)", "年末常住人口(万人)")):
    """A long activity workbook (one row per region-year, one column per variable)."""

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("Sheet1")
        sheet.write_row(0, 0, header)
        for offset, row in enumerate(rows):
            for col, cell in enumerate(row):
                if isinstance(cell, Formula):
                    sheet.write_formula(1 + offset, col, cell.text, None, _NO_CACHE if cell.cached is None else cell.cached)
                elif cell is not None:
                    sheet.write(1 + offset, col, cell)
        book.close()
        _drop_cached_results(path)

    return f"energy_statistics/activity/{name}", write


def balance_two_row_header(name: str, item_merged_down: bool):
    """A balance sheet whose fuel header sits under a merged group header (煤炭及油气 | 电力及热力)."""

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("620100 兰州市")
        sheet.merge_range(0, 0, 0, 4, "兰州市能源平衡表（实物量） 2015年")
        if item_merged_down:
            sheet.merge_range(1, 0, 2, 0, "项目")
        else:
            sheet.write(2, 0, "项目")
        sheet.merge_range(1, 1, 1, 2, "煤炭及油气")
        sheet.merge_range(1, 3, 1, 4, "电力及热力")
        sheet.write_row(2, 1, BALANCE_FUELS)
        sheet.write_row(3, 0, ["", *BALANCE_UNITS])
        sheet.write_row(4, 0, GOOD_BALANCE_ROW)
        sheet.write_row(5, 0, ["终端消费量", "x", None, 2, None])
        book.close()

    return f"energy_statistics/energy_balance/{name}", write


@dataclass(frozen=True)
class Formula:
    text: str
    cached: object = 0  # None: no saved result, as a workbook written by a program, never opened in Excel


_NO_CACHE = "__no_cached_result__"


def _drop_cached_results(path: Path) -> None:
    """Remove the <v> of formulas written with cached=None (xlsxwriter always writes one)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if not any(_NO_CACHE.encode() in data for data in parts.values()):
        return
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c [^>]*?) t="str"(>)', rb"\1\2", data) if _NO_CACHE.encode() in data else data
                data = data.replace(f"<v>{_NO_CACHE}</v>".encode(), b"")
            archive.writestr(name, data)


@dataclass(frozen=True)
class Merged:
    """A header cell merged over `across` columns and `down` rows (calamine reads its first cell only)."""

    text: str
    across: int = 1
    down: int = 1


WORKBOOK_INFO = [
    ("统一社会信用代码", CODE), ("企业名称", "兰州某水泥厂"), ("行政区划代码", "620102"), ("所属行业", "水泥"),
    ("是否纳入碳市场", "否"), ("报告年度", 2020), ("提交日期", "2021-03-31"),
]  # fmt: skip
FUEL_HEADER = [["燃料品种", "消耗量", "单位", "低位发热量", "低位发热量单位", "单位热值含碳量(tC/TJ)", "碳氧化率(%)", "排放量(tCO2)"]]
PROCESS_HEADER = [["排放源", "活动水平", "单位", "排放因子", "排放因子单位", "排放量(tCO2)"]]
COAL_LINE = ["原煤", 1.5, "万吨", 20.908, "GJ/t", 26.37, 94, 28000]
CLINKER_LINE = ["熟料生产", 800000, "吨", 0.538, "tCO2/t", 430400]


def workbook(name: str, sheets: dict[str, tuple[list[list], list[list]]], info=WORKBOOK_INFO, summary=None):
    """A per-enterprise template workbook (§1b): 基本信息, then per line sheet a merged title row,
    the header rows (cells may be Merged) and the lines (cells may be Formula), then a 汇总 sheet
    of label/value rows when summary is given."""

    def write_cell(sheet, row: int, col: int, cell) -> None:
        if isinstance(cell, Formula):
            sheet.write_formula(row, col, cell.text, None, _NO_CACHE if cell.cached is None else cell.cached)
        elif isinstance(cell, Merged):
            if cell.across == 1 and cell.down == 1:
                sheet.write(row, col, cell.text)
            else:
                sheet.merge_range(row, col, row + cell.down - 1, col + cell.across - 1, cell.text)
        elif cell is not None:
            sheet.write(row, col, cell)

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        basic = book.add_worksheet("基本信息")
        for row, (label, value) in enumerate(info):
            write_cell(basic, row, 0, label)
            write_cell(basic, row, 1, value)
        for sheet_name, (header, lines) in sheets.items():
            sheet = book.add_worksheet(sheet_name)
            sheet.merge_range(0, 0, 0, 7, f"{sheet_name}排放")
            for offset, row in enumerate([*header, *lines]):
                for col, cell in enumerate(row):
                    write_cell(sheet, 1 + offset, col, cell)
        if summary is not None:
            sheet = book.add_worksheet("汇总")
            for row, cells in enumerate(summary):
                for col, cell in enumerate(cells):
                    write_cell(sheet, row, col, cell)
        book.close()
        _drop_cached_results(path)

    return f"enterprise_reports/workbooks/2020/{name}", write


def cut_off(relative: str, header: str, rows: list[str], partial: str, encoding: str = "gbk") -> tuple[str, bytes]:
    """A CSV whose transfer stopped inside its last record: no line break after `partial`."""
    return relative, ("\r\n".join([header, *rows, partial])).encode(encoding)


def fields_of(line: str, count: int) -> str:
    """The first `count` fields of a CSV line (a record cut off in transfer)."""
    return ",".join(line.split(",")[:count])


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

Q = tuple  # (file, sheet, row, column, reason) — reason exact, or ("startswith", text)


@dataclass
class Case:
    id: str
    family: str
    files: list  # (relative path, bytes | writer(path)), in delivery order (older first)
    quarantine: list[Q]
    loaded: dict[str, int]
    check: Callable[[pl.DataFrame], None] | None = None
    # "table": the raw table counted by `loaded`; "same_time": every file one modification time;
    # "deliveries": expected rows of raw.enterprise_report_deliveries (only the columns given);
    # "files": {source_file: {FileRead attribute: expected}} (raw.source_files).
    extra: dict = field(default_factory=dict)


E = "enterprise_reports/export/"
EXPORT = E + "a.csv"
WB = "enterprise_reports/workbooks/2020/"


def enterprise(case_id: str, bad: str | list[str], reason, column: str, *, row: int = 4, encoding="gbk", loaded=2, check=None) -> Case:
    rows = good_lines() + ([bad] if isinstance(bad, str) else bad)
    return Case(case_id, "enterprise", [export("a.csv", rows, encoding)], [(EXPORT, None, row, column, reason)], {EXPORT: loaded}, check)


CASES: list[Case] = [
    # ---- enterprise reports: identifiers, codes, years --------------------------------------
    enterprise("credit_code_check_character", report_line(credit_code=BAD_CHECK_CHAR, source="汽油", unit="t"),
               f"credit code '{BAD_CHECK_CHAR}' fails the GB 32100 check character (expected '{CODE[-1]}')", "统一社会信用代码"),
    enterprise("credit_code_too_short", report_line(credit_code="91620100MA7", source="汽油", unit="t"),
               "credit code '91620100MA7' has 11 characters, not 18", "统一社会信用代码"),
    enterprise("credit_code_blank", report_line(credit_code="", source="汽油", unit="t"),
               "统一社会信用代码 is empty; this field is required", "统一社会信用代码"),
    enterprise("region_code_unknown", report_line(region="629999", source="汽油", unit="t"),
               ("startswith", "region code 629999 does not exist"), "行政区划代码"),
    enterprise("region_code_not_six_digits", report_line(region="6201", source="汽油", unit="t"),
               "region code 6201 does not exist in the 2024 division list", "行政区划代码"),
    enterprise("year_before_2000", report_line(year="1999", source="汽油", unit="t"),
               "year 1999 is outside 2000–2035", "报告年度"),
    enterprise("year_not_a_year", report_line(year="去年", source="汽油", unit="t"),
               "year '去年' is not a whole number", "报告年度"),
    enterprise("date_impossible", report_line(submitted="2021-13-45", source="汽油", unit="t"),
               ("startswith", "'2021-13-45'"), "提交日期"),
    # ---- enterprise reports: numbers and units ---------------------------------------------
    enterprise("negative_fuel_burned", report_line(activity="-5", source="汽油", unit="t"),
               "活动水平 is -5; it cannot be negative", "活动水平"),
    enterprise("full_width_minus_is_negative", report_line(activity="－５", source="汽油", unit="t"),
               "活动水平 is －５; it cannot be negative", "活动水平"),
    enterprise("not_a_number", report_line(activity="12x", source="汽油", unit="t"),
               "'12x' in 活动水平 is not a number", "活动水平"),
    enterprise("unit_unknown", report_line(unit="万吨吨", source="汽油"),
               "unit '万吨吨' is not a known mass unit (known: 吨, t, 万吨, 万t, 10^4t, 千吨, kt)", "活动水平单位"),
    enterprise("unit_of_the_wrong_kind", report_line(unit="万Nm3", source="汽油", ncv="", ncv_unit=""),
               ("startswith", "unit '万Nm3' is a gas volume unit but a mass unit is expected"), "活动水平单位"),
    enterprise("unit_slip_wan_tonnes_absolute", report_line(activity="12000", unit="万吨", source="汽油"),
               "unit '万吨' with value 12000 looks like tonnes (×10⁴ too large); row quarantined", "活动水平"),
    enterprise("unit_slip_yi_kwh_absolute",
               report_line(category="净购入电力", source="电力", activity="5000", unit="亿千瓦时", ncv="", ncv_unit="", cc="", ox="",
                           ef="0.5810", ef_unit="tCO2/MWh"),
               ("startswith", "unit '亿千瓦时' with value 5000 looks like kWh (×10⁵ too large)"), "活动水平"),
    enterprise("fuel_unknown", report_line(source="焦煤", unit="t"),
               ("startswith", "fuel '焦煤' is not recognised (known: 原煤,"), "排放源"),
    enterprise("status_unknown", report_line(status="草稿", source="汽油", unit="t"),
               "data status '草稿' is not recognised (known: 企业自报, 核查, 复查)", "数据状态"),
    enterprise("oxidation_above_100", report_line(ox="120", source="汽油", unit="t"),
               "oxidation rate 120 is outside 0–100 %", "碳氧化率(%)"),
    enterprise("ragged_row", report_line(source="汽油", unit="t") + ",extra,fields",
               ("startswith", "row has more fields than the header's 19"), "(whole row)"),
    enterprise("utf8_bom_file_with_one_bad_row", report_line(year="1999", source="汽油", unit="t"),
               "year 1999 is outside 2000–2035", "报告年度", encoding="utf-8-sig"),
    # ---- enterprise reports: duplicates and re-deliveries ------------------------------------
    enterprise("duplicate_line_in_one_file", report_line(),
               "duplicate line: identical to row 2", None),
    Case(
        "duplicate_report_in_two_files",
        "enterprise",
        [export("a.csv", good_lines()), export("b.csv", good_lines())],
        [(E + "b.csv", None, 2, "统一社会信用代码/报告年度/数据状态",
          f"duplicate report: the same report 2020 reported of this enterprise was already delivered in {E}a.csv; not loaded twice"),
         (E + "b.csv", None, 3, "统一社会信用代码/报告年度/数据状态",
          f"duplicate report: the same report 2020 reported of this enterprise was already delivered in {E}a.csv; not loaded twice")],
        {E + "a.csv": 2, E + "b.csv": 0},
    ),
    Case(
        "corrected_report_redelivered_replaces_the_old",
        "enterprise",
        [export("a.csv", good_lines()), export("a_更正.csv", [report_line(activity="14000"), good_lines()[1]])],
        [(E + "a.csv", None, 2, "统一社会信用代码/报告年度/数据状态",
          f"superseded: the report 2020 reported of this enterprise was re-delivered corrected in {E}a_更正.csv, which replaces this file's lines"),
         (E + "a.csv", None, 3, "统一社会信用代码/报告年度/数据状态",
          f"superseded: the report 2020 reported of this enterprise was re-delivered corrected in {E}a_更正.csv, which replaces this file's lines")],
        {E + "a.csv": 0, E + "a_更正.csv": 2},
    ),
    Case(
        "unit_slip_relative_to_the_enterprises_other_reports",
        "enterprise",
        [export("a.csv", [report_line(activity="1500"), good_lines()[1], report_line(status="核查", activity="1500", unit="万t"),
                          report_line(status="核查", source="柴油", activity="120", unit="t")])],
        [(EXPORT, None, 4, "活动水平",
          "unit '万t' with value 1500 looks like tonnes (×10⁴ too large): this source is about 1500 t in the enterprise's "
          "other reports; row quarantined")],
        {EXPORT: 3},
    ),
    # ---- enterprise reports: encodings and whole files ---------------------------------------
    Case(
        "gb18030_only_characters_are_kept_not_lossy",
        "enterprise",
        [export("a.csv", [report_line(name="𠀾𠁀化工有限公司"), report_line(name="𠀾𠁀化工有限公司", source="柴油", unit="t", activity="1")],
                encoding="gb18030")],
        [],
        {EXPORT: 2},
        check=lambda lines: (lines["enterprise_name"].unique().to_list() == ["𠀾𠁀化工有限公司"]) or pytest.fail("name changed"),
    ),
    Case(
        "undecodable_file_rejected_whole_others_read",
        "enterprise",
        [export("a.csv", good_lines()), (E + "b.csv", ENTERPRISE_HEADER.encode("gbk") + b"\r\n\xff\xfe\x00garbage")],
        [(E + "b.csv", None, None, None, ("contains", "neither UTF-8"))],
        {E + "a.csv": 2},
    ),
    Case(
        "missing_required_column",
        "enterprise",
        [export("a.csv", good_lines()), (E + "b.csv", "统一社会信用代码,企业名称\n1,2\n".encode("gbk"))],
        [(E + "b.csv", None, None, None, ("contains", "header row lacks required columns: region_code (行政区划代码"))],
        {E + "a.csv": 2},
    ),
    Case(
        "old_region_code_is_mapped_not_rejected",
        "enterprise",
        [export("a.csv", [report_line(region="620824"), report_line(region="620824", source="柴油", unit="t", activity="1")])],
        [],
        {EXPORT: 2},
        check=lambda lines: (set(lines["region_code"]) == {"620881"}) or pytest.fail("620824 not mapped"),
    ),
    Case(
        "thousands_separators_full_width_digits_and_dashes",
        "enterprise",
        [export("a.csv", [report_line(activity='"１５，０００"'), report_line(source="柴油", unit="t", activity="120", ncv="—", ncv_unit="")])],
        [],
        {EXPORT: 2},
        check=lambda lines: (sorted(lines["activity_value"].to_list()) == [120.0, 15000.0]) or pytest.fail("numbers"),
    ),
    Case(
        "excel_date_serial_in_submission_date",
        "enterprise",
        [export("a.csv", [report_line(submitted="44270"), report_line(source="柴油", unit="t", activity="120", submitted="44270")])],
        [],
        {EXPORT: 2},
        check=lambda lines: (lines["submitted_on"].cast(pl.Utf8).unique().to_list() == ["2021-03-15"]) or pytest.fail("serial"),
    ),
    # ---- enterprise reports: template workbooks ---------------------------------------------
    Case(
        "workbook_formula_without_cached_value_is_quarantined",
        "enterprise",
        [workbook("a.xlsx", {
            "化石燃料燃烧": (FUEL_HEADER, [
                COAL_LINE,
                ["柴油", Formula("=1.2*100", None), "吨", None, None, None, None, 370],  # never calculated
                ["合计", None, None, None, None, None, None, Formula("=SUM(H3:H4)", None)],  # totals are not lines
            ]),
            "工业生产过程": (PROCESS_HEADER, [
                CLINKER_LINE[:5] + [Formula("=B3*D3", 430400)],  # a formula Excel saved reads as its value
            ]),
        })],
        [(WB + "a.xlsx", "化石燃料燃烧", 4, "消耗量",
          "cell B4 holds a formula without a saved value (=1.2*100); open and save the workbook in Excel")],
        {WB + "a.xlsx": 2},
        check=lambda lines: (lines.select("source_sheet", "source_row", "activity_value", "reported_co2_t").rows()
                             == [("化石燃料燃烧", 3, 15000.0, 28000.0), ("工业生产过程", 3, 800000.0, 430400.0)])
        or pytest.fail("the lines beside the formula did not load"),
    ),
    Case(
        "workbook_info_formula_without_cached_value_stops_the_workbook",
        "enterprise",
        [workbook("a.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE])},
                  info=[*WORKBOOK_INFO[:5], ("报告年度", Formula("=2019+1", None)), WORKBOOK_INFO[6]]),
         workbook("b.xlsx", {"工业生产过程": (PROCESS_HEADER, [CLINKER_LINE])})],
        [(WB + "a.xlsx", "基本信息", 6, "报告年度",
          "cell B6 holds a formula without a saved value (=2019+1); open and save the workbook in Excel")],
        {WB + "a.xlsx": 0, WB + "b.xlsx": 1},
    ),
    Case(
        "workbook_two_row_header_is_read_as_one",
        "enterprise",
        [workbook("a.xlsx", {
            "化石燃料燃烧": (
                [[Merged("燃料品种", down=2), Merged("消耗量", across=2), None, Merged("低位发热量", across=2), None,
                  "单位热值含碳量", "碳氧化率", Merged("排放量(tCO2)", down=2)],
                 [None, "数值", "单位", "数值", "单位", "(tC/TJ)", "(%)", None]],
                [COAL_LINE, ["柴油", 120, "吨", 42.652, "GJ/t", None, None, 370],
                 ["合计", None, None, None, None, None, None, 28370]]),
            "工业生产过程": (
                [["排放源", Merged("活动水平", across=2), None, "排放因子", "排放量(tCO2)"],
                 [None, "数值", "单位", "(tCO2/t)", None]],
                [["熟料生产", 800000, "吨", 0.538, 430400]]),
            "净购入电力": (
                [[Merged("项目", down=2), Merged("电量", across=2), None, "排放因子"],
                 [None, "数量", "单位", "tCO2/MWh"]],
                [["净购入电力", 2, "亿千瓦时", 0.581]]),
        })],
        [],
        {WB + "a.xlsx": 4},
        check=lambda lines: (lines.select(
            "source_sheet", "source_row", "source_name", "activity_value", "activity_unit", "activity_unit_original",
            "ncv_gj_per_unit", "carbon_content_tc_per_tj", "emission_factor", "emission_factor_unit", "reported_co2_t",
        ).rows() == [
            ("化石燃料燃烧", 4, "原煤", 15000.0, "t", "万吨", 20.908, 26.37, None, None, 28000.0),
            ("化石燃料燃烧", 5, "柴油", 120.0, "t", "吨", 42.652, None, None, None, 370.0),
            ("工业生产过程", 4, "熟料生产", 800000.0, "t", "吨", None, None, 0.538, "tCO2/t", 430400.0),
            ("净购入电力", 4, "净购入电力", 200000.0, "MWh", "亿千瓦时", None, None, 0.581, "tCO2/MWh", None),
        ] and lines["oxidation_fraction"].to_list()[:2] == [pytest.approx(0.94), None]) or pytest.fail("two-row header"),
    ),
    Case(
        "workbook_two_row_header_not_understood_skips_the_sheet",
        "enterprise",
        [workbook("a.xlsx", {
            "化石燃料燃烧": (FUEL_HEADER, [COAL_LINE]),
            "净购入热力": (
                [[Merged("项目", down=2), Merged("热量", across=2), None, "排放因子"],
                 [None, "数量", "计量", "(tCO2/GJ)"]],
                [["净购入热力", 5, "万百万千焦", 0.11]]),
        })],
        [(WB + "a.xlsx", "净购入热力", 2, None,
          "header over rows 2–3 cannot be read: column C '热量 / 计量' is not understood (known: 排放源, 活动水平, "
          "活动水平单位, 低位发热量, 低位发热量单位, 单位热值含碳量(tC/TJ), 碳氧化率(%), 排放因子, 排放因子单位, 排放量(tCO2)); "
          "rows found: row 2 ['项目', '热量', '', '排放因子'], row 3 ['', '数量', '计量', '(tCO2/GJ)']; sheet skipped")],
        {WB + "a.xlsx": 1},
    ),
    # ---- exchange prices ---------------------------------------------------------------------
    Case("price_low_above_high", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-05,HBEA,28,27,29,28,,100,2800,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "开盘价(元/吨) / 最高价 / 最低价 / 收盘价", "low 29.0 is above high 27.0")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_open_above_high", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-05,HBEA,30,29,28,28.5,28.6,100,2860,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "开盘价(元/吨) / 最高价 / 最低价 / 收盘价", "open 30.0 is above high 29.0")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_close_below_low", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-05,HBEA,28,29,27.5,27,27.6,100,2760,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "开盘价(元/吨) / 最高价 / 最低价 / 收盘价", "low 27.5 is above close 27.0")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_vwap_not_turnover_over_volume", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-05,HBEA,28,29,27,28.5,28.6,100,3500,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "成交均价", "vwap 28.6 does not match turnover ÷ volume = 35.0")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_negative_volume", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-05,HBEA,28,29,27,28.5,,-100,2860,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "成交量(吨)", "成交量(吨) is -100; it cannot be negative")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_duplicate_line", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, GOOD_PRICE])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "交易日期", "duplicate line: identical to row 2")],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_unknown_trade_type", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-06-07,HBEA,28,29,27,28.5,28.6,100,2860,场外"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "交易方式", ("startswith", "trade type '场外' is not recognised"))],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_bad_date", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2, "2019-02-30,HBEA,28,29,27,28.5,28.6,100,2860,挂牌"])],
         [("exchange_prices/HB_daily_2014-2020.csv", None, 4, "交易日期", ("startswith", "'2019-02-30'"))],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    Case("price_file_of_unknown_exchange", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2]), prices([GOOD_PRICE], name="prices_unknown.csv")],
         [("exchange_prices/prices_unknown.csv", None, None, None, ("startswith", "cannot tell the exchange from the file name"))],
         {"exchange_prices/HB_daily_2014-2020.csv": 2}),
    # ---- energy balance workbooks ------------------------------------------------------------
    Case("balance_cell_not_a_number", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW, ["终端消费量", "x", None, None, None]]})],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 6, "原煤", "'x' for 原煤 / 终端消费量 is not a number")],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2}),
    Case("balance_unknown_region_sheet", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW], "629999 某地": [GOOD_BALANCE_ROW]})],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "629999 某地", None, None,
           "region code 629999 does not exist in the 2024 division list; sheet skipped")],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2}),
    # An unknown fuel column: with amounts it blocks publication (its energy and CO2 would vanish);
    # empty, or holding only 'no flow' marks and zeros, it is a warning.
    Case("balance_unknown_fuel_column_with_amounts_blocks_publication", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [["一次能源生产量", 1.5, 3, None, 7]]},
                  fuels=["原煤", "天然气", "电力", "生物质"], units=["万吨", "亿立方米", "亿千瓦时", "万吨"])],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 3, "生物质",
           ("startswith", "fuel column '生物质' is not recognised (known: 原煤,"))],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2},
         extra={"blocks_publication": [True]}),
    Case("balance_unknown_fuel_column_without_amounts_only_warns", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [["一次能源生产量", 1.5, 3, None, "/"], ["工业", 1, None, None, 0]]},
                  fuels=["原煤", "天然气", "电力", "生物质"], units=["万吨", "亿立方米", "亿千瓦时", "万吨"])],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 3, "生物质",
           ("endswith", "it holds no amounts; column skipped"))],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 3},
         extra={"blocks_publication": [False]}),
    Case("balance_unknown_item", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW, ["神秘项目", 2, None, None, None]]})],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 6, "项目",
           ("startswith", "energy balance item '神秘项目' is not recognised"))],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2}),
    Case("balance_formula_with_cached_value_loads", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW, ["终端消费量", Formula("=B5*2", 3), None, None, None]]})],
         [],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 3}),
    Case("balance_formula_without_cached_value_is_quarantined", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW, ["终端消费量", Formula("=B5*2", None), 4, None, None]]})],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 6, "原煤",
           "cell B6 holds a formula without a saved value (=B5*2); open and save the workbook in Excel")],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 3}),
    Case("balance_numbers_stored_as_text_are_read_as_numbers", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [["一次能源生产量", "1,500.5", "３", None, None]]})],
         [],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2},
         check=lambda rows: (rows["value_original"].to_list() == [1500.5, 3.0]) or pytest.fail("text numbers")),
    Case("balance_hidden_sheet_is_read_like_any_other", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW], "620200 嘉峪关市": [["一次能源生产量", 2, None, None, None]]},
                  hidden=("620200 嘉峪关市",))],
         [],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 3},
         check=lambda rows: (rows.filter(pl.col("region_code") == "620200")["value"].to_list() == [20000.0])
         or pytest.fail("hidden sheet")),
    Case("balance_slash_dashes_and_blank_mean_missing_not_zero", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW, ["终端消费量", "/", "-", "—", " "],
                                                       ["外省(区、市)调入量", 5, "——", None, None]]})],
         [],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 3},
         check=lambda rows: (rows.select("source_row", "source_column", "value_original").rows()
                             == [(5, "B", 1.5), (5, "C", 3.0), (7, "B", 5.0)]) or pytest.fail("missing tokens")),
    *[Case(f"balance_two_row_header_{how}", "energy",
           [balance_two_row_header("gansu_2015.xlsx", merged)],
           [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 6, "原煤", "'x' for 原煤 / 终端消费量 is not a number")],
           {"energy_statistics/energy_balance/gansu_2015.xlsx": 3},
           check=lambda rows: (rows.select("source_row", "fuel_code", "value").rows()
                               == [(5, "raw_coal", 15000.0), (5, "natural_gas", 30000.0), (6, "electricity", 200000.0)])
           or pytest.fail("two-row header"))
      for how, merged in (("group_row_above", False), ("item_merged_down", True))],
    # ---- energy statistics: re-deliveries ----------------------------------------------------
    Case("balance_sheet_redelivered_corrected_replaces_the_old", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW], "620200 嘉峪关市": [GOOD_BALANCE_ROW]}),
          balance("gansu_2015_更正.xlsx", {"620100 兰州市": [["一次能源生产量", 1.6, 3, None, None]]})],
         [("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 5, "region_code/year",
           "superseded: the balance table 620100 2015 (region, year) was re-delivered corrected in "
           "energy_statistics/energy_balance/gansu_2015_更正.xlsx, which replaces this file's rows")],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2, "energy_statistics/energy_balance/gansu_2015_更正.xlsx": 2},
         check=lambda rows: (sorted(rows.filter(pl.col("region_code") == "620100")["value_original"].to_list()) == [1.6, 3.0])
         or pytest.fail("the corrected figures did not replace the old ones")),
    Case("balance_redelivered_with_the_same_modification_time_stays_ambiguous", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW]}),
          balance("gansu_2015_更正.xlsx", {"620100 兰州市": [["一次能源生产量", 1.6, 3, None, None]]})],
         [],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2, "energy_statistics/energy_balance/gansu_2015_更正.xlsx": 2},
         extra={"same_time": True}),
    Case("activity_redelivered_corrected_replaces_only_that_variable", "energy",
         [activity("a.xlsx", [["620000", "甘肃省", 2015, 6790, 2600], ["620000", "甘肃省", 2016, 7200, 2610]]),
          activity("a_更正.xlsx", [["620000", "甘肃省", 2015, 6800, None]],
                   header=("地区代码", "地区名称", "年份", "地区生产总值(亿元)"))],
         [("energy_statistics/activity/a.xlsx", "Sheet1", 2, "region_code/year/variable_code",
           ("startswith", "superseded: the activity value 620000 2015 "))],
         {"energy_statistics/activity/a.xlsx": 3, "energy_statistics/activity/a_更正.xlsx": 1},
         extra={"table": "activity_statistics"}),
    Case("activity_formula_without_cached_value_is_quarantined", "energy",
         [activity("a.xlsx", [["620000", "甘肃省", 2015, Formula("=1+1", None), 2600],
                              ["620000", "甘肃省", 2016, Formula("=7000+200", 7200), 2610]])],
         [("energy_statistics/activity/a.xlsx", "Sheet1", 2, "地区生产总值(亿元)",
           "cell D2 holds a formula without a saved value (=1+1); open and save the workbook in Excel")],
         {"energy_statistics/activity/a.xlsx": 3},
         extra={"table": "activity_statistics"},
         check=lambda rows: (sorted(rows["value_original"].to_list()) == [2600.0, 2610.0, 7200.0]) or pytest.fail("formula")),
    Case("department_indicator_redelivered_corrected_replaces_the_old", "energy",
         [("energy_statistics/department_indicators/a.csv",
           "地区代码,年份,指标名称,数值,单位,报送部门\n620000,2015,森林覆盖率,11.3,%,林业和草原局\n620000,2016,森林覆盖率,11.4,%,林业和草原局\n".encode("gbk")),
          ("energy_statistics/department_indicators/b.csv",
           "地区代码,年份,指标名称,数值,单位,报送部门\n620000,2015,森林覆盖率,11.5,%,林业和草原局\n".encode("gbk"))],
         [("energy_statistics/department_indicators/a.csv", None, 2, "region_code/year/indicator_code",
           ("startswith", "superseded: the indicator 620000 2015 "))],
         {"energy_statistics/department_indicators/a.csv": 1, "energy_statistics/department_indicators/b.csv": 1},
         extra={"table": "indicator_statistics"}),
    Case("activity_conflict_within_one_corrected_file_is_not_resolved", "energy",
         [activity("a.xlsx", [["620000", "甘肃省", 2015, 6790, 2600]]),
          activity("a_更正.xlsx", [["620000", "甘肃省", 2015, 6800], ["620000", "甘肃省", 2015, 6900]],
                   header=("地区代码", "地区名称", "年份", "地区生产总值(亿元)"))],
         [("energy_statistics/activity/a.xlsx", "Sheet1", 2, "region_code/year/variable_code",
           ("startswith", "superseded: the activity value 620000 2015 "))],
         {"energy_statistics/activity/a.xlsx": 1, "energy_statistics/activity/a_更正.xlsx": 2},
         extra={"table": "activity_statistics"}),
]


# ---- enterprise reports: deliveries (raw.enterprise_report_deliveries) -----------------------

KEY = "统一社会信用代码/报告年度/数据状态"
WHAT = "report 2020 reported of this enterprise"
COAL_14000 = report_line(activity="14000")
DIESEL = good_lines()[1]


def held_invalid(rows: str, older: str) -> str:
    return (f"held: this re-delivery of {WHAT} has {rows}; the earlier complete delivery in {older} "
            "stays in force until it is corrected")


def held_conflict(rows: str, earlier: str | None = None, what: str = "化石燃料燃烧 原煤") -> str:
    reason = (f"held: {WHAT} has two different lines for {what} in this file ({rows}); which is right cannot be "
              "told — the report is held until the file is corrected")
    return reason + (f"; the earlier delivery in {earlier} stays in force" if earlier else "")


def superseded(newer: str) -> str:
    return f"superseded: the {WHAT} was re-delivered corrected in {newer}, which replaces this file's lines"


def cut_reason(row: int, fields: int, of: int) -> str:
    return (f"file ends mid-row: row {row} has {fields} of {of} fields and the file does not end with a line break — "
            "the file looks cut off (truncated transfer?); the rows before it loaded")


HEADER_ONLY = "file has a header row but no data rows"
NUL_REASON = ("holds a NUL byte (0x00), which no text contains — the file looks damaged (an interrupted copy or a "
              "binary file saved as CSV?); row quarantined")
ALLOCATION_HEADER = "统一社会信用代码,履约年度,免费配额(吨),有偿配额(吨),清缴CCER(吨),实际清缴配额(吨)"
ALLOCATIONS = "enterprise_reports/allocations/配额分配与清缴_2019.csv"
TASK_HEADER = "统一社会信用代码,报告年度,任务类型,核查机构代码,核查机构名称,指派日期"
MRV_TASKS = "enterprise_reports/mrv/核查任务_2019.csv"
INDICATOR_HEADER = "地区代码,年份,指标名称,数值,单位,报送部门"
INDICATORS = "energy_statistics/department_indicators/"
PRICES = "exchange_prices/HB_daily_2014-2020.csv"
HOSTILE_NAME = "某化工厂\n# 标题\x1b[2J\x07"


def delivery(file: str, status: str, read: int, loaded: int, quarantined: int, **more) -> dict:
    return {"source_file": file, "delivery_status": status, "lines_read": read, "lines_loaded": loaded,
            "lines_quarantined": quarantined, **more}


CASES += [
    # Issue 1: a corrected re-delivery with one invalid line must not replace the complete report.
    Case("redelivery_with_an_invalid_line_is_held_and_the_older_complete_one_stays_in_force", "enterprise",
         [export("a.csv", good_lines()), export("a_更正.csv", [COAL_14000, report_line(source="柴油", activity="-5", unit="t")])],
         [(E + "a_更正.csv", None, 2, KEY, held_invalid("1 invalid line (row 3)", E + "a.csv")),
          (E + "a_更正.csv", None, 3, "活动水平", "活动水平 is -5; it cannot be negative")],
         {E + "a.csv": 2, E + "a_更正.csv": 0},
         extra={"deliveries": [delivery(E + "a.csv", "in_force", 2, 2, 0, status_reason=None),
                               delivery(E + "a_更正.csv", "held", 2, 0, 1,
                                        status_reason=held_invalid("1 invalid line (row 3)", E + "a.csv"))]}),
    Case("corrected_file_that_omits_a_line_is_in_force_and_names_the_missing_line", "enterprise",
         [export("a.csv", good_lines() + [report_line(category="工业生产过程", source="熟料生产", activity="800000", unit="吨",
                                                       ncv="", ncv_unit="", cc="", ox="", ef="0.538", ef_unit="tCO2/t")]),
          export("a_更正.csv", [COAL_14000])],
         [(E + "a.csv", None, row, KEY, superseded(E + "a_更正.csv")) for row in (2, 3, 4)],
         {E + "a.csv": 0, E + "a_更正.csv": 1},
         extra={"deliveries": [delivery(E + "a.csv", "superseded", 3, 0, 0, lines_missing_vs_previous=None),
                               delivery(E + "a_更正.csv", "in_force", 1, 1, 0,
                                        lines_missing_vs_previous="化石燃料燃烧/柴油|工业生产过程/熟料生产")]}),
    # Issue 2: one report twice in one file, one line changed: nothing of it can be trusted.
    Case("report_twice_in_one_file_with_one_line_changed_is_held", "enterprise",
         [export("a.csv", [*good_lines(), COAL_14000, DIESEL])],
         [(EXPORT, None, 2, KEY, held_conflict("rows 2 and 4")), (EXPORT, None, 3, KEY, held_conflict("rows 2 and 4")),
          (EXPORT, None, 4, KEY, held_conflict("rows 2 and 4")), (EXPORT, None, 5, None, "duplicate line: identical to row 3")],
         {EXPORT: 0},
         extra={"deliveries": [delivery(EXPORT, "held", 4, 0, 0, status_reason=held_conflict("rows 2 and 4"))]}),
    Case("conflicting_copies_in_a_corrected_file_leave_the_earlier_delivery_in_force", "enterprise",
         [export("a.csv", good_lines()), export("b.csv", [report_line(), DIESEL, COAL_14000])],
         [(E + "b.csv", None, row, KEY, held_conflict("rows 2 and 4", E + "a.csv")) for row in (2, 3, 4)],
         {E + "a.csv": 2, E + "b.csv": 0},
         extra={"deliveries": [delivery(E + "a.csv", "in_force", 2, 2, 0), delivery(E + "b.csv", "held", 3, 0, 0)]}),
    Case("conflicting_line_that_is_also_invalid_still_holds_the_report", "enterprise",
         [export("a.csv", [*good_lines(), report_line(activity="12x")])],
         [(EXPORT, None, 2, KEY, held_conflict("rows 2 and 4")), (EXPORT, None, 3, KEY, held_conflict("rows 2 and 4")),
          (EXPORT, None, 4, "活动水平", "'12x' in 活动水平 is not a number")],
         {EXPORT: 0},
         extra={"deliveries": [delivery(EXPORT, "held", 3, 0, 1)]}),
    # Issue 3: a report with a quarantined line is partial, and the deliveries table says so.
    Case("partial_report_when_no_delivery_is_complete", "enterprise",
         [export("a.csv", [report_line(), report_line(source="柴油", activity="-5", unit="t")]),
          export("b.csv", [COAL_14000, report_line(source="柴油", unit="万吨吨")])],
         [(E + "a.csv", None, 2, KEY, superseded(E + "b.csv")),
          (E + "a.csv", None, 3, "活动水平", "活动水平 is -5; it cannot be negative"),
          (E + "b.csv", None, 3, "活动水平单位", ("startswith", "unit '万吨吨' is not a known mass unit"))],
         {E + "a.csv": 0, E + "b.csv": 1},
         extra={"deliveries": [delivery(E + "a.csv", "superseded", 2, 0, 1),
                               delivery(E + "b.csv", "in_force", 2, 1, 1, status_reason=None)]}),
    Case("report_with_a_quarantined_line_is_recorded_as_partial", "enterprise",
         [export("a.csv", [*good_lines(), report_line(source="汽油", unit="t", region="629999")])],
         [(EXPORT, None, 4, "行政区划代码", ("startswith", "region code 629999 does not exist"))],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 3, 2, 1, credit_code=CODE, report_year=2020,
                                        data_status="reported", reported_lines_co2_t=120000.0, stated_total_co2_t=None)]}),
    Case("unit_slip_line_holds_a_redelivery", "enterprise",
         [export("a.csv", good_lines()), export("b.csv", [report_line(activity="12000", unit="万吨"), DIESEL])],
         [(E + "b.csv", None, 2, "活动水平", "unit '万吨' with value 12000 looks like tonnes (×10⁴ too large); row quarantined"),
          (E + "b.csv", None, 3, KEY, held_invalid("1 invalid line (row 2)", E + "a.csv"))],
         {E + "a.csv": 2, E + "b.csv": 0}),
    Case("redelivery_order_follows_modification_time_not_the_file_name", "enterprise",
         [export("z_old.csv", good_lines()), export("a_new.csv", [COAL_14000, DIESEL])],
         [(E + "z_old.csv", None, row, KEY, superseded(E + "a_new.csv")) for row in (2, 3)],
         {E + "z_old.csv": 0, E + "a_new.csv": 2}),
    Case("line_with_an_invalid_credit_code_is_a_delivery_of_its_own", "enterprise",
         [export("a.csv", [*good_lines(), report_line(credit_code=BAD_CHECK_CHAR.lower(), source="汽油", unit="t")])],
         [(EXPORT, None, 4, "统一社会信用代码", ("startswith", f"credit code '{BAD_CHECK_CHAR}' fails the GB 32100 check"))],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 2, 2, 0, credit_code=CODE),
                               delivery(EXPORT, "in_force", 1, 0, 1, credit_code=BAD_CHECK_CHAR)]}),
    Case("workbook_redelivery_with_a_formula_line_is_held", "enterprise",
         [workbook("a.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE]), "工业生产过程": (PROCESS_HEADER, [CLINKER_LINE])}),
          workbook("b.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE, ["柴油", Formula("=1.2*100", None), "吨", None, None, None, None, 370]]),
                              "工业生产过程": (PROCESS_HEADER, [CLINKER_LINE])})],
         [(WB + "b.xlsx", "化石燃料燃烧", 3, KEY, held_invalid("1 invalid line (sheet 化石燃料燃烧 row 4)", WB + "a.xlsx")),
          (WB + "b.xlsx", "化石燃料燃烧", 4, "消耗量", ("startswith", "cell B4 holds a formula without a saved value")),
          (WB + "b.xlsx", "工业生产过程", 3, KEY, held_invalid("1 invalid line (sheet 化石燃料燃烧 row 4)", WB + "a.xlsx"))],
         {WB + "a.xlsx": 2, WB + "b.xlsx": 0},
         extra={"deliveries": [delivery(WB + "a.xlsx", "in_force", 2, 2, 0), delivery(WB + "b.xlsx", "held", 3, 0, 1)]}),
    Case("workbook_redelivery_with_an_unreadable_sheet_is_held", "enterprise",
         [workbook("a.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE]), "净购入热力": ([["项目", "热量", "单位", "排放因子(tCO2/GJ)"]], [["净购入热力", 5, "万百万千焦", 0.11]])}),
          workbook("b.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE]), "净购入热力": ([["说明"]], [["本年无外购热力"]])})],
         [(WB + "b.xlsx", "净购入热力", None, None, ("startswith", "no header row found")),
          (WB + "b.xlsx", "化石燃料燃烧", 3, KEY, held_invalid("1 invalid line (sheet 净购入热力)", WB + "a.xlsx"))],
         {WB + "a.xlsx": 2, WB + "b.xlsx": 0}),
    # Issue 4: totals are statements about the report, compared with its lines.
    Case("workbook_totals_that_disagree_with_the_lines_are_recorded", "enterprise",
         [workbook("a.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE, ["合计", None, None, None, None, None, None, 30000]]),
                              "工业生产过程": (PROCESS_HEADER, [CLINKER_LINE, ["合计", None, None, None, None, 430400]])},
                   summary=[["排放总量(tCO2)", 470000]])],
         [],
         {WB + "a.xlsx": 2},
         extra={"deliveries": [delivery(WB + "a.xlsx", "in_force", 2, 2, 0, stated_total_co2_t=470000.0,
                                        stated_category_totals="combustion=30000|process=430400",
                                        reported_lines_co2_t=458400.0)]}),
    Case("workbook_subtotal_and_total_rows_without_a_summary_sheet", "enterprise",
         [workbook("a.xlsx", {"化石燃料燃烧": (FUEL_HEADER, [COAL_LINE, ["小计", None, None, None, None, None, None, 28000],
                                                             ["柴油", 120, "吨", None, None, None, None, 370.5],
                                                             ["合计", None, None, None, None, None, None, 28370.5]]),
                              "净购入电力": ([["项目", "电量", "单位", "排放因子(tCO2/MWh)", "排放量(tCO2)"]],
                                             [["净购入电力", 2, "万千瓦时", 0.581, 11.62], ["合计", None, None, None, Formula("=E3", None)]])})],
         [],
         {WB + "a.xlsx": 3},
         extra={"deliveries": [delivery(WB + "a.xlsx", "in_force", 3, 3, 0, stated_total_co2_t=28370.5,
                                        stated_category_totals="combustion=28370.5", reported_lines_co2_t=28382.12)]}),
    Case("csv_total_row_is_a_total_not_a_broken_line", "enterprise",
         [export("a.csv", [*good_lines(), report_line(category="", source="合计", activity="", unit="", ncv="", ncv_unit="",
                                                      cc="", ox="", co2="80500")])],
         [(EXPORT, None, 4, "排放源", "total row (合计): not an emission line; its 排放量 80500 is compared with the report's lines")],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 2, 2, 0, stated_total_co2_t=80500.0,
                                        stated_category_totals=None, reported_lines_co2_t=80000.0)]}),
    Case("csv_category_total_row", "enterprise",
         [export("a.csv", [*good_lines(), report_line(source="合计", activity="", unit="", co2="80000")])],
         [(EXPORT, None, 4, "排放源", "total row (合计): not an emission line; its 排放量 80000 is compared with the report's lines")],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 2, 2, 0, stated_total_co2_t=80000.0,
                                        stated_category_totals="combustion=80000")]}),
    Case("csv_grand_total_row_that_names_no_report", "enterprise",
         [export("a.csv", [*good_lines(), "总计" + "," * 18 + "80000"])],
         [(EXPORT, None, 4, "统一社会信用代码",
           "total row (总计): not an emission line; it names no report (credit code, year, status), so its 排放量 80000 "
           "is compared with nothing")],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 2, 2, 0, stated_total_co2_t=None)]}),
    # Issue 5: an unreadable workbook costs only itself.
    Case("lone_unreadable_workbook_beside_a_valid_export", "enterprise",
         [export("a.csv", good_lines()), (WB + "x.xlsx", export("x.csv", good_lines())[1])],
         [(WB + "x.xlsx", None, None, None, ("startswith", "file cannot be opened as an Excel workbook: "))],
         {EXPORT: 2},
         extra={"files": {WB + "x.xlsx": {"rejected": True, "problem": ("startswith", "file cannot be opened")}}}),
    Case("workbook_with_only_basic_info_beside_a_valid_export", "enterprise",
         [export("a.csv", good_lines()), workbook("x.xlsx", {})],
         [(WB + "x.xlsx", None, None, None, "workbook has no emission-source lines")],
         {EXPORT: 2}),
    # Issue 6: an empty delivery leaves a trace, in every family that reads CSV.
    Case("header_only_export_beside_a_valid_one", "enterprise",
         [export("a.csv", good_lines()), export("b.csv", [])],
         [(E + "b.csv", None, None, None, HEADER_ONLY)],
         {EXPORT: 2},
         extra={"files": {E + "b.csv": {"rejected": False, "problem": HEADER_ONLY, "rows_loaded": 0}}}),
    Case("header_only_allocation_file_beside_a_valid_one", "allocations",
         [(ALLOCATIONS, f"{ALLOCATION_HEADER}\n{CODE},2019,10000,0,0,10000\n".encode()),
          ("enterprise_reports/allocations/配额分配与清缴_2020.csv", f"{ALLOCATION_HEADER}\n".encode("gbk"))],
         [("enterprise_reports/allocations/配额分配与清缴_2020.csv", None, None, None, HEADER_ONLY)],
         {ALLOCATIONS: 1}),
    Case("header_only_price_file_beside_a_valid_one", "prices",
         [prices([GOOD_PRICE, GOOD_PRICE_2]), prices([], name="GD_daily_2014-2020.csv")],
         [("exchange_prices/GD_daily_2014-2020.csv", None, None, None, HEADER_ONLY)],
         {PRICES: 2}),
    Case("header_only_department_indicator_file_beside_a_valid_one", "energy",
         [(INDICATORS + "a.csv", f"{INDICATOR_HEADER}\n620000,2015,森林覆盖率,11.3,%,林业和草原局\n".encode("gbk")),
          (INDICATORS + "b.csv", f"{INDICATOR_HEADER}\r\n\r\n".encode("gbk"))],
         [(INDICATORS + "b.csv", None, None, None, HEADER_ONLY)],
         {INDICATORS + "a.csv": 1},
         extra={"table": "indicator_statistics"}),
    # Issue 7: a file cut off in transfer is recognised, in every family that reads CSV.
    Case("truncated_export_loads_the_rows_before_the_cut", "enterprise",
         [cut_off(EXPORT, ENTERPRISE_HEADER, good_lines(), fields_of(report_line(source="汽油", unit="t"), 12))],
         [(EXPORT, None, 4, "(whole row)", cut_reason(4, 12, 19))],
         {EXPORT: 2},
         extra={"files": {EXPORT: {"truncated": True, "rejected": False, "problem": cut_reason(4, 12, 19),
                                   "rows_loaded": 2, "rows_quarantined": 1}},
                "deliveries": [delivery(EXPORT, "in_force", 3, 2, 1)]}),
    Case("truncated_redelivery_is_held", "enterprise",
         [export("a.csv", good_lines()),
          cut_off(E + "b.csv", ENTERPRISE_HEADER, [COAL_14000], fields_of(DIESEL, 15))],
         [(E + "b.csv", None, 2, KEY, held_invalid("1 invalid line (row 3)", E + "a.csv")),
          (E + "b.csv", None, 3, "(whole row)", cut_reason(3, 15, 19))],
         {E + "a.csv": 2, E + "b.csv": 0}),
    Case("truncated_inside_a_quoted_value", "enterprise",
         [cut_off(EXPORT, ENTERPRISE_HEADER, good_lines(), f'{CODE},"兰州某')],
         [(EXPORT, None, 4, "(whole row)", cut_reason(4, 2, 19))],
         {EXPORT: 2}),
    Case("truncated_allocation_file", "allocations",
         [cut_off(ALLOCATIONS, ALLOCATION_HEADER, [f"{CODE},2019,10000,0,0,10000", f"{credit_code(2)},2019,500,0,0,500"],
                  f"{credit_code(3)},2019,12", encoding="utf-8")],
         [(ALLOCATIONS, None, 4, "(whole row)", cut_reason(4, 3, 6))],
         {ALLOCATIONS: 2},
         extra={"files": {ALLOCATIONS: {"truncated": True}}}),
    Case("truncated_price_file", "prices",
         [cut_off(PRICES, PRICE_HEADER, [GOOD_PRICE, GOOD_PRICE_2], "2019-06-05,HBEA,28")],
         [(PRICES, None, 4, "(whole row)", cut_reason(4, 3, 10))],
         {PRICES: 2},
         extra={"files": {PRICES: {"truncated": True, "encoding": "gb18030"}}}),
    Case("truncated_department_indicator_file", "energy",
         [cut_off(INDICATORS + "a.csv", INDICATOR_HEADER, ["620000,2015,森林覆盖率,11.3,%,林业和草原局"], "620000,2016,森林覆盖率,11")],
         [(INDICATORS + "a.csv", None, 3, "(whole row)", cut_reason(3, 4, 6))],
         {INDICATORS + "a.csv": 1},
         extra={"table": "indicator_statistics", "files": {INDICATORS + "a.csv": {"truncated": True}}}),
    Case("file_ending_in_nul_padding_is_cut_off", "enterprise",
         [(EXPORT, export("a.csv", good_lines())[1] + b"\x00" * 512)],
         [(EXPORT, None, 4, "(whole row)", cut_reason(4, 1, 19))],
         {EXPORT: 2}),
    Case("complete_last_row_without_a_line_break_is_not_truncated", "enterprise",
         [cut_off(EXPORT, ENTERPRISE_HEADER, [good_lines()[0]], DIESEL)],
         [],
         {EXPORT: 2},
         extra={"files": {EXPORT: {"truncated": False, "problem": None}}}),
    # ---- other real-world files ----------------------------------------------------------------
    Case("nul_byte_inside_a_row", "enterprise",
         [export("a.csv", [*good_lines(), report_line(name="兰州\x00某电厂", source="汽油", unit="t")])],
         [(EXPORT, None, 4, "(whole row)", "column B '企业名称' " + NUL_REASON)],
         {EXPORT: 2},
         extra={"deliveries": [delivery(EXPORT, "in_force", 3, 2, 1)]}),
    Case("export_with_bom_and_crlf", "enterprise",
         [export("a.csv", good_lines(), encoding="utf-8-sig")],
         [],
         {EXPORT: 2},
         extra={"files": {EXPORT: {"encoding": "utf-8-sig", "truncated": False, "size_bytes": len(export("a.csv", good_lines(), encoding="utf-8-sig")[1])}}}),
    Case("blank_lines_and_comma_only_rows_are_skipped", "enterprise",
         [export("a.csv", [good_lines()[0], "", "," * 18, DIESEL, " , , "])],
         [],
         {EXPORT: 2},
         check=lambda lines: (lines["source_row"].to_list() == [2, 5]) or pytest.fail("row numbers")),
    Case("control_characters_and_a_line_break_in_a_name_load_unchanged", "enterprise",
         [export("a.csv", [report_line(name=f'"{HOSTILE_NAME}"'), report_line(name=f'"{HOSTILE_NAME}"', source="柴油", unit="t")])],
         [],
         {EXPORT: 2},
         check=lambda lines: (lines["enterprise_name"].to_list() == [HOSTILE_NAME] * 2 and lines["source_row"].to_list() == [2, 3])
         or pytest.fail("name changed")),
    Case("script_tag_in_a_name_loads_as_text", "enterprise",
         [export("a.csv", [report_line(name="<script>alert(1)</script>某化工厂"), report_line(name="<script>alert(1)</script>某化工厂", source="柴油", unit="t")])],
         [],
         {EXPORT: 2},
         check=lambda lines: (set(lines["enterprise_name"]) == {"<script>alert(1)</script>某化工厂"}) or pytest.fail("name")),
    Case("utf16_export_rejected_whole_others_read", "enterprise",
         [export("a.csv", good_lines()), (E + "b.csv", ("\r\n".join([ENTERPRISE_HEADER, *good_lines()])).encode("utf-16"))],
         [(E + "b.csv", None, None, None, "file is UTF-16 (Excel 'Unicode text'); re-save it as CSV UTF-8 or GBK")],
         {EXPORT: 2},
         extra={"files": {E + "b.csv": {"rejected": True}}}),
    Case("zero_byte_export_rejected_others_read", "enterprise",
         [export("a.csv", good_lines()), (E + "b.csv", b"")],
         [(E + "b.csv", None, None, None, "file is empty")],
         {EXPORT: 2}),
    Case("activity_workbook_that_is_csv_bytes", "energy",
         [balance("gansu_2015.xlsx", {"620100 兰州市": [GOOD_BALANCE_ROW]}),
          ("energy_statistics/activity/a.xlsx", "地区代码,年份\n620000,2015\n".encode())],
         [("energy_statistics/activity/a.xlsx", None, None, None, ("startswith", "file cannot be opened as an Excel workbook: "))],
         {"energy_statistics/energy_balance/gansu_2015.xlsx": 2},
         extra={"files": {"energy_statistics/activity/a.xlsx": {"rejected": True}}}),
    Case("industry_unknown_industry_row", "energy",
         [industry("lanzhou_2015.xlsx", [GOOD_INDUSTRY_ROW, ["航天飞机制造业", 3, None, None]])],
         [(INDUSTRY, "620100 兰州市", 4, "行业", ("startswith", "industry '航天飞机制造业' is not recognised (known: the GB/T 4754-2017"))],
         {INDUSTRY: 2}, extra={"table": "industry_energy"}),
    Case("industry_unknown_fuel_column", "energy",
         [industry("lanzhou_2015.xlsx", [[*GOOD_INDUSTRY_ROW, 7]], fuels=[*INDUSTRY_FUELS, "可燃冰(万吨)"])],
         [(INDUSTRY, "620100 兰州市", 2, "可燃冰(万吨)", ("startswith", "fuel column '可燃冰(万吨)' is not recognised"))],
         {INDUSTRY: 2}, extra={"table": "industry_energy"}),
    Case("industry_negative_value", "energy",
         [industry("lanzhou_2015.xlsx", [["非金属矿物制品业", -1, 0.5, None], GOOD_INDUSTRY_ROW])],
         [(INDUSTRY, "620100 兰州市", 3, "原煤(万吨)", "-1 for 原煤(万吨) / 非金属矿物制品业 is negative; consumption cannot be negative")],
         {INDUSTRY: 3}, extra={"table": "industry_energy"}),
    Case("industry_formula_without_cached_value_is_quarantined", "energy",
         [industry("lanzhou_2015.xlsx", [GOOD_INDUSTRY_ROW, ["化学原料和化学制品制造业", Formula("=B3*2", None), 4, None]])],
         [(INDUSTRY, "620100 兰州市", 4, "原煤(万吨)",
           "cell B4 holds a formula without a saved value (=B3*2); open and save the workbook in Excel")],
         {INDUSTRY: 3}, extra={"table": "industry_energy"}),
    Case("industry_feedstock_sub_row_under_a_total_is_not_loaded", "energy",
         [industry("lanzhou_2015.xlsx", [["工业", 9, 1, 8], ["其中：用作原料、材料", 2, None, None], GOOD_INDUSTRY_ROW,
                                         ["其中：用作原料、材料", 0.5, None, None]])],
         [],
         {INDUSTRY: 3}, extra={"table": "industry_energy"},
         check=lambda rows: (rows.select("source_row", "division_code", "is_feedstock", "value").rows()
                             == [(5, "31", False, 15000.0), (5, "31", False, 200_000.0), (6, "31", True, 5000.0)])
         or pytest.fail("feedstock sub-row")),
]

# ---- inventory activity statistics (§2f) ---------------------------------------------------

INVENTORY_HEADER = "地区代码,年份,指标名称,数值,单位,数据来源"
INVENTORY = "energy_statistics/inventory_activity/农业统计_620000.csv"
GOOD_INVENTORY = ["620000,2015,生猪存栏,650,万头,甘肃发展年鉴", "620000,2015,小麦产量,280,万吨,甘肃发展年鉴"]


def inventory(rows: list[str], encoding: str = "gbk", header: str = INVENTORY_HEADER, name: str = INVENTORY):
    return name, ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def inventory_case(case_id: str, bad: str, column: str, reason, *, encoding: str = "gbk", check=None, **extra) -> Case:
    """Two good rows and a bad one (row 4): the bad row quarantined with its reason, the good ones loaded."""
    return Case(case_id, "energy", [inventory([*GOOD_INVENTORY, bad], encoding)], [(INVENTORY, None, 4, column, reason)],
                {INVENTORY: 2}, check, extra={"table": "inventory_activity", **extra})


CASES += [
    # An unknown item is quarantined like an unknown product (§2e): the row only, publication not stopped.
    inventory_case("inventory_unknown_item", "620000,2015,牦牛,90,万头,",
                   "指标名称", ("startswith", "item '牦牛' is not recognised (known: 奶牛年末存栏, "),
                   blocks_publication=[False]),
    inventory_case("inventory_unit_that_does_not_fit_the_item", "620000,2015,绵羊存栏,1900,万吨,",
                   "单位", ("startswith", "unit '万吨' does not fit item 绵羊存栏 (counted in head; known: 头, 只, 匹, 峰")),
    inventory_case("inventory_area_in_a_mass_unit", "620000,2015,单季稻播种面积,4,万吨,",
                   "单位", ("startswith", "unit '万吨' does not fit item 单季稻播种面积 (counted in ha; known: 公顷,")),
    inventory_case("inventory_blank_unit_is_never_guessed", "620000,2015,绵羊存栏,1900,,",
                   "单位", "单位 is empty; this field is required"),
    inventory_case("inventory_negative_amount", "620000,2015,山羊存栏,-5,万只,",
                   "数值", "数值 is -5; it cannot be negative"),
    inventory_case("inventory_year_before_1950", "620000,1949,生活垃圾卫生填埋量,4,万吨,",
                   "年份", "year 1949 is outside 1950–2035"),
    inventory_case("inventory_unknown_region", "629999,2015,山羊存栏,5,万只,",
                   "地区代码", "region code 629999 does not exist in the 2024 division list"),
    inventory_case("inventory_gbk_file_with_one_bad_row", "620000,2015,氮肥（折纯）,四十,万吨（折纯）,",
                   "数值", "'四十' in 数值 is not a number",
                   check=lambda rows: (rows.select("item_code", "amount", "unit").rows()
                                       == [("livestock_swine", 6_500_000.0, "head"), ("crop_wheat", 2_800_000.0, "t")])
                   or pytest.fail("GBK rows")),
    Case("inventory_gb18030_and_utf8_files_read_alike", "energy",
         [inventory(GOOD_INVENTORY, "gb18030"),
          inventory(["620000,2015,人均蛋白质消费量,25,kg/人·年,住户调查"], "utf-8-sig",
                    name="energy_statistics/inventory_activity/废弃物统计_620000.csv")],
         [],
         {INVENTORY: 2, "energy_statistics/inventory_activity/废弃物统计_620000.csv": 1},
         extra={"table": "inventory_activity",
                "files": {INVENTORY: {"encoding": "gb18030"},
                          "energy_statistics/inventory_activity/废弃物统计_620000.csv": {"encoding": "utf-8-sig"}}}),
    Case("inventory_file_missing_the_unit_column_rejected_others_read", "energy",
         [inventory(GOOD_INVENTORY),
          inventory(["620000,2015,绵羊存栏,1900"], header="地区代码,年份,指标名称,数值",
                    name="energy_statistics/inventory_activity/b.csv")],
         [("energy_statistics/inventory_activity/b.csv", None, None, None,
           "header row lacks required columns: unit (单位 / 计量单位 / unit)")],
         {INVENTORY: 2},
         extra={"table": "inventory_activity", "files": {"energy_statistics/inventory_activity/b.csv": {"rejected": True}}}),
    Case("inventory_redelivered_corrected_replaces_only_that_item", "energy",
         [inventory(GOOD_INVENTORY),
          inventory(["620000,2015,猪,655,万头,"], name="energy_statistics/inventory_activity/农业统计_620000_更正.csv")],
         [(INVENTORY, None, 2, "region_code/year/item_code",
           ("startswith", "superseded: the inventory activity figure 620000 2015 livestock_swine (region, year, item)"))],
         {INVENTORY: 1, "energy_statistics/inventory_activity/农业统计_620000_更正.csv": 1},
         extra={"table": "inventory_activity"}),
    # Issue 17: the MRV files (verifier tasks, captive power plants) at the same door.
    Case("mrv_task_rows_quarantined_beside_the_good_one", "allocations",
         [(MRV_TASKS, (f"{TASK_HEADER}\n{CODE},2019,核查,{VERIFIER},甲,2020-04-01\n{CODE},2019,审计,{VERIFIER},甲,2020-04-01\n"
                       f"{CODE},2019,复查,{VERIFIER},甲,\n").encode("gbk"))],
         [(MRV_TASKS, None, 3, "任务类型", ("in", "task type '审计' is not recognised")),
          (MRV_TASKS, None, 4, "指派日期", ("in", "only a consulting row may leave it blank"))],
         {MRV_TASKS: 1}, extra={"table": "mrv_verifier_tasks"}),
    Case("mrv_unknown_capacity_unit_rejects_the_file_the_tasks_still_load", "allocations",
         [(MRV_TASKS, f"{TASK_HEADER}\n{CODE},2019,咨询,{VERIFIER},甲,\n".encode("utf-8-sig")),
          ("enterprise_reports/mrv/自备电厂_620000.csv", f"统一社会信用代码,年度,自备电厂装机容量(马力)\n{CODE},2019,8000\n".encode())],
         [("enterprise_reports/mrv/自备电厂_620000.csv", None, None, None, ("in", "unit '马力' in header"))],
         {MRV_TASKS: 1}, extra={"table": "mrv_verifier_tasks",
                               "files": {"enterprise_reports/mrv/自备电厂_620000.csv": {"rejected": True}}}),
    Case("mrv_file_named_neither_way_is_quarantined_whole", "allocations",
         [("enterprise_reports/mrv/名单.csv", f"统一社会信用代码,年度,自备电厂装机容量(千瓦)\n{CODE},2019,8000\n".encode()),
          ("enterprise_reports/mrv/自备电厂_620000.csv", f"统一社会信用代码,年度,自备电厂装机容量(兆瓦)\n{CODE},2019,-1\n{CODE},2020,8\n".encode())],
         [("enterprise_reports/mrv/名单.csv", None, None, None, ("in", "is neither 核查任务_<year>.csv")),
          ("enterprise_reports/mrv/自备电厂_620000.csv", None, 2, "自备电厂装机容量(兆瓦)", ("in", "cannot be negative"))],
         {"enterprise_reports/mrv/自备电厂_620000.csv": 1, "enterprise_reports/mrv/名单.csv": 0},
         check=lambda frame: frame["captive_power_kw"].to_list() == [8000.0] or pytest.fail(str(frame)),
         extra={"table": "mrv_captive_power"}),
]

READERS = {
    "enterprise": read_enterprise_reports,
    "allocations": read_enterprise_reports_and_allocations,
    "prices": read_exchange_prices,
    "energy": read_energy_statistics,
}
TABLES = {
    "enterprise": "enterprise_report_lines",
    "allocations": "ets_allocations",
    "prices": "market_daily",
    "energy": "energy_balance",
}


def _write(inbox: Path, files: list, same_time: bool = False) -> None:
    stamp = 1_700_000_000
    for offset, (relative, content) in enumerate(files):
        offset = 0 if same_time else offset
        path = inbox / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)
        # Delivery order = modification time order (the re-delivery rule reads it).
        os.utime(path, (stamp + offset * 60, stamp + offset * 60))


def _matches(expected, actual) -> bool:
    if isinstance(expected, tuple):
        how, text = expected
        return actual is not None and (actual.startswith(text) if how == "startswith" else text in actual)
    if isinstance(expected, float) and actual is not None:
        return actual == pytest.approx(expected)
    return expected == actual


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path):
    _write(tmp_path, case.files, case.extra.get("same_time", False))
    result = READERS[case.family](tmp_path)
    quarantine = result.quarantine.select("source_file", "source_sheet", "source_row", "column_name", "reason").rows()
    assert len(quarantine) == len(case.quarantine), quarantine
    for expected, actual in zip(case.quarantine, quarantine):
        assert actual[:4] == expected[:4], (expected, actual)
        assert _matches(expected[4], actual[4]), (expected[4], actual[4])
    lines = result.tables[case.extra.get("table", TABLES[case.family])]
    loaded = dict(lines.group_by("source_file").len().iter_rows())
    assert {f: loaded.get(f, 0) for f in case.loaded} == case.loaded
    if case.check:
        case.check(lines)
    if "deliveries" in case.extra:
        deliveries = result.tables["enterprise_report_deliveries"].to_dicts()
        assert len(deliveries) == len(case.extra["deliveries"]), deliveries
        for expected, actual in zip(case.extra["deliveries"], deliveries):
            for column, value in expected.items():
                assert _matches(value, actual[column]), (column, value, actual[column])
    if "blocks_publication" in case.extra:
        assert result.quarantine["blocks_publication"].to_list() == case.extra["blocks_publication"]
    files = {f.source_file: f for f in result.files}
    for source_file, expected in case.extra.get("files", {}).items():
        for attribute, value in expected.items():
            assert _matches(value, getattr(files[source_file], attribute)), (source_file, attribute, value)


def test_the_corpus_is_large_enough():
    assert len({c.id for c in CASES}) >= 60
