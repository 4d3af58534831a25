with

source as (
    select * from {{ ref('ref_province_grids') }}
),

renamed as (
    select
        grid_scheme,
        province_code,
        grid_name,
        note
    from source
)

select * from renamed
