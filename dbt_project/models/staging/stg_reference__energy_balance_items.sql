with

source as (
    select * from {{ ref('ref_energy_balance_items') }}
),

renamed as (
    select
        item_code,
        name_zh,
        aliases,
        role                    as item_role,
        sign_convention,
        combustion_co2_counted,
        sort_order
    from source
)

select * from renamed
