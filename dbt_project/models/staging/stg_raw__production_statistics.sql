-- Production statistics (产量统计), typed; amounts in tonnes. The activity data of the top-down
-- industrial process emissions (int_process_emissions_top_down).
with

source as (
    select * from {{ source('raw', 'production_statistics') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(product_code as string)       as product_code,
        cast(amount as double)              as amount_t,
        cast(unit as string)               as unit,
        cast(amount_original as double)     as amount_original,
        cast(unit_original as string)      as unit_original
    from source
)

select * from renamed
