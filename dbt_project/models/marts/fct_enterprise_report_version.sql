-- Every report version (credit code × year × status) with its recomputed CO2 and review flags:
-- the history behind marts.fct_enterprise_year.
select
    credit_code,
    year,
    data_status,
    submitted_on,
    is_authoritative,
    enterprise_name,
    region_code,
    sector_code,
    in_ets,
    lines_count,
    co2_t,
    co2_combustion_t,
    co2_process_t,
    co2_electricity_t,
    co2_heat_t,
    reported_co2_t,
    measured_combustion_line_share,
    factor_set,
    previous_year_co2_t,
    yoy_ratio,
    peer_z,
    {{ text_list_join('review_flag_list', '|') }} as review_flags,
    cast({{ list_length('review_flag_list') }} as integer) as review_flag_count,
    source_file
from {{ ref('int_enterprise_report_versions') }}
