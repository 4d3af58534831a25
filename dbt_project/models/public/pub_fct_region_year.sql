-- fct_region_year for the public warehouse. Everything but the process figures comes from
-- energy statistics and is shown as it is. co2_process_t is the process_co2 cell of the
-- region (int_disclosure_suppression), so it is shown exactly when that cell may be shown; the
-- totals that contain it (co2_with_process_t, co2e_t) are hidden with it, or co2_t and CO2e of
-- combustion would give it back by subtraction.
-- The public process figure stays the enterprise-reported (bottom-up) process CO2 cell, whatever
-- method the full inventory counts (fct_region_year.co2_process_t may be top-down statistics):
-- the top-down figures are statistics and published apart (pub_fct_process_emissions). So that
-- the row adds up, CH4 and N2O here are those of combustion (the full warehouse's include process N2O).
with

region_year as (
    select * from {{ ref('fct_region_year') }}
),

process as (
    select region_code, year, co2_t, suppressed, suppression_reason, incomplete_reports_count
    from {{ ref('int_disclosure_suppression') }}
    where measure = 'process_co2' and region_scope = 'total' and breakdown_code = 'all'
),

combustion_co2e as (
    select region_code, year, sum(co2e_t) as co2e_t, sum(ch4_t) as ch4_t, sum(n2o_t) as n2o_t
    from {{ ref('fct_energy_emissions') }}
    where not is_process
    group by region_code, year
)

select
    region_year.region_code,
    region_year.year,
    region_year.level,
    region_year.province_code,
    region_year.parent_code,
    region_year.energy_consumption_tce,
    region_year.co2_t,
    region_year.net_electricity_import_mwh,
    region_year.grid_factor_tco2_per_mwh,
    region_year.grid_factor_set,
    region_year.co2_net_electricity_import_t,
    region_year.co2_for_intensity_t,
    region_year.gdp_current_10k_yuan,
    region_year.gdp_const_10k_yuan,
    region_year.energy_intensity,
    region_year.carbon_intensity,
    region_year.children_sum_co2_t,
    region_year.children_with_data_count,
    region_year.residual_co2_t,
    region_year.residual_fraction,
    region_year.residual_flag,
    case when process.suppressed then null else process.co2_t end                  as co2_process_t,
    case
        when process.suppressed or region_year.co2_t is null then null
        else region_year.co2_t + coalesce(process.co2_t, 0)
    end                                                                             as co2_with_process_t,
    combustion_co2e.ch4_t,
    combustion_co2e.n2o_t,
    case
        when process.suppressed or region_year.co2_t is null then null
        else coalesce(combustion_co2e.co2e_t, 0) + coalesce(process.co2_t, 0)
    end                                                                             as co2e_t,
    region_year.gwp_set,
    region_year.factor_set,
    region_year.electricity_method,
    coalesce(process.suppressed, false)                                             as process_suppressed,
    process.suppression_reason                                                      as process_suppression_reason,
    case when process.suppressed then null else process.incomplete_reports_count end
                                                                                    as process_incomplete_reports_count
from region_year
left join process
    on process.region_code = region_year.region_code and process.year = region_year.year
left join combustion_co2e
    on combustion_co2e.region_code = region_year.region_code and combustion_co2e.year = region_year.year
