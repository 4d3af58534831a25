{#
  Blocking test for every public model: no text column may contain a credit code, an enterprise
  name, or the name of an input file (full relative path or base name; enterprise workbooks are
  often named after the credit code). The public models are column allow-lists already; this
  catches a value that slips into an allowed column (a name pasted into a code, a file name in a
  label). Strings shorter than 4 characters are not searched for (they would match anything).
#}
{% test no_confidential_text(model) %}
{%- set text_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if column.is_string() -%}{%- do text_columns.append(column.name) -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}
with

confidential as (
    select distinct upper(needle) as needle from (
        select credit_code as needle from {{ source('raw', 'enterprise_report_lines') }}
        union all select enterprise_name from {{ source('raw', 'enterprise_report_lines') }}
        union all select source_file from {{ source('raw', 'enterprise_report_lines') }}
        union all select credit_code from {{ source('raw', 'enterprise_report_deliveries') }}
        union all select source_file from {{ source('raw', 'source_files') }}
        union all select source_file from {{ source('raw', 'quarantine') }}
    ) as strings
    where needle is not null and length(needle) >= 4
),

-- base names of the files too (…/workbooks/2020/91620100MA7XXXXXXX.xlsx → 91620100MA7XXXXXXX.xlsx)
needles as (
    select needle from confidential
    union
    -- group 0 (the whole match) named: Spark's default is group 1, which this pattern lacks
    select regexp_extract(needle, '[^/]+$', 0) from confidential
    where regexp_extract(needle, '[^/]+$', 0) <> '' and length(regexp_extract(needle, '[^/]+$', 0)) >= 4
),

public_text as (
    {%- if text_columns | length == 0 %}
    select cast(null as string) as column_name, cast(null as string) as value where false
    {%- else %}
    {#- distinct values first: text columns hold codes, few distinct values over many rows #}
    {%- for name in text_columns %}
    select distinct '{{ name }}' as column_name, upper(cast({{ adapter.quote(name) }} as string)) as value
    from {{ model }} where {{ adapter.quote(name) }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- endif %}
),

-- "value contains needle" as an equi-join: a needle of length n is in a value exactly when it
-- equals one of the value's substrings of length n. A nested-loop contains() over every value and
-- every needle took a minute per table at national scale (100k enterprises' names, codes and
-- files); the pieces are few (short values, a few dozen needle lengths) and hash-join at once.
needle_lengths as (
    select distinct length(needle) as needle_length from needles
),

pieces as (
    select column_name, substr(value, position, needle_length) as piece
    from (
        select
            public_text.column_name,
            public_text.value,
            needle_lengths.needle_length,
            {{ integer_range_rows('1', 'length(public_text.value) - needle_lengths.needle_length + 1') }} as position
        from public_text
        inner join needle_lengths on needle_lengths.needle_length <= length(public_text.value)
    ) as start_at
)

select distinct pieces.column_name, needles.needle
from pieces
inner join needles on pieces.piece = needles.needle
{% endtest %}
