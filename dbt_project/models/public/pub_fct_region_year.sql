-- fct_region_year for the public warehouse: the full warehouse's row, the same numbers. Everything
-- but the process figures comes from statistics. The process CO2 the inventory counts is statistics
-- (co2_process_top_down_t: production statistics × factors, shown as it is) plus, for the processes
-- without statistics, the enterprises' lines (co2_process_bottom_up_t): that part is the
-- process_co2 'method_bottom_up' cell of int_disclosure_suppression (blocking test
-- assert_public_process_cell_is_the_bottom_up_part), so it is shown exactly when the cell may be;
-- when it is hidden, so are the totals that contain it (co2_process_t, co2_with_process_t, co2e_t),
-- or the published statistics and combustion figures would give it back by subtraction.
with

region_year as (
    select * from {{ ref('fct_region_year') }}
),

process as (
    select region_code, year, co2_t, suppressed, suppression_reason, incomplete_reports_count
    from {{ ref('int_disclosure_suppression') }}
    where measure = 'process_co2' and region_scope = 'total' and breakdown_code = 'method_bottom_up'
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
    case when process.suppressed then null else region_year.co2_process_t end       as co2_process_t,
    region_year.co2_process_top_down_t,
    case when process.suppressed then null else region_year.co2_process_bottom_up_t end
                                                                                    as co2_process_bottom_up_t,
    case when process.suppressed then null else region_year.co2_with_process_t end  as co2_with_process_t,
    region_year.ch4_t,
    region_year.n2o_t,
    case when process.suppressed then null else region_year.co2e_t end              as co2e_t,
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
