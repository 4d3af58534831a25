-- Carbon-market allowance allocation and surrender rows, typed (t CO2). One row per enterprise,
-- scheme and compliance year. raw.ets_allocations is optional: a warehouse built before the
-- allocations reader existed (or a test fixture without it) gives an empty, typed view.
{#- macros/raw_lake.sql: the raw table's rows, or these typed columns and no rows when the build has none. #}
{%- set no_rows %}
select null::string as source_file, null::integer as source_row, null::string as credit_code,
       null::integer as compliance_year, null::string as scheme_code, null::double as free_allowances_t,
       null::double as auctioned_allowances_t, null::double as ccer_surrendered_t,
       null::double as allowances_surrendered_t
where false
{%- endset %}
with

source as (
    {{ optional_raw_source(source('raw', 'ets_allocations'), no_rows) }}
),

renamed as (
    select
        cast(source_file as string)                as source_file,
        cast(source_row as integer)                 as source_row,
        cast(credit_code as string)                as credit_code,
        cast(compliance_year as integer)            as compliance_year,
        cast(coalesce(scheme_code, 'national') as string) as scheme_code,
        cast(free_allowances_t as double)           as free_allowances_t,
        cast(auctioned_allowances_t as double)      as auctioned_allowances_t,
        cast(ccer_surrendered_t as double)          as ccer_surrendered_t,
        cast(allowances_surrendered_t as double)    as allowances_surrendered_t
    from source
)

select * from renamed
