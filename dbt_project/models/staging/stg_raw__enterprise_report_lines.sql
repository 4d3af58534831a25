-- Enterprise report lines, typed. One row per line of one report version; nothing is
-- filtered here (the latest authoritative version is chosen downstream).
with

source as (
    select * from {{ source('raw', 'enterprise_report_lines') }}
),

renamed as (
    select
        cast(source_file as string)                    as source_file,
        cast(source_sheet as string)                   as source_sheet,
        cast(source_row as integer)                     as source_row,
        cast(credit_code as string)                    as credit_code,
        cast(enterprise_name as string)                as enterprise_name,
        cast(region_code as string)                    as region_code,
        cast(sector_code as string)                    as sector_code,
        cast(in_ets as boolean)                         as in_ets,
        cast(report_year as integer)                    as report_year,
        -- 'reported' (企业自报), 'verified' (核查), 'rechecked' (复查): the readers' vocabulary
        cast(data_status as string)                    as data_status,
        cast(submitted_on as date)                      as submitted_on,
        -- 'combustion', 'process', 'electricity', 'heat' (化石燃料燃烧, 工业生产过程, 净购入电力, 净购入热力)
        cast(source_category as string)                as source_category,
        cast(source_name as string)                    as source_name,
        cast(fuel_code as string)                      as fuel_code,
        cast(activity_value as double)                  as activity_value,
        cast(activity_unit as string)                  as activity_unit,
        cast(activity_value_original as double)         as activity_value_original,
        cast(activity_unit_original as string)         as activity_unit_original,
        cast(ncv_gj_per_unit as double)                 as ncv_gj_per_unit,
        cast(carbon_content_tc_per_tj as double)        as carbon_content_tc_per_tj,
        cast(oxidation_fraction as double)              as oxidation_fraction,
        cast(emission_factor as double)                 as emission_factor,
        cast(emission_factor_unit as string)           as emission_factor_unit,
        cast(reported_co2_t as double)                  as reported_co2_t
    from source
)

select * from renamed
