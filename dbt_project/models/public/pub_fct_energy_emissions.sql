-- fct_energy_emissions for the public warehouse: every combustion row (energy statistics, the
-- industry rows by division included: the industry table is statistics, not enterprise data) and the
-- industrial process rows the inventory counts, so that, as in the full warehouse, a region's rows sum
-- to its combustion plus process emissions:
--   top_down   production statistics × factors (process_method 'top_down'): statistics, one row per
--              process at every level, as in the full warehouse
--   bottom_up  the enterprises' process lines of the processes without statistics: at province level
--              one row per process (the process_co2 'process_<code>' cells of
--              int_disclosure_suppression); below the province one row 'process_bottom_up', the
--              region's 'method_bottom_up' cell (the same cell as fct_region_year.co2_process_bottom_up_t).
--              A region × process table of enterprise figures below the province would add a second
--              dimension whose cross sums could narrow a hidden cell down (docs/methodology.md, "The
--              public warehouse").
with

-- statistics, shown as they are: combustion rows and the top-down process rows
statistics_rows as (
    select * from {{ ref('fct_energy_emissions') }}
    where not is_process or process_method = 'top_down'
),

provinces as (
    select region_code from {{ ref('stg_reference__regions') }} where level = 'province'
),

process as (
    -- the province's enterprise figures by process, for the processes counted bottom-up there
    select cells.*, cells.breakdown_code as sector_code
    from {{ ref('int_disclosure_suppression') }} as cells
    inner join provinces on provinces.region_code = cells.region_code
    inner join {{ ref('fct_energy_emissions') }} as used
        on  used.region_code = cells.region_code and used.year = cells.year
        and used.sector_code = cells.breakdown_code and used.process_method = 'bottom_up'
    where cells.measure = 'process_co2' and cells.region_scope = 'total'
      and cells.year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
    union all
    -- every other region's enterprise part
    select cells.*, 'process_bottom_up' as sector_code
    from {{ ref('int_disclosure_suppression') }} as cells
    left join provinces on provinces.region_code = cells.region_code
    where provinces.region_code is null
      and cells.measure = 'process_co2' and cells.region_scope = 'total' and cells.breakdown_code = 'method_bottom_up'
      and cells.year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
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
    electricity_method,
    co2_t,
    ch4_t,
    n2o_t,
    co2e_t,
    factor_set,
    gwp_set,
    factor_source,
    false                                                           as suppressed,
    cast(null as string)                                           as suppression_reason,
    cast(null as integer)                                           as incomplete_reports_count,
    balance_item_code
from statistics_rows

union all

select
    region_code,
    year,
    sector_code,
    'none'                                                          as fuel_code,
    true                                                            as is_process,
    'bottom_up'                                                     as process_method,
    case when suppressed then null else activity_value end          as activity_value,
    activity_unit,
    cast(null as double)                                            as energy_tce,
    '{{ var("electricity_method") }}'                               as electricity_method,
    case when suppressed then null else co2_t end                   as co2_t,
    cast(null as double)                                            as ch4_t,
    cast(null as double)                                            as n2o_t,
    -- process lines carry CO2 only, so their CO2e is their CO2
    case when suppressed then null else co2_t end                   as co2e_t,
    '{{ var("factor_set") }}'                                       as factor_set,
    '{{ var("gwp_set") }}'                                          as gwp_set,
    'enterprise_report_emission_factor'                             as factor_source,
    suppressed,
    suppression_reason,
    case when suppressed then null else incomplete_reports_count end as incomplete_reports_count,
    cast(null as string)                                           as balance_item_code
from process
