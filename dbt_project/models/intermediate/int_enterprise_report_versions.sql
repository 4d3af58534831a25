-- One row per report version (credit code × year × status) with recomputed and reported totals
-- and the review flags of that version. Flag rules (thresholds are vars with defaults here):
--   lines_vs_recomputed  |reported − recomputed| > enterprise_line_tolerance_fraction (5 %) × recomputed
--   unit_slip_x1000      a line's activity is 300–3000 × the median of the same line (category,
--                        source) in the enterprise's other years: kWh written as MWh, kg as t
--   unit_slip_x10000     the same ratio at 3000–30000: 吨 written as 万吨. Only slips that make a
--                        value too large are flagged (the inverse would also flag the normal years
--                        of an enterprise with few years, whose median the slip itself inflates)
--   yoy_change           |CO2 / last year's authoritative CO2 − 1| > enterprise_yoy_change_threshold (30 %)
--   peer_outlier         |z| of ln(CO2) among the sector's authoritative reports of the year
--                        > enterprise_peer_z_threshold (3); sectors with fewer than 5 reports are not scored
--   incomplete_report    the delivery in force had lines the reader quarantined (a unit slip, a
--                        negative amount…): the version's totals are short by those lines
--   lines_missing_vs_previous  a corrected re-delivery lacks lines the delivery it replaced had
--   stated_total_mismatch the report's own total (汇总 sheet or 合计 rows) differs from the sum of
--                        its lines' reported CO2 by more than enterprise_stated_total_tolerance_fraction (1 %)
{%- set line_tol = var('enterprise_line_tolerance_fraction') %}
{%- set stated_tol = var('enterprise_stated_total_tolerance_fraction') %}
{%- set yoy = var('enterprise_yoy_change_threshold') %}
{%- set peer_z = var('enterprise_peer_z_threshold') %}
{%- set place = composite_key('source_file, source_row') %}
{#- every flag a version may carry, null where it does not apply (dropped from its list) #}
{%- set review_flag_candidates %}
        case when abs(coalesce(reported_co2_t, 0) - co2_t) > {{ line_tol }} * abs(co2_t) then 'lines_vs_recomputed' end,
        case when unit_slip_x1000 then 'unit_slip_x1000' end,
        case when unit_slip_x10000 then 'unit_slip_x10000' end,
        case when abs(yoy_ratio - 1) > {{ yoy }} then 'yoy_change' end,
        case when abs(peer_z) > {{ peer_z }} then 'peer_outlier' end,
        case when quarantined_lines_count > 0 then 'incomplete_report' end,
        case when lines_missing_vs_previous is not null then 'lines_missing_vs_previous' end,
        case when abs(stated_total_co2_t - coalesce(reported_lines_co2_t, 0)) > {{ stated_tol }} * abs(stated_total_co2_t)
             then 'stated_total_mismatch' end
{%- endset %}
with

lines as (
    select * from {{ ref('int_enterprise_report_lines') }}
),

-- the other years' median of each line without a self-join (a national inbox made that 54M rows):
-- one list per enterprise × line of its positive activity values with their years (an enterprise
-- has at most a few dozen, every version of every year), the own year's dropped per line
line_years as (
    select
        credit_code, source_category, source_name,
        {{ year_value_list_agg('report_year', 'activity_value') }} filter (where activity_value > 0) as history
    from lines
    group by credit_code, source_category, source_name
),

line_history as (
    select
        lines.credit_code, lines.report_year, lines.data_status, lines.source_category, lines.source_name,
        lines.activity_value,
        {{ median_of_other_years('line_years.history', 'lines.report_year') }} as other_years_median
    from lines
    left join line_years
        on  line_years.credit_code = lines.credit_code
        and line_years.source_category = lines.source_category
        and line_years.source_name = lines.source_name
),

line_slips as (
    select
        credit_code, report_year, data_status,
        coalesce(bool_or(ratio >= 300 and ratio < 3000), false)    as unit_slip_x1000,
        coalesce(bool_or(ratio >= 3000 and ratio < 30000), false)  as unit_slip_x10000
    from (
        select *, {{ safe_divide('activity_value', 'other_years_median') }} as ratio from line_history
    )
    group by all
),

versions as (
    select
        credit_code,
        report_year                                                   as year,
        data_status,
        {{ status_precedence('data_status') }}                                    as status_rank,
        max(submitted_on)                                             as submitted_on,
        -- the first non-null value in file order: min_by over the line's place (a null value has
        -- no place, so it is skipped as any_value skips it), the same on both engines
        min_by(enterprise_name, case when enterprise_name is not null then {{ place }} end) as enterprise_name,
        min_by(region_code, case when region_code is not null then {{ place }} end)         as region_code,
        min_by(sector_code, case when sector_code is not null then {{ place }} end)         as sector_code,
        bool_or(in_ets)                                               as in_ets,
        {{ sorted_distinct_text_agg('source_file', '|') }}            as source_file,
        count(*)                                                      as lines_count,
        sum(co2_t)                                                    as co2_t,
        coalesce(sum(co2_t) filter (where source_category = 'combustion'), 0)  as co2_combustion_t,
        coalesce(sum(co2_t) filter (where source_category = 'process'), 0)     as co2_process_t,
        coalesce(sum(co2_t) filter (where source_category = 'electricity'), 0) as co2_electricity_t,
        coalesce(sum(co2_t) filter (where source_category = 'heat'), 0)        as co2_heat_t,
        sum(reported_co2_t)                                           as reported_co2_t,
        -- doubles, not 1.0/0.0: Spark's avg of a decimal is a decimal rounded to a few digits
        avg(case when factor_basis = 'measured' then cast(1 as double) else cast(0 as double) end) filter (where source_category = 'combustion')
                                                                      as measured_combustion_line_share,
        any_value(factor_set)                                         as factor_set
    from lines
    group by credit_code, report_year, data_status
),

