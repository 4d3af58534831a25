-- Production statistics (产量统计), typed; amounts in tonnes. The activity data of the top-down
-- industrial process emissions (int_process_emissions_top_down).
with

source as (
    select * from {{ source('raw', 'production_statistics') }}
),

renamed as (
    select
        cast(source_file as varchar)        as source_file,
        cast(source_sheet as varchar)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as varchar)        as region_code,
        cast(year as integer)               as year,
        cast(product_code as varchar)       as product_code,
        cast(amount as double)              as amount_t,
        cast(unit as varchar)               as unit,
        cast(amount_original as double)     as amount_original,
        cast(unit_original as varchar)      as unit_original
    from source
)

select * from renamed
