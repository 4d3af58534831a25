{{ config(meta={'dagster': {'ref': {'name': 'fct_uncertainty'}}}) }}
-- Every inventory row has an uncertainty (a row of ref_uncertainty_ranges matches its sector,
-- category, gas and fuel group): a category or gas without one would silently drop out of both
-- approaches' totals. And each approach's total is the inventory's total.
with

inventory as (
    select region_code, year, category_code, sub_category, gas, co2e_t from {{ ref('fct_inventory') }}
),

unmatched as (
    select
        inventory.region_code,
        inventory.year,
        inventory.category_code || ' ' || coalesce(inventory.sub_category, '') || ' ' || inventory.gas  as what,
        inventory.co2e_t                                                                                as expected_t,
        cast(null as double)                                                                            as found_t
    from inventory
    left join {{ ref('int_uncertainty_inputs') }} as inputs
        on  inputs.region_code = inventory.region_code
        and inputs.year = inventory.year
        and inputs.category_code = inventory.category_code
        and inputs.sub_category is not distinct from inventory.sub_category
        and inputs.gas = inventory.gas
    where inputs.region_code is null
),

inventory_totals as (
    select region_code, year, sum(co2e_t) as co2e_t from inventory group by region_code, year
),

wrong_totals as (
    select
        uncertainty.region_code,
        uncertainty.year,
        'total ' || uncertainty.approach        as what,
        inventory_totals.co2e_t                 as expected_t,
        uncertainty.co2e_t                      as found_t
    from {{ ref('fct_uncertainty') }} as uncertainty
    left join inventory_totals
        on inventory_totals.region_code = uncertainty.region_code and inventory_totals.year = uncertainty.year
    where uncertainty.category_code = 'total'
      and {{ figures_differ('coalesce(inventory_totals.co2e_t, 0)', 'uncertainty.co2e_t') }}
)

select * from unmatched
union all
select * from wrong_totals
