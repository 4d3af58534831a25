-- Progress of every plan target in every year of its plan period: the actual value in the
-- target's own terms, the expected value on an even path from the base year to the target
-- year, the gap (positive = ahead of the path) and the barometer status.
-- Grain: region × indicator × year (one plan period per year).
with

targets as (
    select * from {{ ref('stg_reference__targets') }}
),

-- How each indicator is judged and shown (stg_reference__indicators: ref_indicators with
-- ref_indicator_metadata and the category order), carried onto every row so that readers take
-- the level, its unit and the plan's order from here instead of restating them.
indicators as (
    select
        indicator_code,
        indicator_kind,
        level_indicator_code,
        direction,
        category,
        category_order,
        indicator_order,
        name_zh,
        name_en,
        unit,
        display_unit_zh,
        display_multiplier,
        level_unit,
        level_display_unit_zh,
        level_display_multiplier,
        source_kind
    from {{ ref('stg_reference__indicators') }}
),

indicator_levels as (
    select region_code, indicator_code as level_indicator_code, year, value
    from {{ ref('int_indicator_values') }}
),

-- Annual reduction of every level between consecutive years with data (d_k = 1 − I_k/I_prev),
-- for the cumulative reduction 1 − Π(1 − d_k) from the base year to the year. Where years are
-- missing (2006–2009 in the sample) the step spans the gap, so the product still telescopes to
-- I_t / I_base.
level_steps as (
    select
        region_code,
        level_indicator_code,
        year,
        {{ reduction_vs('value', 'lag(value) over (partition by region_code, level_indicator_code order by year)') }}
                                                                        as step_reduction
    from indicator_levels
),

target_years as (
    select
        targets.*,
        indicators.indicator_kind,
        indicators.level_indicator_code,
        indicators.direction,
        indicators.category,
        indicators.category_order,
        indicators.indicator_order,
        indicators.name_zh,
        indicators.name_en,
        indicators.unit,
        indicators.display_unit_zh,
        indicators.display_multiplier,
        indicators.level_unit,
        indicators.level_display_unit_zh,
        indicators.level_display_multiplier,
        indicators.source_kind,
        {{ integer_range_rows('targets.plan_first_year', 'targets.plan_last_year') }} as year
    from targets
    left join indicators
        on indicators.indicator_code = targets.indicator_code
),

-- Levels in the base year, in the year itself and in the year before (for the annual rate).
with_levels as (
    select
        target_years.*,
        base_level.value                                                as base_value,
        current_level.value                                             as current_value,
        previous_level.value                                            as previous_value,
        {{ plan_elapsed_fraction('target_years.year', 'target_years.base_year', 'target_years.target_year') }}
                                                                        as elapsed_fraction
    from target_years
    left join indicator_levels as base_level
        on  base_level.region_code = target_years.region_code
        and base_level.level_indicator_code = target_years.level_indicator_code
        and base_level.year = target_years.base_year
    left join indicator_levels as current_level
        on  current_level.region_code = target_years.region_code
        and current_level.level_indicator_code = target_years.level_indicator_code
        and current_level.year = target_years.year
    left join indicator_levels as previous_level
        on  previous_level.region_code = target_years.region_code
        and previous_level.level_indicator_code = target_years.level_indicator_code
        and previous_level.year = target_years.year - 1
),

cumulative as (
    select
        target.region_code,
        target.indicator_code,
        target.year,
        -- product() over no rows is null; a base-year row itself has reduction 0. A step that is
        -- not meaningful (a level not positive: null) would be skipped by product(): then none.
        case
            when count(steps.step_reduction) = count(*) then 1 - {{ product_agg('1 - steps.step_reduction') }}
        end                                                             as cumulative_reduction,
        count(steps.step_reduction)                                     as step_count
    from with_levels as target
    inner join level_steps as steps
        on  steps.region_code = target.region_code
        and steps.level_indicator_code = target.level_indicator_code
        and steps.year > target.base_year
        and steps.year <= target.year
    where target.target_kind = 'reduction_vs_base'
      and target.base_value is not null
      and target.current_value is not null
    group by target.region_code, target.indicator_code, target.year
),

