-- Activity statistics (GDP, indices, population, electricity flows), typed; long format.
with

source as (
    select * from {{ source('raw', 'activity_statistics') }}
),

renamed as (
    select
        cast(source_file as varchar)        as source_file,
        cast(source_sheet as varchar)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as varchar)        as region_code,
        cast(year as integer)               as year,
        cast(variable_code as varchar)      as variable_code,
        cast(value as double)               as value,
        cast(unit as varchar)               as unit,
        cast(value_original as double)      as value_original,
        cast(unit_original as varchar)      as unit_original
    from source
)

select * from renamed
