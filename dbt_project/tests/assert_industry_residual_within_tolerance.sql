{{ config(severity='warn') }}
-- The industry table's divisions should add up to the balance's 工业 row, fuel by fuel, within
-- var('industry_residual_tolerance_fraction') (5 %) of it: the residual is the part of industry the
-- table does not cover (below-threshold enterprises, statistical differences). A warning, not a
-- stop: the balance stays the total (fct_region_year does not change) and the residual is published
-- as the industry_unallocated row, so a larger one loses detail, not correctness. Checked where
-- both exist: the balance has a non-zero 工业 cell and the industry table the fuel.
select region_code, year, fuel_code, balance_value, industries_value, residual_value, residual_share
from {{ ref('int_industry_energy_reconciliation') }}
where balance_value <> 0
  and divisions_count > 0
  and not within_tolerance
