"""Enterprise report readers: the GBK bulk export and the per-enterprise template workbook."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.identifiers import credit_code_check_char
from pipelines.ingest.enterprise_export import read_export_csv
from pipelines.ingest.enterprise_reports import read_enterprise_reports
from pipelines.ingest.enterprise_workbooks import read_enterprise_workbook
from pipelines.ingest.results import ReadResult
from pipelines.ingest.schemas import (
    ENTERPRISE_REPORT_DELIVERIES_SCHEMA,
    ENTERPRISE_REPORT_LINES_SCHEMA,
    QUARANTINE_SCHEMA,
)


def credit_code(first17: str = "91620100MA7ABCDE1") -> str:
    return first17 + credit_code_check_char(first17)


CODE = credit_code()
BAD_CODE = CODE[:-1] + ("X" if CODE[-1] != "X" else "Y")

HEADER = (
    "统一社会信用代码,企业名称,行政区划代码,所属行业,是否纳入碳市场,报告年度,数据状态,提交日期,排放类别,排放源,"
    "活动水平,活动水平单位,低位发热量,低位发热量单位,单位热值含碳量(tC/TJ),碳氧化率(%),排放因子,排放因子单位,排放量(tCO2)"
)


def line(**overrides: str) -> str:
    """One export row; every field valid unless overridden."""
    fields = {
        "credit_code": CODE,
        "name": "兰州某电厂",
        "region": "620102",
        "sector": "电力",
        "in_ets": "是",
        "year": "2020",
        "status": "企业自报",
        "submitted": "2021-03-15",
        "category": "化石燃料燃烧",
        "source": "原煤",
        "activity": "1.5",
        "unit": "万吨",
        "ncv": "20908",
        "ncv_unit": "kJ/kg",
        "cc": "26.37",
        "ox": "98",
        "ef": "",
        "ef_unit": "",
        "co2": "40000",
    }
    fields.update(overrides)
    return ",".join(fields.values())


def write_export(path: Path, rows: list[str], encoding: str = "gbk") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


def test_gbk_export_parses_and_normalises_units(inbox):
    path = write_export(
        inbox / "enterprise_reports/export/2020.csv",
        [
            line(),
            line(
                region="620824",
                status="核查",
                submitted="2021/4/1",
                source="天然气",
                activity="3",
                unit="亿立方米",
                ncv="389.31",
                ncv_unit="GJ/万Nm3",
                ox="0.99",
                co2='"1,234.5"',
            ),
            line(
                status="复查",
                submitted="44270",
                category="净购入电力",
                source="净购入电力",
                activity="2",
                unit="亿千瓦时",
                ncv="",
                ncv_unit="",
                cc="",
                ox="",
                ef="0.5810",
                ef_unit="tCO2/MWh",
                co2="116200",
            ),
            line(
                category="工业生产过程",
                source="熟料生产",
                activity="８０００００",
                unit="吨",
                ncv="",
                ncv_unit="",
                cc="",
                ox="",
                ef="0.538",
                ef_unit="tCO2/t",
                co2="—",
                in_ets="否",
            ),
        ],
    )
    result = read_export_csv(path, inbox)
    lines = result.tables["enterprise_report_lines"]
    assert lines.schema == ENTERPRISE_REPORT_LINES_SCHEMA
    assert result.quarantine.is_empty()
    assert result.files[0].encoding == "gb18030" and result.files[0].rows_loaded == 4
    coal, gas, power, clinker = lines.iter_rows(named=True)

    assert coal["source_file"] == "enterprise_reports/export/2020.csv"
    assert coal["source_sheet"] is None and coal["source_row"] == 2
    assert (coal["credit_code"], coal["region_code"], coal["sector_code"], coal["in_ets"]) == (
        CODE,
        "620102",
        "power",
        True,
    )
    assert (coal["report_year"], coal["data_status"], coal["submitted_on"]) == (2020, "reported", date(2021, 3, 15))
    assert (coal["source_category"], coal["fuel_code"]) == ("combustion", "raw_coal")
    # 1.5 万吨 → 15000 t, original kept; 20908 kJ/kg → 20.908 GJ/t; 98 % → 0.98
    assert (coal["activity_value"], coal["activity_unit"]) == (15000.0, "t")
    assert (coal["activity_value_original"], coal["activity_unit_original"]) == (1.5, "万吨")
    assert coal["ncv_gj_per_unit"] == pytest.approx(20.908)
    assert coal["carbon_content_tc_per_tj"] == 26.37 and coal["oxidation_fraction"] == pytest.approx(0.98)
    assert coal["reported_co2_t"] == 40000.0

    # 620824 华亭县 became 620881 华亭市; 3 亿立方米 → 30000 10^4Nm3; thousands separator
    assert gas["region_code"] == "620881" and gas["data_status"] == "verified"
    assert (gas["activity_value"], gas["activity_unit"], gas["fuel_code"]) == (30000.0, "10^4Nm3", "natural_gas")
    assert gas["ncv_gj_per_unit"] == pytest.approx(389.31) and gas["oxidation_fraction"] == 0.99
    assert gas["reported_co2_t"] == 1234.5 and gas["submitted_on"] == date(2021, 4, 1)

    # 2 亿千瓦时 → 200000 MWh; Excel serial date; purchased power's fuel is electricity
    assert (power["activity_value"], power["activity_unit"]) == (200000.0, "MWh")
    assert (power["source_category"], power["fuel_code"], power["data_status"]) == (
        "electricity",
        "electricity",
        "rechecked",
    )
    assert (power["emission_factor"], power["emission_factor_unit"]) == (0.581, "tCO2/MWh")
    assert power["submitted_on"] == date(2021, 3, 15)

    # full-width digits; '—' is missing, never zero; process lines have no fuel
    assert (clinker["activity_value"], clinker["fuel_code"], clinker["reported_co2_t"]) == (800000.0, None, None)
    assert clinker["in_ets"] is False and clinker["emission_factor_unit"] == "tCO2/t"


def test_bad_rows_are_quarantined_with_reasons_and_good_rows_kept(inbox):
    path = write_export(
        inbox / "enterprise_reports/export/2021.csv",
        [
            line(),  # row 2: good
            line(region="629999"),  # row 3
            line(credit_code=BAD_CODE),  # row 4
            line(activity="12x"),  # row 5
            line(unit="万吨吨"),  # row 6
            line(unit="万Nm3"),  # row 7: a gas unit for coal
            line(source="焦煤"),  # row 8
            line(activity="-5"),  # row 9
            line(year="1999"),  # row 10
            line(status="草稿"),  # row 11
            line(activity="1", unit="234,万吨"),  # row 12: an unquoted comma shifts the row
            line(ox="120"),  # row 13
            line(),  # row 14: good
        ],
    )
    result = read_export_csv(path, inbox)
    assert result.tables["enterprise_report_lines"]["source_row"].to_list() == [2, 14]
    quarantine = result.quarantine
    assert quarantine.schema == QUARANTINE_SCHEMA
    reasons = {
        (row, column): reason
        for row, column, reason in quarantine.select("source_row", "column_name", "reason").iter_rows()
    }
    assert reasons[(3, "行政区划代码")] == "region code 629999 does not exist in the 2024 division list"
    assert (
        reasons[(4, "统一社会信用代码")]
        == f"credit code '{BAD_CODE}' fails the GB 32100 check character (expected '{CODE[-1]}')"
    )
    assert reasons[(5, "活动水平")] == "'12x' in 活动水平 is not a number"
    assert (
        reasons[(6, "活动水平单位")]
        == "unit '万吨吨' is not a known mass unit (known: 吨, t, 万吨, 万t, 10^4t, 千吨, kt)"
    )
    assert reasons[(7, "活动水平单位")].startswith("unit '万Nm3' is a gas volume unit but a mass unit is expected")
    assert reasons[(8, "排放源")].startswith("fuel '焦煤' is not recognised (known: 原煤,")
    assert reasons[(9, "活动水平")] == "活动水平 is -5; it cannot be negative"
    assert reasons[(10, "报告年度")] == "year 1999 is outside 2000–2035"
    assert reasons[(11, "数据状态")] == "data status '草稿' is not recognised (known: 企业自报, 核查, 复查)"
    assert reasons[(12, "(whole row)")].startswith("row has more fields than the header's 19")
    assert reasons[(13, "碳氧化率(%)")] == "oxidation rate 120 is outside 0–100 %"
    assert set(quarantine["source_family"]) == {"enterprise_reports"}
    assert quarantine.filter(pl.col("source_row") == 5)["value"].to_list() == ["12x"]


def test_utf8_bom_export_and_an_undecodable_file_next_to_it(inbox):
    write_export(inbox / "enterprise_reports/export/a_bom.csv", [line()], encoding="utf-8-sig")
    broken = inbox / "enterprise_reports/export/b_broken.csv"
    broken.write_bytes(HEADER.encode("gbk") + b"\r\n\xff\xfe\x00garbage")
    # Another version (核查) of the same report: the same (enterprise, year, status) in two files
    # would be a re-delivery, and only the newer file would load (test_bad_inputs covers that).
    write_export(
        inbox / "enterprise_reports/export/c_gbk.csv", [line(status="核查"), line(source="柴油", unit="t", status="核查")]
    )

    result = read_enterprise_reports(inbox)
    lines = result.tables["enterprise_report_lines"]
    assert lines.group_by("source_file").len().sort("source_file").rows() == [
        ("enterprise_reports/export/a_bom.csv", 1),
        ("enterprise_reports/export/c_gbk.csv", 2),
    ]
    assert [f.encoding for f in result.files] == ["utf-8-sig", None, "gb18030"]
    assert [f.rejected for f in result.files] == [False, True, False]
    (problem,) = result.quarantine.iter_rows(named=True)
    assert problem["source_file"] == "enterprise_reports/export/b_broken.csv"
    assert problem["source_row"] is None
    assert "neither UTF-8" in problem["reason"] and "offset" in problem["reason"]


def test_export_without_required_columns_is_rejected_whole(inbox):
    path = inbox / "enterprise_reports/export/x.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("统一社会信用代码,企业名称\n1,2\n".encode("gbk"))
    result = read_export_csv(path, inbox)
    assert result.tables["enterprise_report_lines"].is_empty()
    assert "header row lacks required columns: region_code (行政区划代码" in result.quarantine["reason"][0]


def test_empty_inbox_gives_empty_tables_with_schema(tmp_path):
    result = read_enterprise_reports(tmp_path)
    assert result.tables["enterprise_report_lines"].schema == ENTERPRISE_REPORT_LINES_SCHEMA
    assert result.tables["enterprise_report_deliveries"].schema == ENTERPRISE_REPORT_DELIVERIES_SCHEMA
    assert result.quarantine.is_empty() and result.files == []


def test_every_delivery_of_every_report_is_recorded(inbox):
    write_export(inbox / "enterprise_reports/export/2020.csv", [line(), line(source="柴油", unit="t", co2="370")])
    write_export(
        inbox / "enterprise_reports/export/2020_核查.csv",
        [line(status="核查"), line(status="核查", source="柴油", unit="t", activity="-1", co2="370")],
    )
    result = read_enterprise_reports(inbox)
    deliveries = result.tables["enterprise_report_deliveries"]
    assert deliveries.schema == ENTERPRISE_REPORT_DELIVERIES_SCHEMA
    assert deliveries.select(
        "source_file", "credit_code", "report_year", "data_status", "delivery_status", "status_reason",
        "lines_read", "lines_loaded", "lines_quarantined", "lines_missing_vs_previous", "reported_lines_co2_t",
    ).rows() == [
        ("enterprise_reports/export/2020.csv", CODE, 2020, "reported", "in_force", None, 2, 2, 0, None, 40370.0),
        # A partial report: in force (no complete delivery exists), one line quarantined.
        ("enterprise_reports/export/2020_核查.csv", CODE, 2020, "verified", "in_force", None, 2, 1, 1, None, 40370.0),
    ]  # fmt: skip
    assert [(f.rows_loaded, f.rows_quarantined) for f in result.files] == [(2, 0), (1, 1)]


def test_template_workbook_totals_are_compared_not_loaded(inbox):
    write_template(inbox / "enterprise_reports/workbooks/2020/兰州某水泥厂.xlsx")
    result = read_enterprise_reports(inbox)
    assert result.quarantine.is_empty() and result.tables["enterprise_report_lines"].height == 5
    (row,) = result.tables["enterprise_report_deliveries"].iter_rows(named=True)
    assert (row["data_status"], row["delivery_status"], row["lines_read"], row["lines_loaded"]) == ("reported", "in_force", 5, 5)
    assert row["stated_total_co2_t"] == 580470.0 and row["reported_lines_co2_t"] == 580470.0
    assert row["stated_category_totals"] == "combustion=28370|process=430400|electricity=116200|heat=5500"


def test_resolve_deliveries_works_on_valid_lines_alone(inbox):
    from pipelines.ingest.deliveries import resolve_deliveries

    old = write_export(inbox / "enterprise_reports/export/a.csv", [line(), line(source="柴油", unit="t")])
    new = write_export(inbox / "enterprise_reports/export/b.csv", [line(activity="1.4")])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_060, 1_700_000_060))
    combined = ReadResult.combine([read_export_csv(old, inbox), read_export_csv(new, inbox)])
    result = resolve_deliveries(combined, inbox)
    assert result.tables["enterprise_report_lines"].select("source_file", "activity_value").rows() == [
        ("enterprise_reports/export/b.csv", 14000.0)
    ]
    assert result.tables["enterprise_report_deliveries"].select("delivery_status", "lines_missing_vs_previous").rows() == [
        ("superseded", None),
        ("in_force", "化石燃料燃烧/柴油"),
    ]


# ---- the template workbook -----------------------------------------------------------------


def write_template(path: Path, *, code: str = CODE, extra_fuel_row: list | None = None) -> Path:
    """A workbook laid out like the provincial template (§1b), with merged title rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    info = book.add_worksheet("基本信息")
    info.merge_range("A1:B1", "企业基本信息")
    for row, (label, value) in enumerate(
        [
            ("统一社会信用代码", code),
            ("企业名称", "兰州某水泥厂"),
            ("行政区划代码", 620102),
            ("所属行业", "水泥"),
            ("是否纳入碳市场", "否"),
            ("报告年度", 2020),
        ],
        start=1,
    ):
        info.write(row, 0, label)
        info.write(row, 1, value)
    info.write(7, 0, "提交日期")
    info.write_datetime(7, 1, datetime(2021, 3, 31), date_format)

    fuel = book.add_worksheet("化石燃料燃烧")
    fuel.merge_range("A1:H1", "化石燃料燃烧排放")
    fuel.write_row(
        1,
        0,
        [
            "燃料品种",
            "消耗量",
            "单位",
            "低位发热量",
            "低位发热量单位",
            "单位热值含碳量（tC/TJ）",
            "碳氧化率(%)",
            "排放量(tCO2)",
        ],
    )
    fuel.write_row(2, 0, ["原煤", 1.5, "万吨", 20.908, "GJ/t", 26.37, 94, 28000])
    fuel.write_row(3, 0, ["柴油", 120, "吨", None, None, None, None, 370])
    rows = [extra_fuel_row] if extra_fuel_row else []
    for offset, extra in enumerate(rows):
        fuel.write_row(4 + offset, 0, extra)
    fuel.write_row(4 + len(rows), 0, ["合计", None, None, None, None, None, None, 28370])

    process = book.add_worksheet("工业生产过程")
    process.merge_range("A1:F1", "工业生产过程排放")
    process.write_row(1, 0, ["排放源", "活动水平", "单位", "排放因子", "排放因子单位", "排放量(tCO2)"])
    process.write_row(2, 0, ["熟料生产", 800000, "吨", 0.538, "tCO2/t", 430400])
    process.write_row(3, 0, ["合计", None, None, None, None, 430400])

    power = book.add_worksheet("净购入电力")
    power.merge_range("A1:E1", "净购入电力排放")
    power.write_row(1, 0, ["项目", "电量", "单位", "排放因子(tCO2/MWh)", "排放量(tCO2)"])
    power.write_row(2, 0, ["净购入电力", 2, "亿千瓦时", 0.581, 116200])
    power.write_row(3, 0, ["合计", None, None, None, 116200])
    power.hide()  # hidden sheets are read like any other

    heat = book.add_worksheet("净购入热力")
    heat.merge_range("A1:E1", "净购入热力排放")
    heat.write_row(1, 0, ["项目", "热量", "单位", "排放因子(tCO2/GJ)", "排放量(tCO2)"])
    heat.write_row(2, 0, ["净购入热力", 5, "万百万千焦", 0.11, 5500])
    heat.write_row(3, 0, ["合计", None, None, None, 5500])

    summary = book.add_worksheet("汇总")
    summary.write_row(0, 0, ["排放总量(tCO2)", 580470])
    book.close()
    return path


