-- Energy balance cells, typed. Values keep the published sign (transformation inputs and
-- outflows negative); the role of each item is attached in int_energy_balance_flows.
with

source as (
    select * from {{ source('raw', 'energy_balance') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(source_column as string)      as source_column,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(item_code as string)          as item_code,
        cast(fuel_code as string)          as fuel_code,
        cast(value as double)               as value,
        cast(unit as string)               as unit,
        cast(value_original as double)      as value_original,
        cast(unit_original as string)      as unit_original
    from source
)

select * from renamed
