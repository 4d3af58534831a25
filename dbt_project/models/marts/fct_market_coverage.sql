-- Region × year (province and cities): carbon-market enterprises' verified emissions as a share
-- of the region's inventory CO2 (marts.fct_region_year.co2_t). Enterprises sit in counties;
-- a county counts towards its city and its province. Only verified or rechecked enterprise-years
-- count (self-reported only → not covered). Enterprise totals include purchased electricity and
-- heat (indirect), the inventory does not: direct_coverage_share uses combustion + process only.
with

regions as (
    select region_code, level, city_code, province_code from {{ ref('stg_reference__regions') }}
),

inventory as (
    select region_code, year, level, co2_t from {{ ref('fct_region_year') }}
    where level in ('province', 'city')
),

ets as (
    select e.*, r.city_code, r.province_code
    from {{ ref('fct_enterprise_year') }} as e
    left join regions as r on r.region_code = e.region_code
    where e.in_ets and e.data_status in ('verified', 'rechecked')
),

ets_by_region as (
    select region_code, year, count(*) as n, sum(co2_t) as co2, sum(co2_combustion_t + co2_process_t) as direct
    from (
        select province_code as region_code, year, co2_t, co2_combustion_t, co2_process_t from ets
        union all
        select city_code as region_code, year, co2_t, co2_combustion_t, co2_process_t from ets
        where city_code is not null and city_code <> province_code
    )
    group by all
)

select
    inventory.region_code,
    inventory.year,
    inventory.level,
    cast(coalesce(ets_by_region.n, 0) as integer)                           as ets_enterprises_count,
    coalesce(ets_by_region.co2, 0)                                          as ets_verified_co2_t,
    coalesce(ets_by_region.direct, 0)                                       as ets_verified_direct_co2_t,
    inventory.co2_t                                                         as inventory_co2_t,
    {{ safe_divide('coalesce(ets_by_region.co2, 0)', 'inventory.co2_t') }}    as coverage_share,
    {{ safe_divide('coalesce(ets_by_region.direct, 0)', 'inventory.co2_t') }} as direct_coverage_share
from inventory
left join ets_by_region
    on ets_by_region.region_code = inventory.region_code and ets_by_region.year = inventory.year
