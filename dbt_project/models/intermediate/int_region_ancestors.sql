-- Every region with each of its ancestors, itself included (distance 0): the one place the
-- county → city → province roll-up is written. A county of a prefecture-level city has three
-- rows (itself, its city, its province); a municipality's district or a province-administered
-- county two (itself, its province); a province one. Roll-ups join facts on region_code and
-- group by ancestor_code.
with

regions as (
    select region_code, level, parent_code from {{ ref('stg_reference__regions') }}
),

-- The division list is three levels deep, so two parent steps reach every province.
chains as (
    select region_code, region_code as ancestor_code, 0 as distance from regions
    union all
    select region_code, parent_code, 1 from regions where parent_code is not null
    union all
    select child.region_code, parent.parent_code, 2
    from regions as child
    inner join regions as parent on parent.region_code = child.parent_code
    where parent.parent_code is not null
),

has_children as (
    select distinct parent_code as region_code from regions where parent_code is not null
)

select
    chains.region_code,
    chains.ancestor_code,
    ancestor.level                                       as ancestor_level,
    cast(chains.distance as integer)                     as distance,
    -- whether the ancestor has child regions (a leaf's own enterprises are its whole total)
    has_children.region_code is not null                 as ancestor_has_children
from chains
inner join regions as ancestor on ancestor.region_code = chains.ancestor_code
left join has_children on has_children.region_code = chains.ancestor_code
