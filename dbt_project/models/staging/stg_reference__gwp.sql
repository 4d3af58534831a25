with

source as (
    select * from {{ ref('ref_gwp') }}
),

renamed as (
    select
        gas,
        gwp_set,
        gwp100,
        source
    from source
)

select * from renamed
