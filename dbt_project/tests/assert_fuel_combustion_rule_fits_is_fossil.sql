-- ref_fuels: a non-fossil fuel (heat, electricity, 其他能源) has combustion_rule non_fossil and a
-- fossil one never has; otherwise a fuel could carry CO2 it cannot have, or lose CO2 it has.
select fuel_code, is_fossil, combustion_rule
from {{ ref('stg_reference__fuels') }}
where is_fossil = (combustion_rule = 'non_fossil')
