-- The published inventory: one row per region and inventory year with data.
-- Years outside var('inventory_first_year')..var('inventory_last_year') (e.g. the 2005 base)
-- stay in intermediate.
with

inventory as (
    select * from {{ ref('int_region_year_inventory') }}
),

-- process CO2 (the rows the inventory counts) and non-CO2 gases, from the published detail
detail as (
    select
        region_code,
        year,
        sum(co2_t) filter (where is_process)                        as co2_process_t,
        sum(ch4_t)                                                  as ch4_t,
        sum(n2o_t)                                                  as n2o_t,
        sum(co2e_t)                                                 as detail_co2e_t
    from {{ ref('int_energy_emissions_detail') }}
    group by region_code, year
),

-- the process CO2 by the method it is counted with: statistics (top-down) and the enterprises'
-- lines (bottom-up); the public file shows the first as it is and the second as a protected cell
process_by_method as (
    select
        region_code,
        year,
        sum(emissions_t) filter (where method = 'top_down')         as co2_process_top_down_t,
        sum(emissions_t) filter (where method = 'bottom_up')        as co2_process_bottom_up_t
    from {{ ref('int_process_emissions_by_method') }}
    where used_in_inventory and gas = 'CO2'
    group by region_code, year
)

select
    inventory.region_code,
    inventory.year,
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
    {{ safe_divide('abs(residual_co2_t)', 'abs(co2_t)') }}         as residual_fraction,
    case
        when residual_co2_t is null or co2_t is null then null
        when residual_co2_t = 0 then false
        else coalesce({{ safe_divide('abs(residual_co2_t)', 'abs(co2_t)') }} > {{ var('residual_tolerance_fraction') }}, true)
    end                                                             as residual_flag,
    detail.co2_process_t,
    process_by_method.co2_process_top_down_t,
    process_by_method.co2_process_bottom_up_t,
    case when co2_t is not null then co2_t + coalesce(detail.co2_process_t, 0) end
                                                                    as co2_with_process_t,
    detail.ch4_t,
    detail.n2o_t,
    -- CO2e = combustion CO2 + process CO2 + CH4 and N2O × GWP; null without a CO2 figure
    case when co2_t is not null then coalesce(detail.detail_co2e_t, 0) end
                                                                    as co2e_t,
    '{{ var("gwp_set") }}'                                          as gwp_set,
    factor_set,
    electricity_method
from inventory
left join detail
    on detail.region_code = inventory.region_code and detail.year = inventory.year
left join process_by_method
    on process_by_method.region_code = inventory.region_code and process_by_method.year = inventory.year
where inventory.year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
