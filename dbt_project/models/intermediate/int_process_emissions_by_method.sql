-- Industrial process emissions by both methods side by side, and which one the inventory counts:
--   top_down   production statistics × factors (int_process_emissions_top_down), the region's own
--   bottom_up  the enterprises' process lines (int_process_emissions: authoritative versions,
--              counted in the enterprise's region and each ancestor); CO2 only
-- used_in_inventory follows ref_process_inventory_rule (macro process_method_used): for a region ×
-- year × process at most one method is used, so nothing is counted twice. Grain: region × year ×
-- process × gas × method.
with

gwp_co2 as (
    select gwp100 from {{ ref('stg_reference__gwp') }}
    where gwp_set = '{{ var("gwp_set") }}' and gas = 'CO2'
),

top_down as (
    select
        region_code, year, process_code, gas, 'top_down' as method,
        activity_value, activity_unit, emissions_t, co2e_t, factor_source, source_files
    from {{ ref('int_process_emissions_top_down') }}
),

bottom_up as (
    select
        bottom_up.region_code,
        bottom_up.year,
        regexp_replace(bottom_up.sector_code, '^process_', '')            as process_code,
        'CO2'                                                               as gas,
        'bottom_up'                                                         as method,
        bottom_up.activity_value,
        bottom_up.activity_unit,
        bottom_up.co2_t                                                     as emissions_t,
        {{ co2e_t('bottom_up.co2_t', 'gwp_co2.gwp100') }}                   as co2e_t,
        bottom_up.factor_source,
        bottom_up.source_files
    from {{ ref('int_process_emissions') }} as bottom_up
    cross join gwp_co2
),

both_methods as (
    select * from top_down
    union all
    select * from bottom_up
),

top_down_available as (
    select distinct region_code, year, process_code from top_down
),

-- the difference where both methods have a figure for the same gas (CO2: the enterprises report no other)
differences as (
    select
        region_code, year, process_code, gas,
        sum(emissions_t) filter (where method = 'top_down')
            - sum(emissions_t) filter (where method = 'bottom_up')         as top_down_minus_bottom_up_t
    from both_methods
    group by region_code, year, process_code, gas
),

rules as (
    select process_code, rule from {{ ref('ref_process_inventory_rule') }}
)

select
    both_methods.region_code,
    both_methods.year,
    both_methods.process_code,
    both_methods.gas,
    both_methods.method,
    both_methods.activity_value,
    both_methods.activity_unit,
    both_methods.emissions_t,
    both_methods.co2e_t,
    rules.rule                                                              as inventory_rule,
    coalesce({{ process_method_used(
        'both_methods.method', 'rules.rule', 'top_down_available.region_code is not null'
    ) }}, false)                                                            as used_in_inventory,
    differences.top_down_minus_bottom_up_t,
    both_methods.factor_source,
    both_methods.source_files
from both_methods
left join top_down_available
    on  top_down_available.region_code = both_methods.region_code
    and top_down_available.year = both_methods.year
    and top_down_available.process_code = both_methods.process_code
left join rules
    on rules.process_code = both_methods.process_code
left join differences
    on  differences.region_code = both_methods.region_code
    and differences.year = both_methods.year
    and differences.process_code = both_methods.process_code
    and differences.gas = both_methods.gas
