with

source as (
    select * from {{ ref('ref_exchanges') }}
),

renamed as (
    select
        exchange_code,
        name_zh,
        name_en,
        region_code,
        compliance_deadline_month,
        source
    from source
)

select * from renamed
