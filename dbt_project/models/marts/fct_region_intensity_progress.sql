-- The reduction of each intensity against the base year of the five-year plan the year falls in,
-- for EVERY region with data (province, city, county) and every published inventory year, with or
-- without a target: what the regional drill-down maps and ranks. The intensities are the reduction
-- indicators whose base year is the plan period's (ref_indicator_metadata.base_year_rule =
-- plan_period_base: energy, CO2 and industry energy intensity); the reduction is the assessment's
-- own formula (macro reduction_vs, as in fct_target_progress.actual_value, which gives the same
-- figure where a target exists), NULL with reduction_status not_meaningful where a level is not
-- positive. Grain: region × indicator × year.
with

indicators as (
    select indicator_code, level_indicator_code, level_unit
    from {{ ref('stg_reference__indicators') }}
    where indicator_kind = 'reduction'
      and base_year_rule = 'plan_period_base'
),

-- every published year with the plan period it falls in and that period's base year
plan_years as (
    select
        plan_period,
        base_year                                                       as plan_base_year,
        {{ integer_range_rows('first_year', 'last_year') }} as year
    from {{ ref('stg_reference__plan_periods') }}
),

published_years as (
    select *
    from plan_years
    where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
),

levels as (
    select
        indicator_values.region_code,
        indicators.indicator_code,
        indicator_values.year,
        indicator_values.value
    from {{ ref('int_indicator_values') }} as indicator_values
    inner join indicators
        on indicators.level_indicator_code = indicator_values.indicator_code
),

-- a region has a row for a year when its level exists in that year or in the plan's base year
keys as (
    select distinct
        levels.region_code,
        levels.indicator_code,
        published_years.year
    from levels
    inner join published_years
        on levels.year in (published_years.year, published_years.plan_base_year)
)

select
    keys.region_code,
    keys.indicator_code,
    keys.year,
    indicators.level_indicator_code,
    indicators.level_unit,
    published_years.plan_period,
    published_years.plan_base_year,
    current_level.value                                                 as current_value,
    base_level.value                                                    as base_value,
    {{ reduction_vs('current_level.value', 'base_level.value') }}      as reduction_vs_base,
    -- why a reduction is null: a level missing (no_data) or a level that is not positive, where
    -- "1 − now ÷ base" means nothing (not_meaningful: never ranked or coloured on the pages)
    case
        when {{ reduction_is_meaningful('current_level.value', 'base_level.value') }} then 'meaningful'
        when not coalesce({{ reduction_is_meaningful('current_level.value', 'base_level.value') }}, true) then 'not_meaningful'
        else 'no_data'
    end                                                                 as reduction_status
from keys
inner join indicators
    on indicators.indicator_code = keys.indicator_code
inner join published_years
    on published_years.year = keys.year
left join levels as current_level
    on  current_level.region_code = keys.region_code
    and current_level.indicator_code = keys.indicator_code
    and current_level.year = keys.year
left join levels as base_level
    on  base_level.region_code = keys.region_code
    and base_level.indicator_code = keys.indicator_code
    and base_level.year = published_years.plan_base_year
