-- Every balance cell must be in its fuel's canonical unit (t, 10^4Nm3, GJ, MWh): the readers
-- normalise units, and a cell left in 万吨 or 亿千瓦时 would be summed as if it were tonnes or
-- MWh. Fails with the offending cells.
select
    region_code,
    year,
    item_code,
    fuel_code,
    unit,
    canonical_unit
from {{ ref('int_energy_balance_flows') }}
where unit is distinct from canonical_unit
