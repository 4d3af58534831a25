"""The yearbook balance's smaller columns (issue 13: all 30 of 能源平衡表（实物量）) and where every
flow of the balance goes in cities and counties.

The 14 columns the sample had first are built in energy.py; the 16 others are added here, sized
from Gansu's industry (2015 base quantities in published units: 万吨, 亿立方米, 万吨标准煤):

- blast-furnace and converter gas from 酒泉钢铁 in 嘉峪关 (driver `steel`): recovered (回收能,
  a transformation output) as much as the works burn, flare and send to their power plants, so
  they add no energy to the total — their carbon is the coke's (combustion_rule
  carbon_in_parent_fuel);
- naphtha, lubricants, paraffin wax, solvent oil, bitumen, petroleum coke and other products
  from 兰州石化's crude runs (refinery yields), naphtha mostly as ethylene feedstock;
- coal gangue burned by power plants (mined with the coal), briquettes in rural households,
  other washed coal in industry, tar and benzene from the coke ovens, town gas, LNG trucks, and
  a little 其他能源 (万吨标准煤).

Amounts marked `s` follow the calibration scalar on final fossil use; the others are fixed, so
the calibration (energy.EnergyModel.calibrate) stays exact: CO2 and energy stay affine in s, lam.
"""

from __future__ import annotations

# The order the generator draws random numbers in (coverage, stock changes, cross trade): the 14
# first columns as before, so adding the new ones leaves their draws where they were.
RANDOM_DRAW_ORDER = (
    "raw_coal", "cleaned_coal", "coke", "crude_oil", "gasoline", "kerosene", "diesel",
    "fuel_oil", "lpg", "refinery_gas", "natural_gas", "coke_oven_gas", "heat", "electricity",
    "other_washed_coal", "briquettes", "coal_gangue", "blast_furnace_gas", "converter_gas", "other_gas",
    "other_coking_products", "naphtha", "lubricants", "paraffin_wax", "solvent_oil", "bitumen",
    "petroleum_coke", "other_petroleum_products", "lng", "other_energy",
)  # fmt: skip

# Products per t of crude run, on top of energy.REFINERY_YIELDS (兰州石化's slate, invented).
MORE_REFINERY_YIELDS = {
    "naphtha": 0.05, "lubricants": 0.008, "paraffin_wax": 0.004, "solvent_oil": 0.006, "bitumen": 0.025,
    "petroleum_coke": 0.04, "other_petroleum_products": 0.01,
}
# Final use (× s where CO2 counts): {fuel: {component: 2015 amount}}.
FINAL_WITH_S = {
    "other_washed_coal": dict(final_industry_combustion=60, final_household_rural=10),
    "briquettes": dict(final_household_rural=25, final_household_urban=5, final_commerce=3),
    "petroleum_coke": dict(final_industry_combustion=20),
    "other_petroleum_products": dict(final_industry_combustion=6),
    "naphtha": dict(final_industry_combustion=1),
    "lng": dict(final_transport=3, final_industry_combustion=1),
}
# Non-energy products (no CO2): fixed amounts.
FINAL_FIXED = {
    "lubricants": dict(final_transport=4, final_industry_combustion=2, final_agriculture=0.5),
    "paraffin_wax": dict(final_industry_combustion=1.5),
    "solvent_oil": dict(final_industry_combustion=2, final_construction=0.5),
    "bitumen": dict(final_construction=15, final_transport=20),
    "other_coking_products": dict(final_industry_combustion=12),
    "other_energy": dict(final_industry_combustion=20, final_commerce=3, final_household_rural=2),
}
NAPHTHA_FEEDSTOCK_2015 = 60.0  # 万吨 into ethylene, × lam like the other feedstock
OTHER_COKING_PRODUCTS_PER_COKE = 0.045  # t tar and benzene per t coke
# Steel works' own use of their gases (亿m³, 2015, × the steel index) and flaring.
STEEL_GAS_USE = {"blast_furnace_gas": (90.0, 8.0), "converter_gas": (9.0, 1.0)}
TOWN_GAS = {2005: 2.5, 2010: 1.8, 2015: 1.0, 2020: 0.4}  # × 2 亿m³ (urban households 1.5, industry 0.5)

