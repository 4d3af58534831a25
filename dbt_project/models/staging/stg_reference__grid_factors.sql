with

source as (
    select * from {{ ref('ref_grid_factors') }}
),

renamed as (
    select
        factor_set              as grid_factor_set,
        scope                   as grid_scope,
        grid_name,
        region_code             as province_code,
        -- null year: the factor applies to every year (NDRC 2012 regional averages)
        year                    as factor_year,
        ef_tco2_per_mwh         as grid_factor_tco2_per_mwh,
        source
    from source
)

select * from renamed
