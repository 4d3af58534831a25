{%- if var('electricity_method') != 'calorific_equivalent' %}
    {{ exceptions.raise_compiler_error(
        "electricity_method '" ~ var('electricity_method') ~ "' is not implemented: only "
        ~ "'calorific_equivalent' (当量值, ref_fuels.tce_per_unit = 0.1229 tce/MWh) is. The coal-"
        ~ "equivalent method (发电煤耗法) needs each year's coal use per kWh of thermal power."
    ) }}
{%- endif %}
-- Total energy consumption per region and year, in tce: the sum over fuels of
-- int_energy_consumption_by_fuel (final use + losses − net transformation input, per fuel).
-- A region-year whose balance has no use rows at all (supply rows only) has no energy figure,
-- not zero: it keeps a row with nulls.
with

region_years as (
    select distinct region_code, year from {{ ref('int_energy_balance_flows') }}
),

by_fuel as (
    select * from {{ ref('int_energy_consumption_by_fuel') }}
),

region_year_energy as (
    select
        region_code,
        year,
        sum(final_tce)                                                  as final_consumption_tce,
        sum(loss_tce)                                                   as loss_tce,
        sum(transformation_net_input_tce)                               as transformation_net_input_tce,
        sum(energy_consumption_tce)                                     as energy_consumption_tce
    from by_fuel
    group by region_code, year
)

select
    region_years.region_code,
    region_years.year,
    region_year_energy.energy_consumption_tce,
    region_year_energy.final_consumption_tce,
    region_year_energy.loss_tce,
    region_year_energy.transformation_net_input_tce,
    '{{ var("electricity_method") }}'                                   as electricity_method
from region_years
left join region_year_energy
    on  region_year_energy.region_code = region_years.region_code
    and region_year_energy.year = region_years.year
