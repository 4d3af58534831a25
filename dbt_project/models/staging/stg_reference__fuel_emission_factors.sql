with

source as (
    select * from {{ ref('ref_fuel_emission_factors') }}
),

renamed as (
    select
        factor_set,
        fuel_code,
        ncv_gj_per_unit,
        carbon_content_tc_per_tj,
        oxidation_fraction,
        source,
        note
    from source
)

select * from renamed
