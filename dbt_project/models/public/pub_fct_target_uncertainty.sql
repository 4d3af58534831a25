-- fct_target_uncertainty for the public warehouse: energy statistics, GDP, industrial value added
-- and plan targets only (the numerators are the energy balance's consumption and combustion CO2 plus
-- net electricity imports, no enterprise figure), so the same rows. The allow-list is the enforced contract in pub_fct_target_uncertainty.yml.
select *
from {{ ref('fct_target_uncertainty') }}
