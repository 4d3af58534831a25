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

{#- The elements of every row's text list in one list (an aggregate, duplicates kept): DuckDB
    flatten(list(l)), Spark flatten(collect_list(l)); callers sort and dedupe after. -#}
{% macro text_list_union_agg(list_expression) %}{{ return(adapter.dispatch('text_list_union_agg', 'ghg')(list_expression)) }}{% endmacro %}
{% macro default__text_list_union_agg(list_expression) %}flatten(list({{ list_expression }})){% endmacro %}
{% macro spark__text_list_union_agg(list_expression) %}flatten(collect_list({{ list_expression }})){% endmacro %}

{#- The distinct values, in no particular order (callers sort later). -#}
{% macro list_agg_distinct(expression) %}{{ return(adapter.dispatch('list_agg_distinct', 'ghg')(expression)) }}{% endmacro %}
{% macro default__list_agg_distinct(expression) %}list(distinct {{ expression }}){% endmacro %}
{% macro spark__list_agg_distinct(expression) %}collect_set({{ expression }}){% endmacro %}

{#- The distinct values, sorted (the lineage lists: source_files). -#}
{% macro list_agg_distinct_sorted(expression) %}{{ return(adapter.dispatch('list_agg_distinct_sorted', 'ghg')(expression)) }}{% endmacro %}
{% macro default__list_agg_distinct_sorted(expression) %}list(distinct {{ expression }} order by {{ expression }}){% endmacro %}
{% macro spark__list_agg_distinct_sorted(expression) %}array_sort(collect_set({{ expression }})){% endmacro %}

{#- A list literal of its arguments: DuckDB [a, b], Spark array(a, b). -#}
{% macro list_of() %}{{ return(adapter.dispatch('list_of', 'ghg')(varargs)) }}{% endmacro %}
{% macro default__list_of(items) %}[{{ items | join(', ') }}]{% endmacro %}
{% macro spark__list_of(items) %}array({{ items | join(', ') }}){% endmacro %}

{#- The distinct elements of a list, nulls dropped (DuckDB's list_distinct drops them, Spark's
    array_distinct keeps one). -#}
{% macro list_distinct(list_expression) %}{{ return(adapter.dispatch('list_distinct', 'ghg')(list_expression)) }}{% endmacro %}
{% macro default__list_distinct(list_expression) %}list_distinct({{ list_expression }}){% endmacro %}
{% macro spark__list_distinct(list_expression) %}array_distinct(filter({{ list_expression }}, x -> x is not null)){% endmacro %}

{#- Two lists one after the other. -#}
{% macro list_concat(left, right) %}{{ return(adapter.dispatch('list_concat', 'ghg')(left, right)) }}{% endmacro %}
{% macro default__list_concat(left, right) %}list_concat({{ left }}, {{ right }}){% endmacro %}
{% macro spark__list_concat(left, right) %}concat({{ left }}, {{ right }}){% endmacro %}

{#- True when some element of a list satisfies `predicate`, which names the element `element`
    (write it in SQL both engines accept). -#}
{% macro list_any(list_expression, element, predicate) %}{{ return(adapter.dispatch('list_any', 'ghg')(list_expression, element, predicate)) }}{% endmacro %}
{% macro default__list_any(list_expression, element, predicate) %}len(list_filter({{ list_expression }}, lambda {{ element }}: {{ predicate }})) > 0{% endmacro %}
{% macro spark__list_any(list_expression, element, predicate) %}exists({{ list_expression }}, {{ element }} -> {{ predicate }}){% endmacro %}

{#- Text split at a one-character separator into a list (Spark's split takes a regex: the
    separator goes into a character class, so '|' or '.' is taken literally). -#}
{% macro split_text(text_expression, separator) %}{{ return(adapter.dispatch('split_text', 'ghg')(text_expression, separator)) }}{% endmacro %}
{% macro default__split_text(text_expression, separator) %}string_split({{ text_expression }}, '{{ separator }}'){% endmacro %}
{% macro spark__split_text(text_expression, separator) %}split({{ text_expression }}, '[{{ separator }}]'){% endmacro %}

{#- One row per element of a list, in the select list (a table-generating function). Spark does
    not allow a generator inside another expression: cast the list, not the rows. -#}
{% macro list_rows(list_expression) %}{{ return(adapter.dispatch('list_rows', 'ghg')(list_expression)) }}{% endmacro %}
{% macro default__list_rows(list_expression) %}unnest({{ list_expression }}){% endmacro %}
{% macro spark__list_rows(list_expression) %}explode({{ list_expression }}){% endmacro %}

{#- One row per integer from `first` to `last` (both included), in the select list. DuckDB's
    generate_series gives BIGINT; `as_integer` makes it INTEGER on both engines. -#}
{% macro series_rows(first, last, as_integer=false) %}{{ return(adapter.dispatch('series_rows', 'ghg')(first, last, as_integer)) }}{% endmacro %}
{% macro default__series_rows(first, last, as_integer) -%}
{%- if as_integer %}cast(unnest(generate_series({{ first }}, {{ last }})) as integer){% else %}unnest(generate_series({{ first }}, {{ last }})){% endif -%}
{%- endmacro %}
{% macro spark__series_rows(first, last, as_integer) -%}
{%- if as_integer %}explode(sequence(cast({{ first }} as integer), cast({{ last }} as integer))){% else %}explode(sequence({{ first }}, {{ last }})){% endif -%}
{%- endmacro %}

{#- first_value / last_value of a window skipping nulls: DuckDB `last_value(x ignore nulls)`,
    Spark `last_value(x, true)`; the OVER clause follows the macro. -#}
{% macro value_ignoring_nulls(function_name, expression) %}{{ return(adapter.dispatch('value_ignoring_nulls', 'ghg')(function_name, expression)) }}{% endmacro %}
{% macro default__value_ignoring_nulls(function_name, expression) %}{{ function_name }}({{ expression }} ignore nulls){% endmacro %}
{% macro spark__value_ignoring_nulls(function_name, expression) %}{{ function_name }}({{ expression }}, true){% endmacro %}

{#- The value an UNPIVOT gives a column (`co2_t as 'CO2'`): DuckDB writes it as a string literal,
    Spark as an identifier (the value is its name). -#}
{% macro unpivot_label(label) %}{{ return(adapter.dispatch('unpivot_label', 'ghg')(label)) }}{% endmacro %}
{% macro default__unpivot_label(label) %}'{{ label }}'{% endmacro %}
{% macro spark__unpivot_label(label) %}`{{ label }}`{% endmacro %}

{#- The whole text matches the regular expression (no backslashes in `pattern`: Spark reads them
    as escapes in the literal). -#}
{% macro regexp_full_match(text_expression, pattern) %}{{ return(adapter.dispatch('regexp_full_match', 'ghg')(text_expression, pattern)) }}{% endmacro %}
{% macro default__regexp_full_match(text_expression, pattern) %}regexp_full_match({{ text_expression }}, '{{ pattern }}'){% endmacro %}
{% macro spark__regexp_full_match(text_expression, pattern) %}({{ text_expression }} rlike '^(?:{{ pattern }})$'){% endmacro %}



{#- A double rounded to `digits` decimals as DuckDB rounds it: round(x × 10^d) / 10^d, half away
    from zero on the binary value. Spark's round(x, d) rounds the decimal text of x half up, so a
    value near a half (3.B.1 N2O: 4.4345675) came out one unit of the last digit higher. -#}
{% macro round_double(expression, digits) %}{{ return(adapter.dispatch('round_double', 'ghg')(expression, digits)) }}{% endmacro %}
{% macro default__round_double(expression, digits) %}round({{ expression }}, {{ digits }}){% endmacro %}
{% macro spark__round_double(expression, digits) %}(round(({{ expression }}) * 1e{{ digits }}) / 1e{{ digits }}){% endmacro %}

{#- Unit-test fixtures on Spark: dbt-spark's safe_cast writes a list fixture value as it is, so a
    text list (YAML ['a.csv', 'b.csv'] or DuckDB's '[a.csv, b.csv]') became `cast([a.csv] as
    array<string>)`, which Spark cannot parse. The project's spark__safe_cast (dbt looks in the root
    project first) writes such a value as array('a.csv', 'b.csv'); every other value as dbt-spark
    does. DuckDB does not use it. -#}
{% macro spark__safe_cast(field, type) -%}
{%- set items = none -%}
{%- if type.lower().startswith('array<string>') -%}
    {%- if field is string and field.strip("'").startswith('[') -%}
        {%- set items = field.strip("'")[1:-1].split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- elif field is iterable and field is not string and field is not mapping -%}
        {%- set items = field | list -%}
    {%- endif -%}
{%- endif -%}
{%- if items is not none -%}
cast(array({% for item in items %}'{{ item | string | replace("'", "\\'") }}'{{ ", " if not loop.last }}{% endfor %}) as {{ type }})
{%- else -%}
{%- set field_clean = field.strip('"').strip("'") if (cast_from_string_unsupported_for(type) and field is string) else field -%}
cast({{ field_clean }} as {{ type }})
{%- endif -%}
{%- endmacro %}

{# ---------------------------------------------------------------- targets, indicators, enterprises, disclosure, public, tests (wp18c) #}


{# ---------------------------------------------------------------- market, MRV, compliance (wp18d) #}

