"""Industry tables (工业分行业终端能源消费量（实物量）, sources/README.md §2d) for the province and its cities.

How the numbers are made, from the generated balance (energy.py) so the two tables agree:

1. For each region, year and fuel, the balance's 工业 cell T and its 其中：用作原料、材料 cell F
   (hundredths of the published unit) are the totals to split.
2. The table covers a share c of them (96–99 %, drawn per region, year and fuel, the uncovered
   part rounded down to whole hundredths): the rest is
   what the yearbook's enterprise survey does not reach, and shows in the platform as the
   industry_unallocated residual.
3. Raw-material use c × F goes to the divisions that use fuels as feedstock (chemicals, refining
   and coking), as 其中 sub-rows; the energy use c × (T − F) is spread over the divisions by a
   Gansu-shaped profile per fuel (ferrous and non-ferrous metals, cement, chemicals, coal mining…),
   each weight with lognormal noise per region and a little per year.
4. Every cell is a whole number of 0.01 of its published unit (the divisions' cells add up to the
   covered part exactly); the 工业 total row and the section rows
   (采矿业, 制造业, 电力、热力、燃气及水生产和供应业) are the sums of the rounded division cells.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.samplegen.energy import EnergyModel
from pipelines.samplegen.geography import Geography
from pipelines.samplegen.randomness import lognormal_factor, stream
from pipelines.samplegen.reference import SEEDS_DIR, Fuel, Reference, _read
from pipelines.samplegen.xlsx import new_workbook

INDUSTRY_DIR = Path("energy_statistics") / "industry_energy"
INDUSTRY_YEARS = tuple(range(2010, 2021))
COVERAGE_RANGE = (0.96, 0.99)

# Energy use by division, per fuel (weights, normalised per region-year): invented, shaped like
# Gansu's industry (nonferrous smelting in Jinchang/Baiyin, steel in Jiayuguan, refining in Lanzhou).
ENERGY_PROFILE: dict[str, dict[str, float]] = {
    "raw_coal": {"06": 8, "25": 6, "26": 18, "30": 24, "31": 14, "32": 12, "13": 3, "22": 2, "17": 1, "33": 1,
                 "44": 4, "10": 2, "14": 1, "27": 1, "15": 1, "29": 1, "28": 1},
    "cleaned_coal": {"31": 70, "25": 20, "26": 10},
    "coke": {"31": 75, "32": 12, "26": 8, "30": 5},
    "crude_oil": {"25": 80, "07": 20},
    "gasoline": {"06": 10, "07": 10, "30": 20, "31": 10, "32": 10, "26": 10, "36": 10, "13": 10, "44": 10},
    "kerosene": {"37": 50, "26": 50},
    "diesel": {"06": 20, "07": 15, "08": 10, "09": 10, "10": 10, "30": 15, "31": 10, "32": 10},
    "fuel_oil": {"25": 50, "26": 30, "30": 20},
    "lpg": {"26": 40, "25": 30, "30": 30},
    "refinery_gas": {"25": 85, "26": 15},
    "natural_gas": {"26": 35, "25": 15, "07": 15, "30": 15, "32": 10, "13": 10},
    "coke_oven_gas": {"31": 80, "25": 20},
    "heat": {"26": 40, "25": 20, "13": 10, "22": 10, "17": 10, "27": 10},
    "electricity": {"32": 35, "31": 15, "26": 15, "30": 10, "44": 8, "06": 5, "07": 3, "25": 3, "13": 2,
                    "33": 1, "34": 1, "36": 1, "39": 1},
}
# A fuel the profile does not know (a column added to the balance later) goes to the heavy industries.
DEFAULT_PROFILE = {"25": 1, "26": 1, "30": 1, "31": 1, "32": 1}
# Raw-material (non-energy) use: chemicals and refining/coking.
FEEDSTOCK_PROFILE = {"26": 80, "25": 20}


def _divisions() -> list[dict[str, str]]:
    return sorted(_read("ref_industry_divisions.csv", SEEDS_DIR), key=lambda row: int(row["sort_order"]))


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """total (whole hundredths) over the weights, in whole hundredths that add up to it exactly
    (largest remainders get the leftover hundredths; ties by code, so the result is deterministic)."""
    scale = sum(weights.values())
    if not scale or total <= 0:
        return {}
    exact = {code: total * weight / scale for code, weight in weights.items()}
    parts = {code: int(value) for code, value in exact.items()}
    leftover = total - sum(parts.values())
    for code in sorted(exact, key=lambda c: (parts[c] - exact[c], c))[:leftover]:
        parts[code] += 1
    return parts


def _covered(total: int, coverage: float) -> int:
    """The hundredths the table covers: the uncovered part rounded down, so the residual share
    stays below 1 − coverage (4 %) even for cells of a few hundredths."""
    return total - int((1 - coverage) * total)


def industry_cells(model: EnergyModel, adcode: str, year: int, fuels: list[Fuel], seed: int):
    """{division: {fuel: (consumption, of which raw material)}} in hundredths of the published unit."""
    balance = model.balance(adcode, year)
    region_noise = stream(seed, adcode, "industry-profile")
    year_noise = stream(seed, adcode, "industry", year)
    tilt = {code: lognormal_factor(region_noise, 0.35) for row in _divisions() for code in [row["division_code"]]}
    cells: dict[str, dict[str, tuple[int, int]]] = {}
    for fuel in fuels:
        total = balance.cells["final_industry"].get(fuel.code, 0)
        feedstock = balance.cells["final_industry_feedstock"].get(fuel.code, 0)
        if total <= 0:
            continue
        coverage = year_noise.uniform(*COVERAGE_RANGE)
        profile = ENERGY_PROFILE.get(fuel.code, DEFAULT_PROFILE)
        weights = {code: w * tilt[code] * lognormal_factor(year_noise, 0.05) for code, w in profile.items()}
        energy = _split(_covered(total - max(feedstock, 0), coverage), weights)
        raw = _split(_covered(max(feedstock, 0), coverage), FEEDSTOCK_PROFILE)
        for code in sorted(set(energy) | set(raw)):
            use, material = energy.get(code, 0), raw.get(code, 0)
            if use + material > 0:
                cells.setdefault(code, {})[fuel.code] = (use + material, material)
    return cells


def write_industry_tables(out_dir: Path, ref: Reference, geography: Geography, model: EnergyModel, seed: int) -> list[Path]:
    """One workbook per year, one sheet per region (the province and its cities)."""
    province = geography.province.adcode
    fuels = ref.balance_fuels()
    regions = [geography.province, *[unit.region for unit in geography.level2]]
    written = []
    for year in INDUSTRY_YEARS:
        path = out_dir / INDUSTRY_DIR / f"工业分行业能源消费_{province}_{year}.xlsx"
        workbook = new_workbook(path, f"{geography.province.name}工业分行业终端能源消费量（实物量） {year}年")
        formats = {
            "title": workbook.add_format({"bold": True, "align": "center", "font_size": 12}),
            "header": workbook.add_format({"bold": True, "align": "center", "border": 1}),
            "unit": workbook.add_format({"align": "center", "italic": True}),
            "number": workbook.add_format({"num_format": "0.00"}),
        }
        for region in regions:
            cells = industry_cells(model, region.adcode, year, fuels, seed)
            _write_sheet(workbook, formats, f"{region.adcode} {region.name}", f"{region.name}工业分行业终端能源消费量（实物量） {year}年",
                         fuels, cells)  # fmt: skip
        workbook.close()
        written.append(path)
    return written


def _write_sheet(workbook, formats, sheet_name: str, title: str, fuels: list[Fuel], cells) -> None:
    sheet = workbook.add_worksheet(sheet_name)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(fuels), 11)
    sheet.merge_range(0, 0, 0, len(fuels), title, formats["title"])
    sheet.write_row(1, 0, ["行业", *[fuel.name_zh for fuel in fuels]], formats["header"])
    sheet.write_row(2, 0, ["单位", *[fuel.published_unit for fuel in fuels]], formats["unit"])
    divisions = _divisions()

    def total_of(codes: list[str], part: int) -> dict[str, int]:
        return {f.code: sum(cells.get(c, {}).get(f.code, (0, 0))[part] for c in codes) for f in fuels}

    row = 3

    def write(label: str, values: dict[str, int]) -> None:
        nonlocal row
        sheet.write_string(row, 0, label)
        for column, fuel in enumerate(fuels, start=1):
            if values.get(fuel.code):  # blank means no consumption, as in the yearbooks
                sheet.write_number(row, column, values[fuel.code] / 100.0, formats["number"])
        row += 1

    every = [d["division_code"] for d in divisions]
    write("工业", total_of(every, 0))
    write("  其中：用作原料、材料", total_of(every, 1))
    for section in dict.fromkeys(d["section_name_zh"] for d in divisions):
        members = [d for d in divisions if d["section_name_zh"] == section]
        write(f"  {section}", total_of([d["division_code"] for d in members], 0))
        for division in members:
            code = division["division_code"]
            write(f"    {division['name_zh']}", {f: v[0] for f, v in cells.get(code, {}).items()})
            if any(v[1] for v in cells.get(code, {}).values()):
                write("      其中：用作原料、材料", {f: v[1] for f, v in cells.get(code, {}).items()})
