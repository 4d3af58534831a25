-- Emissions by region, year, sector and fuel for the inventory years: combustion rows (CO2,
-- CH4, N2O, CO2e) and industrial process rows (sector 'process_<name>', fuel 'none'), each with
-- its factor set, GWP set and lineage. Where a region-year has an industry table, industry is by
-- GB/T 4754 division ('industry_<code>') plus 'industry_unallocated' (balance_item_code
-- final_industry), summing to the balance's 工业 row. The combustion rows sum to fct_region_year.co2_t, the
-- process rows to fct_region_year.co2_process_t.
with

emissions as (
    select * from {{ ref('int_energy_emissions_detail') }}
)

select
    region_code,
    year,
    sector_code,
    fuel_code,
    is_process,
    process_method,
    activity_value,
    activity_unit,
    energy_tce,
    '{{ var("electricity_method") }}' as electricity_method,
    co2_t,
    ch4_t,
    n2o_t,
    co2e_t,
    factor_set,
    gwp_set,
    factor_source,
    source_files,
    balance_item_code
from emissions
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
