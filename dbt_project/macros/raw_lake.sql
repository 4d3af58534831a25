{#
  Raw tables the build may lack: an inbox without the folder, or a warehouse built before the
  table's reader existed. optional_raw_source(source('raw', 't'), empty_select) is the select of
  the table's rows when it exists, else empty_select (a typed select of no rows). The model passes
  source() itself, so the dependency is recorded at parse time.
#}
{% macro optional_raw_source(raw_source, empty_select) %}
  {%- if execute and raw_source_exists(raw_source) -%}
    select * from {{ raw_source }}
  {%- else -%}
    {{ empty_select }}
  {%- endif -%}
{% endmacro %}

{#
  Whether a raw table exists: read from the Parquet lake (var raw_lake_dir, dbt-duckdb), whether its
  folder holds a Parquet file — read_parquet of a pattern that matches nothing is an error; the
  pattern is sources.yml's (and pipelines/lake.py table_glob). Otherwise whether the relation exists.
#}
{% macro raw_source_exists(raw_source) %}
  {%- if var('raw_lake_dir', '') and target.type == 'duckdb' -%}
    {%- set pattern = var('raw_lake_dir') ~ '/raw/' ~ raw_source.identifier ~ '/**/*.parquet' -%}
    {%- set files = run_query("select count(*) from glob('" ~ (pattern | replace("'", "''")) ~ "')") -%}
    {{ return(files.columns[0].values()[0] > 0) }}
  {%- else -%}
    {{ return(adapter.get_relation(database=raw_source.database, schema=raw_source.schema,
                                   identifier=raw_source.identifier) is not none) }}
  {%- endif -%}
{% endmacro %}
