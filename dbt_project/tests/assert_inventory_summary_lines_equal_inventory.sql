{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory_summary'}}}) }}
-- The summary's sector lines are fct_inventory's sectors, and every line's gas columns in CO2e add
-- up to its total: the inventory page shows these lines as they are, so a sector line that is not
-- its sector, or a gas column that leaves something out, would be on screen. A row here is a
-- region-year-line that disagrees (figures_differ: null against a figure, or apart by more than
-- float summation order).
with

sectors as (
    select region_code, year, sector, sum(co2e_t) as inventory_co2e_t
    from {{ ref('fct_inventory') }}
    group by region_code, year, sector
),

lines as (
    select * from {{ ref('fct_inventory_summary') }}
)

select
    lines.region_code,
    lines.year,
    lines.row_order,
    lines.sector,
    lines.total_co2e_t,
    sectors.inventory_co2e_t,
    coalesce(lines.co2_t, 0) + coalesce(lines.ch4_co2e_t, 0) + coalesce(lines.n2o_co2e_t, 0)
        + coalesce(lines.fgases_co2e_t, 0)                                  as gases_co2e_t
from lines
left join sectors
    on  sectors.region_code = lines.region_code
    and sectors.year = lines.year
    and sectors.sector = lines.sector
where (lines.line_kind = 'sector'
       and {{ figures_differ('lines.total_co2e_t', 'sectors.inventory_co2e_t') }})
   or (lines.total_co2e_t is not null
       and {{ figures_differ('lines.total_co2e_t',
               'coalesce(lines.co2_t, 0) + coalesce(lines.ch4_co2e_t, 0) + coalesce(lines.n2o_co2e_t, 0) + coalesce(lines.fgases_co2e_t, 0)') }})
