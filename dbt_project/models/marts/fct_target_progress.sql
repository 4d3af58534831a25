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
    status,
    -- how the indicator is judged and shown (ref_indicator_metadata, ref_indicators, the category
    -- order): readers take the level, its unit and the plan's order from here, never restate them
    level_indicator_code,
    level_unit,
    level_display_unit_zh,
    level_display_multiplier,
    display_unit_zh,
    display_multiplier,
    category,
    category_order,
    indicator_order,
    source_kind,
    even_pace_annual_reduction
from progress
