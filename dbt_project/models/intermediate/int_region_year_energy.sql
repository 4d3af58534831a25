{%- if var('electricity_method') != 'calorific_equivalent' %}
    {{ exceptions.raise_compiler_error(
        "electricity_method '" ~ var('electricity_method') ~ "' is not implemented: only "
        ~ "'calorific_equivalent' (当量值, ref_fuels.tce_per_unit = 0.1229 tce/MWh) is. The coal-"
        ~ "equivalent method (发电煤耗法) needs each year's coal use per kWh of thermal power."
    ) }}
{%- endif %}
-- Total energy consumption per region and year, in tce, from the balance's item rows.
--
-- Per fuel: final use + losses − Σ transformation rows (as signed: inputs negative, outputs
-- positive, so minus their sum = what transformation consumed net). Electricity and heat made
-- locally thus cancel against the fuels burned to make them, and what remains of electricity
-- is the primary and net-imported part, converted at the chosen method's coefficient.
-- final use = Σ final_* rows; the feedstock row is a sub-item of industry and the final_total
-- subtotal is left for the consistency test, so neither is added again.
with

flows as (
    select * from {{ ref('int_energy_balance_flows') }}
),

fuel_use as (
    select
        region_code,
        year,
        fuel_code,
        any_value(tce_per_unit)                                         as tce_per_unit,
        sum(value) filter (where item_role = 'final')                   as final_use,
        sum(value) filter (where item_role = 'loss')                    as loss,
        sum(value) filter (where item_role = 'transformation')          as transformation_signed
    from flows
    group by region_code, year, fuel_code
),

-- A fuel with use rows contributes (missing components count as no flow); a region-year with
-- no use rows at all has no energy figure, not zero.
fuel_use_tce as (
    select
        region_code,
        year,
        fuel_code,
        coalesce(final_use, 0) * tce_per_unit                           as final_tce,
        coalesce(loss, 0) * tce_per_unit                                as loss_tce,
        -coalesce(transformation_signed, 0) * tce_per_unit              as transformation_net_input_tce,
        final_use is not null or loss is not null or transformation_signed is not null
                                                                        as has_use_rows
    from fuel_use
),

region_year_energy as (
    select
        region_code,
        year,
        sum(final_tce) filter (where has_use_rows)                      as final_consumption_tce,
        sum(loss_tce) filter (where has_use_rows)                       as loss_tce,
        sum(transformation_net_input_tce) filter (where has_use_rows)   as transformation_net_input_tce,
        sum(final_tce + loss_tce + transformation_net_input_tce) filter (where has_use_rows)
                                                                        as energy_consumption_tce
    from fuel_use_tce
    group by region_code, year
)

select
    region_code,
    year,
    energy_consumption_tce,
    final_consumption_tce,
    loss_tce,
    transformation_net_input_tce,
    '{{ var("electricity_method") }}'                                   as electricity_method
from region_year_energy
