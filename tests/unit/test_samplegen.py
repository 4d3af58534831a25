"""The sample generator: deterministic bytes, valid identifiers, files as the spec says, and
magnitudes calibrated to Gansu — all checked on the written files, recomputed here from the
seeds with the platform's formulas (never by comparing with numbers copied from an output)."""

from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from pipelines.identifiers import credit_code_problem, org_code_check_char
from pipelines.paths import SEEDS_DIR
from pipelines.samplegen import generate
from pipelines.samplegen.core import resolve_provinces
from pipelines.samplegen.reference import Reference

SEED = 20161231
SCALE = 0.05  # ~20 market and ~75 other enterprises: fast, yet every family is exercised
GANSU = "620000"
YEARS = (2005, *range(2010, 2021))
EXPORT_HEADER = [
    "统一社会信用代码", "企业名称", "行政区划代码", "所属行业", "是否纳入碳市场", "报告年度", "数据状态", "提交日期",
    "排放类别", "排放源", "活动水平", "活动水平单位", "低位发热量", "低位发热量单位", "单位热值含碳量(tC/TJ)",
    "碳氧化率(%)", "排放因子", "排放因子单位", "排放量(tCO2)",
]
PRICE_HEADER = ["交易日期", "交易品种", "开盘价", "最高价", "最低价", "收盘价", "成交量(吨)", "成交额(元)", "交易方式"]
# Canonical units in one published unit (sources/README.md unit table).
PUBLISHED_TO_CANONICAL = {"万吨": 1e4, "亿立方米": 1e4, "万百万千焦": 1e4, "亿千瓦时": 1e5, "万吨标准煤": 1e4}
FINAL_ROWS = ("final_agriculture", "final_industry", "final_construction", "final_transport", "final_commerce",
              "final_other", "final_household_urban", "final_household_rural")
TRANSFORMS = ("transform_thermal_power", "transform_heating", "transform_coking", "transform_refining", "transform_recovery")


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample_a")
    generate(out, [GANSU], scale=SCALE, seed=SEED)
    return out


@pytest.fixture(scope="module")
def seeds() -> dict:
    fuels = pl.read_csv(SEEDS_DIR / "ref_fuels.csv")
    factors = pl.read_csv(SEEDS_DIR / "ref_fuel_emission_factors.csv").filter(pl.col("factor_set") == "ndrc_2013")
    items = pl.read_csv(SEEDS_DIR / "ref_energy_balance_items.csv")
    regions = pl.read_csv(SEEDS_DIR / "ref_regions.csv", schema_overrides={"adcode": pl.String, "parent_adcode": pl.String,
                                                                          "province_adcode": pl.String})
    grid = pl.read_csv(SEEDS_DIR / "ref_grid_factors.csv", schema_overrides={"region_code": pl.String})
    co2_per_unit = {
        row["fuel_code"]: row["ncv_gj_per_unit"] * row["carbon_content_tc_per_tj"] / 1000 * row["oxidation_fraction"] * 44 / 12
        for row in factors.iter_rows(named=True)
    }
    return {
        "fuel_code": {row["name_zh"]: row["fuel_code"] for row in fuels.iter_rows(named=True)},
        "tce": {row["fuel_code"]: row["tce_per_unit"] for row in fuels.iter_rows(named=True)},
        "group": {row["fuel_code"]: row["fuel_group"] for row in fuels.iter_rows(named=True)},
        "fossil": {row["fuel_code"] for row in fuels.iter_rows(named=True) if row["is_fossil"]},
        # by-product gases (carbon of the coke) and non-energy products carry no combustion CO2
        "co2_counted": {row["fuel_code"] for row in fuels.iter_rows(named=True) if row["combustion_rule"] == "counted"},
        "item_code": {row["name_zh"]: row["item_code"] for row in items.iter_rows(named=True)},
        "co2_per_unit": co2_per_unit,
        "regions": regions,
        "northwest_grid_t_per_mwh": grid.filter((pl.col("factor_set") == "ndrc_2012_regional") & (pl.col("grid_name") == "西北"))
        ["ef_tco2_per_mwh"][0],
    }


