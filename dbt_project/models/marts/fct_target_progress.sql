-- The barometer (晴雨表): every target × every year of its plan period, with status.
with

progress as (
    select * from {{ ref('int_target_progress') }}
)

select
    region_code,
    indicator_code,
    name_zh,
    name_en,
    plan_period,
    base_year,
    target_year,
    target_kind,
    comparison,
    target_value,
    unit,
    year,
    base_value,
    current_value,
    actual_value,
    expected_value,
    gap,
    annual_reduction,
    cumulative_reduction,
    status
from progress
