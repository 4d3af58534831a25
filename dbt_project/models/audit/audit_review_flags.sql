-- Review flags: region-years whose figures are unusual but possible, one row per region, year
-- and rule, in a sentence an officer can check. Flags never block: the build publishes with them,
-- and they are published in the full warehouse for the statistics office to review (the public
-- file does not carry them: a flag is a question, not a statistic). What is impossible blocks
-- instead (the seed's severity 'block' rows, read by the Great Expectations suite on
-- fct_region_year; the contracts and tests of the marts). Rules and thresholds: the seed
-- ref_quality_thresholds, severity 'review' (docs/operations.md, "What blocks, what flags"):
--   above                     the value is above the threshold (the plausible range's upper end);
--   ratio_to_province_above   a city's or county's value is above threshold × its province's;
--   yoy_change_above          |value ÷ previous year's − 1| is above the threshold.
with

thresholds as (
    select rule_code, indicator, comparison, threshold, rule_zh, rule_en
    from {{ ref('ref_quality_thresholds') }}
    where severity = 'review'
),

region_years as (
    select region_code, year, level, province_code,
           energy_intensity, carbon_intensity, energy_consumption_tce, co2_t
    from {{ ref('fct_region_year') }}
),

-- One row per region-year and indicator; a missing figure has no row (and raises no flag:
-- the standard UNPIVOT excludes nulls, on both engines).
indicator_values as (
    select region_code, year, level, province_code, indicator, value
    from region_years
    unpivot (value for indicator in (energy_intensity, carbon_intensity, energy_consumption_tce, co2_t))
),

compared as (
    select
        indicator_values.region_code,
        indicator_values.year,
        indicator_values.level,
        indicator_values.province_code,
        indicator_values.indicator,
        indicator_values.value,
        thresholds.rule_code,
        thresholds.comparison,
        thresholds.threshold,
        thresholds.rule_zh,
        thresholds.rule_en,
        case thresholds.comparison
            when 'ratio_to_province_above' then province.value
            when 'yoy_change_above' then previous.value
        end                                                         as reference_value,
        case thresholds.comparison
            when 'ratio_to_province_above' then 'province'
            when 'yoy_change_above' then 'previous_year'
        end                                                         as reference_kind
    from indicator_values
    inner join thresholds
        on thresholds.indicator = indicator_values.indicator
    left join indicator_values as province
        on  thresholds.comparison = 'ratio_to_province_above'
        and province.region_code = indicator_values.province_code
        and province.year = indicator_values.year
        and province.indicator = indicator_values.indicator
    left join indicator_values as previous
        on  thresholds.comparison = 'yoy_change_above'
        and previous.region_code = indicator_values.region_code
        and previous.year = indicator_values.year - 1
        and previous.indicator = indicator_values.indicator
),

flagged as (
    select *
    from compared
    where case comparison
        when 'above' then value > threshold
        -- a province is its own reference; a zero or missing province figure compares with nothing
        when 'ratio_to_province_above' then level <> 'province' and reference_value > 0
                                            and value > threshold * reference_value
        when 'yoy_change_above' then reference_value > 0 and abs(value / reference_value - 1) > threshold
        else false
    end
),

-- Figures as an officer reads them: totals with thousands separators, intensities to 4 digits.
worded as (
    select
        *,
        case when abs(value) >= 1000 then {{ number_text('value', '{:,.0f}') }}
             else {{ number_text('value', '{:.4g}') }} end          as value_text,
        case when abs(reference_value) >= 1000 then {{ number_text('reference_value', '{:,.0f}') }}
             else {{ number_text('reference_value', '{:.4g}') }} end as reference_text,
        {{ number_text('value / reference_value', '{:.2f}') }}      as ratio_text,
        {{ number_text('100 * (value / reference_value - 1)', '{:+.1f}') }} as change_text
    from flagged
)

select
    region_code,
    year,
    level,
    province_code,
    indicator,
    value,
    case indicator
        when 'energy_intensity' then 'tce/万元'
        when 'carbon_intensity' then 't CO2/万元'
        when 'energy_consumption_tce' then 'tce'
        when 'co2_t' then 't'
    end                                                             as unit,
    rule_code,
    threshold,
    reference_kind,
    reference_value,
    rule_zh || '：' || value_text || case reference_kind
        when 'province' then '，所在省份 ' || reference_text || '（' || ratio_text || ' 倍）'
        when 'previous_year' then '，上年 ' || reference_text || '（' || change_text || '%）'
        else ''
    end                                                             as message_zh,
    rule_en || ': ' || value_text || case reference_kind
        when 'province' then ', province ' || reference_text || ' (' || ratio_text || ' times)'
        when 'previous_year' then ', the year before ' || reference_text || ' (' || change_text || ' %)'
        else ''
    end                                                             as message_en
from worded