def _number(text: str | None) -> float:
    return 0.0 if text in (None, "") else float(text)


def read_balances(path: Path, seeds: dict) -> dict[str, dict]:
    """{sheet: {'cells': {item: {fuel: value in canonical units}}, 'published': {...}}}."""
    reader = fastexcel.read_excel(path)
    out = {}
    for name in reader.sheet_names:
        rows = reader.load_sheet(name, header_row=None).to_polars().rows()
        assert "能源平衡表（实物量）" in rows[0][0]
        header, units = rows[1], rows[2]
        assert header[0] == "项目"
        fuels = [seeds["fuel_code"][h] for h in header[1:]]
        published: dict[str, dict[str, float]] = {}
        canonical: dict[str, dict[str, float]] = {}
        for row in rows[3:]:
            item = seeds["item_code"][row[0]]
            published[item] = {f: _number(v) for f, v in zip(fuels, row[1:])}
            canonical[item] = {f: _number(v) * PUBLISHED_TO_CANONICAL[u] for f, v, u in zip(fuels, row[1:], units[1:])}
        out[name] = {"published": published, "cells": canonical}
    return out


def energy_tce(cells: dict, seeds: dict) -> float:
    """Σ_fuel tce × (final_total + loss − Σ transformation rows as signed)."""
    return sum(
        seeds["tce"][fuel] * (cells["final_total"][fuel] + cells["loss"][fuel] - sum(cells[t][fuel] for t in TRANSFORMS))
        for fuel in cells["final_total"]
    )


def energy_by_group(cells: dict, seeds: dict) -> dict[str, float]:
    groups: dict[str, float] = {}
    for fuel in cells["final_total"]:
        amount = cells["final_total"][fuel] + cells["loss"][fuel] - sum(cells[t][fuel] for t in TRANSFORMS)
        groups[seeds["group"][fuel]] = groups.get(seeds["group"][fuel], 0.0) + seeds["tce"][fuel] * amount
    return groups


def combustion_lines_t(cells: dict, seeds: dict) -> dict[tuple[str, str], float]:
    """CO2 per (row, fuel): final rows net of feedstock, plus inputs to thermal power and heating."""
    lines = {}
    for fuel in seeds["co2_counted"]:
        factor = seeds["co2_per_unit"][fuel]
        for row in FINAL_ROWS:
            amount = cells[row][fuel] - (cells["final_industry_feedstock"][fuel] if row == "final_industry" else 0.0)
            lines[(row, fuel)] = amount * factor
        for transform in ("transform_thermal_power", "transform_heating"):
            lines[(transform, fuel)] = max(0.0, -cells[transform][fuel]) * factor
    return lines


@pytest.fixture(scope="module")
def balances(sample, seeds) -> dict[int, dict]:
    folder = sample / "energy_statistics" / "energy_balance"
    return {year: read_balances(folder / f"能源平衡表_{GANSU}_{year}.xlsx", seeds) for year in YEARS}


@pytest.fixture(scope="module")
def activity(sample) -> pl.DataFrame:
    path = sample / "energy_statistics" / "activity" / f"主要经济指标_{GANSU}.xlsx"
    return pl.read_excel(path, sheet_name="主要指标", engine="calamine", schema_overrides={"地区代码": pl.String})


@pytest.fixture(scope="module")
def exports(sample) -> pl.DataFrame:
    frames = []
    for path in sorted((sample / "enterprise_reports" / "export").glob("*.csv")):
        text = path.read_bytes().decode("gbk")
        frames.append(pl.read_csv(io.StringIO(text), infer_schema_length=0))
    return pl.concat(frames)


def gansu_regions(seeds: dict) -> pl.DataFrame:
    return seeds["regions"].filter(pl.col("province_adcode") == GANSU)


def sheet(region: str, seeds: dict) -> str:
    name = seeds["regions"].filter(pl.col("adcode") == region)["name"][0]
    return f"{region} {name}"


