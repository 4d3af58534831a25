-- A region-year whose industry table and balance 工业 row differ, in energy (tce over every fuel
-- both have), by more than var('industry_residual_plausibility_fraction') (50 %) of the balance's
-- is a data error (a unit slip, another region's or year's table): blocking, like the region
-- residual beyond residual_plausibility_fraction, since the rows by division would be scaled or
-- left mostly unallocated without anyone noticing.
with

reconciliation as (
    select * from {{ ref('int_industry_energy_reconciliation') }}
    where balance_value is not null and divisions_count > 0
),

region_years as (
    select
        region_code,
        year,
        sum(balance_tce)                                    as balance_tce,
        sum(industries_tce)                                 as industries_tce
    from reconciliation
    group by region_code, year
)

select region_code, year, balance_tce, industries_tce
from region_years
where abs(balance_tce - industries_tce) > {{ var('industry_residual_plausibility_fraction') }} * abs(balance_tce)
