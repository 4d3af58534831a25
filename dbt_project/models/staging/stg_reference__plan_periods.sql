-- Five-year plan periods: years and the base year their binding targets are compared with.
with

source as (
    select * from {{ ref('ref_plan_periods') }}
),

renamed as (
    select
        plan_period,
        first_year,
        last_year,
        base_year,
        source
    from source
)

select * from renamed
