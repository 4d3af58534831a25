-- Plan targets. The plan period's years are read from its code ('13th_fyp_2016_2020'), because
-- progress is reported for the plan's own years even when the base year is earlier (2005, 2010).
-- [0-9], not \d: in a Spark string literal the backslash is an escape and '\d' would match 'd'.
with

source as (
    select * from {{ ref('ref_targets') }}
),

renamed as (
    select
        region_code,
        indicator_code,
        plan_period,
        cast(regexp_extract(plan_period, '([0-9]{4})_([0-9]{4})$', 1) as integer)  as plan_first_year,
        cast(regexp_extract(plan_period, '([0-9]{4})_([0-9]{4})$', 2) as integer)  as plan_last_year,
        target_kind,
        comparison,
        target_value,
        base_year,
        target_year,
        source
    from source
)

select * from renamed
