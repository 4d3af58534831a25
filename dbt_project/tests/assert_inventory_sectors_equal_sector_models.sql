{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory'}}}) }}
-- Agriculture, LULUCF and waste in fct_inventory are the sector models' rows, nothing added or
-- lost: per region, year, sector and gas, the sums agree (inventory years only).
with

models as (
    select 'agriculture' as sector, region_code, year, gas, sum(emissions_t) as emissions_t
    from {{ ref('int_inventory_agriculture') }} group by all
    union all
    select 'lulucf', region_code, year, gas, sum(emissions_t)
    from {{ ref('int_inventory_lulucf') }} group by all
    union all
    select 'waste', region_code, year, gas, sum(emissions_t)
    from {{ ref('int_inventory_waste') }} group by all
),

expected as (
    select * from models
    where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
),

inventory as (
    select sector, region_code, year, gas, sum(emissions_t) as emissions_t
    from {{ ref('fct_inventory') }}
    where sector in ('agriculture', 'lulucf', 'waste')
    group by all
)

select
    coalesce(expected.sector, inventory.sector)             as sector,
    coalesce(expected.region_code, inventory.region_code)   as region_code,
    coalesce(expected.year, inventory.year)                 as year,
    coalesce(expected.gas, inventory.gas)                   as gas,
    expected.emissions_t                                    as model_emissions_t,
    inventory.emissions_t                                   as inventory_emissions_t
from expected
full outer join inventory
    on  inventory.sector = expected.sector
    and inventory.region_code = expected.region_code
    and inventory.year = expected.year
    and inventory.gas = expected.gas
where {{ figures_differ('coalesce(expected.emissions_t, 0)', 'coalesce(inventory.emissions_t, 0)') }}
