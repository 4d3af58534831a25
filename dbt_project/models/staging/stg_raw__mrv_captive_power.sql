-- Self-owned (captive) power plants of enterprises, typed: installed capacity in kW per enterprise
-- and year (sources/README.md, "Captive power plants"). Optional like the verifier tasks: no file,
-- an empty typed view.
{#- macros/raw_lake.sql: the raw table's rows, or these typed columns and no rows when the build has none. #}
{%- set no_rows %}
select null::string as source_file, null::integer as source_row, null::string as credit_code,
       null::integer as year, null::double as captive_power_kw
where false
{%- endset %}
with

source as (
    {{ optional_raw_source(source('raw', 'mrv_captive_power'), no_rows) }}
),

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
