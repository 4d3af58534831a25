-- fct_market_daily for the public warehouse: statistics, plans or market data, no enterprise figures.
-- The allow-list is the enforced contract in pub_fct_market_daily.yml: a column added to the mart fails this
-- model's build until someone decides, in the YAML, whether it may be published (source_file: an input file name, never published).
select {{ star_except(ref('fct_market_daily'), ['source_file']) }}
from {{ ref('fct_market_daily') }}
