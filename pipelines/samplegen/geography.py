"""A province's regions and the static profile of each: how big it is and what it does.

Level 2 are the province's direct children (prefecture-level units, or the counties of a
municipality); level 3 are the counties under a level-2 unit. Each unit gets weights for the
"drivers" that place energy flows, enterprises and GDP inside its parent. Gansu's cities use the
hand-written profiles; every other unit gets seeded random weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.samplegen import profiles
from pipelines.samplegen.randomness import lognormal_factor, stream
from pipelines.samplegen.reference import Reference, Region

# Drivers placed by location-specific industry: most units have little or none of them.
PRODUCTION_DRIVERS = (
    "thermal_power", "steel", "refining", "industry_coal", "industry_elec", "chemical",
    "coal_mining", "oil_production", "gas_production", "hydro", "wind", "solar", "transport",
)
# Drivers that are "lumpy": a plant or a field sits in a few places only.
LUMPY_DRIVERS = ("steel", "refining", "chemical", "coal_mining", "oil_production", "gas_production", "hydro", "wind", "solar")


@dataclass
class Unit:
    region: Region
    gdp_weight: float  # share of the parent's GDP in 2015 (normalised among siblings)
    population_weight: float
    urban_share_2015: float
    industry_share: float  # industrial value added / GDP in 2015
    growth_pp: float  # persistent real-growth deviation from the parent, percentage points
    drivers: dict[str, float]  # relative weights among siblings, not normalised
    children: list["Unit"] = field(default_factory=list)

    @property
    def adcode(self) -> str:
        return self.region.adcode


@dataclass
class Geography:
    province: Region
    scale: float  # size relative to Gansu
    level2: list[Unit]

    def all_regions(self) -> list[Region]:
        """Province, then each level-2 unit followed by its counties (the sheet order)."""
        regions = [self.province]
        for unit in self.level2:
            regions.append(unit.region)
            regions.extend(child.region for child in unit.children)
        return regions

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        for unit in self.level2:
            out.append(unit)
            out.extend(unit.children)
        return out

    def county_units(self) -> list[Unit]:
        """The finest units: counties, or level-2 units that have no counties (嘉峪关市)."""
        out: list[Unit] = []
        for unit in self.level2:
            out.extend(unit.children if unit.children else [unit])
        return out


def _random_drivers(rng, lumpy_zero_probability: float) -> dict[str, float]:
    drivers = {}
    for name in PRODUCTION_DRIVERS:
        weight = lognormal_factor(rng, 1.0)
        if name in LUMPY_DRIVERS and rng.random() < lumpy_zero_probability:
            weight = 0.0
        drivers[name] = weight
    return drivers


def _county_unit(region: Region, seed: int, parent: Unit) -> Unit:
    rng = stream(seed, region.province_adcode, "geography", region.adcode)
    is_district = region.division_type == "市辖区"
    emphasis = profiles.COUNTY_EMPHASIS.get(region.adcode, {})
    gdp_weight = lognormal_factor(rng, 0.45) * (1.8 if is_district else 1.0) * emphasis.get("gdp", 1.0)
    population_weight = lognormal_factor(rng, 0.35) * (1.3 if is_district else 1.0)
    drivers = {}
    for name in PRODUCTION_DRIVERS:
        base = lognormal_factor(rng, 0.6)
        if name in LUMPY_DRIVERS:
            # Counties without a known plant keep a small share, so city totals are not all
            # in one county; known ones (COUNTY_EMPHASIS) dominate.
            lottery = rng.random()
            base *= 0.15 if (name in emphasis or lottery < 0.5) else 0.02
        elif name in ("thermal_power", "industry_coal", "industry_elec"):
            base *= 1.5 if is_district else 0.6
        drivers[name] = base * emphasis.get(name, 1.0)
    urban = min(0.95, max(0.12, parent.urban_share_2015 * (1.6 if is_district else 0.75) + rng.gauss(0, 0.04)))
    industry = min(0.7, max(0.05, parent.industry_share * lognormal_factor(rng, 0.25)))
    return Unit(region, gdp_weight, population_weight, urban, industry, parent.growth_pp + rng.gauss(0, 0.8), drivers)


def build_geography(ref: Reference, province_adcode: str, seed: int) -> Geography:
    province = ref.regions[province_adcode]
    rng = stream(seed, province_adcode, "geography")
    level2: list[Unit] = []
    for region in ref.children.get(province_adcode, []):
        profile = profiles.CITY_PROFILES.get(region.adcode) if province_adcode == profiles.GANSU else None
        if profile is not None:
            unit = Unit(region, profile["gdp_2015"], profile["population_2015"], profile["urban"], profile["industry"],
                        profile["growth_pp"], dict(profile["drivers"]))
        else:
            unit = Unit(
                region,
                gdp_weight=lognormal_factor(rng, 0.6),
                population_weight=lognormal_factor(rng, 0.5),
                urban_share_2015=min(0.95, max(0.25, rng.gauss(0.55, 0.15))),
                industry_share=min(0.6, max(0.12, rng.gauss(0.33, 0.08))),
                growth_pp=rng.gauss(0.0, 0.8),
                drivers=_random_drivers(rng, 0.45),
            )
        unit.children = [_county_unit(child, seed, unit) for child in ref.children.get(region.adcode, [])]
        level2.append(unit)
    return Geography(province, profiles.province_scale(province_adcode), level2)
