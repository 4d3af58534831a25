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

{# ---------------------------------------------------------------- sums #}

{#- The sum of a group's doubles added in one order on both engines: the values sorted, then added
    left to right from 0. A plain sum adds in the order rows arrive, which differs between DuckDB and
    Spark (and between Spark's partitions), so its last bits do; where a unit test compares a result
    exactly, or a result is rounded, that order must not matter. Null when no value is non-null, as sum. -#}
{% macro ordered_sum(expression) %}{{ return(adapter.dispatch('ordered_sum', 'ghg')(expression)) }}{% endmacro %}
{% macro default__ordered_sum(expression) %}case when count({{ expression }}) > 0 then list_reduce(list_sort(list(cast({{ expression }} as double)) filter (where {{ expression }} is not null)), lambda acc, x: acc + x, cast(0 as double)) end{% endmacro %}
{% macro spark__ordered_sum(expression) %}case when count({{ expression }}) > 0 then aggregate(array_sort(collect_list(cast({{ expression }} as double))), cast(0 as double), (acc, x) -> acc + x) end{% endmacro %}

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

{#- One row per value from `first` to `last` (both included), in the select list, typed as the
    engine types the bounds (DuckDB's generate_series gives BIGINT); integer_range_rows below gives INTEGER. -#}
{% macro series_rows(first, last) %}{{ return(adapter.dispatch('series_rows', 'ghg')(first, last)) }}{% endmacro %}
{% macro default__series_rows(first, last) %}unnest(generate_series({{ first }}, {{ last }})){% endmacro %}
{% macro spark__series_rows(first, last) %}explode(sequence({{ first }}, {{ last }})){% endmacro %}

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



{#- A double rounded to `digits` decimals the same way on both engines: x × 10^d in double
    precision, rounded half away from zero to a whole number, ÷ 10^d. Neither engine's own
    round(x, d) does that: DuckDB's works on the product in higher precision, Spark's on the decimal
    text of x, so a value near a half (3.B.1 N2O: 70.6548325) came out one unit of the last digit
    apart. round() of a whole number of units is the same on both. -#}
{% macro round_double(expression, digits) %}(round(({{ expression }}) * 1e{{ digits }}) / 1e{{ digits }}){% endmacro %}

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

{#- One row per integer from `first` to `last` (both included), as an integer column; written in a
    select list, the row's other columns repeat (the plan years of a target, a value's positions). -#}
{% macro integer_range_rows(first, last) %}{{ return(adapter.dispatch('integer_range_rows', 'ghg')(first, last)) }}{% endmacro %}
{% macro default__integer_range_rows(first, last) %}cast(unnest(generate_series({{ first }}, {{ last }})) as integer){% endmacro %}
{#- Spark refuses a generator inside cast(): the bounds are cast instead, sequence() of integers gives integers -#}
{% macro spark__integer_range_rows(first, last) %}explode(sequence(cast({{ first }} as integer), cast({{ last }} as integer))){% endmacro %}

{#- A value that orders like its comma-separated parts, first by the first (a sort key for min_by/max_by). -#}
{% macro composite_key(expressions) %}{{ return(adapter.dispatch('composite_key', 'ghg')(expressions)) }}{% endmacro %}
{% macro default__composite_key(expressions) %}row({{ expressions }}){% endmacro %}
{% macro spark__composite_key(expressions) %}struct({{ expressions }}){% endmacro %}

{#- The product of a column's non-null values (an aggregate; null when there are none). Spark SQL has no
    product(): the same multiplications, folded over the collected values. -#}
{% macro product_agg(expression) %}{{ return(adapter.dispatch('product_agg', 'ghg')(expression)) }}{% endmacro %}
{% macro default__product_agg(expression) %}product({{ expression }}){% endmacro %}
{% macro spark__product_agg(expression) %}case when count({{ expression }}) > 0 then aggregate(collect_list(cast({{ expression }} as double)), cast(1 as double), (acc, x) -> acc * x) end{% endmacro %}

{#- The distinct values of a text column in one string, sorted, joined by `separator` (an aggregate;
    null when every value is null). -#}
{% macro sorted_distinct_text_agg(expression, separator) %}{{ return(adapter.dispatch('sorted_distinct_text_agg', 'ghg')(expression, separator)) }}{% endmacro %}
{% macro default__sorted_distinct_text_agg(expression, separator) %}string_agg(distinct {{ expression }}, '{{ separator }}' order by {{ expression }}){% endmacro %}
{% macro spark__sorted_distinct_text_agg(expression, separator) %}case when count({{ expression }}) > 0 then array_join(array_sort(collect_set({{ expression }})), '{{ separator }}') end{% endmacro %}

{#- The values of a column as a list (an aggregate; Spark's collect_list drops nulls, DuckDB's list
    keeps them: use it where the values are never null). -#}
{% macro list_agg(expression) %}{{ return(adapter.dispatch('list_agg', 'ghg')(expression)) }}{% endmacro %}
{% macro default__list_agg(expression) %}list({{ expression }}){% endmacro %}
{% macro spark__list_agg(expression) %}collect_list({{ expression }}){% endmacro %}

{#- A text list written out of comma-separated text expressions, its null elements dropped (in order). -#}
{% macro text_list_without_nulls(elements) %}{{ return(adapter.dispatch('text_list_without_nulls', 'ghg')(elements)) }}{% endmacro %}
{% macro default__text_list_without_nulls(elements) %}list_filter([{{ elements }}], lambda x: x is not null){% endmacro %}
{% macro spark__text_list_without_nulls(elements) %}filter(array({{ elements }}), x -> x is not null){% endmacro %}

{#- A list's elements joined by `separator` ('' for an empty list). -#}
{% macro text_list_join(list_expression, separator) %}{{ return(adapter.dispatch('text_list_join', 'ghg')(list_expression, separator)) }}{% endmacro %}
{% macro default__text_list_join(list_expression, separator) %}array_to_string({{ list_expression }}, '{{ separator }}'){% endmacro %}
{% macro spark__text_list_join(list_expression, separator) %}array_join({{ list_expression }}, '{{ separator }}'){% endmacro %}

{#- The number of elements of a list (null for a null list on both engines). -#}
{% macro list_length(list_expression) %}{{ return(adapter.dispatch('list_length', 'ghg')(list_expression)) }}{% endmacro %}
{% macro default__list_length(list_expression) %}len({{ list_expression }}){% endmacro %}
{#- size(null) is -1 with ANSI mode off -#}
{% macro spark__list_length(list_expression) %}case when {{ list_expression }} is not null then size({{ list_expression }}) end{% endmacro %}

{#- Every year's value of a line as one list of (report_year, activity_value) pairs (an aggregate),
    and the median of the values of the years other than `year` in such a list (null when none):
    the other years' median without a self-join (int_enterprise_report_versions). -#}
{% macro year_value_list_agg(year_expression, value_expression) %}{{ return(adapter.dispatch('year_value_list_agg', 'ghg')(year_expression, value_expression)) }}{% endmacro %}
{% macro default__year_value_list_agg(year_expression, value_expression) %}list({'report_year': {{ year_expression }}, 'activity_value': {{ value_expression }}}){% endmacro %}
{% macro spark__year_value_list_agg(year_expression, value_expression) %}collect_list(named_struct('report_year', {{ year_expression }}, 'activity_value', {{ value_expression }})){% endmacro %}

{% macro median_of_other_years(year_value_list, year_expression) %}{{ return(adapter.dispatch('median_of_other_years', 'ghg')(year_value_list, year_expression)) }}{% endmacro %}
{% macro default__median_of_other_years(year_value_list, year_expression) -%}
list_median(list_transform(
            list_filter({{ year_value_list }}, lambda h: h.report_year <> {{ year_expression }}), lambda h: h.activity_value
        ))
{%- endmacro %}
{#- Spark has no list median: the sorted values' middle one, or the mean of the middle two -#}
{% macro spark__median_of_other_years(year_value_list, year_expression) -%}
{%- set values -%}array_sort(transform(filter({{ year_value_list }}, h -> h.report_year <> {{ year_expression }}), h -> h.activity_value)){%- endset -%}
case when size({{ values }}) > 0 then
            (element_at({{ values }}, cast(floor((size({{ values }}) + 1) / 2) as integer))
             + element_at({{ values }}, cast(floor(size({{ values }}) / 2) as integer) + 1)) / 2
        end
{%- endmacro %}

{#- A number as text in a Python format spec (DuckDB's format()); Spark spells the specs the audit
    uses with format_string() (Java's Formatter, locale en-US) -#}
{% macro number_text(expression, python_format) %}{{ return(adapter.dispatch('number_text', 'ghg')(expression, python_format)) }}{% endmacro %}
{% macro default__number_text(expression, python_format) %}format('{{ python_format }}', {{ expression }}){% endmacro %}
{% macro spark__number_text(expression, python_format) -%}
{%- if python_format == '{:,.0f}' -%}format_string('%,.0f', {{ expression }})
{%- elif python_format == '{:.2f}' -%}format_string('%.2f', {{ expression }})
{%- elif python_format == '{:+.1f}' -%}format_string('%+.1f', {{ expression }})
{%- elif python_format == '{:.4g}' -%}
{#- 4 significant digits, trailing zeros dropped (the exponent form below 1e-4 is not spelled) -#}
case when {{ expression }} = 0 then '0' else
            regexp_replace(regexp_replace(
                format_string(concat('%.', cast(greatest(3 - floor(log10(abs({{ expression }}))), 0) as string), 'f'), {{ expression }}),
            '(\\.[0-9]*[1-9])0+$', '$1'), '\\.0*$', '') end
{%- else -%}{{ exceptions.raise_compiler_error('number_text: no Spark spelling for ' ~ python_format) }}
{%- endif -%}
{%- endmacro %}

{#- Every column of a relation but the excluded ones, in the relation's order (select * exclude). -#}
{% macro star_except(relation, excluded) %}{{ return(adapter.dispatch('star_except', 'ghg')(relation, excluded)) }}{% endmacro %}
{% macro default__star_except(relation, excluded) %}* exclude ({{ excluded | join(', ') }}){% endmacro %}
{% macro spark__star_except(relation, excluded) -%}
{%- if execute -%}
{%- set names = [] -%}
{#- the catalog's own relation: under `dbt build --empty` a ref renders as a subquery, which
    Spark's DESCRIBE cannot read -#}
{%- set table = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
{%- for column in adapter.get_columns_in_relation(table) if column.name | lower not in excluded -%}
{%- do names.append(adapter.quote(column.name)) -%}
{%- endfor -%}
{{ names | join(', ') }}
{%- else -%}*{%- endif -%}
{%- endmacro %}


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

