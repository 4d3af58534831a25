"""Energy statistics readers: balance tables, activity statistics, department indicators."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.ingest.activity_statistics import read_activity_workbook
from pipelines.ingest.department_indicators import read_department_indicators_csv
from pipelines.ingest.energy_balance import read_energy_balance_workbook
from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.schemas import (
    ACTIVITY_STATISTICS_SCHEMA,
    ENERGY_BALANCE_SCHEMA,
    INDICATOR_STATISTICS_SCHEMA,
)

FUELS = ["原煤", "天然气", "电力", "热力"]
UNITS = ["万吨", "亿立方米", "亿千瓦时", "万百万千焦"]


def write_balance(
    path: Path, sheets: dict[str, list[list]], *, fuels=FUELS, units=UNITS, year_in_title: int | None = 2015
) -> Path:
    """A yearbook-style workbook: merged title, 项目 header, unit row, item rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        region = name.split(" ", 1)[-1]
        title = f"{region}能源平衡表（实物量）" + (f" {year_in_title}年" if year_in_title else "")
        sheet.merge_range(0, 0, 0, len(fuels), title)
        sheet.write_row(2, 0, ["项目", *fuels])  # a blank row between title and header, as yearbooks have
        sheet.write_row(3, 0, ["", *units])
        for offset, row in enumerate(rows):
            sheet.write_row(4 + offset, 0, row)
    book.close()
    return path


LANZHOU_ROWS = [
    ["一次能源生产量", 1.5, 3, None, None],  # row 5
    ["加工转换投入(-)产出(+)量", None, None, None, None],  # heading row without figures
    ["火力发电", -1.2, "—", 2, None],  # row 7
    ["本省（区、市）调出量(-)", "-0.3", "1,234.5", None, None],  # row 8
    ["其中：用作原料、材料", 0.1, None, None, 12],  # row 9
]


def test_balance_workbook_long_rows_in_canonical_units(tmp_path):
    path = write_balance(tmp_path / "energy_statistics/energy_balance/gansu_2015.xlsx", {"620100 兰州市": LANZHOU_ROWS})
    result = read_energy_balance_workbook(path, tmp_path)
    assert result.quarantine.is_empty()
    balance = result.tables["energy_balance"]
    assert balance.schema == ENERGY_BALANCE_SCHEMA
    assert set(balance["source_file"]) == {"energy_statistics/energy_balance/gansu_2015.xlsx"}
    assert set(balance["region_code"]) == {"620100"} and set(balance["year"]) == {2015}
    rows = (
        balance.sort("source_row", "source_column")
        .select(
            "source_sheet",
            "source_row",
            "source_column",
            "item_code",
            "fuel_code",
            "value",
            "unit",
            "value_original",
            "unit_original",
        )
        .rows()
    )
    assert rows == [
        ("620100 兰州市", 5, "B", "production", "raw_coal", 15000.0, "t", 1.5, "万吨"),
        ("620100 兰州市", 5, "C", "production", "natural_gas", 30000.0, "10^4Nm3", 3.0, "亿立方米"),
        (
            "620100 兰州市",
            7,
            "B",
            "transform_thermal_power",
            "raw_coal",
            -12000.0,
            "t",
            -1.2,
            "万吨",
        ),  # inputs stay negative
        ("620100 兰州市", 7, "D", "transform_thermal_power", "electricity", 200000.0, "MWh", 2.0, "亿千瓦时"),
        ("620100 兰州市", 8, "B", "outflow", "raw_coal", -3000.0, "t", -0.3, "万吨"),
        ("620100 兰州市", 8, "C", "outflow", "natural_gas", 12345000.0, "10^4Nm3", 1234.5, "亿立方米"),
        ("620100 兰州市", 9, "B", "final_industry_feedstock", "raw_coal", 1000.0, "t", 0.1, "万吨"),
        ("620100 兰州市", 9, "E", "final_industry_feedstock", "heat", 120000.0, "GJ", 12.0, "万百万千焦"),
    ]


