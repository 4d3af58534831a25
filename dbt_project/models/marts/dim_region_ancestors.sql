-- Every region with each of its ancestors, itself included (int_region_ancestors): what a query
-- joins to roll a region's figures up, or to list everything inside a region, instead of
-- comparing parent_code, city_code and province_code by hand.
select
    region_code,
    ancestor_code,
    ancestor_level,
    distance
from {{ ref('int_region_ancestors') }}
