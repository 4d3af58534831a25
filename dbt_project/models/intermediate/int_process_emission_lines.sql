-- Industrial process lines (工业生产过程) of each enterprise's authoritative report version
-- (int_enterprise_report_versions.is_authoritative: rechecked > verified > reported, then the
-- latest submission), one row per line: co2 = activity (t) × the line's emission factor (tCO2/t).
-- The enterprise-level grain that int_process_emissions rolls up to regions and the disclosure
-- models count enterprises in.
with

lines as (
    select * from {{ ref('stg_raw__enterprise_report_lines') }}
    where source_category = 'process' and emission_factor_unit = 'tCO2/t'
),

authoritative as (
    select credit_code, year, data_status from {{ ref('int_enterprise_report_versions') }}
    where is_authoritative
),

process_names as (
    select process_code, {{ list_rows(split_text('aliases', '|')) }} as source_name
    from {{ ref('ref_industrial_processes') }}
)

select
    lines.credit_code,
    lines.report_year                                               as year,
    lines.region_code,
    -- unknown process names stay visible as process_other rather than being dropped
    'process_' || coalesce(process_names.process_code, 'other')    as sector_code,
    lines.activity_value,
    lines.activity_unit,
    lines.activity_value * lines.emission_factor                    as co2_t,
    lines.source_file
from lines
inner join authoritative
    on  authoritative.credit_code = lines.credit_code
    and authoritative.year = lines.report_year
    and authoritative.data_status = lines.data_status
left join process_names
    on process_names.source_name = lines.source_name
