-- Indicator statistics reported by other departments, typed; values in canonical units.
with

source as (
    select * from {{ source('raw', 'indicator_statistics') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(indicator_code as string)     as indicator_code,
        cast(value as double)               as value,
        cast(unit as string)               as unit,
        cast(value_original as double)      as value_original,
        cast(unit_original as string)      as unit_original,
        cast(department as string)         as department
    from source
)

select * from renamed
