-- Every enterprise-derived aggregate of the public warehouse, one row per shown-or-hidden cell
-- (int_disclosure_suppression): the reporting enterprises' CO2, the industrial process CO2 and
-- the carbon-market enterprises' CO2, by region (with the explicit "not allocated below" member
-- for enterprises registered at a city's or province's own code) and, at province level, by
-- sector or process. The other public tables copy these cells; docs/methodology.md lists the
-- additive relations they satisfy and how suppression keeps each of them from giving a hidden
-- cell away.
with

cells as (
    select * from {{ ref('int_disclosure_suppression') }}
    where is_published
),

-- the carbon-market enterprises' direct (combustion + process) CO2 is a second value of the same
-- cell: it is shown and hidden with it
measures as (
    select cells.*, measure as published_measure, co2_t as published_co2_t from cells
    union all
    select cells.*, 'market_direct_co2', direct_co2_t from cells where measure = 'market_co2'
)

select
    published_measure                                                           as measure,
    region_code,
    year,
    region_scope,
    breakdown_code,
    case when suppressed then null else enterprise_count end                    as enterprise_count,
    case when suppressed then null else incomplete_reports_count end            as incomplete_reports_count,
    case when suppressed then null else published_co2_t end                     as co2_t,
    case when suppressed then null else activity_value end                      as activity_value,
    activity_unit,
    suppressed,
    suppression_reason
from measures
