{#
  The shared contract of the sector inventory models (int_inventory_agriculture, _lulucf, _waste;
  docs/methodology.md): one typed column list, so that the three cannot drift apart. `emissions_t`
  is rounded to the gram (float sums are order-dependent in their last bits, and unit tests
  compare exactly); `method` is a column or a constant expression of the relation.
#}
{% macro inventory_sector_select(relation, method='method') -%}
select
    cast(region_code as varchar)                                            as region_code,
    cast(year as integer)                                                   as year,
    cast(category_code as varchar)                                          as category_code,
    cast(sub_category as varchar)                                           as sub_category,
    cast(gas as varchar)                                                    as gas,
    cast(round(emissions_t, 6) as double)                                   as emissions_t,
    cast({{ method }} as varchar)                                           as method,
    cast(activity_value as double)                                          as activity_value,
    cast(activity_unit as varchar)                                          as activity_unit,
    cast(factor_source as varchar)                                          as factor_source,
    cast(list_sort(list_distinct(source_files)) as varchar[])               as source_files
from {{ relation }}
{%- endmacro %}
