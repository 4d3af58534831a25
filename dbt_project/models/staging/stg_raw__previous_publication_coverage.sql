-- What the last publication covered (copied from the published warehouse's
-- audit.audit_coverage before this build; empty for the first build).
with

source as (
    select * from {{ source('raw', 'previous_publication_coverage') }}
),

renamed as (
    select
        cast(source_family as string)  as source_family,
        cast(unit_kind as string)      as unit_kind,
        cast(year as integer)           as year,
        cast(unit_key as string)       as unit_key,
        cast(rows_count as bigint)      as rows_count
    from source
)

select * from renamed
