{#
  Schemas are the layer names themselves (reference, staging, intermediate, marts), not
  "<target>_<layer>": dashboards and analysts query marts.* whatever target built the file.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