-- the authoritative version of each enterprise-year: rechecked > verified > reported, then the latest submission
ranked as (
    select *,
        row_number() over (
            partition by credit_code, year
            order by {{ authoritative_version_order('data_status', 'submitted_on', 'source_file') }}
        ) = 1
            as is_authoritative
    from versions
),

authoritative as (
    select credit_code, year, sector_code, co2_t from ranked where is_authoritative
),

-- what the reader made of the delivery in force of each version (one per version)
deliveries as (
    select
        credit_code, report_year, data_status, lines_quarantined, lines_missing_vs_previous,
        stated_total_co2_t, reported_lines_co2_t
    from {{ ref('stg_raw__enterprise_report_deliveries') }}
    where delivery_status = 'in_force'
),

peer_stats as (
    select sector_code, year, avg(ln(co2_t)) as mean_ln, stddev_samp(ln(co2_t)) as sd_ln, count(*) as n
    from authoritative where co2_t > 0
    group by all
),

scored as (
    select
        ranked.*,
        previous.co2_t                                                 as previous_year_co2_t,
        {{ safe_divide('ranked.co2_t', 'previous.co2_t') }}            as yoy_ratio,
        case when peer_stats.n >= 5 and ranked.co2_t > 0
             then {{ safe_divide('ln(ranked.co2_t) - peer_stats.mean_ln', 'peer_stats.sd_ln') }} end as peer_z,
        coalesce(line_slips.unit_slip_x1000, false)                    as unit_slip_x1000,
        coalesce(line_slips.unit_slip_x10000, false)                   as unit_slip_x10000,
        cast(coalesce(deliveries.lines_quarantined, 0) as integer)     as quarantined_lines_count,
        deliveries.lines_missing_vs_previous,
        deliveries.stated_total_co2_t,
        deliveries.reported_lines_co2_t
    from ranked
    left join authoritative as previous
        on previous.credit_code = ranked.credit_code and previous.year = ranked.year - 1
    left join peer_stats
        on peer_stats.sector_code = ranked.sector_code and peer_stats.year = ranked.year
    left join line_slips
        on line_slips.credit_code = ranked.credit_code and line_slips.report_year = ranked.year
       and line_slips.data_status = ranked.data_status
    left join deliveries
        on deliveries.credit_code = ranked.credit_code and deliveries.report_year = ranked.year
       and deliveries.data_status = ranked.data_status
)

select
    *,
    {{ text_list_without_nulls(review_flag_candidates) }} as review_flag_list
from scored
