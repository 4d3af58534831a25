{#
  Portable SQL (issue 18): the one file of the project's adapter.dispatch macros, for what DuckDB
  and Spark (the `duckdb` and `spark` targets) spell differently and no dbt cross-database macro
  covers. Models call ghg's macro; `default__` is DuckDB's spelling, `spark__` Spark's.
  Types both engines accept are written directly (string, integer, bigint, double, boolean, date);
  dbt's own cross-database macros (dbt.datediff, dbt.dateadd, dbt.listagg, …) are used where they exist.
#}

{# ---------------------------------------------------------------- types #}

{#- A point in time with its zone: DuckDB TIMESTAMPTZ; Spark's TIMESTAMP is already zone-aware (LTZ). -#}
{% macro type_timestamp_tz() %}{{ return(adapter.dispatch('type_timestamp_tz', 'ghg')()) }}{% endmacro %}
{% macro default__type_timestamp_tz() %}timestamp with time zone{% endmacro %}
{% macro spark__type_timestamp_tz() %}timestamp{% endmacro %}

{#- A list of text (the lineage lists, source_files): DuckDB VARCHAR[], Spark ARRAY<STRING>.
    Contracts spell it inline in YAML, where macros are not available:
    "{{ 'array<string>' if target.type == 'spark' else 'varchar[]' }}". -#}
{% macro type_text_list() %}{{ return(adapter.dispatch('type_text_list', 'ghg')()) }}{% endmacro %}
{% macro default__type_text_list() %}varchar[]{% endmacro %}
{% macro spark__type_text_list() %}array<string>{% endmacro %}

{# ---------------------------------------------------------------- lists #}

{#- The sorted distinct values of a text list (null elements dropped on both engines). -#}
{% macro text_list_sorted_distinct(list_expression) %}{{ return(adapter.dispatch('text_list_sorted_distinct', 'ghg')(list_expression)) }}{% endmacro %}
{% macro default__text_list_sorted_distinct(list_expression) %}cast(list_sort(list_distinct({{ list_expression }})) as varchar[]){% endmacro %}
{% macro spark__text_list_sorted_distinct(list_expression) %}array_sort(array_distinct(filter(cast({{ list_expression }} as array<string>), x -> x is not null))){% endmacro %}

{#- An empty list of text. -#}
{% macro empty_text_list() %}{{ return(adapter.dispatch('empty_text_list', 'ghg')()) }}{% endmacro %}
{% macro default__empty_text_list() %}[]::varchar[]{% endmacro %}
{% macro spark__empty_text_list() %}cast(array() as array<string>){% endmacro %}

{# ---------------------------------------------------------------- inventory, energy, process, uncertainty (wp18b) #}


{# ---------------------------------------------------------------- targets, indicators, enterprises, disclosure, public, tests (wp18c) #}


{# ---------------------------------------------------------------- market, MRV, compliance (wp18d) #}

{#- The value of the first / last row in an order (DuckDB first/last(x order by …), which keep a NULL
    value, unlike min_by/max_by there). Spark's min_by/max_by keep it too; the order's columns go into
    a struct, compared column by column. The order must not tie (add a tie-breaker) or the row is arbitrary. -#}
{% macro first_by(value, order_columns) %}{{ return(adapter.dispatch('first_by', 'ghg')(value, order_columns)) }}{% endmacro %}
{% macro default__first_by(value, order_columns) %}first({{ value }} order by {{ order_columns }}){% endmacro %}
{% macro spark__first_by(value, order_columns) %}min_by({{ value }}, struct({{ order_columns }})){% endmacro %}

{% macro last_by(value, order_columns) %}{{ return(adapter.dispatch('last_by', 'ghg')(value, order_columns)) }}{% endmacro %}
{% macro default__last_by(value, order_columns) %}last({{ value }} order by {{ order_columns }}){% endmacro %}
{% macro spark__last_by(value, order_columns) %}max_by({{ value }}, struct({{ order_columns }})){% endmacro %}

{#- The non-null value of the latest row by one column, rows without that column last (DuckDB
    any_value(x order by c desc nulls last), which skips NULL values). Spark: max_by over a struct that
    ranks a non-null value first, then a non-null order column, then the column itself. -#}
{% macro latest_non_null(value, order_column) %}{{ return(adapter.dispatch('latest_non_null', 'ghg')(value, order_column)) }}{% endmacro %}
{% macro default__latest_non_null(value, order_column) %}any_value({{ value }} order by {{ order_column }} desc nulls last){% endmacro %}
{% macro spark__latest_non_null(value, order_column) -%}
    max_by({{ value }}, struct({{ value }} is not null, {{ order_column }} is not null, {{ order_column }}))
{%- endmacro %}

