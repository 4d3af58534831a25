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


def workbook(name: str, sheets: dict[str, tuple[list[list], list[list]]], info=WORKBOOK_INFO):
    """A per-enterprise template workbook (§1b): 基本信息, then per line sheet a merged title row,
    the header rows (cells may be Merged) and the lines (cells may be Formula)."""

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
        book.close()
        _drop_cached_results(path)

    return f"enterprise_reports/workbooks/2020/{name}", write


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

READERS = {"enterprise": read_enterprise_reports, "prices": read_exchange_prices, "energy": read_energy_statistics}
TABLES = {"enterprise": "enterprise_report_lines", "prices": "market_daily", "energy": "energy_balance"}


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


def _matches(expected, actual: str | None) -> bool:
    if isinstance(expected, tuple):
        how, text = expected
        return actual is not None and (actual.startswith(text) if how == "startswith" else text in actual)
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


def test_the_corpus_is_large_enough():
    assert len({c.id for c in CASES}) >= 30
