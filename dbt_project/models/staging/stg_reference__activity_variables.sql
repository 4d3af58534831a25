with

source as (
    select * from {{ ref('ref_activity_variables') }}
),

renamed as (
    select
        variable_code,
        name_zh,
        name_en,
        aliases,
        unit_published,
        canonical_unit
    from source
)

select * from renamed