# ------------------------------------------------------------------------------------ tests
def test_same_arguments_give_identical_bytes_and_foreign_files_survive(sample, tmp_path):
    other = tmp_path / "sample_b"
    real_file = other / "exchange_prices" / "shenzhen_SZA_daily_2020-12_2021-12.csv"
    real_file.parent.mkdir(parents=True)
    real_file.write_bytes(b"trade_date,instrument\n2021-12-08,SZA-2020\n")
    generate(other, [GANSU], scale=SCALE, seed=SEED)

    assert real_file.read_bytes() == b"trade_date,instrument\n2021-12-08,SZA-2020\n"
    first = {p.relative_to(sample): p.read_bytes() for p in sample.rglob("*") if p.is_file()}
    second = {p.relative_to(other): p.read_bytes() for p in other.rglob("*") if p.is_file() and p != real_file}
    assert first.keys() == second.keys()
    different = [str(path) for path in first if first[path] != second[path]]
    assert different == []
    assert len(first) > 30


def test_every_credit_code_is_valid(sample, exports):
    codes = set(exports["统一社会信用代码"])
    workbook_codes = {p.stem for p in (sample / "enterprise_reports" / "workbooks" / "2020").glob("*.xlsx")}
    assert workbook_codes and workbook_codes <= codes  # their verified versions are in the export
    for code in codes:
        assert credit_code_problem(code) is None
        assert code[:2] == "91"
        assert org_code_check_char(code[8:16]) == code[16], f"{code}: GB 11714 check character"
    # The embedded region is the enterprise's county-level code.
    mismatched = exports.filter(pl.col("统一社会信用代码").str.slice(2, 6) != pl.col("行政区划代码"))
    assert mismatched.is_empty()
    assert exports.group_by("统一社会信用代码").agg(pl.col("企业名称").n_unique()).filter(pl.col("企业名称") > 1).is_empty()


def test_every_gansu_region_has_a_sheet_every_year(balances, seeds):
    regions = gansu_regions(seeds)
    assert regions.height == 101  # 1 province, 14 prefecture-level units, 86 counties
    expected = {f"{row['adcode']} {row['name']}" for row in regions.iter_rows(named=True)}
    for year, sheets in balances.items():
        assert set(sheets) == expected, year


def test_every_yearbook_column_is_in_every_sheet_and_filled_for_the_province(balances, seeds):
    """All 30 columns of 能源平衡表（实物量）, each with amounts in Gansu's table (issue 13)."""
    for year in (2005, 2015, 2020):
        for name, sheet_cells in balances[year].items():
            assert len(sheet_cells["published"]["final_total"]) == 30, (year, name)
        province = balances[year][sheet(GANSU, seeds)]["published"]
        empty = [fuel for fuel in province["final_total"] if not any(province[item][fuel] for item in province)]
        assert empty == [], (year, empty)
    # the steel works' gases are 嘉峪关's (酒泉钢铁): most of the province's use is there
    sheets = balances[2015]
    for fuel in ("blast_furnace_gas", "converter_gas"):
        jiayuguan = sheets[sheet("620200", seeds)]["published"]["final_industry"][fuel]
        assert jiayuguan > 0.5 * sheets[sheet(GANSU, seeds)]["published"]["final_industry"][fuel], fuel


def test_balances_close_as_published(balances):
    for year, sheets in balances.items():
        for name, sheet_data in sheets.items():
            v = sheet_data["published"]
            for fuel in v["available"]:
                where = f"{year} {name} {fuel}"
                supply = v["production"][fuel] + v["inflow"][fuel] + v["outflow"][fuel] + v["stock_change"][fuel]
                assert math.isclose(v["available"][fuel], supply, abs_tol=0.006), where
                use = v["available"][fuel] + sum(v[t][fuel] for t in TRANSFORMS) - v["loss"][fuel]
                assert math.isclose(use, v["final_total"][fuel], abs_tol=0.006), where
                assert math.isclose(sum(v[r][fuel] for r in FINAL_ROWS), v["final_total"][fuel], abs_tol=0.006), where
                assert v["final_industry_feedstock"][fuel] <= v["final_industry"][fuel] + 1e-9, where
                assert v["outflow"][fuel] <= 0 <= v["inflow"][fuel], where


