-- The published emission detail: combustion rows (int_energy_combustion_emissions, with CH4
-- and N2O from IPCC 2006 default stationary factors and CO2e under var('gwp_set')) and
-- industrial process rows (sector 'process_<name>', fuel 'none'): the method the inventory counts
-- for each region × year × process (int_process_emissions_by_method.used_in_inventory: top-down
-- statistics or bottom-up enterprise lines, never both), CO2 and N2O in their columns and the
-- fluorinated gases (PFCs, HFC-23, SF6) in CO2e only.
-- Where a region-year has an industry table, its final_industry rows are replaced by the rows
-- by division and the unallocated rest (int_industry_energy_emissions), which sum to them, so
-- balance_item_code (the balance row a combustion row belongs to) keeps the balance's view.
-- Every row names its factor set, GWP set, factor source and the source files it came from.
-- Grain: region × year × sector × fuel.
with

balance_combustion as (
    select * from {{ ref('int_energy_combustion_emissions') }}
),

industry_combustion as (
    select * from {{ ref('int_industry_energy_emissions') }}
),

combustion as (
    select
        region_code, year, sector_code, fuel_code, activity_value, activity_unit, energy_tce,
        ncv_gj_per_unit, co2_t, factor_set, sector_code as balance_item_code
    from balance_combustion
    where not exists (
        select 1 from industry_combustion
        where balance_combustion.sector_code = 'final_industry'
          and industry_combustion.region_code = balance_combustion.region_code
          and industry_combustion.year = balance_combustion.year
          and industry_combustion.fuel_code = balance_combustion.fuel_code
    )
    union all
    select
        region_code, year, sector_code, fuel_code, activity_value, activity_unit, energy_tce,
        ncv_gj_per_unit, co2_t, factor_set, 'final_industry' as balance_item_code
    from industry_combustion
),

process as (
    select
        region_code,
        year,
        'process_' || process_code                                  as sector_code,
        'none'                                                      as fuel_code,
        -- the production behind the CO2 (every gas of a process has the same activity)
        coalesce(max(activity_value) filter (where gas = 'CO2'), max(activity_value))
                                                                    as activity_value,
        any_value(activity_unit)                                    as activity_unit,
        coalesce(sum(emissions_t) filter (where gas = 'CO2'), 0)    as co2_t,
        sum(emissions_t) filter (where gas = 'N2O')                 as n2o_t,
        sum(co2e_t) filter (where gas not in ('CO2', 'N2O'))        as other_gases_co2e_t,
        any_value(factor_source)                                    as factor_source,
        -- one method per process is counted (assert_process_one_method_in_inventory)
        any_value(method)                                           as process_method,
        list_sort(list_distinct(flatten(list(source_files))))       as source_files
    from {{ ref('int_process_emissions_by_method') }}
    where used_in_inventory
    group by region_code, year, process_code
),

fuels as (
    select fuel_code, fuel_group from {{ ref('stg_reference__fuels') }}
),

non_co2_factors as (
    select fuel_group, sector_scope, ch4_kg_per_tj, n2o_kg_per_tj
    from {{ ref('ref_non_co2_combustion_factors') }}
),

gwp as (
    select
        max(gwp100) filter (where gas = 'CH4')     as gwp_ch4,
        max(gwp100) filter (where gas = 'N2O')     as gwp_n2o
    from {{ ref('stg_reference__gwp') }}
    where gwp_set = '{{ var("gwp_set") }}'
),

-- lineage of the statistics rows: the balance files each region-year was read from
balance_files as (
    select
        balance.region_code,
        balance.year,
        list(distinct balance.source_file order by balance.source_file) as source_files
    from {{ ref('stg_raw__energy_balance') }} as balance
    group by 1, 2
),

-- …and, for the rows by division, the industry tables too
industry_files as (
    select region_code, year, list(distinct source_file order by source_file) as source_files
    from {{ ref('stg_raw__industry_energy') }}
    group by 1, 2
),

-- fuel energy in TJ = amount × NCV (GJ per unit) / 1000; CH4, N2O in t = TJ × kg/TJ / 1000
combustion_with_non_co2 as (
    select
        combustion.region_code,
        combustion.year,
        combustion.sector_code,
        combustion.fuel_code,
        combustion.activity_value,
        combustion.activity_unit,
        combustion.energy_tce,
        combustion.co2_t,
        combustion.activity_value * combustion.ncv_gj_per_unit / 1000 * non_co2.ch4_kg_per_tj / 1000
                                                                    as ch4_t,
        combustion.activity_value * combustion.ncv_gj_per_unit / 1000 * non_co2.n2o_kg_per_tj / 1000
                                                                    as n2o_t,
        combustion.factor_set,
        'ref_fuel_emission_factors:' || combustion.factor_set
            || ' + ref_non_co2_combustion_factors'                  as factor_source,
        case
            when combustion.balance_item_code = 'final_industry' and combustion.sector_code <> 'final_industry'
                then list_sort(list_distinct(list_concat(
                    coalesce(balance_files.source_files, []::varchar[]), coalesce(industry_files.source_files, []::varchar[])
                )))
            else coalesce(balance_files.source_files, []::varchar[])
        end                                                         as source_files,
        combustion.balance_item_code,
        cast(null as double)                                        as other_gases_co2e_t,
        cast(null as string)                                        as process_method
    from combustion
    left join fuels
        on fuels.fuel_code = combustion.fuel_code
    left join non_co2_factors as non_co2
        on  non_co2.fuel_group = fuels.fuel_group
        and non_co2.sector_scope = case
                when combustion.sector_code like 'transform_%' then 'energy_industries'
                else 'other'
            end
    left join balance_files
        on balance_files.region_code = combustion.region_code and balance_files.year = combustion.year
    left join industry_files
        on industry_files.region_code = combustion.region_code and industry_files.year = combustion.year
),

process_rows as (
    select
        region_code,
        year,
        sector_code,
        fuel_code,
        activity_value,
        activity_unit,
        cast(null as double)                                        as energy_tce,
        co2_t,
        cast(null as double)                                        as ch4_t,
        n2o_t,
        '{{ var("factor_set") }}'                                   as factor_set,
        factor_source,
        source_files,
        cast(null as string)                                       as balance_item_code,
        other_gases_co2e_t,
        process_method
    from process
),

-- only process rows carry other_gases_co2e_t and process_method (null on combustion rows); both
-- sides list the same columns in the same order (Spark has no UNION ALL BY NAME)
detail as (
    select * from combustion_with_non_co2
    union all
    select * from process_rows
)

select
    detail.region_code,
    detail.year,
    detail.sector_code,
    detail.fuel_code,
    detail.sector_code like 'process_%'                             as is_process,
    detail.process_method,
    detail.balance_item_code,
    detail.activity_value,
    detail.activity_unit,
    detail.energy_tce,
    detail.co2_t,
    detail.ch4_t,
    detail.n2o_t,
    detail.co2_t + coalesce(detail.ch4_t * gwp.gwp_ch4, 0) + coalesce(detail.n2o_t * gwp.gwp_n2o, 0)
        + coalesce(detail.other_gases_co2e_t, 0)                    as co2e_t,
    detail.factor_set,
    '{{ var("gwp_set") }}'                                          as gwp_set,
    detail.factor_source,
    detail.source_files
from detail
cross join gwp
