{{ config(severity='warn') }}
-- The published 终端消费量 subtotal should equal the sum of the final_* rows (feedstock is a
-- sub-item of industry, so it is not added). Energy totals are computed from the rows, so a
-- mismatch does not change them; it points at a sheet worth a second look (a mistyped row,
-- a row the reader did not recognise). Tolerance: 0.1 % of the subtotal, or 0.001 units.
with

flows as (
    select * from {{ ref('int_energy_balance_flows') }}
),

by_fuel as (
    select
        region_code,
        year,
        fuel_code,
        sum(value) filter (where item_code = 'final_total')    as final_total_published,
        sum(value) filter (where item_role = 'final')          as final_rows_sum
    from flows
    group by region_code, year, fuel_code
)

select *
from by_fuel
where final_total_published is not null
  and abs(final_total_published - coalesce(final_rows_sum, 0))
      > greatest(0.001 * abs(final_total_published), 0.001)
