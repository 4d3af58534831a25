-- The inventory's uncertainty per region and inventory year, by both IPCC 2006 Vol.1 ch.3
-- approaches side by side: Approach 1 (error propagation, int_uncertainty_approach_1, with the
-- trend uncertainty of Table 3.2 on the total) and Approach 2 (Monte Carlo, the dbt Python model
-- int_uncertainty_approach_2: seed 20161231, 10,000 draws, factors shared across regions and
-- years). Per category × gas, and for the total (category 'total', gas 'all', CO2e).
with

approach_1 as (
    select * from {{ ref('int_uncertainty_approach_1') }}
),

approach_2 as (
    select * from {{ ref('int_uncertainty_approach_2') }}
),

both_approaches as (
    select region_code, year, category_code, gas, approach, co2e_t, lower_t, upper_t, uncertainty_pct,
           trend_uncertainty_pct
    from approach_1
    union all
    select region_code, year, category_code, gas, approach, co2e_t, lower_t, upper_t, uncertainty_pct,
           cast(null as double)
    from approach_2
)

select
    cast(region_code as string)                                    as region_code,
    cast(year as integer)                                           as year,
    cast(category_code as string)                                  as category_code,
    cast(gas as string)                                            as gas,
    cast(approach as string)                                       as approach,
    cast(co2e_t as double)                                          as co2e_t,
    cast(lower_t as double)                                         as lower_t,
    cast(upper_t as double)                                         as upper_t,
    cast(uncertainty_pct as double)                                 as uncertainty_pct,
    cast(trend_uncertainty_pct as double)                           as trend_uncertainty_pct,
    '{{ var("gwp_set") }}'                                          as gwp_set
from both_approaches
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
