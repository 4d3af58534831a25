-- The industry table per division and fuel: what the division consumed (its row), the part of it
-- used as raw material (its 其中：用作原料、材料 sub-row, where the yearbook gives one) and what it
-- burned = consumed − raw material. A sub-row larger than its division cannot be burned below
-- zero: the combustion is floored at 0 (the test feedstock_within_division names such cells).
-- Grain: region × year × division × fuel.
with

cells as (
    select * from {{ ref('stg_raw__industry_energy') }}
),

divisions as (
    select
        region_code,
        year,
        division_code,
        fuel_code,
        any_value(unit)                                             as unit,
        sum(value) filter (where not is_feedstock)                  as consumption_value,
        sum(value) filter (where is_feedstock)                      as feedstock_value,
        {{ list_agg_distinct_sorted('source_file') }}             as source_files
    from cells
    group by region_code, year, division_code, fuel_code
)

select
    region_code,
    year,
    division_code,
    fuel_code,
    unit,
    consumption_value,
    feedstock_value,
    greatest(coalesce(consumption_value, 0) - coalesce(feedstock_value, 0), 0)  as combustion_value,
    source_files
from divisions
