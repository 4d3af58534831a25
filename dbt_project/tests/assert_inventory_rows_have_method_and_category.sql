{{ config(meta={'dagster': {'ref': {'name': 'fct_inventory'}}}) }}
-- Every inventory row says how it was estimated and where its figures came from (source files), and
-- sits in a category of
-- ref_inventory_categories (a new balance row, process or sector-model category without one would
-- otherwise publish without a name), and the category belongs to the row's sector.
select
    inventory.region_code,
    inventory.year,
    inventory.sector,
    inventory.category_code,
    inventory.sub_category,
    inventory.gas,
    inventory.method
from {{ ref('fct_inventory') }} as inventory
left join {{ ref('ref_inventory_categories') }} as categories
    on categories.category_code = inventory.category_code
where inventory.method is null
   or inventory.source_files is null or {{ list_length('inventory.source_files') }} = 0
   or inventory.category_code is null
   or categories.category_code is null
   or categories.sector <> inventory.sector