def test_template_workbook_lines(inbox):
    path = write_template(inbox / "enterprise_reports/workbooks/2020/兰州某水泥厂.xlsx")
    result = read_enterprise_workbook(path, inbox)
    assert result.quarantine.is_empty()
    lines = result.tables["enterprise_report_lines"]
    assert lines.schema == ENTERPRISE_REPORT_LINES_SCHEMA
    assert lines.select(
        "source_sheet", "source_row", "source_category", "fuel_code", "activity_value", "activity_unit"
    ).rows() == [
        ("化石燃料燃烧", 3, "combustion", "raw_coal", 15000.0, "t"),
        ("化石燃料燃烧", 4, "combustion", "diesel", 120.0, "t"),
        ("工业生产过程", 3, "process", None, 800000.0, "t"),
        ("净购入电力", 3, "electricity", "electricity", 200000.0, "MWh"),
        ("净购入热力", 3, "heat", "heat", 50000.0, "GJ"),
    ]
    first = lines.row(0, named=True)
    assert first["source_file"] == "enterprise_reports/workbooks/2020/兰州某水泥厂.xlsx"
    assert (first["credit_code"], first["region_code"], first["sector_code"], first["in_ets"]) == (
        CODE,
        "620102",
        "building_materials",
        False,
    )
    assert (first["report_year"], first["data_status"], first["submitted_on"]) == (2020, "reported", date(2021, 3, 31))
    assert first["oxidation_fraction"] == pytest.approx(0.94) and first["carbon_content_tc_per_tj"] == 26.37
    # the unit of 排放因子(tCO2/MWh) comes from the header
    assert lines.filter(pl.col("source_category") == "electricity")["emission_factor_unit"].to_list() == ["tCO2/MWh"]
    assert lines.filter(pl.col("source_category") == "heat")["emission_factor_unit"].to_list() == ["tCO2/GJ"]


