-- The inventory by CRT category and gas, for the inventory years: energy (fuel combustion, from
-- marts.fct_energy_emissions), IPPU (the process rows the inventory counts, from
-- marts.fct_process_emissions), agriculture, LULUCF and waste (the sector models). Energy and
-- process figures are READ, never recomputed: the same numbers fct_region_year publishes, only
-- regrouped by category (ref_inventory_category_map) and unpivoted by gas. CO2e is the gas ×
-- GWP of var('gwp_set'). Removals are negative CO2 in 4.* only.
with

category_map as (
    select * from {{ ref('ref_inventory_category_map') }}
),

-- one name per category (several balance rows or divisions can share one category)
category_names as (
    select category_code, name_zh, name_en, sector from {{ ref('ref_inventory_categories') }}
),

combustion as (
    select
        emissions.region_code,
        emissions.year,
        category_map.category_code,
        emissions.fuel_code,
        emissions.activity_value,
        emissions.activity_unit,
        emissions.factor_set,
        emissions.source_files,
        emissions.co2_t,
        emissions.ch4_t,
        emissions.n2o_t
    from {{ ref('fct_energy_emissions') }} as emissions
    left join category_map
        on category_map.source_kind = 'energy_sector' and category_map.source_code = emissions.sector_code
    where not emissions.is_process
),

-- CO2, CH4 and N2O of one fuel in one category: the balance rows mapped to it added up (same
-- fuel, same unit); each gas names the factors it was computed with
energy as (
    select
        region_code,
        year,
        category_code,
        fuel_code                                                   as sub_category,
        gas,
        sum(emissions_t)                                            as emissions_t,
        'sectoral_approach'                                         as method,
        sum(activity_value)                                         as activity_value,
        any_value(activity_unit)                                    as activity_unit,
        case when gas = 'CO2' then 'ref_fuel_emission_factors:' || any_value(factor_set)
             else 'ref_non_co2_combustion_factors:ipcc_2006' end    as factor_source,
        {{ text_list_sorted_distinct(text_list_union_agg('source_files')) }} as source_files
    from combustion
    unpivot (emissions_t for gas in (
        co2_t as {{ unpivot_label('CO2') }}, ch4_t as {{ unpivot_label('CH4') }}, n2o_t as {{ unpivot_label('N2O') }}
    ))
    group by region_code, year, category_code, fuel_code, gas
),

-- the process rows the inventory counts (one method per region, year and process), every gas
ippu as (
    select
        process.region_code,
        process.year,
        category_map.category_code,
        process.process_code                                        as sub_category,
        process.gas,
        process.emissions_t,
        process.method,
        process.activity_value,
        process.activity_unit,
        process.factor_source,
        process.source_files
    from {{ ref('fct_process_emissions') }} as process
    left join category_map
        on category_map.source_kind = 'process' and category_map.source_code = process.process_code
    where process.used_in_inventory
),

sector_models as (
    select * from {{ ref('int_inventory_agriculture') }}
    union all
    select * from {{ ref('int_inventory_lulucf') }}
    union all
    select * from {{ ref('int_inventory_waste') }}
),

rows as (
    select region_code, year, category_code, sub_category, gas, emissions_t, method, activity_value,
           activity_unit, factor_source, source_files, 'energy' as from_sector
    from energy
    union all
    select region_code, year, category_code, sub_category, gas, emissions_t, method, activity_value,
           activity_unit, factor_source, source_files, 'ippu'
    from ippu
    union all
    select region_code, year, category_code, sub_category, gas, emissions_t, method, activity_value,
           activity_unit, factor_source, source_files, null
    from sector_models
    where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
)

select
    rows.region_code,
    rows.year,
    -- a category missing from the map keeps the sector it came from, so that the blocking test
    -- assert_inventory_rows_have_method_and_category can name it
    coalesce(category_names.sector, rows.from_sector)              as sector,
    rows.category_code,
    category_names.name_zh                                          as category_name_zh,
    category_names.name_en                                          as category_name_en,
    rows.sub_category,
    rows.gas,
    rows.emissions_t,
    rows.emissions_t * gwp.gwp100                                   as co2e_t,
    '{{ var("gwp_set") }}'                                          as gwp_set,
    rows.method,
    rows.activity_value,
    rows.activity_unit,
    rows.factor_source,
    rows.source_files
from rows
left join category_names
    on category_names.category_code = rows.category_code
left join {{ ref('stg_reference__gwp') }} as gwp
    on gwp.gas = rows.gas and gwp.gwp_set = '{{ var("gwp_set") }}'
where rows.emissions_t is not null
