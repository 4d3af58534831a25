-- Every region of the 2024 division list (34 provinces, 333 cities, 2,845 counties), with or
-- without data, so that a dashboard can say "no data" for a region rather than omit it.
with

regions as (
    select * from {{ ref('stg_reference__regions') }}
)

select
    region_code,
    name_zh,
    name_en,
    level,
    division_type,
    parent_code,
    province_code,
    city_code,
    source
from regions
