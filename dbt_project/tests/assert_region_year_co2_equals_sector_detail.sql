{{ config(meta={'dagster': {'ref': {'name': 'fct_region_year'}}}) }}
-- marts.fct_region_year.co2_t (direct combustion CO2) is the sum of marts.fct_energy_emissions'
-- combustion rows over sectors and fuels, and co2_process_t the sum of its process rows: the two
-- public tables must tell the same story (tolerance for float summation order).
with

region_year as (
    select region_code, year, co2_t, co2_process_t from {{ ref('fct_region_year') }}
),

detail as (
    select
        region_code,
        year,
        sum(co2_t) filter (where not is_process)    as co2_t,
        sum(co2_t) filter (where is_process)        as co2_process_t
    from {{ ref('fct_energy_emissions') }}
    group by region_code, year
)

select
    region_year.region_code,
    region_year.year,
    region_year.co2_t               as region_year_co2_t,
    detail.co2_t                    as detail_co2_t,
    region_year.co2_process_t       as region_year_co2_process_t,
    detail.co2_process_t            as detail_co2_process_t
from region_year
left join detail
    on detail.region_code = region_year.region_code and detail.year = region_year.year
where (region_year.co2_t is not null
       and abs(region_year.co2_t - coalesce(detail.co2_t, 0)) > 1e-6 * greatest(abs(region_year.co2_t), 1))
   or (region_year.co2_process_t is distinct from detail.co2_process_t
       and not abs(coalesce(region_year.co2_process_t, 0) - coalesce(detail.co2_process_t, 0))
               <= 1e-6 * greatest(abs(coalesce(detail.co2_process_t, 0)), 1))
