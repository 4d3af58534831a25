-- The numerators of the four intensity KPIs whose inventory the platform computes, split into
-- rows that each carry their own error: one row per fuel (and, for CO2 intensity, the net
-- imported electricity). fct_target_uncertainty propagates the rows' uncertainty to the
-- reduction targets; int_indicator_values takes the industry numerators from here, so the rule
-- "industry = the balance's final_industry row" has one home.
--   co2_intensity              combustion CO2 of each fuel, all sectors together (one fuel's
--                              factor is one factor everywhere), plus fuel 'electricity': the net
--                              imported electricity's CO2 (signed); Σ = co2_for_intensity_t
--   energy_intensity           energy consumption of each fuel (int_energy_consumption_by_fuel);
--                              Σ = energy_consumption_tce
--   industry_co2_intensity     industry's final combustion CO2 of each fuel (feedstock net)
--   industry_energy_intensity  industry's final consumption of each fuel, electricity and heat
-- The first two tie to int_region_year_inventory (blocking test
-- assert_intensity_numerators_equal_inventory). Grain: region × year × level indicator × fuel.
with

combustion as (
    select region_code, year, sector_code, fuel_code, co2_t
    from {{ ref('int_energy_combustion_emissions') }}
),

fuels as (
    select fuel_code, fuel_group from {{ ref('stg_reference__fuels') }}
),

co2_rows as (
    select region_code, year, fuel_code, sum(co2_t) as numerator_value
    from combustion
    group by region_code, year, fuel_code
    union all
    select region_code, year, 'electricity', co2_net_electricity_import_t
    from {{ ref('int_region_year_inventory') }}
    where co2_net_electricity_import_t is not null
),

energy_rows as (
    select region_code, year, fuel_code, energy_consumption_tce as numerator_value
    from {{ ref('int_energy_consumption_by_fuel') }}
),

industry_co2_rows as (
    select region_code, year, fuel_code, sum(co2_t) as numerator_value
    from combustion
    where sector_code = 'final_industry'
    group by region_code, year, fuel_code
),

industry_energy_rows as (
    select region_code, year, fuel_code, sum(value * tce_per_unit) as numerator_value
    from {{ ref('int_energy_balance_flows') }}
    where item_code = 'final_industry'
    group by region_code, year, fuel_code
),

numerator_rows as (
    select region_code, year, 'co2_intensity' as level_indicator_code, fuel_code, numerator_value, 't_co2' as numerator_unit
    from co2_rows
    union all
    select region_code, year, 'energy_intensity', fuel_code, numerator_value, 'tce'
    from energy_rows
    union all
    select region_code, year, 'industry_co2_intensity', fuel_code, numerator_value, 't_co2'
    from industry_co2_rows
    union all
    select region_code, year, 'industry_energy_intensity', fuel_code, numerator_value, 'tce'
    from industry_energy_rows
)

-- a left join keeps a row whose fuel is unknown, so the not_null test on fuel_group names it
select
    numerator_rows.region_code,
    numerator_rows.year,
    numerator_rows.level_indicator_code,
    numerator_rows.fuel_code,
    fuels.fuel_group,
    numerator_rows.numerator_value,
    numerator_rows.numerator_unit
from numerator_rows
left join fuels
    on fuels.fuel_code = numerator_rows.fuel_code
