-- IPCC-style recalculation: combustion CO2 of every region and year under the run's factor
-- set (var factor_set) and under a comparison set (var comparison_factor_set), from the same
-- activity data. difference_t = comparison − current; difference_fraction = difference / current.
-- Process emissions use the enterprises' own factors and do not depend on the set: not here.
with

activity as (
    select region_code, year, fuel_code, activity_value
    from {{ ref('int_energy_combustion_emissions') }}
    where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
      -- by-product gases carry no CO2 of their own under either set (docs/methodology.md)
      and combustion_rule = 'counted'
),

factors as (
    select * from {{ ref('stg_reference__fuel_emission_factors') }}
),

by_set as (
    select
        activity.region_code,
        activity.year,
        sum({{ combustion_co2_t('activity.activity_value', 'current_set.ncv_gj_per_unit',
            'current_set.carbon_content_tc_per_tj', 'current_set.oxidation_fraction') }})    as co2_t,
        sum({{ combustion_co2_t('activity.activity_value', 'comparison_set.ncv_gj_per_unit',
            'comparison_set.carbon_content_tc_per_tj', 'comparison_set.oxidation_fraction') }}) as comparison_co2_t
    from activity
    left join factors as current_set
        on current_set.fuel_code = activity.fuel_code
        and current_set.factor_set = '{{ var("factor_set") }}'
    left join factors as comparison_set
        on comparison_set.fuel_code = activity.fuel_code
        and comparison_set.factor_set = '{{ var("comparison_factor_set") }}'
    group by activity.region_code, activity.year
)

select
    region_code,
    year,
    '{{ var("factor_set") }}'                                   as factor_set,
    '{{ var("comparison_factor_set") }}'                        as comparison_factor_set,
    co2_t,
    comparison_co2_t,
    comparison_co2_t - co2_t                                    as difference_t,
    {{ safe_divide('comparison_co2_t - co2_t', 'co2_t') }}      as difference_fraction
from by_set
