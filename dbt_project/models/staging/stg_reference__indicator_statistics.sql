with

source as (
    select * from {{ ref('ref_indicator_statistics') }}
),

renamed as (
    select
        indicator_code,
        name_zh,
        name_en,
        aliases,
        unit_published,
        canonical_unit,
        multiplier,
        department
    from source
)

select * from renamed
