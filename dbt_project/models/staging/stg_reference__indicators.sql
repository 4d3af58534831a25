-- Plan indicators with how each is judged (ref_indicator_metadata): the level the target is
-- about, that level's unit and display, direction, kind, base-year rule, and the plan's order
-- (category order from ref_indicator_categories, then the indicator's own). A level or increase
-- indicator is judged on a level in its own unit: an empty level unit or display in the
-- metadata seed means "the indicator's own" (ref_indicators), so each unit is written once.
with

indicators as (
    select * from {{ ref('ref_indicators') }}
),

metadata as (
    select * from {{ ref('ref_indicator_metadata') }}
),

categories as (
    select * from {{ ref('ref_indicator_categories') }}
),

renamed as (
    select
        indicators.indicator_code,
        metadata.indicator_kind,
        metadata.level_indicator_code,
        indicators.category,
        categories.display_order                                                as category_order,
        metadata.display_order                                                  as indicator_order,
        indicators.name_zh,
        indicators.name_en,
        indicators.unit,
        indicators.display_unit_zh,
        indicators.display_multiplier,
        coalesce(metadata.level_unit, indicators.unit)                          as level_unit,
        coalesce(metadata.level_display_unit_zh, indicators.display_unit_zh)    as level_display_unit_zh,
        coalesce(metadata.level_display_multiplier, indicators.display_multiplier)
                                                                                as level_display_multiplier,
        metadata.direction,
        metadata.base_year_rule,
        indicators.source_kind
    from indicators
    left join metadata
        on metadata.indicator_code = indicators.indicator_code
    left join categories
        on categories.category = indicators.category
)

select * from renamed
