-- Every file the build read, one row each (raw.source_files, written by the ingestion assets).
with

source as (
    select * from {{ source('raw', 'source_files') }}
),

renamed as (
    select
        cast(source_family as varchar)                  as source_family,
        cast(source_file as varchar)                    as source_file,
        cast(kind as varchar)                           as kind,
        cast(encoding as varchar)                       as encoding,
        cast(size_bytes as bigint)                      as size_bytes,
        cast(modified_at as timestamp with time zone)   as modified_at,
        cast(rows_loaded as bigint)                     as rows_loaded,
        cast(rows_quarantined as bigint)                as rows_quarantined,
        cast(rejected as boolean)                       as rejected,
        cast(truncated as boolean)                      as truncated,
        cast(problem as varchar)                        as problem
    from source
)

select * from renamed
