-- Plan indicators. level_indicator_code names the quantity whose level the target is judged
-- on: a "…_reduction" or "…_increase" target is about the level "…" (energy_intensity_reduction
-- → energy_intensity, forest_area_increase → forest_area); other targets are about their own
-- level. These level codes are the ones int_indicator_values and ref_indicator_statistics use.
with

source as (
    select * from {{ ref('ref_indicators') }}
),

renamed as (
    select
        indicator_code,
        regexp_replace(indicator_code, '_(reduction|increase)$', '')    as level_indicator_code,
        category,
        name_zh,
        name_en,
        unit,
        display_unit_zh,
        display_multiplier,
        source_kind
    from source
)

select * from renamed
