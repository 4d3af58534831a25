-- PLACEHOLDER — replaced by branch wp14b at merge (helper B writes the real waste model).
-- Zero rows with exactly the contract columns of the sector models (docs: wp14 common notes), so
-- that fct_inventory and its tests build before the sector models land.
select
    cast(null as varchar)   as region_code,
    cast(null as integer)   as year,
    cast(null as varchar)   as category_code,
    cast(null as varchar)   as sub_category,
    cast(null as varchar)   as gas,
    cast(null as double)    as emissions_t,
    cast(null as varchar)   as method,
    cast(null as double)    as activity_value,
    cast(null as varchar)   as activity_unit,
    cast(null as varchar)   as factor_source,
    cast(null as varchar[]) as source_files
where false
