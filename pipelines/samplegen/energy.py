"""Energy balances (实物量) for a province, its cities and counties, calibrated and closed.

How the numbers are made:

1. **Province flows** for a year are built from 2015 base quantities and activity indices
   (electricity and heat demand, steel, refining, sector growth, fuel-switching trends). Power
   generation is derived from the electricity balance (thermal output = final use + losses −
   primary generation − net inflow), and its fuel inputs from a heat rate.
2. **Calibration**: two scalars per year — `s` on final fossil use and `lam` on the energy that
   is not burnt in the region (refinery throughput whose products are exported, feedstock) — are
   solved exactly (both quantities are affine in them) so that total energy (tce) and the
   electricity-adjusted CO2 hit the targets in `profiles`. The platform's formulas are used
   verbatim (see `energy_tce` and `combustion_co2_t`).
3. **Disaggregation**: each flow is placed in cities and counties by a driver (GDP, urban
   population, thermal power, steel, refining, wind, …) times a coverage factor below 1, so
   that children sum to 95–99 % (cities) and 94–98.5 % (counties) of their parent — the
   remainder is the unallocated provincial part (cross-boundary transport, grids).
4. **Publication**: every cell is rounded to 0.01 of its published unit as integer hundredths,
   and the supply side is closed in integers (inflow/outflow, or generation/heat output for
   the province), so every sheet balances exactly as published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.samplegen import profiles
from pipelines.samplegen.balance_fuels import (
    MORE_REFINERY_YIELDS,
    RANDOM_DRAW_ORDER,
    TOWN_GAS,
    add_more_fuels,
    driver_of,
)
from pipelines.samplegen.economy import Economy
from pipelines.samplegen.geography import Geography, Unit
from pipelines.samplegen.randomness import lognormal_factor, stream
from pipelines.samplegen.reference import CANONICAL_PER_PUBLISHED, Reference

FINAL_SECTORS = (
    "final_agriculture", "final_industry_combustion", "final_construction", "final_transport",
    "final_commerce", "final_other", "final_household_urban", "final_household_rural",
)
TRANSFORMS = ("transform_thermal_power", "transform_heating", "transform_coking", "transform_refining", "transform_recovery")
# Components carried internally (published units, transformation rows signed as published).
COMPONENTS = ("production", *TRANSFORMS, "loss", *FINAL_SECTORS, "final_industry_feedstock")
# The rows of a published sheet, in ref_energy_balance_items order.
PUBLISHED_ITEMS = (
    "production", "inflow", "outflow", "stock_change", "available", *TRANSFORMS, "loss", "final_total",
    "final_agriculture", "final_industry", "final_industry_feedstock", "final_construction", "final_transport",
    "final_commerce", "final_other", "final_household_urban", "final_household_rural",
)
FINAL_ROWS = (
    "final_agriculture", "final_industry", "final_construction", "final_transport", "final_commerce",
    "final_other", "final_household_urban", "final_household_rural",
)
GENERATION_KINDS = ("hydro", "wind", "solar")
STORABLE = {"raw_coal", "cleaned_coal", "coke", "crude_oil", "gasoline", "kerosene", "diesel", "fuel_oil", "lpg"}


def _path(points: dict[int, float], year: int) -> float:
    """Piecewise-linear interpolation through anchor years (flat outside them)."""
    keys = sorted(points)
    if year <= keys[0]:
        return points[keys[0]]
    for lo, hi in zip(keys, keys[1:]):
        if lo <= year <= hi:
            return points[lo] + (points[hi] - points[lo]) * (year - lo) / (hi - lo)
    return points[keys[-1]]


# --------------------------------------------------------------------------------------------
# 2015 base quantities for Gansu in published units (万吨 / 亿立方米), invented but sized from
# Gansu's real 2015 totals. Final use before the calibration scalar `s`.
BASE_FINAL_2015 = {
    "raw_coal": dict(final_agriculture=45, final_industry_combustion=1850, final_construction=20, final_transport=8,
                     final_commerce=70, final_other=85, final_household_urban=60, final_household_rural=240),
    "cleaned_coal": dict(final_industry_combustion=40),
    "coke": dict(final_industry_combustion=440, final_commerce=1, final_household_rural=4),
    "crude_oil": dict(final_industry_combustion=4),
    "gasoline": dict(final_agriculture=5, final_industry_combustion=12, final_construction=4, final_transport=95,
                     final_commerce=8, final_other=18, final_household_urban=20, final_household_rural=6),
    "kerosene": dict(final_industry_combustion=1, final_transport=22, final_other=0.5),
    "diesel": dict(final_agriculture=50, final_industry_combustion=60, final_construction=25, final_transport=200,
                   final_commerce=5, final_other=8, final_household_urban=3, final_household_rural=10),
    "fuel_oil": dict(final_industry_combustion=8, final_transport=3),
    "lpg": dict(final_industry_combustion=3, final_commerce=6, final_other=2, final_household_urban=8, final_household_rural=2),
    "refinery_gas": dict(final_industry_combustion=46),
    "natural_gas": dict(final_industry_combustion=8, final_construction=0.1, final_transport=2.5, final_commerce=2,
                        final_other=1.5, final_household_urban=5, final_household_rural=0.2),
    "coke_oven_gas": dict(final_industry_combustion=14, final_household_urban=0.5),
}
# Non-energy use (其中：用作原料、材料), scaled by `lam` with refinery throughput.
BASE_FEEDSTOCK_2015 = {"raw_coal": 330, "natural_gas": 4, "lpg": 2, "refinery_gas": 6}
BASE_COKE_OUTPUT_2015 = 400.0  # 万吨
COKE_YIELD = 0.70  # t coke per t cleaned coal
COKE_OVEN_GAS_PER_COKE = 0.04  # 亿m³ per 万t coke (400 m³/t)
BASE_CRUDE_RUNS_2015 = 1550.0  # 万吨 crude into refining
# Product yields of crude runs (naphtha, bitumen, petroleum coke … in balance_fuels; the rest is
# the refinery's own use and losses).
REFINERY_YIELDS = {"gasoline": 0.22, "kerosene": 0.035, "diesel": 0.36, "fuel_oil": 0.02, "lpg": 0.03, "refinery_gas": 0.04,
                   **MORE_REFINERY_YIELDS}
BASE_FINAL_HEAT_2015 = 13000.0  # 万百万千焦
HEAT_SECTOR_SHARES = {"final_industry_combustion": 0.56, "final_commerce": 0.05, "final_other": 0.09, "final_household_urban": 0.30}
CHP_HEAT_SHARE = 0.6  # heat from combined heat and power (counted in 火力发电) vs heat-only boilers (供热)
ELECTRICITY_SECTOR_SHARES_NON_INDUSTRY = {  # of the non-industrial part of final electricity
    "final_agriculture": 0.09, "final_construction": 0.053, "final_transport": 0.10, "final_commerce": 0.13,
    "final_other": 0.20, "final_household_urban": 0.25, "final_household_rural": 0.177,
}
BASE_PRODUCTION_2015 = {"raw_coal": 4350.0, "crude_oil": 700.0, "natural_gas": 3.0}
THERMAL_FUEL_TCE_SHARES = {"natural_gas": 0.012, "coke_oven_gas": 0.010, "refinery_gas": 0.006, "fuel_oil": 0.003, "diesel": 0.002,
                           "blast_furnace_gas": 0.02, "coal_gangue": 0.015}
STEEL_WORKS_GASES = ("coke_oven_gas", "blast_furnace_gas")  # follow steel output

INDICES = {
    "heat": {2005: 0.55, 2010: 0.78, 2015: 1.0, 2020: 1.18},
    "steel": {2005: 0.65, 2010: 0.88, 2012: 1.0, 2014: 1.05, 2015: 1.0, 2016: 0.9, 2017: 0.94, 2018: 1.0, 2020: 1.04},
    "refining": {2005: 0.85, 2010: 1.1, 2013: 1.12, 2015: 1.0, 2016: 1.04, 2017: 0.97, 2018: 0.92, 2020: 0.9},
    "refinery_yield_scale": {2005: 0.95, 2010: 0.97, 2015: 1.0, 2020: 1.08},
    "feedstock": {2005: 0.75, 2010: 1.0, 2015: 1.0, 2018: 0.9, 2020: 0.85},
    "coal_production": {2005: 0.85, 2010: 1.0, 2013: 1.1, 2015: 1.0, 2017: 0.88, 2020: 0.95},
    "oil_production": {2005: 0.6, 2010: 0.8, 2015: 1.0, 2020: 1.25},
    "gas_production": {2005: 0.5, 2010: 0.8, 2015: 1.0, 2020: 1.6},
    # Power-plant heat rate incl. own use, tce per MWh of net output.
    "heat_rate_tce_per_mwh": {2005: 0.345, 2010: 0.330, 2015: 0.318, 2020: 0.305},
    "electricity_loss_rate": {2005: 0.075, 2010: 0.07, 2015: 0.065, 2020: 0.058},
    "electricity_industry_share": {2005: 0.80, 2010: 0.80, 2015: 0.78, 2020: 0.74},
    "heating_gas_share": {2005: 0.04, 2010: 0.10, 2015: 0.16, 2020: 0.22},
}
SECTOR_INDICES = {
    "final_industry_combustion": {2005: 0.62, 2010: 0.88, 2013: 1.05, 2015: 1.0, 2020: 0.98},
    "final_agriculture": {2005: 0.8, 2010: 0.9, 2015: 1.0, 2020: 1.05},
    "final_construction": {2005: 0.4, 2010: 0.7, 2015: 1.0, 2020: 1.2},
    "final_transport": {2005: 0.45, 2010: 0.72, 2015: 1.0, 2020: 1.3},
    "final_commerce": {2005: 0.5, 2010: 0.75, 2015: 1.0, 2020: 1.2},
    "final_other": {2005: 0.6, 2010: 0.8, 2015: 1.0, 2020: 1.1},
    "final_household_urban": {2005: 0.6, 2010: 0.8, 2015: 1.0, 2020: 1.1},
    "final_household_rural": {2005: 1.1, 2010: 1.05, 2015: 1.0, 2020: 0.85},
}
FUEL_TRENDS = {  # fuel switching within a sector, 2015 = 1
    "coal": {2005: 1.12, 2010: 1.06, 2015: 1.0, 2020: 0.95},
    "natural_gas": {2005: 0.3, 2010: 0.6, 2015: 1.0, 2020: 1.5},
}

@dataclass
class Flows:
    """Unrounded flows of one region-year in published units."""

    values: dict[str, dict[str, float]] = field(default_factory=lambda: {c: {} for c in COMPONENTS})
    generation: dict[str, float] = field(default_factory=dict)  # hydro/wind/solar, 亿kWh
    electricity_inflow: float | None = None  # fixed flows (province only), 亿kWh
    electricity_outflow: float | None = None

    def add(self, component: str, fuel: str, value: float) -> None:
        if value:
            self.values[component][fuel] = self.values[component].get(fuel, 0.0) + value

    def scaled(self, factor_of) -> "Flows":
        """A child's flows: each value times factor_of(component, fuel)."""
        child = Flows()
        for component, by_fuel in self.values.items():
            for fuel, value in by_fuel.items():
                if (component, fuel) != ("production", "electricity"):
                    child.values[component][fuel] = value * factor_of(component, fuel)
        # Primary electricity is placed plant type by plant type (wind in Jiuquan, hydro in Linxia).
        for kind, value in self.generation.items():
            child.generation[kind] = value * factor_of("production_" + kind, "electricity")
        child.add("production", "electricity", sum(child.generation.values()))
        return child