def test_balance_problems_are_quarantined_per_sheet_column_and_cell(tmp_path):
    path = write_balance(
        tmp_path / "energy_statistics/energy_balance/gansu_2015.xlsx",
        {
            "620100 兰州市": [
                ["一次能源生产量", 1, "x", None, None],
                ["神秘项目", 2, None, None, None],
                ["终端消费量", 3, None, None, None],
            ],
            "620824 华亭县": [["一次能源生产量", 4, None, None, None]],  # old code → 620881
            "629999 某地": [["一次能源生产量", 5, None, None, None]],
        },
        fuels=["原煤", "天然气", "电力", "焦炭油"],
        units=["万吨", "亿立方米", "亿千瓦时", "万吨"],
    )
    result = read_energy_balance_workbook(path, tmp_path)
    balance = result.tables["energy_balance"]
    assert balance.select("source_sheet", "region_code", "item_code", "value").rows() == [
        ("620100 兰州市", "620100", "production", 10000.0),
        ("620100 兰州市", "620100", "final_total", 30000.0),
        ("620824 华亭县", "620881", "production", 40000.0),
    ]
    problems = result.quarantine.select("source_sheet", "source_row", "column_name", "value", "reason").rows()
    assert ("620100 兰州市", 5, "天然气", "x", "'x' for 天然气 / 一次能源生产量 is not a number") in problems
    assert any(
        p[1] == 6 and p[2] == "项目" and p[4].startswith("energy balance item '神秘项目' is not recognised")
        for p in problems
    )
    assert any(
        p[1] == 3 and p[2] == "焦炭油" and p[4].startswith("fuel column '焦炭油' is not recognised") for p in problems
    )
    assert (
        "629999 某地",
        None,
        None,
        "629999 某地",
        "region code 629999 does not exist in the 2024 division list; sheet skipped",
    ) in problems


def test_balance_year_from_file_name_and_wrong_unit(tmp_path):
    path = write_balance(
        tmp_path / "energy_statistics/energy_balance/甘肃_2018.xlsx",
        {"620100 兰州市": [["一次能源生产量", 1, 2, None, None]]},
        units=["万吨", "万吨", "亿千瓦时", "万百万千焦"],
        year_in_title=None,
    )
    result = read_energy_balance_workbook(path, tmp_path)
    assert result.tables["energy_balance"].select("year", "fuel_code").rows() == [(2018, "raw_coal")]
    (problem,) = result.quarantine.iter_rows(named=True)
    assert (problem["source_row"], problem["column_name"], problem["value"]) == (4, "天然气", "万吨")
    assert problem["reason"].startswith(
        "unit '万吨' of column '天然气' is a mass unit but 天然气 is measured in gas volume"
    )


