-- fct_region_intensity_progress for the public warehouse: statistics and plans, no enterprise figures.
-- The allow-list is the enforced contract in pub_fct_region_intensity_progress.yml: a column added to the mart
-- fails this model's build until someone decides, in the YAML, whether it may be published.
select *
from {{ ref('fct_region_intensity_progress') }}
