-- Verifier tasks of the MRV year, typed: one row per task (a first verification, a re-check, or a
-- consulting engagement) of one verifier organisation for one enterprise and report year
-- (sources/README.md, "Verifier tasks"). raw.mrv_verifier_tasks is optional: an inbox without the
-- enterprise_reports/mrv/ folder (or a warehouse built before the reader existed) gives an empty, typed view.
{%- set raw_source = source('raw', 'mrv_verifier_tasks') %}  {#- also records the dependency at parse time #}
{%- if execute %}
{%- set raw_relation = adapter.get_relation(database=raw_source.database, schema=raw_source.schema, identifier=raw_source.identifier) %}
{%- else %}
{%- set raw_relation = none %}
{%- endif %}
with

{% if raw_relation is not none %}
source as (
    select * from {{ source('raw', 'mrv_verifier_tasks') }}
),
{% else %}
source as (
    select
        null::string as source_file, null::integer as source_row, null::string as credit_code,
        null::integer as report_year, null::string as task_type, null::string as verifier_code,
        null::string as verifier_name, null::date as assigned_on, null::string as scheme_code
    where false
),
{% endif %}

renamed as (
    select
        cast(source_file as string)                        as source_file,
        cast(source_row as integer)                         as source_row,
        cast(credit_code as string)                        as credit_code,
        cast(report_year as integer)                        as report_year,
        cast(task_type as string)                          as task_type,
        cast(verifier_code as string)                      as verifier_code,
        cast(verifier_name as string)                      as verifier_name,
        cast(assigned_on as date)                           as assigned_on,
        cast(coalesce(scheme_code, 'national') as string)  as scheme_code
    from source
)

select * from renamed
