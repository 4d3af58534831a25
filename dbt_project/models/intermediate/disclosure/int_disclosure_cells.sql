-- Every enterprise-derived cell with what the confidentiality rule needs (docs/methodology.md): how many
-- enterprises it holds, its total and its largest enterprise, and the primary suppression
-- reason — fewer than var('disclosure_min_enterprises') (3) enterprises, or one enterprise above
-- var('disclosure_dominance_share') (80 %) of the CO2, of the direct CO2 or of the activity.
with

per_enterprise as (
    select
        measure, year, region_code, region_scope, breakdown_code, credit_code,
        sum(co2_t)                          as co2_t,
        sum(direct_co2_t)                   as direct_co2_t,
        sum(activity_value)                 as activity_value,
        bool_or(is_incomplete)              as is_incomplete
    from {{ ref('int_disclosure_contributions') }}
    group by measure, year, region_code, region_scope, breakdown_code, credit_code
),

cells as (
    select
        measure, year, region_code, region_scope, breakdown_code,
        count(*)                                            as enterprise_count,
        count(*) filter (where is_incomplete)               as incomplete_reports_count,
        sum(co2_t)                                          as co2_t,
        max(co2_t)                                          as largest_co2_t,
        sum(direct_co2_t)                                   as direct_co2_t,
        max(direct_co2_t)                                   as largest_direct_co2_t,
        sum(activity_value)                                 as activity_value,
        max(activity_value)                                 as largest_activity_value
    from per_enterprise
    group by measure, year, region_code, region_scope, breakdown_code
)

select
    measure || '|' || cast(year as string) || '|' || region_code || '|' || region_scope || '|' || breakdown_code
                                                                    as cell_key,
    measure,
    year,
    region_code,
    region_scope,
    breakdown_code,
    cast(enterprise_count as integer)                               as enterprise_count,
    cast(incomplete_reports_count as integer)                       as incomplete_reports_count,
    co2_t,
    direct_co2_t,
    activity_value,
    case when activity_value is not null then 't' end              as activity_unit,
    -- non_market_co2 and a region's top-down processes' lines are never published themselves:
    -- they are known only as enterprise_co2 − market_co2 and process_co2 − its bottom-up part
    measure <> 'non_market_co2' and breakdown_code <> 'method_top_down'
                                                                    as is_published,
    {{ disclosure_primary_reason(
        'enterprise_count',
        [('co2_t', 'largest_co2_t'), ('direct_co2_t', 'largest_direct_co2_t'), ('activity_value', 'largest_activity_value')]
    ) }}                                                            as primary_reason
from cells