def test_template_workbook_bad_credit_code_points_at_the_info_cell(inbox):
    path = write_template(inbox / "enterprise_reports/workbooks/2020/bad.xlsx", code=BAD_CODE)
    result = read_enterprise_workbook(path, inbox)
    assert result.tables["enterprise_report_lines"].is_empty()
    # one problem, not one per line
    assert result.quarantine.select("source_sheet", "source_row", "column_name", "value").rows() == [
        ("基本信息", 2, "统一社会信用代码", BAD_CODE)
    ]


def test_template_workbook_bad_line_keeps_the_others(inbox):
    write_template(
        inbox / "enterprise_reports/workbooks/2020/a.xlsx",
        extra_fuel_row=["焦炉煤气", "很多", "万吨 ", None, None, None, None, 1],
    )
    result = read_enterprise_reports(inbox)
    assert result.tables["enterprise_report_lines"].height == 5
    assert result.quarantine.select("source_sheet", "source_row", "column_name", "value", "reason").rows() == [
        ("化石燃料燃烧", 5, "消耗量", "很多", "'很多' in 消耗量 is not a number"),
        (
            "化石燃料燃烧",
            5,
            "单位",
            "万吨 ",
            "unit '万吨 ' is a mass unit but a gas volume unit is expected here "
            "(known: 立方米, m³, Nm³, 万立方米, 万m³, 万Nm³, 亿立方米, 亿m³)",
        ),
    ]


