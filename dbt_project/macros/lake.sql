{#
  The raw-data lake (docs/scale-out.md): ingestion writes every raw table as Parquet under
  <raw_lake_dir>/raw/<table>/ (hive-style year or family folders, every file carrying all columns).
  On Spark the `raw` sources are external tables over those folders, (re)created at the start of
  every run so a table sees the files of this night's ingestion. Files are read recursively without
  partition inference: the partition column is already inside each file, as DuckDB reads it.
  DuckDB reads the same folders through the sources' external_location (models/staging/sources.yml).
#}
{% macro create_raw_lake_tables() %}
  {{ return(adapter.dispatch('create_raw_lake_tables', 'ghg')()) }}
{% endmacro %}

{% macro default__create_raw_lake_tables() %}
  {#- DuckDB: nothing to create. -#}
{% endmacro %}

{% macro spark__create_raw_lake_tables() %}
  {%- set lake = var('raw_lake_dir', '') -%}
  {#- Checked when the run executes, not while dbt parses (a manifest needs no lake). -#}
  {%- if execute and not lake -%}
    {{ exceptions.raise_compiler_error("The spark target reads raw data from the Parquet lake: set the dbt var raw_lake_dir (GHG_LAKE_DIR in Dagster) to the lake folder.") }}
  {%- endif -%}
  {%- if execute -%}
    {%- set schemas = [] -%}
    {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
      {%- if node.schema not in schemas -%}
        {%- do run_query('create schema if not exists ' ~ node.schema) -%}
        {%- do schemas.append(node.schema) -%}
      {%- endif -%}
      {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
      {%- do run_query("create table " ~ node.schema ~ "." ~ node.identifier ~ " using parquet options (recursiveFileLookup 'true') location '" ~ lake ~ "/raw/" ~ node.identifier ~ "'") -%}
    {%- endfor -%}
  {%- endif -%}
{% endmacro %}
