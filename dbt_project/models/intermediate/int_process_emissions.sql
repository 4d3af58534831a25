-- Industrial process CO2 (工业生产过程) from enterprise report process lines, per region, year
-- and process. For each enterprise and report year only the latest authoritative version
-- counts: rechecked (复查) > verified (核查) > reported (自报); among versions of the same
-- status the latest submission, then the last source file (deterministic). co2 = activity (t)
-- × the line's emission factor (tCO2/t). Each county's lines are that county's own process
-- emissions; a city's (and the province's) own process emissions are the lines of the
-- enterprises located inside it. Grain: region × year × sector_code ('process_<name>').
with

lines as (
    select * from {{ ref('stg_raw__enterprise_report_lines') }}
),

region_code_changes as (
    select old_code, new_code from {{ ref('stg_reference__region_code_changes') }}
),

regions as (
    select region_code, level, parent_code, province_code from {{ ref('stg_reference__regions') }}
),

versions as (
    select
        credit_code,
        report_year,
        data_status,
        submitted_on,
        source_file,
        row_number() over (
            partition by credit_code, report_year
            order by {{ authoritative_version_order('data_status', 'submitted_on', 'source_file') }}
        )                                                           as version_rank
    from (
        select distinct credit_code, report_year, data_status, submitted_on, source_file
        from lines
    )
),

process_names as (
    select process_code, unnest(string_split(aliases, '|')) as source_name
    from {{ ref('ref_industrial_processes') }}
),

latest_versions as (
    select * from versions where version_rank = 1
),

process_lines as (
    select
        coalesce(region_code_changes.new_code, lines.region_code)  as county_code,
        lines.report_year                                           as year,
        -- unknown process names stay visible as process_other rather than being dropped
        'process_' || coalesce(process_names.process_code, 'other')  as sector_code,
        lines.activity_value,
        lines.activity_unit,
        lines.activity_value * lines.emission_factor                as co2_t,
        lines.source_file
    from lines
    inner join latest_versions
        on  latest_versions.credit_code = lines.credit_code
        and latest_versions.report_year = lines.report_year
        and latest_versions.data_status = lines.data_status
        and latest_versions.submitted_on is not distinct from lines.submitted_on
        and latest_versions.source_file = lines.source_file
    left join region_code_changes
        on region_code_changes.old_code = lines.region_code
    left join process_names
        on process_names.source_name = lines.source_name
    where lines.source_category = 'process'
      and lines.emission_factor_unit = 'tCO2/t'
),

-- The county itself, its city (if any) and its province each count the line as their own.
located as (
    select process_lines.*, regions.region_code as own_region_code
    from process_lines
    inner join regions on regions.region_code = process_lines.county_code
    union all
    select process_lines.*, regions.parent_code
    from process_lines
    inner join regions on regions.region_code = process_lines.county_code
    where regions.parent_code is not null and regions.parent_code <> regions.province_code
    union all
    select process_lines.*, regions.province_code
    from process_lines
    inner join regions on regions.region_code = process_lines.county_code
    where regions.province_code <> regions.region_code
)

select
    own_region_code                                                 as region_code,
    year,
    sector_code,
    'none'                                                          as fuel_code,
    sum(activity_value)                                             as activity_value,
    any_value(activity_unit)                                        as activity_unit,
    sum(co2_t)                                                      as co2_t,
    list(distinct source_file order by source_file)                 as source_files,
    'enterprise_report_emission_factor'                             as factor_source
from located
group by own_region_code, year, sector_code
