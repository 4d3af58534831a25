-- Who is inside every enterprise-derived figure the public warehouse could show: one row per
-- measure × year × cell × enterprise contribution. A cell is (region_code, region_scope,
-- breakdown_code):
--   region_scope 'total'                the region with everything below it (int_region_ancestors)
--   region_scope 'not_allocated_below'  only the enterprises registered at the region's own code,
--                                       for regions that have child regions: the explicit member
--                                       that makes parent = children + not allocated exact
--   breakdown_code 'all', or at province level 'sector_<code>' / 'process_<code>'; for process_co2 at
--                  every region also 'method_bottom_up' / 'method_top_down': the lines of the processes
--                  whose inventory figure at that region is the enterprises' (bottom-up) or the
--                  statistics' (top-down: int_disclosure_process_methods). The first
--                  is the enterprise part of the region's published process CO2 (the rest is statistics);
--                  the second is never published but is all − the first, so it is protected like one.
-- Measures:
--   enterprise_co2   CO2 of every reporting enterprise (authoritative version, fct_enterprise_year.co2_t)
--   process_co2      industrial process CO2 of the report lines (int_process_emission_lines: the bottom-up
--                    rows of fct_process_emissions; = the public fct_region_year.co2_process_t)
--   market_co2       CO2 of carbon-market enterprises with a verified or rechecked report
--                    (the set of fct_market_coverage), province only
--   non_market_co2   the other reporting enterprises, province only: never published, but equal to
--                    enterprise_co2 − market_co2, so it is a cell the suppression must protect
-- direct_co2_t (combustion + process) travels with enterprise and market cells: published beside
-- their CO2 (fct_market_coverage.ets_verified_direct_co2_t), so it is checked for dominance too.
with

versions as (
    select
        v.credit_code,
        v.year,
        v.region_code,
        v.sector_code,
        v.in_ets and v.data_status in ('verified', 'rechecked')     as in_market,
        v.co2_t,
        v.co2_combustion_t + v.co2_process_t                         as direct_co2_t,
        v.quarantined_lines_count > 0                                as is_incomplete
    from {{ ref('int_enterprise_report_versions') }} as v
    where v.is_authoritative
),

process_lines as (
    select
        lines.credit_code,
        lines.year,
        lines.region_code,
        lines.sector_code                                            as process_code,
        lines.activity_value,
        lines.co2_t,
        coalesce(versions.is_incomplete, false)                      as is_incomplete
    from {{ ref('int_process_emission_lines') }} as lines
    left join versions
        on versions.credit_code = lines.credit_code and versions.year = lines.year
),

ancestors as (
    select * from {{ ref('int_region_ancestors') }}
),

-- the method the inventory counts for a process at a region (the bottom-up row exists at every
-- region with lines of the process: int_process_emissions counts lines at each ancestor)
process_methods_used as (
    select * from {{ ref('int_disclosure_process_methods') }}
),

own_region as (
    select region_code, ancestor_has_children as has_children from ancestors where distance = 0
),

province_of as (
    select region_code, ancestor_code as province_code from ancestors where ancestor_level = 'province'
),

-- enterprise_co2 and process_co2 per region, up the hierarchy
enterprise_totals as (
    select 'enterprise_co2' as measure, v.year, v.credit_code, a.ancestor_code as region_code,
           'total' as region_scope, 'all' as breakdown_code,
           v.co2_t, v.direct_co2_t, cast(null as double) as activity_value, v.is_incomplete
    from versions as v
    inner join ancestors as a on a.region_code = v.region_code
),

enterprise_not_allocated as (
    select 'enterprise_co2' as measure, v.year, v.credit_code, v.region_code,
           'not_allocated_below' as region_scope, 'all' as breakdown_code,
           v.co2_t, v.direct_co2_t, cast(null as double) as activity_value, v.is_incomplete
    from versions as v
    inner join own_region on own_region.region_code = v.region_code and own_region.has_children
),

enterprise_sectors as (
    select 'enterprise_co2' as measure, v.year, v.credit_code, p.province_code as region_code,
           'total' as region_scope, 'sector_' || v.sector_code as breakdown_code,
           v.co2_t, v.direct_co2_t, cast(null as double) as activity_value, v.is_incomplete
    from versions as v
    inner join province_of as p on p.region_code = v.region_code
),

process_totals as (
    select 'process_co2' as measure, l.year, l.credit_code, a.ancestor_code as region_code,
           'total' as region_scope, 'all' as breakdown_code,
           l.co2_t, cast(null as double) as direct_co2_t, cast(null as double) as activity_value, l.is_incomplete
    from process_lines as l
    inner join ancestors as a on a.region_code = l.region_code
),

process_not_allocated as (
    select 'process_co2' as measure, l.year, l.credit_code, l.region_code,
           'not_allocated_below' as region_scope, 'all' as breakdown_code,
           l.co2_t, cast(null as double) as direct_co2_t, cast(null as double) as activity_value, l.is_incomplete
    from process_lines as l
    inner join own_region on own_region.region_code = l.region_code and own_region.has_children
),

process_breakdown as (
    select 'process_co2' as measure, l.year, l.credit_code, p.province_code as region_code,
           'total' as region_scope, l.process_code as breakdown_code,
           l.co2_t, cast(null as double) as direct_co2_t, l.activity_value, l.is_incomplete
    from process_lines as l
    inner join province_of as p on p.region_code = l.region_code
),

process_methods as (
    select 'process_co2' as measure, l.year, l.credit_code, a.ancestor_code as region_code,
           'total' as region_scope,
           {{ disclosure_method_breakdown('used.method_breakdown_code') }}
                                                                     as breakdown_code,
           l.co2_t, cast(null as double) as direct_co2_t, cast(null as double) as activity_value, l.is_incomplete
    from process_lines as l
    inner join ancestors as a on a.region_code = l.region_code
    left join process_methods_used as used
        on used.region_code = a.ancestor_code and used.year = l.year and used.process_code = l.process_code
),

market as (
    select case when v.in_market then 'market_co2' else 'non_market_co2' end as measure,
           v.year, v.credit_code, p.province_code as region_code,
           'total' as region_scope, 'all' as breakdown_code,
           v.co2_t, v.direct_co2_t, cast(null as double) as activity_value, v.is_incomplete
    from versions as v
    inner join province_of as p on p.region_code = v.region_code
)

select * from enterprise_totals
union all select * from enterprise_not_allocated
union all select * from enterprise_sectors
union all select * from process_totals
union all select * from process_not_allocated
union all select * from process_breakdown
union all select * from process_methods
union all select * from market
