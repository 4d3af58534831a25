-- Old → new adcodes, so that figures published under a retired code land on today's region.
with

source as (
    select * from {{ ref('ref_region_code_changes') }}
),

renamed as (
    select
        old_code,
        new_code,
        old_name,
        new_name,
        effective_year,
        source
    from source
)

select * from renamed
