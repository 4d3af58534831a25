-- fct_target_uncertainty for the public warehouse: energy statistics, GDP and plan targets only (the
-- KPI's CO2 is combustion from the energy balance plus net electricity imports, no enterprise figure),
-- so the same rows. The allow-list is the enforced contract in pub_fct_target_uncertainty.yml.
select *
from {{ ref('fct_target_uncertainty') }}
