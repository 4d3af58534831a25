-- Region × year (province and cities): carbon-market enterprises' verified emissions as a share
-- of the region's inventory CO2 (marts.fct_region_year.co2_t). An enterprise counts in its own
-- region and in each ancestor (int_region_ancestors): a county's in its city and province, one
-- registered at a city's own code (嘉峪关) in that city and the province. Only verified or rechecked enterprise-years
-- count (self-reported only → not covered). Enterprise totals include purchased electricity and
-- heat (indirect), the inventory does not: direct_coverage_share uses combustion + process only.
with

inventory as (
    select region_code, year, level, co2_t from {{ ref('fct_region_year') }}
    where level in ('province', 'city')
),

ets as (
    select * from {{ ref('fct_enterprise_year') }}
    where in_ets and data_status in ('verified', 'rechecked')
),

ets_by_region as (
    select
        ancestors.ancestor_code                                     as region_code,
        ets.year,
        count(*)                                                    as n,
        sum(ets.co2_t)                                              as co2,
        sum(ets.co2_combustion_t + ets.co2_process_t)               as direct
    from ets
    inner join {{ ref('int_region_ancestors') }} as ancestors
        on ancestors.region_code = ets.region_code and ancestors.ancestor_level in ('province', 'city')
    group by ancestors.ancestor_code, ets.year
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