def write_activity(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    notes = book.add_worksheet("说明")
    notes.write(0, 0, "数据来源：甘肃发展年鉴")
    sheet = book.add_worksheet("主要指标")
    sheet.merge_range("A1:H1", "甘肃省主要经济指标")
    sheet.write_row(
        1,
        0,
        [
            "地区代码",
            "地区名称",
            "年份",
            "地区生产总值（亿元）",
            "地区生产总值指数(2005=100)",
            "常住人口(万人)",
            "外地调入电量(亿千瓦时)",
            "太阳能发电量(亿千瓦时)",
        ],
    )
    sheet.write_row(2, 0, ["620000", "甘肃省", 2015, 6790.32, 250.1, 2599.55, 12.5, 30])  # row 3
    sheet.write_row(3, 0, [620100, "兰州市", 2015, "2,095.99", None, "—", -1, None])  # row 4
    sheet.write_row(4, 0, [629999, "某地", 2015, 1, 1, 1, 1, 1])  # row 5
    sheet.write_row(5, 0, [620100, "兰州市", "2016年", "abc", 300, 1, 1, 1])  # row 6
    book.close()
    return path


def test_activity_workbook(tmp_path):
    path = write_activity(tmp_path / "energy_statistics/activity/gansu.xlsx")
    result = read_activity_workbook(path, tmp_path)
    activity = result.tables["activity_statistics"]
    assert activity.schema == ACTIVITY_STATISTICS_SCHEMA
    by_key = {(r["source_row"], r["variable_code"]): r for r in activity.iter_rows(named=True)}
    gdp = by_key[(3, "gdp_current")]
    assert (gdp["region_code"], gdp["year"], gdp["value"], gdp["unit"]) == (
        "620000",
        2015,
        pytest.approx(67903200.0),
        "10k_yuan",
    )
    assert (gdp["value_original"], gdp["unit_original"]) == (6790.32, "亿元")
    assert (by_key[(3, "electricity_inflow")]["value"], by_key[(3, "electricity_inflow")]["unit"]) == (1250000.0, "MWh")
    assert (by_key[(3, "population")]["value"], by_key[(3, "population")]["unit"]) == (2599.55, "10k_persons")
    assert (by_key[(3, "gdp_index_2005")]["value"], by_key[(3, "gdp_index_2005")]["unit"]) == (250.1, "index")
    assert by_key[(4, "gdp_current")]["value"] == pytest.approx(20959900.0)
    assert (4, "population") not in by_key  # '—' is missing: no row, never a zero
    assert by_key[(6, "gdp_index_2005")]["year"] == 2016  # '2016年' parses; the bad GDP cell does not stop the row
    problems = result.quarantine.select("source_row", "column_name", "value", "reason").rows()
    assert problems == [
        (4, "外地调入电量(亿千瓦时)", "-1", "外地调入电量(亿千瓦时) is -1; it cannot be negative"),
        (5, "地区代码", "629999", "region code 629999 does not exist in the 2024 division list"),
        (6, "地区生产总值(亿元)", "abc", "'abc' in 地区生产总值(亿元) is not a number"),
    ]


def test_department_indicators_csv(tmp_path):
    path = tmp_path / "energy_statistics/department_indicators/林业.csv"
    path.parent.mkdir(parents=True)
    rows = [
        "地区代码,年份,指标名称,数值,单位,报送部门",
        "620000,2015,森林覆盖率,11.28,%,林业和草原局",
        "620000,2015,森林面积,507.45,万公顷,林业和草原局",
        "620000,2016,森林面积,5074500,公顷,林业和草原局",
        "620000,2015,节能环保产业总产值,12,亿元,工业和信息化厅",
        "620000,2015,未知指标,1,%,某局",
        "620000,2017,森林覆盖率,—,%,林业和草原局",
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    result = read_department_indicators_csv(path, tmp_path)
    indicators = result.tables["indicator_statistics"]
    assert indicators.schema == INDICATOR_STATISTICS_SCHEMA
    assert indicators.select(
        "source_row", "indicator_code", "value", "unit", "value_original", "unit_original", "department"
    ).rows() == [
        (2, "forest_coverage", pytest.approx(0.1128), "fraction", 11.28, "%", "林业和草原局"),
        (3, "forest_area", pytest.approx(5074500.0), "ha", 507.45, "万公顷", "林业和草原局"),
        (5, "energy_saving_industry_output", 120000.0, "10k_yuan", 12.0, "亿元", "工业和信息化厅"),
        (7, "forest_coverage", None, "fraction", None, "%", "林业和草原局"),  # reported as no figure
    ]
    assert result.quarantine.select("source_row", "column_name", "reason").rows() == [
        (4, "单位", "unit '公顷' does not fit indicator 森林面积 (published in 万公顷)"),
        (6, "指标名称", result.quarantine["reason"][1]),
    ]
    assert result.quarantine["reason"][1].startswith("indicator '未知指标' is not recognised (known: 森林覆盖率,")


def test_family_reader_keeps_going_past_a_broken_file(tmp_path):
    write_balance(tmp_path / "energy_statistics/energy_balance/gansu_2015.xlsx", {"620100 兰州市": LANZHOU_ROWS})
    broken = tmp_path / "energy_statistics/energy_balance/gansu_2016.xlsx"
    broken.write_bytes(b"this is not a zip file")
    write_activity(tmp_path / "energy_statistics/activity/gansu.xlsx")
    csv = tmp_path / "energy_statistics/department_indicators/a.csv"
    csv.parent.mkdir(parents=True)
    csv.write_bytes(b"\xef\xbb\xbf" + "地区代码,年份,指标名称,数值,单位\n620000,2015,森林覆盖率,11.28,%\n".encode())

    result = read_energy_statistics(tmp_path)
    assert {t: f.height for t, f in result.tables.items()} == {
        "energy_balance": 8,
        "industry_energy": 0,
        "activity_statistics": 10,
        "indicator_statistics": 1,
        "production_statistics": 0,
        "inventory_activity": 0,
    }
    assert [(f.source_file, f.rejected) for f in result.files] == [
        ("energy_statistics/energy_balance/gansu_2015.xlsx", False),
        ("energy_statistics/energy_balance/gansu_2016.xlsx", True),
        ("energy_statistics/activity/gansu.xlsx", False),
        ("energy_statistics/department_indicators/a.csv", False),
    ]
    rejected = result.quarantine.filter(pl.col("source_file").str.ends_with("2016.xlsx"))
    assert rejected["source_row"].to_list() == [None]
    assert rejected["reason"][0].startswith("file cannot be opened as an Excel workbook")
    # Every file looked at is in the inventory with its size and time, the rejected one too.
    assert [f.size_bytes for f in result.files] == [
        (tmp_path / f.source_file).stat().st_size for f in result.files
    ]
    assert all(f.modified_at is not None and f.modified_at.tzinfo is not None for f in result.files)
    assert [f.problem is not None for f in result.files] == [False, True, False, False]
    assert result.files[3].encoding == "utf-8-sig"


def test_balance_table_not_starting_in_column_a_keeps_excel_letters(tmp_path):
    path = tmp_path / "energy_statistics/energy_balance/b.xlsx"
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("620100 兰州市")
    sheet.merge_range("B2:D2", "兰州市能源平衡表（实物量） 2016年")
    sheet.write_row("B4", ["项目", "原煤", "电力"])
    sheet.write_row("B5", ["单位", "万吨", "亿千瓦时"])
    sheet.write_row("B6", ["工业", 2.5, 0.5])
    sheet.write_row("B7", ["合计", 2.5, 0.5])  # totals are never loaded
    book.close()
    balance = read_energy_balance_workbook(path, tmp_path).tables["energy_balance"]
    assert balance.select("source_row", "source_column", "item_code", "fuel_code", "year", "value").rows() == [
        (6, "C", "final_industry", "raw_coal", 2016, 25000.0),
        (6, "D", "final_industry", "electricity", 2016, 50000.0),
    ]


def test_an_unknown_fuel_column_with_amounts_blocks_publication_an_empty_one_warns(tmp_path):
    """Issue 13: a column the project does not know would lose its energy and CO2 silently."""
    path = write_balance(
        tmp_path / "energy_statistics/energy_balance/gansu_2015.xlsx",
        {
            "620100 兰州市": [
                ["一次能源生产量", 1, None, None, "/"],  # row 5: '/' is no flow
                ["工业", 2, None, None, 12.5],  # row 6: an amount
                ["终端消费量", 2, None, None, "—"],  # row 7
            ],
            "620200 嘉峪关市": [["一次能源生产量", 4, None, None, None], ["工业", 3, None, None, 0]],  # nothing in it
        },
        fuels=["原煤", "天然气", "电力", "生物质燃料"],
        units=["万吨", "亿立方米", "亿千瓦时", "万吨"],
    )
    result = read_energy_balance_workbook(path, tmp_path)
    # the known columns beside it load
    assert result.tables["energy_balance"].select("source_sheet", "item_code", "value").rows() == [
        ("620100 兰州市", "production", 10000.0),
        ("620100 兰州市", "final_industry", 20000.0),
        ("620100 兰州市", "final_total", 20000.0),
        ("620200 嘉峪关市", "production", 40000.0),
        ("620200 嘉峪关市", "final_industry", 30000.0),
    ]
    rows = result.quarantine.select("source_file", "source_sheet", "source_row", "column_name", "value", "reason",
                                    "blocks_publication").rows()
    assert len(rows) == 2, rows
    blocking, warning = rows
    assert blocking[:5] == ("energy_statistics/energy_balance/gansu_2015.xlsx", "620100 兰州市", 3, "生物质燃料", "生物质燃料")
    assert blocking[5].startswith("fuel column '生物质燃料' is not recognised (known: 原煤, 洗精煤, 其他洗煤,")
    assert "but holds amounts (1 cells, e.g. row 6 工业: 12.5): its energy and CO2 would be missing" in blocking[5]
    assert blocking[6] is True
    assert warning[1:5] == ("620200 嘉峪关市", 3, "生物质燃料", "生物质燃料")
    assert warning[5].endswith("it holds no amounts; column skipped") and warning[6] is False


def test_every_yearbook_column_is_read_with_its_unit(tmp_path):
    """All 30 columns of 能源平衡表（实物量）, in the yearbook's order and units, load."""
    names = ["原煤", "洗精煤", "其他洗煤", "型煤", "煤矸石", "焦炭", "焦炉煤气", "高炉煤气", "转炉煤气", "其他煤气",
             "其他焦化产品", "原油", "汽油", "煤油", "柴油", "燃料油", "石脑油", "润滑油", "石蜡", "溶剂油", "石油沥青",
             "石油焦", "液化石油气", "炼厂干气", "其他石油制品", "天然气", "液化天然气", "热力", "电力", "其他能源"]
    units = ["亿立方米" if name in ("焦炉煤气", "高炉煤气", "转炉煤气", "其他煤气", "天然气") else
             "万百万千焦" if name == "热力" else "亿千瓦时" if name == "电力" else "万吨标准煤" if name == "其他能源" else "万吨"
             for name in names]
    path = write_balance(tmp_path / "energy_statistics/energy_balance/gansu_2015.xlsx",
                         {"620100 兰州市": [["工业", *[1] * 30]]}, fuels=names, units=units)
    result = read_energy_balance_workbook(path, tmp_path)
    assert result.quarantine.is_empty(), result.quarantine.rows()
    balance = result.tables["energy_balance"]
    assert balance.height == 30
    by_fuel = dict(zip(balance["fuel_code"], zip(balance["value"], balance["unit"])))
    assert by_fuel["other_energy"] == (10000.0, "tce")  # 1 万吨标准煤
    assert by_fuel["blast_furnace_gas"] == (10000.0, "10^4Nm3")  # 1 亿立方米
    assert by_fuel["lng"] == (10000.0, "t")
    assert by_fuel["electricity"] == (100000.0, "MWh")
