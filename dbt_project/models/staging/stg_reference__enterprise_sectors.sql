with

source as (
    select * from {{ ref('ref_enterprise_sectors') }}
),

renamed as (
    select
        sector_code,
        name_zh,
        name_en,
        aliases,
        is_market_sector,
        gb4754_codes
    from source
)

select * from renamed
