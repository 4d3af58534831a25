-- Rows the readers rejected, typed: the clerk's to-do list.
with

source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        cast(source_family as string)      as source_family,
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(column_name as string)        as column_name,
        cast(value as string)              as value,
        cast(reason as string)             as reason,
        -- null in rows another family wrote before the column existed (a year backfill on an
        -- older publication): those problems were not blocking
        coalesce(cast(blocks_publication as boolean), false) as blocks_publication
    from source
)

select * from renamed
