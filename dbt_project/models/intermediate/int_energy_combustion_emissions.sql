-- Fuel combustion CO2 from the energy balance (sectoral approach, as CEADs does).
-- Grain: region × year × sector × fossil fuel. Sectors are the balance items burning fuel:
-- the final-consumption rows and the inputs to thermal power and heat plants.
-- The fuel's combustion_rule (ref_fuels; docs/methodology.md "By-product gases and non-energy
-- products") decides what a burned amount counts: `counted` → its CO2; `carbon_in_parent_fuel`
-- (blast-furnace and converter gas) → a row with its energy and co2_t = 0, because their carbon
-- is that of the coke and coal charged to the furnace, already counted where that coke is
-- consumed; `non_energy_product` (lubricants, waxes, solvents, bitumen, tar) → no row: not
-- burned, their carbon stays in the product (their energy is in int_region_year_energy).
with

flows as (
    select * from {{ ref('int_energy_balance_flows') }}
),

-- One factor set per run; the set's name is stored beside every result so a recalculation
-- with another set can be compared row by row.
emission_factors as (
    select
        fuel_code,
        ncv_gj_per_unit,
        carbon_content_tc_per_tj,
        oxidation_fraction
    from {{ ref('stg_reference__fuel_emission_factors') }}
    where factor_set = '{{ var("factor_set") }}'
),

-- Non-energy use (其中：用作原料、材料) is a sub-item of industry: its carbon stays in products,
-- so industry's combustion is industry net of feedstock.
feedstock_use as (
    select region_code, year, fuel_code, value as feedstock_value
    from flows
    where item_role = 'feedstock'
),

final_consumption as (
    select
        flows.region_code,
        flows.year,
        flows.item_code                                         as sector_code,
        flows.fuel_code,
        flows.value - case
            when flows.item_code = 'final_industry' then coalesce(feedstock_use.feedstock_value, 0)
            else 0
        end                                                     as activity_value,
        flows.unit                                              as activity_unit,
        flows.tce_per_unit,
        flows.combustion_rule
    from flows
    left join feedstock_use
        on  feedstock_use.region_code = flows.region_code
        and feedstock_use.year = flows.year
        and feedstock_use.fuel_code = flows.fuel_code
    where flows.item_role = 'final'
      and flows.combustion_co2_counted
      and flows.is_fossil
      and flows.combustion_rule <> 'non_energy_product'
),

-- Power and heat plants burn fuel for the final users of electricity and heat: their inputs
-- (the negative cells of 火力发电 and 供热) are emissions here. Inputs to coking and refining are
-- not (combustion_co2_counted = false): coke and oil products are counted where they burn.
transformation_inputs as (
    select
        region_code,
        year,
        item_code                                               as sector_code,
        fuel_code,
        -value                                                  as activity_value,
        unit                                                    as activity_unit,
        tce_per_unit,
        combustion_rule
    from flows
    where item_role = 'transformation'
      and combustion_co2_counted
      and is_fossil
      and combustion_rule <> 'non_energy_product'
      and value < 0
),

combustion_activity as (
    select * from final_consumption
    union all
    select * from transformation_inputs
),

-- A fossil fuel without a factor in the chosen set keeps its row with co2_t null (the
-- not_null test names it) rather than silently dropping out of the region's total.
emissions as (
    select
        activity.region_code,
        activity.year,
        activity.sector_code,
        activity.fuel_code,
        activity.activity_value,
        activity.activity_unit,
        activity.activity_value * activity.tce_per_unit         as energy_tce,
        factors.ncv_gj_per_unit,
        factors.carbon_content_tc_per_tj,
        factors.oxidation_fraction,
        case
            when activity.combustion_rule = 'counted' then {{ combustion_co2_t(
                'activity.activity_value',
                'factors.ncv_gj_per_unit',
                'factors.carbon_content_tc_per_tj',
                'factors.oxidation_fraction'
            ) }}
            else 0  -- carbon_in_parent_fuel: counted in the coke / coal the furnace was charged with
        end                                                     as co2_t,
        '{{ var("factor_set") }}'                               as factor_set,
        activity.combustion_rule
    from combustion_activity as activity
    left join emission_factors as factors
        on factors.fuel_code = activity.fuel_code
)

select * from emissions