@dataclass
class Balance:
    """One published sheet: integer hundredths of the published unit, per item and fuel."""

    adcode: str
    year: int
    cells: dict[str, dict[str, int]]
    generation_cents: dict[str, int]

    def value(self, item: str, fuel: str) -> float:
        return self.cells[item].get(fuel, 0) / 100.0


def _index(name: str, year: int) -> float:
    """The year's value of a sector index, a fuel trend or an activity index (2015 = 1)."""
    if name in SECTOR_INDICES:
        return _path(SECTOR_INDICES[name], year)
    if name == "coal_trend":
        return _path(FUEL_TRENDS["coal"], year)
    return _path(TOWN_GAS if name == "town_gas" else INDICES[name], year)


# --------------------------------------------------------------------------------------------
# The platform's formulas (sources/README.md, brief): keep these in step with the dbt models.
def energy_tce(ref: Reference, cells: dict[str, dict[str, int]]) -> float:
    """Σ_fuel tce × (final_total + loss − Σ transformation rows as signed), in tce."""
    total_10k_tce = 0.0
    for fuel in ref.balance_fuels():
        amount = cells["final_total"].get(fuel.code, 0) + cells["loss"].get(fuel.code, 0)
        amount -= sum(cells[t].get(fuel.code, 0) for t in TRANSFORMS)
        total_10k_tce += amount / 100.0 * fuel.tce_10k_per_published_unit
    return total_10k_tce * 10_000.0


