{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory_summary'}}}) }}
-- The summary table only adds fct_inventory up: per region and year, its two total lines equal
-- fct_inventory's sums (every gas, in t of the gas for CO2, CH4, N2O and in CO2e for the total;
-- without LULUCF = every sector but lulucf), and the sector lines add up to the total with LULUCF.
-- A row here is a region-year whose summary would not be the inventory's.
with

inventory as (
    select
        region_code,
        year,
        sum(co2e_t)                                                          as with_lulucf_co2e_t,
        sum(co2e_t) filter (where sector <> 'lulucf')                        as without_lulucf_co2e_t,
        sum(emissions_t) filter (where gas = 'CO2')                          as with_lulucf_co2_t,
        sum(emissions_t) filter (where gas = 'CH4')                          as ch4_t,
        sum(emissions_t) filter (where gas = 'N2O')                          as n2o_t
    from {{ ref('fct_inventory') }}
    group by region_code, year
),

-- the lines are told apart by what they add up (ref_inventory_summary_rows), not by their wording
lines as (
    select row_order, trim(category_prefixes) as prefixes from {{ ref('ref_inventory_summary_rows') }}
),

summary as (
    select
        s.region_code,
        s.year,
        max(s.total_co2e_t) filter (where l.prefixes = '1 2 3 4 5')           as with_lulucf_co2e_t,
        max(s.total_co2e_t) filter (where l.prefixes = '1 2 3 5')             as without_lulucf_co2e_t,
        max(s.co2_t) filter (where l.prefixes = '1 2 3 4 5')                  as with_lulucf_co2_t,
        max(s.ch4_t) filter (where l.prefixes = '1 2 3 4 5')                  as ch4_t,
        max(s.n2o_t) filter (where l.prefixes = '1 2 3 4 5')                  as n2o_t,
        sum(s.total_co2e_t) filter (where l.prefixes in ('1', '2', '3', '4', '5')) as sectors_co2e_t
    from {{ ref('fct_inventory_summary') }} as s
    inner join lines as l on l.row_order = s.row_order
    group by s.region_code, s.year
)

select
    inventory.*,
    summary.with_lulucf_co2e_t      as summary_with_lulucf_co2e_t,
    summary.without_lulucf_co2e_t   as summary_without_lulucf_co2e_t,
    summary.with_lulucf_co2_t       as summary_with_lulucf_co2_t,
    summary.ch4_t                   as summary_ch4_t,
    summary.n2o_t                   as summary_n2o_t,
    summary.sectors_co2e_t          as summary_sectors_co2e_t
from inventory
full join summary
    on summary.region_code = inventory.region_code and summary.year = inventory.year
where summary.region_code is null
   or inventory.region_code is null
   or {{ figures_differ('inventory.with_lulucf_co2e_t', 'summary.with_lulucf_co2e_t') }}
   or {{ figures_differ('coalesce(inventory.without_lulucf_co2e_t, 0)', 'coalesce(summary.without_lulucf_co2e_t, 0)') }}
   or {{ figures_differ('coalesce(inventory.with_lulucf_co2_t, 0)', 'coalesce(summary.with_lulucf_co2_t, 0)') }}
   or {{ figures_differ('coalesce(inventory.ch4_t, 0)', 'coalesce(summary.ch4_t, 0)') }}
   or {{ figures_differ('coalesce(inventory.n2o_t, 0)', 'coalesce(summary.n2o_t, 0)') }}
   or {{ figures_differ('inventory.with_lulucf_co2e_t', 'summary.sectors_co2e_t') }}
