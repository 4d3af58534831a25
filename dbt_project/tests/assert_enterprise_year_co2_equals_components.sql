-- fct_enterprise_year.co2_t is the sum of its four parts (combustion, process, electricity, heat).
select credit_code, year, co2_t, co2_combustion_t + co2_process_t + co2_electricity_t + co2_heat_t as parts
from {{ ref('fct_enterprise_year') }}
where abs(co2_t - (co2_combustion_t + co2_process_t + co2_electricity_t + co2_heat_t)) > 1e-6 * greatest(1, abs(co2_t))
