{{ config(severity='warn') }}
-- A division's 其中：用作原料、材料 sub-row is part of its consumption, so it cannot exceed it. Where
-- it does (a mistyped cell, a sub-row under the wrong division), the division's combustion is
-- floored at 0 (int_industry_energy_divisions) and the sheet is worth a second look.
select region_code, year, division_code, fuel_code, consumption_value, feedstock_value
from {{ ref('int_industry_energy_divisions') }}
where feedstock_value > coalesce(consumption_value, 0) + 1e-9 * greatest(abs(feedstock_value), 1)
