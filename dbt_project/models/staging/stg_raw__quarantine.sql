-- Rows the readers rejected, typed: the clerk's to-do list.
with

source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        cast(source_family as varchar)      as source_family,
        cast(source_file as varchar)        as source_file,
        cast(source_sheet as varchar)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(column_name as varchar)        as column_name,
        cast(value as varchar)              as value,
        cast(reason as varchar)             as reason
    from source
)

select * from renamed
