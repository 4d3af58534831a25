{{ config(meta={'dagster': {'ref': {'name': 'fct_region_year'}}}) }}
-- The inventory's process CO2 is the used rows of marts.fct_process_emissions and nothing else:
-- fct_region_year.co2_process_t = Σ CO2 of the rows used_in_inventory, and the process CO2e in
-- fct_energy_emissions = Σ CO2e of those rows (every gas), per region and year.
with

region_year as (
    select region_code, year, co2_process_t from {{ ref('fct_region_year') }}
),

detail as (
    select region_code, year, sum(co2e_t) as process_co2e_t
    from {{ ref('fct_energy_emissions') }}
    where is_process
    group by region_code, year
),

used as (
    select
        region_code,
        year,
        sum(emissions_t) filter (where gas = 'CO2')     as co2_t,
        sum(co2e_t)                                     as co2e_t
    from {{ ref('fct_process_emissions') }}
    where used_in_inventory
    group by region_code, year
)

select
    region_year.region_code,
    region_year.year,
    region_year.co2_process_t,
    used.co2_t                  as used_co2_t,
    detail.process_co2e_t,
    used.co2e_t                 as used_co2e_t
from region_year
left join used
    on used.region_code = region_year.region_code and used.year = region_year.year
left join detail
    on detail.region_code = region_year.region_code and detail.year = region_year.year
where abs(coalesce(region_year.co2_process_t, 0) - coalesce(used.co2_t, 0))
        > 1e-6 * greatest(abs(coalesce(used.co2_t, 0)), 1)
   or abs(coalesce(detail.process_co2e_t, 0) - coalesce(used.co2e_t, 0))
        > 1e-6 * greatest(abs(coalesce(used.co2e_t, 0)), 1)