def test_gansu_2015_magnitudes(balances, activity, seeds):
    cells = balances[2015][sheet(GANSU, seeds)]["cells"]
    energy = energy_tce(cells, seeds)
    assert 74e6 <= energy <= 76e6  # 7,523 万tce is the real figure

    lines = combustion_lines_t(cells, seeds)
    assert 140e6 <= sum(lines.values()) <= 160e6
    assert max(lines, key=lines.get) == ("transform_thermal_power", "raw_coal")

    electricity_in, electricity_out = cells["inflow"]["electricity"], -cells["outflow"]["electricity"]
    assert electricity_out > 2 * electricity_in > 0  # a net electricity exporter

    groups = {k: v / energy for k, v in energy_by_group(cells, seeds).items()}
    assert 0.60 <= groups["coal"] <= 0.72
    assert 0.10 <= groups["oil"] <= 0.22
    assert 0.035 <= groups["gas"] <= 0.06

    province = activity.filter((pl.col("地区代码") == GANSU) & (pl.col("年份") == 2015)).row(0, named=True)
    intensity = energy / (province["地区生产总值(亿元)"] * 1e4)
    assert 1.05 <= intensity <= 1.15  # tce per 10^4 yuan


def test_gansu_time_path_and_intensity_barometer(balances, activity, seeds):
    province = activity.filter(pl.col("地区代码") == GANSU).sort("年份")
    real_gdp = dict(zip(province["年份"], province["地区生产总值指数(2005=100)"]))
    energy = {y: energy_tce(balances[y][sheet(GANSU, seeds)]["cells"], seeds) for y in YEARS}
    assert energy[2005] == pytest.approx(43.68e6, rel=0.02)
    assert energy[2010] == pytest.approx(59.23e6, rel=0.02)
    assert 77e6 <= energy[2020] <= 84e6 < 89.51e6  # ≈ 8,000 万tce, under the 8,951 cap

    grid = seeds["northwest_grid_t_per_mwh"]
    co2 = {}
    for year in YEARS:
        cells = balances[year][sheet(GANSU, seeds)]["cells"]
        net_inflow_mwh = cells["inflow"]["electricity"] + cells["outflow"]["electricity"]
        co2[year] = sum(combustion_lines_t(cells, seeds).values()) + net_inflow_mwh * grid
    for year in range(2016, 2021):
        decline = 1 - (energy[year] / real_gdp[year]) / (energy[year - 1] / real_gdp[year - 1])
        assert 0.035 <= decline <= 0.05, year
    reduction = {y: 1 - (co2[y] / real_gdp[y]) / (co2[2015] / real_gdp[2015]) for y in range(2016, 2021)}
    even_path = {y: 1 - (1 - 0.17) ** ((y - 2015) / 5) for y in range(2016, 2021)}
    assert 0 < reduction[2016] < even_path[2016]  # behind the path: yellow
    assert 0 < reduction[2017] < even_path[2017]
    assert reduction[2020] >= 0.16  # caught up, roughly


def test_children_sum_to_a_little_less_than_their_parent(balances, seeds):
    regions = gansu_regions(seeds)
    cities = regions.filter(pl.col("level") == "prefecture")
    for year in (2005, 2015, 2020):
        sheets = balances[year]
        province = sheets[sheet(GANSU, seeds)]["cells"]
        city_cells = [sheets[sheet(c, seeds)]["cells"] for c in cities["adcode"]]
        ratio = sum(energy_tce(c, seeds) for c in city_cells) / energy_tce(province, seeds)
        assert 0.90 <= ratio < 1.0, year
        for fuel, total in province["final_total"].items():
            if total > 0:
                share = sum(c["final_total"][fuel] for c in city_cells) / total
                assert 0.90 <= share < 1.0, (year, fuel, share)
        for city in cities["adcode"]:
            counties = regions.filter(pl.col("parent_adcode") == city)["adcode"]
            if counties.is_empty():  # 嘉峪关 has no counties
                continue
            parent = energy_tce(sheets[sheet(city, seeds)]["cells"], seeds)
            ratio = sum(energy_tce(sheets[sheet(c, seeds)]["cells"], seeds) for c in counties) / parent
            assert 0.90 <= ratio < 1.0, (year, city, ratio)


