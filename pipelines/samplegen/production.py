"""Writer of the production statistics (sources/README.md §2d): energy_statistics/production/
工业产品产量_<province>.csv, for Gansu's province and its 14 cities, 2010–2020.

GENERATED, not published figures: the province paths are plausible Gansu magnitudes (clinker
16–28 Mt a year, primary aluminium 1.5–2.85 Mt from the smelters of 嘉峪关, 兰州, 白银 and 定西,
ferroalloys, calcium carbide, a little ammonia and nitric acid, flat glass in weight cases, the
grid's SF6 refills in kg) and each city gets a fixed share with a little seeded noise, so the
cities sum to roughly 97 % of the province (the rest unallocated, as in the balance tables).
One planted gap: 甘南 clinker 2010 is written '—' (no figure, never zero).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.samplegen import profiles
from pipelines.samplegen.geography import Geography
from pipelines.samplegen.randomness import lognormal_factor, stream

PRODUCTION_DIR = Path("energy_statistics") / "production"
YEARS = tuple(range(2010, 2021))

# product (as the statistics office writes it) → (unit, province amount per year 2010–2020).
PROVINCE_PATHS: dict[str, tuple[str, tuple[float, ...]]] = {
    "水泥熟料": ("万吨", (1600, 1850, 2100, 2450, 2700, 2750, 2650, 2500, 2450, 2650, 2800)),
    "石灰": ("万吨", (300, 320, 340, 360, 370, 380, 385, 390, 400, 410, 420)),
    "原铝": ("万吨", (150, 170, 200, 230, 250, 260, 265, 270, 275, 280, 285)),
    "电石": ("万吨", (60, 68, 75, 82, 88, 92, 95, 98, 102, 106, 110)),
    "硅铁": ("万吨", (80, 88, 95, 100, 104, 108, 112, 116, 120, 125, 130)),
    "硅锰合金": ("万吨", (20, 22, 24, 26, 27, 28, 29, 31, 32, 34, 35)),
    "合成氨": ("万吨", (45, 46, 47, 46, 45, 44, 43, 42, 41, 41, 40)),
    "硝酸": ("万吨", (8.0, 8.5, 9.0, 9.5, 10.0, 10.4, 10.8, 11.0, 11.3, 11.6, 12.0)),
    "平板玻璃": ("万重量箱", (600, 630, 660, 690, 710, 730, 740, 750, 770, 790, 800)),
    "电气设备SF6": ("千克", (3000, 3150, 3300, 3500, 3650, 3800, 3950, 4100, 4300, 4500, 4700)),
}

# Each city's share of the province, by product (cities not named have none). Province-only: SF6.
CITY_SHARES: dict[str, dict[str, float]] = {
    "水泥熟料": {
        "620100": 0.18, "620200": 0.06, "620300": 0.04, "620400": 0.08, "620500": 0.09, "620600": 0.08,
        "620700": 0.07, "620800": 0.09, "620900": 0.07, "621000": 0.06, "621100": 0.05, "621200": 0.06,
        "622900": 0.02, "623000": 0.02,
    },
    "石灰": {"620200": 0.30, "620100": 0.15, "620300": 0.15, "620400": 0.10, "620900": 0.09, "620700": 0.09, "620600": 0.09},
    "原铝": {"620200": 0.55, "620100": 0.22, "620400": 0.10, "621100": 0.10},
    "电石": {"620200": 0.20, "620400": 0.20, "620300": 0.15, "620900": 0.15, "620700": 0.10, "620600": 0.10, "620100": 0.06},
    "硅铁": {"620200": 0.30, "620900": 0.20, "620700": 0.15, "620400": 0.10, "620100": 0.10, "620600": 0.12},
    "硅锰合金": {"620200": 0.50, "620900": 0.20, "620100": 0.27},
    "合成氨": {"620100": 0.60, "622900": 0.30, "620400": 0.07},
    "硝酸": {"622900": 0.35, "620100": 0.30, "620400": 0.32},
    "平板玻璃": {"620100": 0.50, "620400": 0.25, "620900": 0.22},
}
PLANTED_GAP = ("623000", 2010, "水泥熟料")  # written '—': no figure


def production_rows(geography: Geography, seed: int) -> list[list[str]]:
    """地区代码, 地区名称, 年份, 产品名称, 产量, 计量单位 for the province and its cities."""
    province = geography.province
    names = {unit.adcode: unit.region.name for unit in geography.level2}
    rows: list[list[str]] = []
    for year_index, year in enumerate(YEARS):
        for product, (unit, path) in PROVINCE_PATHS.items():
            rows.append([province.adcode, province.name, str(year), product, _number(path[year_index]), unit])
        for code, name in names.items():
            rng = stream(seed, province.adcode, "production", code, year)
            for product, shares in CITY_SHARES.items():
                if code not in shares:
                    continue
                unit, path = PROVINCE_PATHS[product]
                amount = path[year_index] * shares[code] * lognormal_factor(rng, 0.03)
                written = "—" if (code, year, product) == PLANTED_GAP else _number(amount)
                rows.append([code, name, str(year), product, written, unit])
    return rows


def _number(value: float) -> str:
    return f"{value:.2f}"


def write_production_statistics(out_dir: Path, geography: Geography, seed: int) -> list[Path]:
    """Gansu only (the other provinces of a benchmark sample have no production statistics)."""
    province = geography.province.adcode
    if province != profiles.GANSU:
        return []
    path = out_dir / PRODUCTION_DIR / f"工业产品产量_{province}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["地区代码", "地区名称", "年份", "产品名称", "产量", "计量单位"])
    writer.writerows(production_rows(geography, seed))
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return [path]
