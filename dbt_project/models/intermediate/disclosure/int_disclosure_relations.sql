-- Every additive relation among enterprise-derived cells that the public warehouse publishes,
-- one row per (relation, member). is_total marks the member that equals the sum of the others.
--   hierarchy|<measure>|<year>|<R>  R's total = its child regions' totals + R's not-allocated member
--   breakdown|<measure>|<year>|<P>  a province's total = its sector (or process) cells
--   method|<year>|<R>               a region's process_co2 = its method_bottom_up + method_top_down parts
--   method|<year>|<P>|<method>      at a province, each method part = the process cells counted by
--                                   that method there
--   market|<year>|<P>               enterprise_co2 = market_co2 + non_market_co2 (the same
--                                   quantity in two tables: agg_enterprise_emissions and
--                                   fct_market_coverage)
-- Only cells with at least one enterprise exist; an absent cell is a known zero.
with

cells as (
    select cell_key, measure, year, region_code, region_scope, breakdown_code
    from {{ ref('int_disclosure_cells') }}
),

regions as (
    select region_code, level from {{ ref('stg_reference__regions') }}
),

parents as (
    select region_code, ancestor_code as parent_code from {{ ref('int_region_ancestors') }} where distance = 1
),

region_totals as (
    select cells.*, regions.level, parents.parent_code
    from cells
    inner join regions on regions.region_code = cells.region_code
    left join parents on parents.region_code = cells.region_code
    where cells.region_scope = 'total' and cells.breakdown_code = 'all'
      and cells.measure in ('enterprise_co2', 'process_co2')
),

-- the parts of each region's total: its child regions' totals and its not-allocated member
hierarchy_parts as (
    select measure, year, parent_code as region_code, cell_key
    from region_totals
    where parent_code is not null
    union all
    select measure, year, region_code, cell_key
    from cells
    where region_scope = 'not_allocated_below'
),

hierarchy as (
    select
        'hierarchy|' || measure || '|' || cast(year as string) || '|' || region_code as relation_id,
        cell_key,
        false as is_total
    from hierarchy_parts
    union all
    -- the total itself (it exists whenever a part does: every part's enterprises are in it)
    select distinct
        'hierarchy|' || parts.measure || '|' || cast(parts.year as string) || '|' || parts.region_code,
        total.cell_key,
        true
    from hierarchy_parts as parts
    inner join region_totals as total
        on total.measure = parts.measure and total.year = parts.year and total.region_code = parts.region_code
),

breakdown as (
    select
        'breakdown|' || cells.measure || '|' || cast(cells.year as string) || '|' || cells.region_code as relation_id,
        cells.cell_key,
        cells.breakdown_code = 'all' as is_total
    from cells
    inner join regions on regions.region_code = cells.region_code and regions.level = 'province'
    where cells.region_scope = 'total' and cells.measure in ('enterprise_co2', 'process_co2')
      and not left(cells.breakdown_code, 7) = 'method_'
),

-- a region's process lines split by the method its inventory counts them with
method_split as (
    select
        'method|' || cast(cells.year as string) || '|' || cells.region_code as relation_id,
        cells.cell_key,
        cells.breakdown_code = 'all' as is_total
    from cells
    where cells.measure = 'process_co2' and cells.region_scope = 'total'
      and (cells.breakdown_code = 'all' or left(cells.breakdown_code, 7) = 'method_')
      -- a region whose lines are all counted one way has one part, a copy of its total
),

process_methods_used as (
    select * from {{ ref('int_disclosure_process_methods') }}
),

-- at a province the process cells are published too: each method part is the sum of its processes
method_processes as (
    select
        'method|' || cast(cells.year as string) || '|' || cells.region_code || '|'
            || {{ disclosure_method_breakdown('used.method_breakdown_code') }}
                                                                    as relation_id,
        cells.cell_key,
        false as is_total,
        cells.measure, cells.year, cells.region_code,
        {{ disclosure_method_breakdown('used.method_breakdown_code') }}
                                                                    as method_code
    from cells
    inner join regions on regions.region_code = cells.region_code and regions.level = 'province'
    left join process_methods_used as used
        on used.region_code = cells.region_code and used.year = cells.year and used.process_code = cells.breakdown_code
    where cells.measure = 'process_co2' and cells.region_scope = 'total' and left(cells.breakdown_code, 8) = 'process_'
),

method_sums as (
    select relation_id, cell_key, is_total from method_processes
    union all
    select distinct parts.relation_id, total.cell_key, true
    from method_processes as parts
    inner join cells as total
        on total.measure = parts.measure and total.year = parts.year and total.region_code = parts.region_code
       and total.region_scope = 'total' and total.breakdown_code = parts.method_code
),

market as (
    select
        'market|' || cast(cells.year as string) || '|' || cells.region_code as relation_id,
        cells.cell_key,
        cells.measure = 'enterprise_co2' as is_total
    from cells
    inner join regions on regions.region_code = cells.region_code and regions.level = 'province'
    where cells.region_scope = 'total' and cells.breakdown_code = 'all'
      and cells.measure in ('enterprise_co2', 'market_co2', 'non_market_co2')
)

select * from hierarchy
union all select * from breakdown
union all select * from method_split
union all select * from method_sums
union all select * from market
