-- Verifier tasks of the MRV year, typed: one row per task (a first verification, a re-check, or a
-- consulting engagement) of one verifier organisation for one enterprise and report year
-- (sources/README.md, "Verifier tasks"). raw.mrv_verifier_tasks is optional: an inbox without the
-- enterprise_reports/mrv/ folder (or a warehouse built before the reader existed) gives an empty, typed view.
{#- macros/raw_lake.sql: the raw table's rows, or these typed columns and no rows when the build has none. #}
{%- set no_rows %}
select null::string as source_file, null::integer as source_row, null::string as credit_code,
       null::integer as report_year, null::string as task_type, null::string as verifier_code,
       null::string as verifier_name, null::date as assigned_on, null::string as scheme_code
where false
{%- endset %}
with

source as (
    {{ optional_raw_source(source('raw', 'mrv_verifier_tasks'), no_rows) }}
),

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
