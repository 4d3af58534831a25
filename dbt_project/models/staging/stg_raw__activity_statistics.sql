-- Activity statistics (GDP, indices, population, electricity flows), typed; long format.
with

source as (
    select * from {{ source('raw', 'activity_statistics') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(variable_code as string)      as variable_code,
        cast(value as double)               as value,
        cast(unit as string)               as unit,
        cast(value_original as double)      as value_original,
        cast(unit_original as string)      as unit_original
    from source
)

select * from renamed