# Which driver places each flow in cities and counties: (component, fuel) first, then the
# component alone.
DRIVER_BY_COMPONENT_FUEL = {
    ("production", "raw_coal"): "coal_mining", ("production", "crude_oil"): "oil_production",
    ("production", "natural_gas"): "gas_production", ("production", "coal_gangue"): "coal_mining",
    ("production", "other_energy"): "gdp",
    ("loss", "electricity"): "gdp", ("loss", "heat"): "heating", ("loss", "raw_coal"): "industry_coal",
    ("loss", "coke_oven_gas"): "steel", ("loss", "blast_furnace_gas"): "steel", ("loss", "converter_gas"): "steel",
    ("final_industry_combustion", "raw_coal"): "industry_coal", ("final_industry_combustion", "cleaned_coal"): "industry_coal",
    ("final_industry_combustion", "other_washed_coal"): "industry_coal",
    ("final_industry_combustion", "coke"): "steel", ("final_industry_combustion", "coke_oven_gas"): "steel",
    ("final_industry_combustion", "blast_furnace_gas"): "steel", ("final_industry_combustion", "converter_gas"): "steel",
    ("final_industry_combustion", "other_coking_products"): "chemical",
    ("final_industry_combustion", "crude_oil"): "refining", ("final_industry_combustion", "refinery_gas"): "refining",
    ("final_industry_combustion", "naphtha"): "refining", ("final_industry_combustion", "petroleum_coke"): "refining",
    ("final_industry_combustion", "natural_gas"): "industry_gas", ("final_industry_combustion", "electricity"): "industry_elec",
    ("final_industry_combustion", "heat"): "industry_coal",
    ("final_industry_feedstock", "refinery_gas"): "refining", ("final_industry_feedstock", "naphtha"): "refining",
    ("transform_thermal_power", "blast_furnace_gas"): "steel",
}
DRIVER_BY_COMPONENT = {
    "transform_thermal_power": "thermal_power", "transform_heating": "heating", "transform_coking": "steel",
    "transform_refining": "refining", "transform_recovery": "steel", "loss": "gdp", "final_agriculture": "agriculture",
    "final_industry_combustion": "industry_oil", "final_industry_feedstock": "chemical", "final_construction": "gdp",
    "final_transport": "transport", "final_commerce": "services", "final_other": "services",
    "final_household_urban": "urban_population", "final_household_rural": "rural_population",
}


def driver_of(component: str, fuel: str) -> str:
    specific = DRIVER_BY_COMPONENT_FUEL.get((component, fuel))
    return specific if specific is not None else DRIVER_BY_COMPONENT[component]


def add_more_fuels(flows, index, s: float, lam: float, f: float) -> None:
    """Add the 16 later columns' province flows (published units) to `flows` (energy.Flows).

    index(name) is the year's value of a path (steel, coal trend, town gas, feedstock …); the
    thermal-power inputs of gangue and blast-furnace gas are already in `flows` (their share of
    the plants' fuel, energy.THERMAL_FUEL_TCE_SHARES) and the refinery products with the crude runs.
    """
    steel = index("steel")
    for fuel, sectors in FINAL_WITH_S.items():
        trend = index("coal_trend") if fuel in ("other_washed_coal", "briquettes") else 1.0
        for sector, base in sectors.items():
            flows.add(sector, fuel, base * index(sector) * trend * s * f)
    for fuel, sectors in FINAL_FIXED.items():
        for sector, base in sectors.items():
            flows.add(sector, fuel, base * index(sector) * f)
    flows.add("final_industry_feedstock", "naphtha", NAPHTHA_FEEDSTOCK_2015 * index("feedstock") * lam * f)
    coke = flows.values["transform_coking"].get("coke", 0.0)
    flows.add("transform_coking", "other_coking_products", coke * OTHER_COKING_PRODUCTS_PER_COKE)
    for fuel, (industry, flared) in STEEL_GAS_USE.items():
        flows.add("final_industry_combustion", fuel, industry * steel * f)
        flows.add("loss", fuel, flared * steel * f)
        # Recovered (回收能) exactly as much as is burned, flared and sent to the power plants.
        burned = -flows.values["transform_thermal_power"].get(fuel, 0.0)
        flows.add("transform_recovery", fuel, burned + (industry + flared) * steel * f)
    town_gas = 2.0 * index("town_gas") * f
    flows.add("final_household_urban", "other_gas", 0.75 * town_gas)
    flows.add("final_industry_combustion", "other_gas", 0.25 * town_gas)
    # Gangue is burned where it is mined and 其他能源 used where it is made: production = use.
    flows.add("production", "coal_gangue", -flows.values["transform_thermal_power"].get("coal_gangue", 0.0))
    flows.add("production", "other_energy", sum(flows.values[c].get("other_energy", 0.0) for c in _FINAL_COMPONENTS))


_FINAL_COMPONENTS = (
    "final_agriculture", "final_industry_combustion", "final_construction", "final_transport",
    "final_commerce", "final_other", "final_household_urban", "final_household_rural",
)
