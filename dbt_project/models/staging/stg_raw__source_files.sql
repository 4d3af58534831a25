-- Every file the build read, one row each (raw.source_files, written by the ingestion assets).
with

source as (
    select * from {{ source('raw', 'source_files') }}
),

renamed as (
    select
        cast(source_family as string)                  as source_family,
        cast(source_file as string)                    as source_file,
        cast(kind as string)                           as kind,
        cast(encoding as string)                       as encoding,
        cast(size_bytes as bigint)                      as size_bytes,
        cast(modified_at as {{ type_timestamp_tz() }})   as modified_at,
        cast(rows_loaded as bigint)                     as rows_loaded,
        cast(rows_quarantined as bigint)                as rows_quarantined,
        cast(rejected as boolean)                       as rejected,
        cast(truncated as boolean)                      as truncated,
        cast(problem as string)                        as problem
    from source
)

select * from renamed
