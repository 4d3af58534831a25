-- Energy consumption per region, year and fuel, in tce: the one home of the rule that turns the
-- balance's item rows into consumption (int_region_year_energy adds the fuels up; the
-- energy-intensity KPI's uncertainty reads the fuels one by one, int_intensity_numerator_rows).
--
-- Per fuel: final use + losses − Σ transformation rows (as signed: inputs negative, outputs
-- positive, so minus their sum = what transformation consumed net). Electricity and heat made
-- locally thus cancel against the fuels burned to make them, and what remains of electricity
-- is the primary and net-imported part (negative for a net exporter), converted at the chosen
-- method's coefficient. final use = Σ final_* rows; the feedstock row is a sub-item of industry
-- and the final_total subtotal is left for the consistency test, so neither is added again.
-- Only fuels with at least one use row appear: supply rows alone are not consumption.
-- Grain: region × year × fuel.
with

flows as (
    select * from {{ ref('int_energy_balance_flows') }}
),

fuel_use as (
    select
        region_code,
        year,
        fuel_code,
        any_value(fuel_group)                                           as fuel_group,
        any_value(tce_per_unit)                                         as tce_per_unit,
        sum(value) filter (where item_role = 'final')                   as final_use,
        sum(value) filter (where item_role = 'loss')                    as loss,
        sum(value) filter (where item_role = 'transformation')          as transformation_signed
    from flows
    group by region_code, year, fuel_code
),

-- missing components of a fuel with use rows count as no flow
fuel_use_tce as (
    select
        region_code,
        year,
        fuel_code,
        fuel_group,
        coalesce(final_use, 0) * tce_per_unit                           as final_tce,
        coalesce(loss, 0) * tce_per_unit                                as loss_tce,
        -coalesce(transformation_signed, 0) * tce_per_unit              as transformation_net_input_tce
    from fuel_use
    where final_use is not null or loss is not null or transformation_signed is not null
)

select
    region_code,
    year,
    fuel_code,
    fuel_group,
    final_tce,
    loss_tce,
    transformation_net_input_tce,
    final_tce + loss_tce + transformation_net_input_tce                 as energy_consumption_tce
from fuel_use_tce