def test_activity_statistics_agree_with_the_balances(activity, balances, seeds):
    assert activity.height == 101 * len(YEARS)
    assert activity.columns[:3] == ["地区代码", "地区名称", "年份"]
    for row in activity.filter(pl.col("年份").is_in([2015, 2020])).iter_rows(named=True):
        v = balances[row["年份"]][sheet(row["地区代码"], seeds)]["published"]
        assert row["外地调入电量(亿千瓦时)"] == pytest.approx(v["inflow"]["electricity"], abs=0.001)
        assert row["本地调出电量(亿千瓦时)"] == pytest.approx(-v["outflow"]["electricity"], abs=0.001)
        generation = row["水电发电量(亿千瓦时)"] + row["风电发电量(亿千瓦时)"] + row["太阳能发电量(亿千瓦时)"]
        assert generation == pytest.approx(v["production"]["electricity"], abs=0.006)
    # Indices: 2005 = 100 chains the previous-year indices.
    for region, rows in activity.sort("年份").group_by("地区代码"):
        index = dict(zip(rows["年份"], rows["地区生产总值指数(2005=100)"]))
        previous = dict(zip(rows["年份"], rows["地区生产总值指数(上年=100)"]))
        assert index[2005] == 100
        for year in range(2011, 2021):
            assert index[year] == pytest.approx(index[year - 1] * previous[year] / 100, abs=0.15), (region, year)
    real = {2005: 1934, 2010: 4121, 2015: 6790, 2016: 7200, 2017: 7460, 2018: 8246, 2019: 8718, 2020: 9017}
    province = activity.filter(pl.col("地区代码") == GANSU)
    assert dict(zip(province["年份"], province["地区生产总值(亿元)"])).items() >= real.items()
    cities = gansu_regions(seeds).filter(pl.col("level") == "prefecture")["adcode"].to_list()
    for year in YEARS:
        city_sum = activity.filter(pl.col("地区代码").is_in(cities) & (pl.col("年份") == year))["地区生产总值(亿元)"].sum()
        assert city_sum == pytest.approx(province.filter(pl.col("年份") == year)["地区生产总值(亿元)"][0], rel=0.03)


def test_enterprise_exports_are_gbk_and_not_utf8(sample):
    paths = sorted((sample / "enterprise_reports" / "export").glob("*.csv"))
    assert [p.name for p in paths] == [f"温室气体排放报告_{y}.csv" for y in range(2015, 2021)]
    for path in paths:
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        header = next(csv.reader(io.StringIO(data.decode("gbk"))))
        assert header == EXPORT_HEADER
        assert len(data) < 4_000_000


def test_reports_cover_versions_and_the_script_enterprise(sample, exports):
    script = exports.filter(pl.col("企业名称") == "<script>alert(1)</script>某化工厂")
    assert script["统一社会信用代码"].n_unique() == 1
    assert set(script["所属行业"]) == {"化工"} and set(script["是否纳入碳市场"]) == {"是"}
    code = script["统一社会信用代码"][0]
    workbook = fastexcel.read_excel(sample / "enterprise_reports" / "workbooks" / "2020" / f"{code}.xlsx")
    assert workbook.sheet_names == ["基本信息", "化石燃料燃烧", "工业生产过程", "净购入电力", "净购入热力", "汇总"]
    info = dict(workbook.load_sheet("基本信息", header_row=None).to_polars().rows())
    assert info["企业名称"] == "<script>alert(1)</script>某化工厂"

    assert set(exports["数据状态"]) <= {"企业自报", "核查", "复查"}
    assert {"企业自报", "核查"} <= set(exports["数据状态"])
    # The 2020 企业自报 of market enterprises arrive as workbooks, not in the export.
    market_2020_reported = exports.filter((pl.col("报告年度") == "2020") & (pl.col("数据状态") == "企业自报")
                                          & (pl.col("是否纳入碳市场") == "是"))
    assert market_2020_reported.is_empty()
    # Every combustion line's CO2 follows from the values on the line (defaults where blank).
    factors = Reference().factors
    names = {f.name_zh: f.code for f in Reference().fuels.values()} | {"航空煤油": "kerosene"}
    to_canonical = {"t": 1, "万t": 1e4, "万立方米": 1, "MWh": 1, "万kWh": 10, "GJ": 1}
    for row in exports.filter(pl.col("排放类别") == "化石燃料燃烧").head(400).iter_rows(named=True):
        default = factors[names[row["排放源"]]]
        ncv = default.ncv_gj_per_unit if row["低位发热量"] is None else float(row["低位发热量"])
        if row["低位发热量单位"] == "kJ/kg":
            ncv /= 1000
        cc = default.carbon_content_tc_per_tj if row["单位热值含碳量(tC/TJ)"] is None else float(row["单位热值含碳量(tC/TJ)"])
        oxidation = float(row["碳氧化率(%)"])
        oxidation = oxidation / 100 if oxidation > 1 else oxidation
        amount = float(row["活动水平"]) * to_canonical[row["活动水平单位"]]
        assert float(row["排放量(tCO2)"]) == pytest.approx(amount * ncv * cc / 1000 * oxidation * 44 / 12, rel=1e-6, abs=0.01)


