-- The uncertainty of each fct_inventory row: the most specific row of ref_uncertainty_ranges for
-- its sector, category (longest matching prefix), gas and, for energy, fuel group. The matched
-- row's id is the factor family: Approach 2 draws that factor once per draw for every region and
-- year (the same coal CO2 factor is used everywhere, so its error is shared, i.e. correlated).
with

inventory as (
    select
        inventory.*,
        case when inventory.sector = 'energy' then fuels.fuel_group end as fuel_group
    from {{ ref('fct_inventory') }} as inventory
    left join {{ ref('stg_reference__fuels') }} as fuels
        on inventory.sector = 'energy' and fuels.fuel_code = inventory.sub_category
),

matched as (
    select
        inventory.region_code,
        inventory.year,
        inventory.sector,
        inventory.category_code,
        inventory.sub_category,
        inventory.gas,
        inventory.co2e_t,
        ranges.uncertainty_id,
        ranges.activity_uncertainty_pct,
        ranges.factor_uncertainty_pct,
        ranges.factor_distribution,
        row_number() over (
            partition by inventory.region_code, inventory.year, inventory.category_code, inventory.sub_category, inventory.gas
            order by length(ranges.category_prefix) desc, (ranges.gas <> '*') desc, (ranges.fuel_group <> '*') desc
        )                                                               as preference
    from inventory
    inner join {{ ref('ref_uncertainty_ranges') }} as ranges
        on  ranges.sector = inventory.sector
        and (inventory.category_code = ranges.category_prefix
             or substr(inventory.category_code, 1, length(ranges.category_prefix) + 1) = ranges.category_prefix || '.')
        and ranges.gas in ('*', inventory.gas)
        and (ranges.fuel_group = '*' or ranges.fuel_group = inventory.fuel_group)
)

select
    region_code,
    year,
    sector,
    category_code,
    sub_category,
    gas,
    co2e_t,
    uncertainty_id,
    activity_uncertainty_pct,
    factor_uncertainty_pct,
    -- IPCC 2006 Vol.1 eq. 3.1: the uncertainty of a product
    sqrt(power(activity_uncertainty_pct, 2) + power(factor_uncertainty_pct, 2))  as combined_uncertainty_pct,
    factor_distribution
from matched
where preference = 1
