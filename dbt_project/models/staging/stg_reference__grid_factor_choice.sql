with

source as (
    select * from {{ ref('ref_grid_factor_choice') }}
),

renamed as (
    select
        -- 'default' stands for every province that has no row of its own for the year
        province_code,
        year_from,
        year_to,
        factor_set              as grid_factor_set,
        scope                   as grid_scope,
        grid_scheme,
        note
    from source
)

select * from renamed