def test_planted_anomalies_are_listed_and_present(sample, exports):
    anomalies = pl.read_csv(sample / "enterprise_reports" / "ANOMALIES.csv", schema_overrides={"year": pl.String})
    assert anomalies.columns == ["credit_code", "year", "status", "kind", "detail"]
    assert {"unit_wan_tonne", "unit_kwh_as_mwh", "yoy_jump"} <= set(anomalies["kind"])
    for row in anomalies.filter(pl.col("kind") == "unit_wan_tonne").iter_rows(named=True):
        lines = exports.filter((pl.col("统一社会信用代码") == row["credit_code"]) & (pl.col("报告年度") == row["year"]))
        if lines.is_empty():  # a 2020 market report: the anomaly sits in its workbook
            path = sample / "enterprise_reports" / "workbooks" / row["year"] / f"{row['credit_code']}.xlsx"
            units = fastexcel.read_excel(path).load_sheet("化石燃料燃烧", header_row=None).to_polars()[:, 2].to_list()
            assert "万t" in units
            continue
        reported = lines.filter(pl.col("数据状态") == "企业自报")
        verified = lines.filter(pl.col("数据状态") == "核查")
        assert "万t" in set(reported["活动水平单位"])
        assert not verified.is_empty()  # the verifier corrected it


