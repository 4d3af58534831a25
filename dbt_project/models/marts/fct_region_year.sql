-- The published inventory: one row per region and inventory year with data.
-- Years outside var('inventory_first_year')..var('inventory_last_year') (e.g. the 2005 base)
-- stay in intermediate.
with

inventory as (
    select * from {{ ref('int_region_year_inventory') }}
)

select
    region_code,
    year,
    level,
    province_code,
    parent_code,
    energy_consumption_tce,
    co2_t,
    net_electricity_import_mwh,
    grid_factor_tco2_per_mwh,
    grid_factor_set,
    co2_net_electricity_import_t,
    co2_for_intensity_t,
    gdp_current_10k_yuan,
    gdp_const_10k_yuan,
    energy_intensity,
    carbon_intensity,
    children_sum_co2_t,
    children_with_data_count,
    residual_co2_t,
    factor_set,
    electricity_method
from inventory
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
