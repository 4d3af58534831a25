{{ config(meta={'dagster': {'ref': {'name': 'fct_region_year'}}}) }}
-- marts.fct_region_year.co2_t is the sum of marts.fct_energy_emissions over sectors and fuels:
-- the two public tables must tell the same story (tolerance for float summation order).
with

region_year as (
    select region_code, year, co2_t from {{ ref('fct_region_year') }}
),

detail as (
    select region_code, year, sum(co2_t) as co2_t
    from {{ ref('fct_energy_emissions') }}
    group by region_code, year
)

select
    region_year.region_code,
    region_year.year,
    region_year.co2_t               as region_year_co2_t,
    detail.co2_t                    as detail_co2_t
from region_year
left join detail
    on detail.region_code = region_year.region_code and detail.year = region_year.year
where region_year.co2_t is not null
  and abs(region_year.co2_t - coalesce(detail.co2_t, 0)) > 1e-6 * greatest(abs(region_year.co2_t), 1)