def _workbook_with_fuel_sheet(path: Path, header_rows: list[list], lines: list[list], merges=()) -> Path:
    """基本信息 as in the template, and a 化石燃料燃烧 sheet with the given header rows and lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    info = book.add_worksheet("基本信息")
    for row, (label, value) in enumerate(
        [("统一社会信用代码", CODE), ("企业名称", "兰州某水泥厂"), ("行政区划代码", "620102"), ("所属行业", "水泥"),
         ("是否纳入碳市场", "否"), ("报告年度", 2020)]
    ):  # fmt: skip
        info.write_row(row, 0, [label, value])
    fuel = book.add_worksheet("化石燃料燃烧")
    for first_row, first_col, last_row, last_col, text in merges:
        fuel.merge_range(first_row, first_col, last_row, last_col, text)
    for offset, row in enumerate([*header_rows, *lines]):
        for col, cell in enumerate(row):
            if cell is not None:
                fuel.write(offset, col, cell)
    book.close()
    return path


def test_two_row_header_with_merged_groups(inbox):
    path = _workbook_with_fuel_sheet(
        inbox / "enterprise_reports/workbooks/2020/a.xlsx",
        [[None, None, None, None, None, "单位热值含碳量"], [None, "数值", "单位", "数值", "单位", "(tC/TJ)"]],
        [["原煤", 1.5, "万吨", 20908, "kJ/kg", 26.37], ["天然气", 300, "万立方米", 389.31, "GJ/万Nm3", None]],
        merges=[(0, 0, 1, 0, "燃料品种"), (0, 1, 0, 2, "消耗量"), (0, 3, 0, 4, "低位发热量")],
    )
    result = read_enterprise_workbook(path, inbox)
    assert result.quarantine.is_empty()
    lines = result.tables["enterprise_report_lines"]
    assert lines.select("source_row", "fuel_code", "activity_value", "activity_unit", "carbon_content_tc_per_tj").rows() == [
        (3, "raw_coal", 15000.0, "t", 26.37),
        (4, "natural_gas", 300.0, "10^4Nm3", None),
    ]
    assert lines["ncv_gj_per_unit"].to_list() == [pytest.approx(20.908), pytest.approx(389.31)]


def test_a_line_without_a_name_under_the_header_is_a_line_not_a_header_row(inbox):
    path = _workbook_with_fuel_sheet(
        inbox / "enterprise_reports/workbooks/2020/a.xlsx",
        [["燃料品种", "消耗量", "单位"]],
        [[None, "很多", "万吨"], ["原煤", 1.5, "万吨"]],
    )
    result = read_enterprise_workbook(path, inbox)
    assert result.tables["enterprise_report_lines"]["source_row"].to_list() == [3]
    assert ("化石燃料燃烧", 2, "燃料品种", "燃料品种 is empty; this field is required") in result.quarantine.select(
        "source_sheet", "source_row", "column_name", "reason"
    ).rows()


def test_a_header_unit_stands_in_for_a_missing_unit_column(inbox):
    path = _workbook_with_fuel_sheet(
        inbox / "enterprise_reports/workbooks/2020/a.xlsx", [["燃料品种", "消耗量(万吨)"]], [["原煤", 1.5]]
    )
    lines = read_enterprise_workbook(path, inbox).tables["enterprise_report_lines"]
    assert lines.select("activity_value", "activity_unit", "activity_unit_original").rows() == [(15000.0, "t", "万吨")]
