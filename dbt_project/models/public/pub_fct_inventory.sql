-- fct_inventory for the public warehouse. Every row is statistics (energy balance, production
-- statistics, agriculture, forest, waste statistics) except the industrial process rows counted
-- bottom-up, from the enterprises' process lines: those are shown as the confidentiality rule's
-- cells (int_disclosure_suppression), exactly as in fct_energy_emissions and fct_region_year:
--   at province level one row per process, the process_co2 'process_<code>' cell;
--   below the province one row per region (category 2, sub_category 'bottom_up'), the region's
--   'method_bottom_up' cell, because a region × process table of enterprise figures below the
--   province could narrow a hidden cell down (docs/methodology.md, "The public warehouse").
-- A hidden cell's figures are null (never 0) with suppressed and its reason. No file names.
with

inventory as (
    select * from {{ ref('fct_inventory') }}
),

provinces as (
    select region_code from {{ ref('stg_reference__regions') }} where level = 'province'
),

cells as (
    select region_code, year, breakdown_code, co2_t, suppressed, suppression_reason
    from {{ ref('int_disclosure_suppression') }}
    where measure = 'process_co2' and region_scope = 'total'
),

statistics_rows as (
    select *, false as suppressed, cast(null as string) as suppression_reason
    from inventory
    where not (sector = 'ippu' and method = 'bottom_up')
),

province_bottom_up as (
    select
        inventory.region_code, inventory.year, inventory.sector, inventory.category_code,
        inventory.category_name_zh, inventory.category_name_en, inventory.sub_category, inventory.gas,
        inventory.gwp_set, inventory.method, inventory.activity_unit, inventory.factor_source,
        case when cells.suppressed then null else inventory.emissions_t end         as emissions_t,
        case when cells.suppressed then null else inventory.co2e_t end              as co2e_t,
        case when cells.suppressed then null else inventory.activity_value end      as activity_value,
        coalesce(cells.suppressed, false)                                           as suppressed,
        cells.suppression_reason
    from inventory
    inner join provinces on provinces.region_code = inventory.region_code
    left join cells
        on  cells.region_code = inventory.region_code and cells.year = inventory.year
        and cells.breakdown_code = 'process_' || inventory.sub_category
    where inventory.sector = 'ippu' and inventory.method = 'bottom_up'
),

-- below the province: the region's bottom-up part as one row
other_bottom_up as (
    select
        inventory.region_code,
        inventory.year,
        any_value(inventory.gwp_set)                                                as gwp_set,
        sum(inventory.emissions_t)                                                  as emissions_t,
        sum(inventory.co2e_t)                                                       as co2e_t
    from inventory
    left join provinces on provinces.region_code = inventory.region_code
    where provinces.region_code is null and inventory.sector = 'ippu' and inventory.method = 'bottom_up'
    group by inventory.region_code, inventory.year
),

ippu_names as (
    select name_zh, name_en from {{ ref('ref_inventory_categories') }} where category_code = '2'
)

select
    region_code, year, sector, category_code, category_name_zh, category_name_en, sub_category, gas,
    emissions_t, co2e_t, gwp_set, method, activity_value, activity_unit, factor_source, suppressed,
    suppression_reason
from statistics_rows

union all

select
    region_code, year, sector, category_code, category_name_zh, category_name_en, sub_category, gas,
    emissions_t, co2e_t, gwp_set, method, activity_value, activity_unit, factor_source, suppressed,
    suppression_reason
from province_bottom_up

union all

select
    other_bottom_up.region_code,
    other_bottom_up.year,
    'ippu'                                                                          as sector,
    '2'                                                                             as category_code,
    ippu_names.name_zh                                                              as category_name_zh,
    ippu_names.name_en                                                              as category_name_en,
    'bottom_up'                                                                     as sub_category,
    'CO2'                                                                           as gas,
    case when cells.suppressed then null else other_bottom_up.emissions_t end      as emissions_t,
    case when cells.suppressed then null else other_bottom_up.co2e_t end           as co2e_t,
    other_bottom_up.gwp_set,
    'bottom_up'                                                                     as method,
    cast(null as double)                                                            as activity_value,
    cast(null as string)                                                           as activity_unit,
    'enterprise_report_emission_factor'                                             as factor_source,
    coalesce(cells.suppressed, false)                                               as suppressed,
    cells.suppression_reason
from other_bottom_up
cross join ippu_names
left join cells
    on  cells.region_code = other_bottom_up.region_code and cells.year = other_bottom_up.year
    and cells.breakdown_code = 'method_bottom_up'