def combustion_co2_t(ref: Reference, cells: dict[str, dict[str, int]]) -> float:
    """Σ fuels whose CO2 counts (ref_fuels.combustion_rule = counted): (final rows − feedstock +
    inputs to thermal power and heating) × NCV × CC × OF × 44/12, t."""
    co2_t = 0.0
    for fuel in ref.co2_counted_fuels():
        amount = sum(cells[row].get(fuel.code, 0) for row in FINAL_ROWS) - cells["final_industry_feedstock"].get(fuel.code, 0)
        for transform in ("transform_thermal_power", "transform_heating"):
            value = cells[transform].get(fuel.code, 0)
            if value < 0:
                amount -= value
        canonical = amount / 100.0 * CANONICAL_PER_PUBLISHED[fuel.canonical_unit]
        co2_t += canonical * ref.factors[fuel.code].co2_t_per_unit
    return co2_t


def net_electricity_inflow_mwh(cells: dict[str, dict[str, int]]) -> float:
    return (cells["inflow"].get("electricity", 0) + cells["outflow"].get("electricity", 0)) / 100.0 * 100_000.0


class EnergyModel:
    """Balances of every region and statistical year of one province."""

    def __init__(self, ref: Reference, geography: Geography, economy: Economy, seed: int):
        self.ref = ref
        self.geography = geography
        self.economy = economy
        self.seed = seed
        self.province = geography.province.adcode
        self.scale = geography.scale
        self.grid_factor = {y: ref.grid_factor_t_per_mwh(self.province, y) for y in profiles.STAT_YEARS}
        self.calibration: dict[int, dict[str, float]] = {}
        self.balances: dict[tuple[str, int], Balance] = {}
        self._build()

    # ---------------------------------------------------------------- province flows
    def _tce(self, fuel: str) -> float:
        return self.ref.fuels[fuel].tce_10k_per_published_unit

    def province_flows(self, year: int, s: float, lam: float) -> Flows:
        f = self.scale
        flows = Flows()
        # Electricity: demand, losses, primary generation and fixed flows; thermal output closes.
        demand = profiles.GANSU_FINAL_ELECTRICITY_100M_KWH[year] * f
        industry_share = _path(INDICES["electricity_industry_share"], year)
        flows.add("final_industry_combustion", "electricity", demand * industry_share)
        for sector, share in ELECTRICITY_SECTOR_SHARES_NON_INDUSTRY.items():
            flows.add(sector, "electricity", demand * (1 - industry_share) * share)
        electricity_loss = demand * _path(INDICES["electricity_loss_rate"], year)
        flows.add("loss", "electricity", electricity_loss)
        flows.generation = {
            "hydro": profiles.GANSU_HYDRO_100M_KWH[year] * f,
            "wind": profiles.GANSU_WIND_100M_KWH[year] * f,
            "solar": profiles.GANSU_SOLAR_100M_KWH[year] * f,
        }
        primary = sum(flows.generation.values())
        flows.add("production", "electricity", primary)
        flows.electricity_inflow = profiles.GANSU_ELECTRICITY_INFLOW_100M_KWH[year] * f
        flows.electricity_outflow = profiles.GANSU_ELECTRICITY_OUTFLOW_100M_KWH[year] * f
        thermal_output = demand + electricity_loss - (primary + flows.electricity_inflow - flows.electricity_outflow)
        flows.add("transform_thermal_power", "electricity", thermal_output)

        # Heat: final use by sector, 4 % losses, split between CHP and heat-only boilers.
        heat_final = BASE_FINAL_HEAT_2015 * _path(INDICES["heat"], year) * f
        for sector, share in HEAT_SECTOR_SHARES.items():
            flows.add(sector, "heat", heat_final * share)
        heat_loss = heat_final * 0.04
        flows.add("loss", "heat", heat_loss)
        chp_heat = (heat_final + heat_loss) * CHP_HEAT_SHARE
        boiler_heat = heat_final + heat_loss - chp_heat
        flows.add("transform_thermal_power", "heat", chp_heat)
        flows.add("transform_heating", "heat", boiler_heat)

        # Fuel into thermal power: heat rate for electricity, 85 % efficiency for CHP heat.
        thermal_input_10k_tce = thermal_output * 10 * _path(INDICES["heat_rate_tce_per_mwh"], year)
        thermal_input_10k_tce += chp_heat * self._tce("heat") / 0.85
        coal_share = 1.0
        steel = _path(INDICES["steel"], year)
        for fuel, share in THERMAL_FUEL_TCE_SHARES.items():
            share = share * (steel if fuel in STEEL_WORKS_GASES else 1.0)
            coal_share -= share
            flows.add("transform_thermal_power", fuel, -thermal_input_10k_tce * share / self._tce(fuel))
        flows.add("transform_thermal_power", "raw_coal", -thermal_input_10k_tce * coal_share / self._tce("raw_coal"))
        # Heat-only boilers: 80 % efficiency, gas share rising.
        boiler_input_10k_tce = boiler_heat * self._tce("heat") / 0.80
        gas_share = _path(INDICES["heating_gas_share"], year)
        flows.add("transform_heating", "natural_gas", -boiler_input_10k_tce * gas_share / self._tce("natural_gas"))
        flows.add("transform_heating", "fuel_oil", -boiler_input_10k_tce * 0.01 / self._tce("fuel_oil"))
        flows.add("transform_heating", "raw_coal", -boiler_input_10k_tce * (0.99 - gas_share) / self._tce("raw_coal"))

        # Coking follows steel; refining follows its index times the calibration scalar.
        coke = BASE_COKE_OUTPUT_2015 * steel * f
        flows.add("transform_coking", "coke", coke)
        flows.add("transform_coking", "coke_oven_gas", coke * COKE_OVEN_GAS_PER_COKE)
        flows.add("transform_coking", "cleaned_coal", -coke / COKE_YIELD)
        crude_runs = BASE_CRUDE_RUNS_2015 * _path(INDICES["refining"], year) * lam * f
        flows.add("transform_refining", "crude_oil", -crude_runs)
        # Upgraded refineries recover more light products per tonne of crude over the years.
        yield_scale = _path(INDICES["refinery_yield_scale"], year)
        for product, product_yield in REFINERY_YIELDS.items():
            flows.add("transform_refining", product, crude_runs * product_yield * yield_scale)

        # Final fossil use: base × sector index × fuel trend × s; feedstock × its index × lam.
        for fuel, sectors in BASE_FINAL_2015.items():
            group = self.ref.fuels[fuel].group
            trend = _path(FUEL_TRENDS["coal"], year) if group == "coal" else (
                _path(FUEL_TRENDS["natural_gas"], year) if fuel == "natural_gas" else 1.0)
            for sector, base in sectors.items():
                index = _path(SECTOR_INDICES[sector], year)
                if fuel == "coke_oven_gas" or (fuel == "coke" and sector == "final_industry_combustion"):
                    index, trend_here = steel, 1.0  # steel works burn what the coke ovens make
                else:
                    trend_here = trend
                flows.add(sector, fuel, base * index * trend_here * s * f)
        for fuel, base in BASE_FEEDSTOCK_2015.items():
            flows.add("final_industry_feedstock", fuel, base * _path(INDICES["feedstock"], year) * lam * f)
        add_more_fuels(flows, lambda name: _index(name, year), s, lam, f)

        # Losses in distribution: coal handling, gas pipelines, coke-oven gas flaring.
        flows.add("loss", "raw_coal", 0.004 * self._demand(flows, "raw_coal"))
        flows.add("loss", "natural_gas", 0.015 * self._demand(flows, "natural_gas"))
        flows.add("loss", "coke_oven_gas", 0.02 * flows.values["transform_coking"].get("coke_oven_gas", 0.0))

        flows.add("production", "raw_coal", BASE_PRODUCTION_2015["raw_coal"] * _path(INDICES["coal_production"], year) * f)
        flows.add("production", "crude_oil", BASE_PRODUCTION_2015["crude_oil"] * _path(INDICES["oil_production"], year) * f)
        flows.add("production", "natural_gas", BASE_PRODUCTION_2015["natural_gas"] * _path(INDICES["gas_production"], year) * f)
        return flows

    @staticmethod
    def _demand(flows: Flows, fuel: str) -> float:
        total = sum(flows.values[s].get(fuel, 0.0) for s in FINAL_SECTORS) + flows.values["final_industry_feedstock"].get(fuel, 0.0)
        total -= sum(min(0.0, flows.values[t].get(fuel, 0.0)) for t in TRANSFORMS)
        return total

    # ---------------------------------------------------------------- targets and calibration
    def targets(self) -> dict[int, dict[str, float]]:
        """Total energy (tce) and electricity-adjusted CO2 (t) the province must show each year."""
        province = self.economy[self.province]
        real_gdp = {y: province[y].gdp_index_2005 for y in profiles.STAT_YEARS}
        anchors = profiles.GANSU_ENERGY_ANCHORS_10K_TCE
        energy = {y: v * self.scale * 10_000 for y, v in anchors.items()}
        # 2011–2014: equal annual intensity decline between the 2010 and 2015 anchors.
        intensity_2010, intensity_2015 = energy[2010] / real_gdp[2010], energy[2015] / real_gdp[2015]
        for year in range(2011, 2015):
            intensity = intensity_2010 * (intensity_2015 / intensity_2010) ** ((year - 2010) / 5)
            energy[year] = intensity * real_gdp[year]
        intensity = intensity_2015
        for year in range(2016, 2021):
            intensity *= 1 - profiles.GANSU_ENERGY_INTENSITY_DECLINE[year]
            energy[year] = intensity * real_gdp[year]

        ratios = dict(profiles.GANSU_CO2_INTENSITY_RATIO_TO_2015)
        ratios[2015] = 1.0
        for year in range(2011, 2015):
            ratios[year] = ratios[2010] * (1.0 / ratios[2010]) ** ((year - 2010) / 5)
        net_inflow_2015_mwh = (profiles.GANSU_ELECTRICITY_INFLOW_100M_KWH[2015]
                               - profiles.GANSU_ELECTRICITY_OUTFLOW_100M_KWH[2015]) * self.scale * 100_000
        co2_for_intensity_2015 = profiles.GANSU_DIRECT_CO2_2015_MT * 1e6 * self.scale + net_inflow_2015_mwh * self.grid_factor[2015]
        out = {}
        for year in profiles.STAT_YEARS:
            co2_for_intensity = co2_for_intensity_2015 * ratios[year] * real_gdp[year] / real_gdp[2015]
            net_inflow_mwh = (profiles.GANSU_ELECTRICITY_INFLOW_100M_KWH[year]
                              - profiles.GANSU_ELECTRICITY_OUTFLOW_100M_KWH[year]) * self.scale * 100_000
            out[year] = {
                "energy_tce": energy[year],
                "co2_for_intensity_t": co2_for_intensity,
                "direct_co2_t": co2_for_intensity - net_inflow_mwh * self.grid_factor[year],
            }
        return out

    def _metrics(self, flows: Flows) -> tuple[float, float]:
        cells = _unrounded_cells(flows)
        return energy_tce(self.ref, cells), combustion_co2_t(self.ref, cells)

    def calibrate(self, year: int, target: dict[str, float]) -> tuple[float, float]:
        """Solve (s, lam) exactly: CO2 depends on s only, energy on both (both affine)."""
        e00, c00 = self._metrics(self.province_flows(year, 0.0, 0.0))
        e10, c10 = self._metrics(self.province_flows(year, 1.0, 0.0))
        e01, _ = self._metrics(self.province_flows(year, 0.0, 1.0))
        s = (target["direct_co2_t"] - c00) / (c10 - c00)
        lam = (target["energy_tce"] - e00 - s * (e10 - e00)) / (e01 - e00)
        return s, lam

    # ---------------------------------------------------------------- regions
    def _driver_weights(self, units: list[Unit], year: int) -> dict[str, dict[str, float]]:
        """Normalised weights {driver: {adcode: weight}} of sibling units for one year."""
        raw: dict[str, dict[str, float]] = {}
        for unit in units:
            econ = self.economy[unit.adcode][year]
            rng = stream(self.seed, self.province, "energy-drivers", unit.adcode, year)
            shocks = profiles.CITY_SHOCKS.get(unit.adcode, {}).get(year, {}) if self.province == profiles.GANSU else {}
            weights = {
                "gdp": econ.gdp_current_100m_yuan,
                "services": econ.gdp_current_100m_yuan - econ.industry_va_100m_yuan,
                "industry_oil": econ.industry_va_100m_yuan,
                "urban_population": econ.urban_population_10k,
                "rural_population": econ.rural_population_10k,
                "agriculture": econ.rural_population_10k,
                "heating": econ.urban_population_10k,
            }
            for name, value in unit.drivers.items():
                weights[name] = value * lognormal_factor(rng, 0.03) * shocks.get(name, 1.0)
            for name, value in weights.items():
                raw.setdefault(name, {})[unit.adcode] = value
        normalised = {}
        for name, by_unit in raw.items():
            total = sum(by_unit.values())
            if total <= 0:  # nobody has it: spread by GDP
                by_unit, total = raw["gdp"], sum(raw["gdp"].values())
            normalised[name] = {k: v / total for k, v in by_unit.items()}
        # Gas in industry goes where coal boilers and chemical plants are.
        normalised["industry_gas"] = {
            k: 0.6 * normalised["industry_coal"][k] + 0.4 * normalised["chemical"][k] for k in normalised["gdp"]
        }
        return normalised

    def _coverage(self, parent: str, year: int, low: float, high: float):
        """Coverage factor per (component, fuel): one level per fuel, tiny jitter per component."""
        rng = stream(self.seed, self.province, "energy-coverage", parent, year)
        by_fuel = {fuel: rng.uniform(low, high) for fuel in RANDOM_DRAW_ORDER}
        jitter: dict[tuple[str, str], float] = {}

        def factor(component: str, fuel: str) -> float:
            key = (component, fuel)
            if key not in jitter:
                jrng = stream(self.seed, self.province, "energy-coverage", parent, year, component, fuel)
                jitter[key] = jrng.uniform(-0.003, 0.003)
            return by_fuel[fuel] + jitter[key]

        return factor

    def _children_flows(self, parent_flows: Flows, parent: str, units: list[Unit], year: int,
                        coverage_band: tuple[float, float]) -> dict[str, Flows]:
        weights = self._driver_weights(units, year)
        coverage = self._coverage(parent, year, *coverage_band)
        out = {}
        for unit in units:
            def factor(component: str, fuel: str, adcode=unit.adcode) -> float:
                if component.startswith("production_"):
                    driver = component.removeprefix("production_")
                    component = "production"
                else:
                    driver = driver_of(component, fuel)
                return coverage(component, fuel) * weights[driver][adcode]
            out[unit.adcode] = parent_flows.scaled(factor)
        return out

    # ---------------------------------------------------------------- build
    def _build(self) -> None:
        targets = self.targets()
        for year in profiles.STAT_YEARS:
            s, lam = self.calibrate(year, targets[year])
            self.calibration[year] = {"s": s, "lam": lam, **targets[year]}
            province_flows = self.province_flows(year, s, lam)
            self._publish(self.province, year, province_flows, level=1)
            if not self.geography.level2:
                continue
            city_flows = self._children_flows(province_flows, self.province, self.geography.level2, year, (0.955, 0.985))
            for unit in self.geography.level2:
                self._publish(unit.adcode, year, city_flows[unit.adcode], level=2)
                if unit.children:
                    county_flows = self._children_flows(city_flows[unit.adcode], unit.adcode, unit.children, year, (0.945, 0.982))
                    for child in unit.children:
                        self._publish(child.adcode, year, county_flows[child.adcode], level=3)

    def _publish(self, adcode: str, year: int, flows: Flows, level: int) -> None:
        """Round to hundredths and close the supply side in integers."""
        rng = stream(self.seed, self.province, "energy-publish", adcode, year)
        cells: dict[str, dict[str, int]] = {item: {} for item in PUBLISHED_ITEMS}
        generation = {kind: round(flows.generation.get(kind, 0.0) * 100) for kind in GENERATION_KINDS}
        for fuel in RANDOM_DRAW_ORDER:
            v = {c: round(flows.values[c].get(fuel, 0.0) * 100) for c in COMPONENTS}
            feedstock = v["final_industry_feedstock"]
            row = {
                "final_agriculture": v["final_agriculture"],
                "final_industry": v["final_industry_combustion"] + feedstock,
                "final_industry_feedstock": feedstock,
                "final_construction": v["final_construction"],
                "final_transport": v["final_transport"],
                "final_commerce": v["final_commerce"],
                "final_other": v["final_other"],
                "final_household_urban": v["final_household_urban"],
                "final_household_rural": v["final_household_rural"],
            }
            for transform in TRANSFORMS:
                row[transform] = v[transform]
            row["loss"] = v["loss"]
            row["final_total"] = sum(row[r] for r in FINAL_ROWS)
            production = sum(generation.values()) if fuel == "electricity" else v["production"]
            row["production"] = production
            stock = 0
            if fuel in STORABLE:
                demand = abs(row["final_total"]) + row["loss"] - sum(min(0, row[t]) for t in TRANSFORMS)
                stock = round(demand * rng.uniform(-0.008, 0.008))
            row["stock_change"] = stock

            if fuel == "electricity" and level == 1:
                # The province's inflow and outflow are fixed; thermal output closes the table.
                inflow = round(flows.electricity_inflow * 100)
                outflow = -round(flows.electricity_outflow * 100)
                available = production + inflow + outflow
                row["transform_thermal_power"] = row["final_total"] + row["loss"] - available
            elif fuel == "heat" and level == 1:
                # Heat is not traded across the province border: boiler output closes the table.
                inflow = outflow = 0
                row["transform_heating"] = row["final_total"] + row["loss"] - row["transform_thermal_power"]
                available = 0
            else:
                available = row["final_total"] + row["loss"] - sum(row[t] for t in TRANSFORMS)
                net = available - production - stock
                cross = round(max(abs(available), production) * _cross_share(fuel, level, rng))
                if net >= 0:
                    inflow, outflow = net + cross, -cross
                else:
                    inflow, outflow = cross, net - cross
            row["inflow"], row["outflow"] = inflow, outflow
            row["available"] = production + inflow + outflow + stock
            for item in PUBLISHED_ITEMS:
                if row[item]:
                    cells[item][fuel] = row[item]
        self.balances[(adcode, year)] = Balance(adcode, year, cells, generation)

    def location_weights(self, driver: str, year: int = 2015) -> dict[str, float]:
        """Share of the province's `driver` in each finest unit (county, or city without counties).

        Used to place enterprises where the matching industry is (power plants where thermal
        power is, cement where industrial coal is burnt).
        """
        if not self.geography.level2:
            return {self.province: 1.0}
        out: dict[str, float] = {}
        city_weights = self._driver_weights(self.geography.level2, year)[driver]
        for unit in self.geography.level2:
            if not unit.children:
                out[unit.adcode] = city_weights[unit.adcode]
                continue
            county_weights = self._driver_weights(unit.children, year)[driver]
            for child in unit.children:
                out[child.adcode] = city_weights[unit.adcode] * county_weights[child.adcode]
        return out

    def thermal_output_index(self, year: int) -> float:
        """Province thermal power output relative to 2015 (drives power plants' reports)."""
        return (self.balances[(self.province, year)].cells["transform_thermal_power"].get("electricity", 0)
                / max(1, self.balances[(self.province, 2015)].cells["transform_thermal_power"].get("electricity", 0)))

    # ---------------------------------------------------------------- results
    def balance(self, adcode: str, year: int) -> Balance:
        return self.balances[(adcode, year)]

    def energy_tce(self, adcode: str, year: int) -> float:
        return energy_tce(self.ref, self.balances[(adcode, year)].cells)

    def combustion_co2_t(self, adcode: str, year: int) -> float:
        return combustion_co2_t(self.ref, self.balances[(adcode, year)].cells)

    def co2_for_intensity_t(self, adcode: str, year: int) -> float:
        cells = self.balances[(adcode, year)].cells
        return combustion_co2_t(self.ref, cells) + net_electricity_inflow_mwh(cells) * self.grid_factor[year]


