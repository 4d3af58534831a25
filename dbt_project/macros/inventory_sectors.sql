{#
  The shared contract of the sector inventory models (int_inventory_agriculture, _lulucf, _waste;
  docs/methodology.md): one typed column list, so that the three cannot drift apart. `emissions_t`
  is rounded to the gram (float sums are order-dependent in their last bits, and unit tests
  compare exactly); the sums it rounds add in one order (ordered_sum, macros/portable.sql), so that
  DuckDB and Spark land on the same gram; `method` is a column or a constant expression of the relation.
#}
{% macro inventory_sector_select(relation, method='method') -%}
select
    cast(region_code as string)                                            as region_code,
    cast(year as integer)                                                   as year,
    cast(category_code as string)                                          as category_code,
    cast(sub_category as string)                                           as sub_category,
    cast(gas as string)                                                    as gas,
    cast({{ round_double('emissions_t', 6) }} as double)                    as emissions_t,
    cast({{ method }} as string)                                           as method,
    cast(activity_value as double)                                          as activity_value,
    cast(activity_unit as string)                                          as activity_unit,
    cast(factor_source as string)                                          as factor_source,
    {{ text_list_sorted_distinct("source_files") }}                       as source_files
from {{ relation }}
{%- endmacro %}
