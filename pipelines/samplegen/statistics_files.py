"""Writers for the energy-statistics family (sources/README.md §2).

- energy_balance/能源平衡表_<province>_<year>.xlsx: yearbook layout, one sheet per region;
- activity/主要经济指标_<province>.xlsx: sheet 主要指标, one row per region and year;
- department_indicators/部门统计指标_<province>.csv: one row per region, year and indicator.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.samplegen import profiles
from pipelines.samplegen.economy import Economy
from pipelines.samplegen.energy import PUBLISHED_ITEMS, EnergyModel
from pipelines.samplegen.geography import Geography
from pipelines.samplegen.randomness import stream
from pipelines.samplegen.reference import Reference
from pipelines.samplegen.xlsx import cell_text, new_workbook

ENERGY_BALANCE_DIR = Path("energy_statistics") / "energy_balance"
ACTIVITY_DIR = Path("energy_statistics") / "activity"
DEPARTMENT_DIR = Path("energy_statistics") / "department_indicators"


def write_energy_balances(out_dir: Path, ref: Reference, geography: Geography, model: EnergyModel) -> list[Path]:
    province = geography.province.adcode
    fuels = ref.balance_fuels()
    item_names = {row["item_code"]: row["name_zh"] for row in ref.balance_items}
    written = []
    for year in profiles.STAT_YEARS:
        path = out_dir / ENERGY_BALANCE_DIR / f"能源平衡表_{province}_{year}.xlsx"
        workbook = new_workbook(path, f"{geography.province.name}能源平衡表（实物量） {year}年")
        title_format = workbook.add_format({"bold": True, "align": "center", "font_size": 12})
        header_format = workbook.add_format({"bold": True, "align": "center", "border": 1})
        unit_format = workbook.add_format({"align": "center", "italic": True})
        number_format = workbook.add_format({"num_format": "0.00"})
        for region in geography.all_regions():
            balance = model.balance(region.adcode, year)
            sheet = workbook.add_worksheet(f"{region.adcode} {region.name}")
            sheet.set_column(0, 0, 30)
            sheet.set_column(1, len(fuels), 11)
            sheet.merge_range(0, 0, 0, len(fuels), f"{region.name}能源平衡表（实物量） {year}年", title_format)
            sheet.write_row(1, 0, ["项目", *[fuel.name_zh for fuel in fuels]], header_format)
            sheet.write_row(2, 0, ["单位", *[fuel.published_unit for fuel in fuels]], unit_format)
            for row_index, item in enumerate(PUBLISHED_ITEMS, start=3):
                sheet.write_string(row_index, 0, item_names[item])
                for column, fuel in enumerate(fuels, start=1):
                    hundredths = balance.cells[item].get(fuel.code, 0)
                    if hundredths:  # blank means no flow, as in the yearbooks
                        sheet.write_number(row_index, column, hundredths / 100.0, number_format)
        workbook.close()
        written.append(path)
    return written


ACTIVITY_HEADERS = (
    "地区代码", "地区名称", "年份", "地区生产总值(亿元)", "地区生产总值指数(上年=100)", "地区生产总值指数(2005=100)",
    "工业增加值(亿元)", "工业增加值指数(2005=100)", "常住人口(万人)", "外地调入电量(亿千瓦时)", "本地调出电量(亿千瓦时)",
    "水电发电量(亿千瓦时)", "风电发电量(亿千瓦时)", "太阳能发电量(亿千瓦时)",
)


def write_activity(out_dir: Path, geography: Geography, economy: Economy, model: EnergyModel) -> Path:
    province = geography.province.adcode
    path = out_dir / ACTIVITY_DIR / f"主要经济指标_{province}.xlsx"
    workbook = new_workbook(path, f"{geography.province.name}主要经济指标")
    sheet = workbook.add_worksheet("主要指标")
    header_format = workbook.add_format({"bold": True, "text_wrap": True})
    sheet.set_column(0, 2, 10)
    sheet.set_column(1, 1, 30)
    sheet.set_column(3, len(ACTIVITY_HEADERS) - 1, 14)
    sheet.write_row(0, 0, ACTIVITY_HEADERS, header_format)
    row = 1
    for region in geography.all_regions():
        for year in profiles.STAT_YEARS:
            econ = economy[region.adcode][year]
            balance = model.balance(region.adcode, year)
            # Electricity flows and generation are the balance's own published figures, so the
            # two files agree to the last digit.
            values = [
                round(econ.gdp_current_100m_yuan, 2), round(econ.gdp_index_prev_year, 1), round(econ.gdp_index_2005, 1),
                round(econ.industry_va_100m_yuan, 2), round(econ.industry_va_index_2005, 1), round(econ.population_10k, 2),
                balance.cells["inflow"].get("electricity", 0) / 100.0,
                -balance.cells["outflow"].get("electricity", 0) / 100.0,
                balance.generation_cents["hydro"] / 100.0,
                balance.generation_cents["wind"] / 100.0,
                balance.generation_cents["solar"] / 100.0,
            ]
            sheet.write_string(row, 0, region.adcode)
            sheet.write_string(row, 1, region.name)
            sheet.write_number(row, 2, year)
            for column, value in enumerate(values, start=3):
                sheet.write_number(row, column, value)
            row += 1
    workbook.close()
    return path


# Department statistics for Gansu: invented series shaped by the plan's baselines (forest
# coverage 11.86 % in 2015 is real) and chosen so most sector targets are met and some are not.
INDICATOR_PATHS = {
    "forest_coverage": {2005: 10.42, 2010: 11.28, 2011: 11.37, 2012: 11.48, 2013: 11.58, 2014: 11.72, 2015: 11.86,
                        2016: 11.98, 2017: 12.11, 2018: 12.26, 2019: 12.43, 2020: 12.62},
    "forest_area": {2005: 440.0, 2010: 475.0, 2015: 505.6, 2020: 537.2},
    "forest_stock": {2005: 19300.0, 2010: 21050.0, 2015: 23540.0, 2020: 26230.0},
    "public_institution_energy_per_capita": {2005: 468.0, 2010: 421.5, 2015: 388.0, 2020: 361.2},
    "public_institution_energy_per_area": {2005: 21.3, 2010: 19.62, 2015: 18.35, 2020: 17.41},
    "road_passenger_co2_intensity": {2005: 2.21, 2010: 2.10, 2015: 2.03, 2020: 1.96},
    "road_freight_co2_intensity": {2005: 7.32, 2010: 6.84, 2015: 6.31, 2020: 5.86},
    "railway_co2_intensity": {2005: 53.6, 2010: 48.2, 2015: 44.1, 2020: 40.3},
    "aviation_co2_intensity": {2005: 1.12, 2010: 1.05, 2015: 0.99, 2020: 0.931},
    # Share of current-price GDP (the value written is 亿元).
    "energy_saving_industry_output": {2005: 0.012, 2010: 0.016, 2015: 0.021, 2020: 0.029},
}
DECIMALS = {"forest_coverage": 2, "forest_area": 2, "forest_stock": 1, "public_institution_energy_per_capita": 1,
            "public_institution_energy_per_area": 2, "road_passenger_co2_intensity": 3, "road_freight_co2_intensity": 3,
            "railway_co2_intensity": 2, "aviation_co2_intensity": 3, "energy_saving_industry_output": 2}
# Forest coverage of Gansu's cities, % in 2015 (invented around the real pattern: wooded south,
# desert north-west).
CITY_FOREST_COVERAGE_2015 = {
    "620100": 11.2, "620200": 3.9, "620300": 4.1, "620400": 6.2, "620500": 32.5, "620600": 12.3, "620700": 12.4,
    "620800": 29.8, "620900": 2.1, "621000": 26.9, "621100": 13.5, "621200": 40.4, "622900": 12.1, "623000": 24.2,
}


def _interpolate(points: dict[int, float], year: int) -> float:
    if year in points:
        return points[year]
    keys = sorted(points)
    for lo, hi in zip(keys, keys[1:]):
        if lo < year < hi:
            return points[lo] + (points[hi] - points[lo]) * (year - lo) / (hi - lo)
    return points[keys[-1]]


def department_rows(ref: Reference, geography: Geography, economy: Economy, seed: int) -> list[list[str]]:
    province = geography.province.adcode
    is_gansu = province == profiles.GANSU
    rng = stream(seed, province, "department-indicators")
    # Other provinces: the same shapes with a province-specific level.
    level = {code: (1.0 if is_gansu else rng.uniform(0.6, 1.6)) for code in INDICATOR_PATHS}
    rows = []
    for indicator in ref.indicators:
        code = indicator["indicator_code"]
        path = INDICATOR_PATHS[code]
        for year in profiles.STAT_YEARS:
            value = _interpolate(path, year) * level[code]
            if code == "energy_saving_industry_output":
                value *= economy[province][year].gdp_current_100m_yuan
            elif code in ("forest_area", "forest_stock"):
                value *= geography.scale ** 0.5
            elif code == "forest_coverage":
                value = min(value, 80.0)
            # Year-to-year wobble on the interpolated years only (anchors stay as designed).
            if year not in path and code != "forest_coverage":
                value *= 1 + rng.uniform(-0.004, 0.004)
            rows.append([province, str(year), indicator["name_zh"], cell_text(value, DECIMALS[code]),
                         indicator["unit_published"], indicator["department"]])
    if is_gansu:
        coverage = next(i for i in ref.indicators if i["indicator_code"] == "forest_coverage")
        for unit in geography.level2:
            base = CITY_FOREST_COVERAGE_2015.get(unit.adcode)
            if base is None:
                continue
            for year in profiles.STAT_YEARS:
                value = base * _interpolate(INDICATOR_PATHS["forest_coverage"], year) / 11.86 * (1 + rng.uniform(-0.003, 0.003))
                rows.append([unit.adcode, str(year), coverage["name_zh"], cell_text(value, 2),
                             coverage["unit_published"], coverage["department"]])
    return rows


def write_department_indicators(out_dir: Path, ref: Reference, geography: Geography, economy: Economy, seed: int) -> Path:
    province = geography.province.adcode
    path = out_dir / DEPARTMENT_DIR / f"部门统计指标_{province}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["地区代码", "年份", "指标名称", "数值", "单位", "报送部门"])
    writer.writerows(department_rows(ref, geography, economy, seed))
    # Gansu's file is in the Chinese national encoding to exercise the reader's decoder. GBK
    # itself cannot encode the '²' of the published unit 'kgce/m²', so it is written as
    # GB18030 (a superset of GBK: every other byte is what GBK would write); other provinces
    # are UTF-8.
    encoding = "gb18030" if province == profiles.GANSU else "utf-8"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