with_cumulative as (
    select
        with_levels.*,
        cumulative.cumulative_reduction
    from with_levels
    left join cumulative
        on  cumulative.region_code = with_levels.region_code
        and cumulative.indicator_code = with_levels.indicator_code
        and cumulative.year = with_levels.year
),

-- actual and expected, both in the target's terms:
--   reduction_vs_base  fraction reduced vs the base level; even-pace path 1 − (1 − R)^f
--   increase_vs_base   increase over the base level; straight line to the target increase
--   cap                the level; even-growth path from the base level to the cap
--   share, level       the level; straight line from the base level to the target
evaluated as (
    select
        *,
        case target_kind
            when 'reduction_vs_base' then {{ reduction_vs('current_value', 'base_value') }}
            when 'increase_vs_base' then current_value - base_value
            else current_value
        end                                                             as actual_value,
        case target_kind
            when 'reduction_vs_base' then {{ even_pace_reduction('target_value', 'elapsed_fraction') }}
            when 'increase_vs_base' then target_value * elapsed_fraction
            when 'cap' then {{ even_growth_path('base_value', 'target_value', 'elapsed_fraction') }}
            else {{ linear_path('base_value', 'target_value', 'elapsed_fraction') }}
        end                                                             as expected_value,
        case
            when target_kind = 'reduction_vs_base' then {{ reduction_vs('current_value', 'previous_value') }}
        end                                                             as annual_reduction,
        -- the yardstick for annual_reduction: the same reduction every year reaches the target
        case
            when target_kind = 'reduction_vs_base'
                then {{ even_pace_annual_reduction('target_value', 'base_year', 'target_year') }}
        end                                                             as even_pace_annual_reduction,
        -- "≈" (左右) targets count as met down to a tolerance below the path
        case
            when comparison = 'approximately' then {{ var('approximately_tolerance_fraction') }} * abs(target_value)
            else 0
        end                                                             as approximately_allowance
    from with_cumulative
),

-- gap in the indicator's unit, positive = ahead of the path: for a cap, room left below it.
with_gap as (
    select
        *,
        case
            when target_kind = 'cap' then expected_value - actual_value
            else actual_value - expected_value
        end                                                             as gap
    from evaluated
),

-- 晴雨表 (the vocabulary: seed ref_target_statuses): green on or ahead of the path; yellow behind
-- it but better than the base (for a cap: within the tolerance above the path); red worse than
-- the base (or above tolerance; a cap exceeded itself is red at any time). Without an actual or
-- an expected value there is nothing to judge: no_data. The "≈" allowance applies to every
-- at-least kind (reduction, increase, share, level), since 左右 qualifies the comparison, not the
-- kind; "more_than" (以上) is judged like at_least: the path is a yardstick, not a strict inequality.
with_path_status as (
    select
        *,
        case
            when actual_value is null or expected_value is null then 'no_data'
            when target_kind = 'cap' then
                case
                    when actual_value > target_value then 'red'
                    when actual_value <= expected_value then 'green'
                    when actual_value <= expected_value * (1 + {{ var('cap_tolerance_fraction') }}) then 'yellow'
                    else 'red'
                end
            when gap >= -approximately_allowance then 'green'
            when target_kind in ('reduction_vs_base', 'increase_vs_base') and actual_value >= 0 then 'yellow'
            when target_kind in ('share', 'level') and actual_value >= base_value then 'yellow'
            else 'red'
        end                                                             as path_status
    from with_gap
),

-- A reduction against a level that is not positive says nothing (macro reduction_is_meaningful):
-- not_meaningful, never judged. In its target year (and after), a target that is not green was
-- not met: missed — however well it was doing on the way ("behind pace" no longer applies).
with_status as (
    select
        *,
        case
            when target_kind = 'reduction_vs_base'
             -- false when a known level is not positive; null (a level missing) is no_data, below
             and not coalesce({{ reduction_is_meaningful('current_value', 'base_value') }}, true)
                then 'not_meaningful'
            when path_status = 'no_data' then 'no_data'
            when year >= target_year and path_status <> 'green' then 'missed'
            else path_status
        end                                                             as status
    from with_path_status
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
    indicator_kind,
    direction,
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
from with_status
