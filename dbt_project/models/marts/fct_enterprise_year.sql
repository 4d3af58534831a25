-- Enterprise × year: the authoritative version (rechecked > verified > reported, then the latest
-- submission) with emissions recomputed from its lines; review flags are those of every version
-- of the year (a slip in the self-report stays visible after verification corrected it).
with

versions as (
    select * from {{ ref('int_enterprise_report_versions') }}
),

year_flags as (
    select
        credit_code,
        year,
        count(*)                                                          as versions_count,
        {{ text_list_sorted_distinct('flatten(' ~ list_agg('review_flag_list') ~ ')') }} as flags
    from versions
    group by all
)

select
    v.credit_code,
    v.enterprise_name,
    v.year,
    v.region_code,
    v.sector_code,
    v.in_ets,
    v.co2_t,
    v.co2_combustion_t,
    v.co2_process_t,
    v.co2_electricity_t,
    v.co2_heat_t,
    v.reported_co2_t,
    v.data_status,
    v.submitted_on,
    cast(f.versions_count as integer)                                    as versions_count,
    v.measured_combustion_line_share,
    case
        when v.measured_combustion_line_share is null then 'no_combustion'
        when v.measured_combustion_line_share = 1 then 'measured'
        when v.measured_combustion_line_share = 0 then 'default'
        else 'mixed'
    end                                                                  as factor_basis,
    v.factor_set,
    {{ text_list_join('f.flags', '|') }}                                 as review_flags,
    cast({{ list_length('f.flags') }} as integer)                        as review_flag_count,
    v.quarantined_lines_count,
    v.lines_missing_vs_previous,
    v.stated_total_co2_t
from versions as v
join year_flags as f on f.credit_code = v.credit_code and f.year = v.year
where v.is_authoritative
