-- Self-owned (captive) power plants of enterprises, typed: installed capacity in kW per enterprise
-- and year (sources/README.md, "Captive power plants"). Optional like the verifier tasks: no file,
-- an empty typed view.
{%- set raw_source = source('raw', 'mrv_captive_power') %}  {#- also records the dependency at parse time #}
{%- if execute %}
{%- set raw_relation = adapter.get_relation(database=raw_source.database, schema=raw_source.schema, identifier=raw_source.identifier) %}
{%- else %}
{%- set raw_relation = none %}
{%- endif %}
with

{% if raw_relation is not none %}
source as (
    select * from {{ source('raw', 'mrv_captive_power') }}
),
{% else %}
source as (
    select null::string as source_file, null::integer as source_row, null::string as credit_code,
           null::integer as year, null::double as captive_power_kw
    where false
),
{% endif %}

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_row as integer)         as source_row,
        cast(credit_code as string)        as credit_code,
        cast(year as integer)               as year,
        cast(captive_power_kw as double)    as captive_power_kw
    from source
)

select * from renamed
