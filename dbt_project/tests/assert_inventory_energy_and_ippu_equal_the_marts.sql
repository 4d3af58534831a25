{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory'}}}) }}
-- fct_inventory reads the energy and process figures, it does not recompute them: per region and
-- year, its energy CO2 is fct_region_year.co2_t; its energy CH4 and N2O are fct_region_year's
-- ch4_t and n2o_t less the process N2O (nitric and adipic acid, counted there too); its IPPU CO2 is
-- fct_region_year.co2_process_t, and its IPPU CO2e the process rows of fct_energy_emissions.
with

region_year as (
    select region_code, year, co2_t, co2_process_t, ch4_t, n2o_t from {{ ref('fct_region_year') }}
),

process_n2o as (
    select region_code, year, sum(emissions_t) as n2o_t
    from {{ ref('fct_process_emissions') }}
    where used_in_inventory and gas = 'N2O'
    group by region_code, year
),

process_detail as (
    select region_code, year, sum(co2e_t) as co2e_t
    from {{ ref('fct_energy_emissions') }}
    where is_process
    group by region_code, year
),

inventory as (
    select
        region_code,
        year,
        sum(emissions_t) filter (where sector = 'energy' and gas = 'CO2')  as energy_co2_t,
        sum(emissions_t) filter (where sector = 'energy' and gas = 'CH4')  as energy_ch4_t,
        sum(emissions_t) filter (where sector = 'energy' and gas = 'N2O')  as energy_n2o_t,
        sum(emissions_t) filter (where sector = 'ippu' and gas = 'CO2')    as ippu_co2_t,
        sum(co2e_t) filter (where sector = 'ippu')                         as ippu_co2e_t
    from {{ ref('fct_inventory') }}
    group by region_code, year
),

compared as (
    select
        region_year.region_code,
        region_year.year,
        region_year.co2_t                                                   as expected_energy_co2_t,
        inventory.energy_co2_t,
        region_year.ch4_t                                                   as expected_energy_ch4_t,
        inventory.energy_ch4_t,
        region_year.n2o_t - coalesce(process_n2o.n2o_t, 0)                  as expected_energy_n2o_t,
        inventory.energy_n2o_t,
        region_year.co2_process_t                                           as expected_ippu_co2_t,
        inventory.ippu_co2_t,
        process_detail.co2e_t                                               as expected_ippu_co2e_t,
        inventory.ippu_co2e_t
    from region_year
    left join inventory
        on inventory.region_code = region_year.region_code and inventory.year = region_year.year
    left join process_n2o
        on process_n2o.region_code = region_year.region_code and process_n2o.year = region_year.year
    left join process_detail
        on process_detail.region_code = region_year.region_code and process_detail.year = region_year.year
)

-- (figures_differ: beyond float noise, macros/disclosure.sql)
select *
from compared
where {{ figures_differ('coalesce(expected_energy_co2_t, 0)', 'coalesce(energy_co2_t, 0)') }}
   or {{ figures_differ('coalesce(expected_energy_ch4_t, 0)', 'coalesce(energy_ch4_t, 0)') }}
   or {{ figures_differ('coalesce(expected_energy_n2o_t, 0)', 'coalesce(energy_n2o_t, 0)') }}
   or {{ figures_differ('coalesce(expected_ippu_co2_t, 0)', 'coalesce(ippu_co2_t, 0)') }}
   or {{ figures_differ('coalesce(expected_ippu_co2e_t, 0)', 'coalesce(ippu_co2e_t, 0)') }}
