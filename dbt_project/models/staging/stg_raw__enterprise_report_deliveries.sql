-- Deliveries of enterprise reports (one report version in one file) and what the re-delivery
-- rules of the reader made of each (sources/README.md, "Duplicates and re-delivered reports").
with

source as (
    select * from {{ source('raw', 'enterprise_report_deliveries') }}
),

renamed as (
    select
        cast(source_file as string)                    as source_file,
        cast(credit_code as string)                    as credit_code,
        cast(report_year as integer)                    as report_year,
        cast(data_status as string)                    as data_status,
        cast(delivery_status as string)                as delivery_status,
        cast(status_reason as string)                  as status_reason,
        cast(lines_read as integer)                     as lines_read,
        cast(lines_loaded as integer)                   as lines_loaded,
        cast(lines_quarantined as integer)              as lines_quarantined,
        cast(lines_missing_vs_previous as string)      as lines_missing_vs_previous,
        cast(stated_total_co2_t as double)              as stated_total_co2_t,
        cast(stated_category_totals as string)         as stated_category_totals,
        cast(reported_lines_co2_t as double)            as reported_lines_co2_t
    from source
)

select * from renamed
