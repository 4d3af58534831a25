{{ config(meta={'dagster': {'ref': {'name': 'stg_raw__activity_statistics'}}}) }}
-- int_region_year_activity pivots with max(): that is only a pivot if each region, year and
-- variable has one value after retired codes are mapped to current ones. Two values (the
-- same sheet loaded twice, or an old and a new code for the same year) fail here instead of
-- one of them silently winning.
with

statistics as (
    select * from {{ ref('stg_raw__activity_statistics') }}
),

region_code_changes as (
    select old_code, new_code from {{ ref('stg_reference__region_code_changes') }}
)

select
    coalesce(region_code_changes.new_code, statistics.region_code) as region_code,
    statistics.year,
    statistics.variable_code,
    count(*) as value_count
from statistics
left join region_code_changes
    on region_code_changes.old_code = statistics.region_code
where statistics.value is not null
group by all
having count(*) > 1
