"""GDP, growth indices, industrial value added and population for every region and year.

Index consistency is built in: the published "previous year = 100" indices are rounded first
and the 2005 = 100 index is the chain of those rounded indices, so a reader can recompute one
from the other. Current-price GDP of the children is rescaled to a little off the parent's
(±1.5 %), as real city totals never match the province exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.samplegen import profiles
from pipelines.samplegen.geography import Geography, Unit
from pipelines.samplegen.randomness import stream

ALL_YEARS = tuple(range(2005, 2021))  # 2006–2009 are needed to chain the 2005 = 100 index


@dataclass
class RegionYear:
    gdp_current_100m_yuan: float
    gdp_index_prev_year: float
    gdp_index_2005: float
    industry_va_100m_yuan: float
    industry_va_index_2005: float
    population_10k: float
    urban_population_10k: float

    @property
    def rural_population_10k(self) -> float:
        return self.population_10k - self.urban_population_10k


def _chain(prev_indices: dict[int, float]) -> dict[int, float]:
    """2005 = 100 index from previous-year indices (already rounded as published)."""
    level, out = 100.0, {2005: 100.0}
    for year in ALL_YEARS[1:]:
        level *= prev_indices[year] / 100.0
        out[year] = level
    return out


def _province_urban_share(year: int) -> float:
    # Gansu's urbanisation: ≈30 % in 2005, 43.2 % in 2015, 52 % in 2020 (rounded public figures).
    points = {2005: 0.30, 2010: 0.36, 2015: 0.432, 2020: 0.523}
    keys = sorted(points)
    for lo, hi in zip(keys, keys[1:]):
        if lo <= year <= hi:
            return points[lo] + (points[hi] - points[lo]) * (year - lo) / (hi - lo)
    return points[keys[-1]]


class Economy:
    """Series for every region of one province: `economy[adcode][year] → RegionYear`."""

    def __init__(self, geography: Geography, seed: int):
        self.geography = geography
        self.seed = seed
        self.series: dict[str, dict[int, RegionYear]] = {}
        # Children's previous-year indices for every year 2005–2020, including the unpublished
        # 2006–2009 ones that their grandchildren chain from.
        self._prev_indices: dict[tuple[str, str], dict[int, float]] = {}
        self._build()

    def __getitem__(self, adcode: str) -> dict[int, RegionYear]:
        return self.series[adcode]

    # ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        scale = self.geography.scale
        province = self.geography.province.adcode
        gdp_prev = {y: round(v, 1) for y, v in profiles.GANSU_GDP_INDEX_PREV_YEAR.items()}
        industry_prev = {y: round(v, 1) for y, v in profiles.GANSU_INDUSTRY_INDEX_PREV_YEAR.items()}
        gdp_current = {y: v * scale for y, v in profiles.GANSU_GDP_CURRENT_100M_YUAN.items()}
        industry_current = {y: v * scale for y, v in profiles.GANSU_INDUSTRY_VA_100M_YUAN.items()}
        population = {y: v * scale**0.7 for y, v in profiles.GANSU_POPULATION_10K.items()}
        gdp_chain, industry_chain = _chain(gdp_prev), _chain({2005: 100.0, **industry_prev})
        self.series[province] = {
            year: RegionYear(
                gdp_current[year], gdp_prev[year], gdp_chain[year], industry_current[year], industry_chain[year],
                population[year], population[year] * _province_urban_share(year),
            )
            for year in profiles.STAT_YEARS
        }
        # Deflator of current-price GDP relative to 2015, shared by the children.
        deflator = {
            y: gdp_current[y] / (gdp_current[2015] * gdp_chain[y] / gdp_chain[2015]) for y in profiles.STAT_YEARS
        }
        self._children(province, self.geography.level2, gdp_prev, industry_prev, deflator, sum_band=(0.99, 1.015))
        for unit in self.geography.level2:
            if unit.children:
                self._children(unit.adcode, unit.children, self._prev(unit.adcode, "gdp"),
                               self._prev(unit.adcode, "industry"), deflator, sum_band=(0.975, 1.005))

    def _prev(self, adcode: str, kind: str) -> dict[int, float]:
        return self._prev_indices[(adcode, kind)]

    def _children(self, parent: str, units: list[Unit], parent_gdp_prev: dict[int, float],
                  parent_industry_prev: dict[int, float], deflator: dict[int, float],
                  sum_band: tuple[float, float]) -> None:
        if not units:
            return
        parent_series = self.series[parent]
        gdp_weights = _normalise({u.adcode: u.gdp_weight for u in units})
        population_weights = _normalise({u.adcode: u.population_weight for u in units})
        rng = stream(self.seed, self.geography.province.adcode, "economy", parent)
        years_sum_ratio = {y: rng.uniform(*sum_band) for y in profiles.STAT_YEARS}
        raw_gdp: dict[str, dict[int, float]] = {}
        per_unit: dict[str, dict] = {}
        for unit in units:
            urng = stream(self.seed, self.geography.province.adcode, "economy", unit.adcode)
            gdp_prev = {y: round(parent_gdp_prev[y] + unit.growth_pp + urng.gauss(0, 0.6), 1) for y in ALL_YEARS}
            industry_prev = {y: round(parent_industry_prev.get(y, 100.0) + 1.3 * unit.growth_pp + urng.gauss(0, 1.2), 1)
                             for y in ALL_YEARS[1:]}
            self._prev_indices[(unit.adcode, "gdp")] = gdp_prev
            self._prev_indices[(unit.adcode, "industry")] = {2005: 100.0, **industry_prev}
            gdp_chain, industry_chain = _chain(gdp_prev), _chain({2005: 100.0, **industry_prev})
            gdp_2015 = parent_series[2015].gdp_current_100m_yuan * gdp_weights[unit.adcode]
            raw_gdp[unit.adcode] = {
                y: gdp_2015 * gdp_chain[y] / gdp_chain[2015] * deflator[y] for y in profiles.STAT_YEARS
            }
            trend = urng.gauss(0.0, 0.003) + (0.004 if unit.adcode in ("620100",) else 0.0)
            per_unit[unit.adcode] = dict(gdp_prev=gdp_prev, gdp_chain=gdp_chain, industry_chain=industry_chain,
                                         trend=trend, urban_jitter=urng.gauss(0, 0.01))
        population_totals = {y: sum(population_weights[u.adcode] * (1 + per_unit[u.adcode]["trend"] * (y - 2015))
                                    for u in units) for y in profiles.STAT_YEARS}
        province_urban_2015 = _province_urban_share(2015)
        for year in profiles.STAT_YEARS:
            total = sum(raw_gdp[u.adcode][year] for u in units)
            target = parent_series[year].gdp_current_100m_yuan * years_sum_ratio[year]
            parent_industry_share = parent_series[year].industry_va_100m_yuan / parent_series[year].gdp_current_100m_yuan
            parent_industry_share_2015 = parent_series[2015].industry_va_100m_yuan / parent_series[2015].gdp_current_100m_yuan
            for unit in units:
                info = per_unit[unit.adcode]
                gdp = raw_gdp[unit.adcode][year] * target / total
                industry = gdp * min(0.85, unit.industry_share * parent_industry_share / parent_industry_share_2015)
                share = population_weights[unit.adcode] * (1 + info["trend"] * (year - 2015)) / population_totals[year]
                population = parent_series[year].population_10k * share * (0.997 if len(units) > 1 else 1.0)
                urban_share = unit.urban_share_2015 + (_province_urban_share(year) - province_urban_2015) + info["urban_jitter"]
                urban_share = min(0.97, max(0.1, urban_share))
                self.series.setdefault(unit.adcode, {})[year] = RegionYear(
                    gdp, info["gdp_prev"][year], info["gdp_chain"][year], industry, info["industry_chain"][year],
                    population, population * urban_share,
                )


def _normalise(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}
