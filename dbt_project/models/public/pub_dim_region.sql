-- dim_region for the public warehouse: statistics, plans or market data, no enterprise figures.
-- The allow-list is the enforced contract in pub_dim_region.yml: a column added to the mart fails this
-- model's build until someone decides, in the YAML, whether it may be published.
select *
from {{ ref('dim_region') }}
