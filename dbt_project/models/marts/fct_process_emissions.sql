-- Industrial process emissions by both methods, side by side, for the inventory years: the
-- top-down figure (production statistics × factors) and the bottom-up one (the enterprises'
-- process lines, rolled up the hierarchy), their difference, and which one the inventory counts
-- (used_in_inventory; ref_process_inventory_rule). fct_energy_emissions' process rows and
-- fct_region_year.co2_process_t are the used rows only. Confidential: the bottom-up rows are
-- enterprise data; the public file has the top-down rows only (pub_fct_process_emissions).
with

emissions as (
    select * from {{ ref('int_process_emissions_by_method') }}
)

select
    region_code,
    year,
    process_code,
    gas,
    method,
    activity_value,
    activity_unit,
    emissions_t,
    co2e_t,
    used_in_inventory,
    inventory_rule,
    top_down_minus_bottom_up_t,
    '{{ var("factor_set") }}'                                       as factor_set,
    '{{ var("gwp_set") }}'                                          as gwp_set,
    factor_source,
    source_files
from emissions
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