def test_exchange_price_files(sample):
    folder = sample / "exchange_prices"
    codes = ["BJ", "TJ", "SH", "CQ", "HB", "GD", "SZ", "FJ"]
    for code in codes:
        data = (folder / f"{code}_daily_2014-2020.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (code == "BJ")
        if code in ("HB", "GD"):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            text = data.decode("gbk")
        else:
            text = data.decode("utf-8-sig")
        frame = pl.read_csv(io.StringIO(text), infer_schema_length=0)
        assert frame.columns == PRICE_HEADER
        frame = frame.with_columns(
            pl.col("交易日期").str.to_date(),
            *[pl.col(c).cast(pl.Float64) for c in ("开盘价", "最高价", "最低价", "收盘价", "成交量(吨)", "成交额(元)")],
        )
        assert frame["交易日期"].dt.weekday().max() <= 5
        auction = frame.filter(pl.col("交易方式") == "挂牌")
        block = frame.filter(pl.col("交易方式") == "协议转让")
        assert not auction.is_empty() and not block.is_empty()
        assert block.select(pl.col("开盘价").is_null().all() & pl.col("最高价").is_null().all()).item()
        vwap = auction["成交额(元)"] / auction["成交量(吨)"]
        assert (auction["最低价"] <= auction[["开盘价", "收盘价"]].min_horizontal()).all()
        assert (auction["最高价"] >= auction[["开盘价", "收盘价"]].max_horizontal()).all()
        assert ((vwap >= auction["最低价"] - 0.01) & (vwap <= auction["最高价"] + 0.01)).all()
        if code == "SZ":
            assert frame["交易日期"].max().isoformat() <= "2020-11-30"
            allowances = frame.filter(pl.col("交易品种").str.starts_with("SZA-"))
            for year in range(2015, 2020):
                rows = allowances.filter(pl.col("交易日期").dt.year() == year)
                window = rows.filter(pl.col("交易日期").dt.month().is_in([4, 5, 6]))["成交量(吨)"].sum()
                assert window / rows["成交量(吨)"].sum() == pytest.approx(0.69, abs=0.02)


def test_department_indicators(sample):
    data = (sample / "energy_statistics" / "department_indicators" / f"部门统计指标_{GANSU}.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    frame = pl.read_csv(io.StringIO(data.decode("gb18030")), infer_schema_length=0)
    assert frame.columns == ["地区代码", "年份", "指标名称", "数值", "单位", "报送部门"]
    indicators = pl.read_csv(SEEDS_DIR / "ref_indicator_statistics.csv")
    province = frame.filter(pl.col("地区代码") == GANSU)
    assert province.height == indicators.height * len(YEARS)
    assert set(province["指标名称"]) == set(indicators["name_zh"])
    coverage = province.filter(pl.col("指标名称") == "森林覆盖率")
    assert dict(zip(coverage["年份"], coverage["数值"]))["2015"] == "11.86"


def test_other_provinces_municipalities_and_regions_without_children(tmp_path, seeds):
    summary = generate(tmp_path, ["110000", "810000"], scale=0.01, seed=7)
    assert set(summary["provinces"]) == {"110000", "810000"}
    beijing = read_balances(tmp_path / "energy_statistics" / "energy_balance" / "能源平衡表_110000_2015.xlsx", seeds)
    assert len(beijing) == 1 + seeds["regions"].filter(pl.col("parent_adcode") == "110000").height
    hong_kong = fastexcel.read_excel(tmp_path / "energy_statistics" / "energy_balance" / "能源平衡表_810000_2020.xlsx")
    assert hong_kong.sheet_names == ["810000 香港特别行政区"]
    assert (tmp_path / "enterprise_reports" / "export" / "温室气体排放报告_110000_2015.csv").exists()
    with pytest.raises(ValueError):
        resolve_provinces(Reference(), ["999999"])
    assert len(resolve_provinces(Reference(), "all")) == 33  # the seed's Taiwan row has no adcode


def read_industry_table(path: Path, seeds: dict) -> dict[str, dict[str, dict[str, float]]]:
    """{sheet: {'divisions': {fuel: Σ division rows}, 'feedstock': {fuel: Σ 其中 sub-rows under a
    division}, 'total': {fuel: the 工业 row}}} in published units; section rows are skipped."""
    divisions = pl.read_csv(SEEDS_DIR / "ref_industry_divisions.csv", schema_overrides={"division_code": pl.String})
    division_names = set(divisions["name_zh"])
    out = {}
    reader = fastexcel.read_excel(path)
    for name in reader.sheet_names:
        rows = reader.load_sheet(name, header_row=None).to_polars().rows()
        assert "工业分行业终端能源消费量（实物量）" in rows[0][0] and rows[1][0] == "行业" and rows[2][0] == "单位"
        fuels = [seeds["fuel_code"][h] for h in rows[1][1:]]
        sums = {"divisions": dict.fromkeys(fuels, 0.0), "feedstock": dict.fromkeys(fuels, 0.0), "total": {}}
        previous = None
        for row in rows[3:]:
            label = row[0].strip()
            values = {f: _number(v) for f, v in zip(fuels, row[1:])}
            if label == "工业":
                sums["total"] = values
            elif label in division_names:
                sums["divisions"] = {f: sums["divisions"][f] + values[f] for f in fuels}
            elif label == "其中：用作原料、材料" and previous in division_names:
                sums["feedstock"] = {f: sums["feedstock"][f] + values[f] for f in fuels}
            previous = label
        out[name] = sums
    return out


def test_industry_tables_cover_most_of_the_balance_industry_row(sample, balances, seeds):
    """Province and cities, 2010–2020: the divisions add up to 96–100 % of the balance's 工业 cell
    (and of its raw-material cell), the 工业 row is their sum, and the residual is visible."""
    cities = gansu_regions(seeds).filter(pl.col("level") == "prefecture")
    expected_sheets = {sheet(GANSU, seeds)} | {sheet(code, seeds) for code in cities["adcode"]}
    shares = []
    for year in range(2010, 2021):
        path = sample / "energy_statistics" / "industry_energy" / f"工业分行业能源消费_{GANSU}_{year}.xlsx"
        tables = read_industry_table(path, seeds)
        assert set(tables) == expected_sheets
        for name, table in tables.items():
            balance = balances[year][name]["published"]
            for fuel, industry in balance["final_industry"].items():
                divisions = table["divisions"][fuel]
                assert table["total"][fuel] == pytest.approx(divisions, abs=1e-6)
                feedstock = balance["final_industry_feedstock"][fuel]
                assert 0.96 * feedstock - 0.01 <= table["feedstock"][fuel] <= feedstock + 1e-9, (year, name, fuel)
                if industry > 0:
                    assert 0.96 * industry - 0.01 <= divisions <= industry + 1e-9, (year, name, fuel)
                    shares.append(1 - divisions / industry)
    assert max(shares) > 0.02  # a visible residual: industry_unallocated


def test_inventory_activity_files(sample):
    """Both files read without a quarantined row; Gansu ~2015 magnitudes as sources/sample/README.md states;
    landfill every year from 1990, incineration from 2015; the cities a little under the province."""
    from pipelines.ingest.energy_statistics import read_energy_statistics

    folder = sample / "energy_statistics" / "inventory_activity"
    with pytest.raises(UnicodeDecodeError):
        (folder / f"农业统计_{GANSU}.csv").read_bytes().decode("utf-8")
    inbox = sample.parent / "inventory_only"
    shutil.copytree(folder, inbox / "energy_statistics" / "inventory_activity")
    result = read_energy_statistics(inbox)
    assert result.quarantine.is_empty()
    table = result.tables["inventory_activity"]
    province = table.filter(pl.col("region_code") == GANSU)
    in_2015 = dict(province.filter(pl.col("year") == 2015).select("item_code", "amount").rows())
    anchors = {
        "livestock_dairy_cattle": 0.3e6, "livestock_non_dairy_cattle": 4.7e6, "livestock_sheep": 19e6,
        "livestock_goats": 5e6, "livestock_swine": 6.5e6, "livestock_horses": 0.3e6, "livestock_donkeys": 0.9e6,
        "livestock_mules": 0.5e6, "livestock_camels": 0.03e6, "livestock_poultry": 40e6, "rice_area_single": 4_000,
        "synthetic_n_fertiliser": 0.4e6, "crop_wheat": 2.8e6, "crop_maize": 5.8e6, "crop_tubers": 2.3e6,
        "crop_beans": 0.35e6, "crop_oilseeds": 0.7e6, "msw_landfilled": 2.0e6, "msw_incinerated": 0.1e6,
        "domestic_wastewater_bod": 0.2e6, "industrial_wastewater_cod_treated": 0.25e6,
        "industrial_wastewater_cod_discharged": 0.06e6, "protein_per_capita": 25,
    }
    for item, expected in anchors.items():
        assert in_2015[item] == pytest.approx(expected, rel=0.1), item
    years = dict(province.group_by("item_code").agg(pl.col("year").sort()).rows())
    assert years["msw_landfilled"] == list(range(1990, 2021))
    assert years["msw_incinerated"] == list(range(2015, 2021))
    assert years["livestock_sheep"] == list(YEARS)
    assert province.filter(pl.col("item_code") == "msw_landfilled", pl.col("year") == 1990)["amount"].item() == pytest.approx(0.6e6, rel=0.1)
    cities = table.filter(pl.col("region_code") != GANSU, pl.col("year") == 2015).group_by("item_code").agg(pl.col("amount").sum())
    for item, total in cities.rows():
        assert 0.9 * in_2015[item] <= total <= in_2015[item], item
    assert cities.height == 17  # livestock and crops: every item of the agriculture file but fertiliser
