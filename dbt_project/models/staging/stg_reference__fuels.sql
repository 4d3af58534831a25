with

source as (
    select * from {{ ref('ref_fuels') }}
),

renamed as (
    select
        fuel_code,
        name_zh,
        name_en,
        aliases,
        fuel_group,
        is_fossil,
        canonical_unit,
        tce_per_unit,
        tce_source,
        combustion_rule
    from source
)

select * from renamed
