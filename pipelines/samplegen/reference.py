"""Reference data the generator reads from the dbt seeds (never re-typed here).

Names, codes, coefficients and factors come from `dbt_project/seeds/ref_*.csv` at generation
time, so a corrected seed row changes the sample the next time it is generated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipelines.paths import SEEDS_DIR

# The 30 energy balance columns in the yearbook's order (能源平衡表（实物量）, China Energy
# Statistical Yearbook provincial tables). Only the codes are listed; names come from the seed.
BALANCE_FUEL_ORDER = (
    "raw_coal", "cleaned_coal", "other_washed_coal", "briquettes", "coal_gangue", "coke", "coke_oven_gas",
    "blast_furnace_gas", "converter_gas", "other_gas", "other_coking_products", "crude_oil", "gasoline",
    "kerosene", "diesel", "fuel_oil", "naphtha", "lubricants", "paraffin_wax", "solvent_oil", "bitumen",
    "petroleum_coke", "lpg", "refinery_gas", "other_petroleum_products", "natural_gas", "lng", "heat",
    "electricity", "other_energy",
)

# The unit each balance column is published in (sources/README.md §2a) and how many canonical
# units (t, 10^4 Nm3, GJ, MWh) one published unit holds.
PUBLISHED_UNIT = {"t": "万吨", "10^4Nm3": "亿立方米", "GJ": "万百万千焦", "MWh": "亿千瓦时", "tce": "万吨标准煤"}
CANONICAL_PER_PUBLISHED = {"t": 10_000.0, "10^4Nm3": 10_000.0, "GJ": 10_000.0, "MWh": 100_000.0, "tce": 10_000.0}


def _read(name: str, seeds_dir: Path) -> list[dict[str, str]]:
    with open(seeds_dir / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Region:
    adcode: str
    name: str
    level: str  # province / prefecture / county
    division_type: str
    parent_adcode: str
    province_adcode: str


@dataclass(frozen=True)
class Fuel:
    code: str
    name_zh: str
    aliases: tuple[str, ...]
    group: str  # coal / oil / gas / heat / electricity
    is_fossil: bool
    canonical_unit: str
    tce_per_unit: float
    combustion_rule: str  # counted / carbon_in_parent_fuel / non_energy_product / non_fossil

    @property
    def published_unit(self) -> str:
        return PUBLISHED_UNIT[self.canonical_unit]

    @property
    def tce_10k_per_published_unit(self) -> float:
        """10^4 tce (万tce) in one published unit (万吨, 亿立方米, 万百万千焦, 亿千瓦时)."""
        return self.tce_per_unit * CANONICAL_PER_PUBLISHED[self.canonical_unit] / 10_000.0


@dataclass(frozen=True)
class EmissionFactor:
    ncv_gj_per_unit: float  # GJ/t or GJ/10^4 Nm3
    carbon_content_tc_per_tj: float
    oxidation_fraction: float

    @property
    def co2_t_per_unit(self) -> float:
        """t CO2 per t (or per 10^4 Nm3): NCV × CC/1000 × OF × 44/12."""
        return self.ncv_gj_per_unit * self.carbon_content_tc_per_tj / 1000.0 * self.oxidation_fraction * 44.0 / 12.0


@dataclass
class Reference:
    """Every seed the generator needs, loaded once."""

    seeds_dir: Path = SEEDS_DIR
    factor_set: str = "ndrc_2013"
    regions: dict[str, Region] = field(init=False)
    fuels: dict[str, Fuel] = field(init=False)
    factors: dict[str, EmissionFactor] = field(init=False)
    balance_items: list[dict[str, str]] = field(init=False)
    sectors: dict[str, dict[str, str]] = field(init=False)
    activity_variables: dict[str, dict[str, str]] = field(init=False)
    indicators: list[dict[str, str]] = field(init=False)
    exchanges: list[dict[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.regions = {
            row["adcode"]: Region(row["adcode"], row["name"], row["level"], row["division_type"],
                                  row["parent_adcode"], row["province_adcode"])
            for row in _read("ref_regions.csv", self.seeds_dir)
        }
        self.fuels = {
            row["fuel_code"]: Fuel(
                row["fuel_code"], row["name_zh"], tuple(row["aliases"].split("|")), row["fuel_group"],
                row["is_fossil"] == "true", row["canonical_unit"], float(row["tce_per_unit"]), row["combustion_rule"],
            )
            for row in _read("ref_fuels.csv", self.seeds_dir)
        }
        self.factors = {
            row["fuel_code"]: EmissionFactor(
                float(row["ncv_gj_per_unit"]), float(row["carbon_content_tc_per_tj"]), float(row["oxidation_fraction"])
            )
            for row in _read("ref_fuel_emission_factors.csv", self.seeds_dir)
            if row["factor_set"] == self.factor_set
        }
        self.balance_items = sorted(_read("ref_energy_balance_items.csv", self.seeds_dir), key=lambda r: int(r["sort_order"]))
        self.sectors = {row["sector_code"]: row for row in _read("ref_enterprise_sectors.csv", self.seeds_dir)}
        self.activity_variables = {row["variable_code"]: row for row in _read("ref_activity_variables.csv", self.seeds_dir)}
        self.indicators = _read("ref_indicator_statistics.csv", self.seeds_dir)
        self.exchanges = _read("ref_exchanges.csv", self.seeds_dir)
        self._grid_factors = _read("ref_grid_factors.csv", self.seeds_dir)
        self._province_grids = _read("ref_province_grids.csv", self.seeds_dir)
        self._grid_choice = _read("ref_grid_factor_choice.csv", self.seeds_dir)

    # ------------------------------------------------------------------ regions
    @cached_property
    def provinces(self) -> list[Region]:
        """Province-level units whose code is a real 6-digit adcode, in seed order.

        The seed's Taiwan row carries a placeholder code ('资料暂缺00'); a region without an adcode
        cannot appear in any file, so it is left out.
        """
        return [r for r in self.regions.values() if r.level == "province" and r.adcode.isdigit() and len(r.adcode) == 6]

    @cached_property
    def children(self) -> dict[str, list[Region]]:
        kids: dict[str, list[Region]] = {}
        for region in self.regions.values():
            if region.parent_adcode:
                kids.setdefault(region.parent_adcode, []).append(region)
        for values in kids.values():
            values.sort(key=lambda r: r.adcode)
        return kids

    def province_short_name(self, province_adcode: str) -> str:
        """甘肃省 → 甘肃, 内蒙古自治区 → 内蒙古, 广西壮族自治区 → 广西 (for enterprise names)."""
        name = self.regions[province_adcode].name
        for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    # ------------------------------------------------------------------ factors
    def fossil_fuels(self) -> list[Fuel]:
        return [f for f in self.fuels.values() if f.is_fossil]

    def co2_counted_fuels(self) -> list[Fuel]:
        """Fuels whose combustion CO2 the inventory counts (not by-product gases, not non-energy products)."""
        return [f for f in self.fuels.values() if f.combustion_rule == "counted"]

    def balance_fuels(self) -> list[Fuel]:
        return [self.fuels[code] for code in BALANCE_FUEL_ORDER]

    def grid_factor_t_per_mwh(self, province_adcode: str, year: int) -> float:
        """The grid factor the provincial assessment applies to net electricity imports.

        Follows ref_grid_factor_choice (default row for the year) → ref_province_grids →
        ref_grid_factors, so the generator calibrates with the same factor the platform uses.
        """
        choice = next(
            (c for c in self._grid_choice
             if c["province_code"] in (province_adcode, "default") and int(c["year_from"]) <= year <= int(c["year_to"])),
            None,
        )
        if choice is None or choice["scope"] != "regional_grid":
            choice = next(c for c in self._grid_choice if c["scope"] == "regional_grid")
        grid = next(
            (g["grid_name"] for g in self._province_grids
             if g["grid_scheme"] == choice["grid_scheme"] and g["province_code"] == province_adcode),
            None,
        )
        rows = [g for g in self._grid_factors if g["factor_set"] == choice["factor_set"] and g["scope"] == "regional_grid"]
        for row in rows:
            if row["grid_name"] == grid:
                return float(row["ef_tco2_per_mwh"])
        # Hong Kong and Macao belong to no mainland grid in the 2012 scheme: use the mean.
        return sum(float(r["ef_tco2_per_mwh"]) for r in rows) / len(rows)

    def item_name(self, item_code: str) -> str:
        return next(r["name_zh"] for r in self.balance_items if r["item_code"] == item_code)