def _cross_share(fuel: str, level: int, rng) -> float:
    """Two-way trade on top of the net flow, as a share of the larger of use and production."""
    if fuel == "heat":
        return 0.0
    base = {"raw_coal": 0.06, "crude_oil": 0.08, "electricity": 0.08, "natural_gas": 0.03, "coke_oven_gas": 0.0,
            "blast_furnace_gas": 0.0, "converter_gas": 0.0, "other_energy": 0.0}.get(fuel, 0.10)
    return base * rng.uniform(0.5, 1.5) * (1.0 if level > 1 else 0.7)


def _unrounded_cells(flows: Flows) -> dict[str, dict[str, int]]:
    """Cells in hundredths without rounding (floats), for the calibration's exact algebra."""
    cells: dict[str, dict[str, float]] = {item: {} for item in PUBLISHED_ITEMS}
    for fuel in RANDOM_DRAW_ORDER:
        v = {c: flows.values[c].get(fuel, 0.0) * 100 for c in COMPONENTS}
        cells["final_industry"][fuel] = v["final_industry_combustion"] + v["final_industry_feedstock"]
        cells["final_industry_feedstock"][fuel] = v["final_industry_feedstock"]
        for row in FINAL_ROWS:
            if row != "final_industry":
                cells[row][fuel] = v[row]
        cells["final_total"][fuel] = sum(cells[r][fuel] for r in FINAL_ROWS)
        for transform in TRANSFORMS:
            cells[transform][fuel] = v[transform]
        cells["loss"][fuel] = v["loss"]
    return cells  # type: ignore[return-value]
