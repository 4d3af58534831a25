-- Combustion CO2 by region, year, sector and fuel for the inventory years: the detail
-- behind fct_region_year.co2_t.
with

emissions as (
    select * from {{ ref('int_energy_combustion_emissions') }}
)

select
    region_code,
    year,
    sector_code,
    fuel_code,
    activity_value,
    activity_unit,
    energy_tce,
    co2_t,
    factor_set
from emissions
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
