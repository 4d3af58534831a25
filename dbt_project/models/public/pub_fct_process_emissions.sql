-- fct_process_emissions for the public warehouse: the top-down rows only (production statistics ×
-- factors: statistics, no enterprise data). The bottom-up rows and the difference between the two
-- methods are enterprise figures (the difference would give the enterprises' total back), so they
-- stay in the full warehouse; the enterprises' process CO2 is published, suppressed, as the
-- process_co2 cells (fct_region_year.co2_process_t, agg_enterprise_emissions). No file names.
select
    region_code,
    year,
    process_code,
    gas,
    activity_value,
    activity_unit,
    emissions_t,
    co2e_t,
    used_in_inventory,
    factor_set,
    gwp_set,
    factor_source
from {{ ref('fct_process_emissions') }}
where method = 'top_down'
