-- dim_region_ancestors for the public warehouse: the division hierarchy, no enterprise data.
-- The allow-list is the enforced contract in pub_dim_region_ancestors.yml.
select * from {{ ref('dim_region_ancestors') }}
