-- Activity statistics of the guideline's other sectors (agriculture, waste; items in
-- ref_inventory_activity_items), typed; amounts in each item's canonical unit.
with

source as (
    select * from {{ source('raw', 'inventory_activity') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(item_code as string)          as item_code,
        cast(amount as double)              as amount,
        cast(unit as string)               as unit,
        cast(amount_original as double)     as amount_original,
        cast(unit_original as string)      as unit_original
    from source
)

select * from renamed
