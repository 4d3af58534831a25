"""Writer of the inventory activity statistics (sources/README.md §2f):
energy_statistics/inventory_activity/农业统计_<province>.csv (GBK: livestock, rice, fertiliser and
crops of the province and its 14 cities) and 废弃物统计_<province>.csv (UTF-8: waste and
wastewater of the province), 2005 and 2010–2020, landfilled waste every year from 1990.

GENERATED, not published figures: each province path is drawn through a few anchor values
(plausible Gansu magnitudes, around 2015: cattle 5.0 M head of which dairy 0.3 M, sheep 19 M,
goats 5 M, swine 6.5 M, poultry 40 M; single-season rice ~4 kha; N fertiliser ~0.4 Mt N; wheat
2.8 Mt, maize 5.8 Mt, tubers 2.3 Mt grain equivalent; MSW landfilled ~2.0 Mt, 0.6 Mt in 1990;
incineration from 2015), linear between anchors with a little seeded noise. Each city gets a
fixed share of its group with a little noise, so the cities sum to roughly 97 % of the province
(the rest unallocated, as in the other statistics). Gansu has no buffalo and no double-season
rice: those items have no rows (an item without rows contributes nothing; it is not zero-filled).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.samplegen import profiles
from pipelines.samplegen.geography import Geography
from pipelines.samplegen.randomness import lognormal_factor, stream

INVENTORY_DIR = Path("energy_statistics") / "inventory_activity"
YEARS = (2005, *range(2010, 2021))
LANDFILL_YEARS = tuple(range(1990, 2021))  # the first-order-decay model needs the history
AGRICULTURE_SOURCE = "甘肃发展年鉴（农业、畜牧业）"

# item as the yearbook writes it → (unit, city share group or None, {anchor year: province figure}).
AGRICULTURE: dict[str, tuple[str, str | None, dict[int, float]]] = {
    "奶牛年末存栏": ("万头", "cattle", {2005: 18, 2010: 24, 2015: 30, 2020: 33}),
    "非奶牛存栏": ("万头", "cattle", {2005: 400, 2010: 430, 2015: 470, 2020: 500}),
    "绵羊存栏": ("万只", "sheep", {2005: 1250, 2010: 1500, 2015: 1900, 2020: 2100}),
    "山羊存栏": ("万只", "sheep", {2005: 620, 2010: 560, 2015: 500, 2020: 450}),
    "生猪存栏": ("万头", "swine", {2005: 620, 2010: 640, 2015: 650, 2018: 620, 2019: 540, 2020: 600}),  # 2019: ASF
    "马存栏": ("万匹", "equines", {2005: 45, 2010: 38, 2015: 30, 2020: 24}),
    "驴存栏": ("万头", "equines", {2005: 150, 2010: 120, 2015: 90, 2020: 65}),
    "骡存栏": ("万头", "equines", {2005: 90, 2010: 70, 2015: 50, 2020: 35}),
    "骆驼存栏": ("万峰", "camels", {2005: 3.5, 2010: 3.2, 2015: 3.0, 2020: 2.8}),
    "家禽年末存栏": ("万只", "swine", {2005: 3200, 2010: 3600, 2015: 4000, 2020: 4300}),
    "单季稻播种面积": ("千公顷", "rice", {2005: 6.0, 2010: 5.0, 2015: 4.0, 2020: 3.5}),
    # 折纯: nitrogen fertiliser plus the nitrogen of compound fertiliser; falls after the 2015 zero-growth action
    "氮肥（折纯）": ("万吨（折纯）", None, {2005: 30, 2010: 36, 2015: 40, 2020: 34}),
    "小麦产量": ("万吨", "wheat", {2005: 300, 2010: 290, 2015: 280, 2020: 270}),
    "玉米产量": ("万吨", "maize", {2005: 250, 2010: 420, 2015: 580, 2020: 620}),
    "稻谷产量": ("万吨", "rice", {2005: 4.5, 2010: 3.6, 2015: 2.8, 2020: 2.4}),
    "豆类产量": ("万吨", "beans", {2005: 40, 2010: 38, 2015: 35, 2020: 33}),
    "薯类产量": ("万吨", "tubers", {2005: 190, 2010: 220, 2015: 230, 2020: 240}),  # 5:1 grain equivalent
    "油料产量": ("万吨", "oilseeds", {2005: 60, 2010: 66, 2015: 70, 2020: 72}),
}

# item → (unit, years written, {anchor year: province figure}, 数据来源).
WASTE: dict[str, tuple[str, tuple[int, ...], dict[int, float], str]] = {
    "生活垃圾卫生填埋量": (
        "万吨", LANDFILL_YEARS, {1990: 60, 2000: 100, 2005: 130, 2010: 165, 2015: 200, 2017: 208, 2020: 170},
        "中国城乡建设统计年鉴",
    ),
    "生活垃圾焚烧处理量": ("万吨", tuple(range(2015, 2021)), {2015: 10, 2017: 20, 2020: 60}, "中国城乡建设统计年鉴"),
    "危险废物焚烧量": ("吨", tuple(range(2010, 2021)), {2010: 15_000, 2015: 30_000, 2020: 60_000}, "生态环境统计"),
    "生活污水BOD产生量": ("万吨", YEARS, {2005: 17, 2010: 18.5, 2015: 20, 2020: 21}, "生态环境统计"),
    "污泥去除BOD": ("万吨", YEARS, {2005: 1.5, 2010: 2.5, 2015: 4.0, 2020: 5.5}, "城镇污水处理统计"),
    "工业废水COD去除量": ("万吨", YEARS, {2005: 15, 2010: 20, 2015: 25, 2020: 27}, "生态环境统计"),
    "工业废水COD排放量": ("万吨", YEARS, {2005: 10, 2010: 8.5, 2015: 6.0, 2020: 4.0}, "生态环境统计"),
    "人均蛋白质消费量": ("kg/人·年", YEARS, {2005: 22, 2010: 23.5, 2015: 25, 2020: 26.5}, "住户调查"),
}  # fmt: skip

# Each city's share of the province, by group (cities not named have none); about 97 % in all.
CITY_SHARES: dict[str, dict[str, float]] = {
    "cattle": {"623000": 0.20, "622900": 0.12, "620800": 0.13, "620700": 0.10, "621000": 0.09, "621100": 0.08,
               "620500": 0.07, "620600": 0.06, "621200": 0.05, "620900": 0.03, "620400": 0.02, "620100": 0.02},
    "sheep": {"623000": 0.15, "620600": 0.12, "620700": 0.10, "620900": 0.09, "621000": 0.10, "621100": 0.08,
              "622900": 0.08, "620400": 0.07, "620100": 0.05, "620800": 0.04, "620300": 0.04, "620500": 0.03,
              "621200": 0.02},
    "swine": {"620500": 0.16, "621200": 0.15, "620800": 0.11, "621000": 0.11, "621100": 0.10, "622900": 0.08,
              "620100": 0.07, "620600": 0.06, "620400": 0.05, "620700": 0.04, "620900": 0.02, "623000": 0.01,
              "620300": 0.01},
    "equines": {"621100": 0.15, "620500": 0.12, "621000": 0.12, "620800": 0.12, "621200": 0.10, "622900": 0.08,
                "620400": 0.08, "623000": 0.07, "620600": 0.05, "620100": 0.04, "620700": 0.04},
    "camels": {"620900": 0.40, "620600": 0.30, "620700": 0.15, "620300": 0.08, "620400": 0.04},
    "rice": {"621200": 0.78, "620500": 0.12, "620800": 0.05},
    "wheat": {"620500": 0.14, "621100": 0.13, "620800": 0.11, "621000": 0.13, "621200": 0.10, "622900": 0.06,
              "620600": 0.08, "620700": 0.06, "620400": 0.06, "620100": 0.04, "620900": 0.04, "623000": 0.01,
              "620300": 0.01},
    "maize": {"620700": 0.18, "620600": 0.12, "620900": 0.10, "620800": 0.10, "621000": 0.10, "620500": 0.08,
              "621100": 0.07, "620400": 0.06, "621200": 0.05, "622900": 0.05, "620100": 0.03, "620300": 0.03},
    "tubers": {"621100": 0.35, "620500": 0.10, "621200": 0.10, "620800": 0.07, "622900": 0.08, "620400": 0.06,
               "620100": 0.05, "621000": 0.05, "623000": 0.04, "620600": 0.04, "620700": 0.03},
    "beans": {"621100": 0.15, "621000": 0.15, "620500": 0.10, "620800": 0.10, "621200": 0.10, "620700": 0.08,
              "620600": 0.07, "622900": 0.06, "620400": 0.06, "620900": 0.05, "620100": 0.05},
    "oilseeds": {"621200": 0.15, "620500": 0.10, "621100": 0.10, "621000": 0.12, "620800": 0.10, "622900": 0.10,
                 "620700": 0.08, "620600": 0.07, "620900": 0.05, "623000": 0.05, "620400": 0.05},
}  # fmt: skip


def interpolate(anchors: dict[int, float], year: int) -> float:
    """The anchor path at a year: linear between anchors, flat outside them."""
    years = sorted(anchors)
    if year <= years[0]:
        return anchors[years[0]]
    for low, high in zip(years, years[1:]):
        if year <= high:
            return anchors[low] + (anchors[high] - anchors[low]) * (year - low) / (high - low)
    return anchors[years[-1]]


def agriculture_rows(geography: Geography, seed: int) -> list[list[str]]:
    """地区代码, 地区名称, 年份, 指标名称, 数值, 单位, 数据来源 for the province and its cities."""
    province = geography.province
    names = {unit.adcode: unit.region.name for unit in geography.level2}
    rows: list[list[str]] = []
    for year in YEARS:
        rng = stream(seed, province.adcode, "inventory_agriculture", year)
        totals = {item: interpolate(anchors, year) * lognormal_factor(rng, 0.015) for item, (_, _, anchors) in AGRICULTURE.items()}
        for item, (unit, _, _) in AGRICULTURE.items():
            rows.append([province.adcode, province.name, str(year), item, _number(totals[item]), unit, AGRICULTURE_SOURCE])
        for code, name in names.items():
            rng = stream(seed, province.adcode, "inventory_agriculture", code, year)
            for item, (unit, group, _) in AGRICULTURE.items():
                share = CITY_SHARES.get(group or "", {}).get(code)
                if share is None:
                    continue
                amount = totals[item] * share * lognormal_factor(rng, 0.02)
                rows.append([code, name, str(year), item, _number(amount), unit, AGRICULTURE_SOURCE])
    return rows


def waste_rows(geography: Geography, seed: int) -> list[list[str]]:
    """地区代码, 年份, 指标名称, 数值, 单位, 数据来源 for the province (no region-name column)."""
    province = geography.province.adcode
    rows: list[list[str]] = []
    for item, (unit, years, anchors, source) in WASTE.items():
        rng = stream(seed, province, "inventory_waste", item)
        for year in years:
            amount = interpolate(anchors, year) * lognormal_factor(rng, 0.015)
            rows.append([province, str(year), item, _number(amount), unit, source])
    return rows


def _number(value: float) -> str:
    return f"{value:.2f}"


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_inventory_activity(out_dir: Path, geography: Geography, seed: int) -> list[Path]:
    """Gansu only (the other provinces of a benchmark sample have no inventory activity files)."""
    province = geography.province.adcode
    if province != profiles.GANSU:
        return []
    folder = out_dir / INVENTORY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    agriculture = folder / f"农业统计_{province}.csv"
    agriculture.write_bytes(
        _csv(["地区代码", "地区名称", "年份", "指标名称", "数值", "单位", "数据来源"], agriculture_rows(geography, seed)).encode("gbk")
    )
    waste = folder / f"废弃物统计_{province}.csv"
    waste.write_bytes(_csv(["地区代码", "年份", "指标名称", "数值", "单位", "数据来源"], waste_rows(geography, seed)).encode("utf-8"))
    return [agriculture, waste]
