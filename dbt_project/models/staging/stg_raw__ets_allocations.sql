-- Carbon-market allowance allocation and surrender rows, typed (t CO2). One row per enterprise,
-- scheme and compliance year. raw.ets_allocations is optional: a warehouse built before the
-- allocations reader existed (or a test fixture without it) gives an empty, typed view.
{%- set raw_source = source('raw', 'ets_allocations') %}  {#- also records the dependency at parse time #}
{%- if execute %}
{%- set raw_relation = adapter.get_relation(database=raw_source.database, schema=raw_source.schema, identifier=raw_source.identifier) %}
{%- else %}
{%- set raw_relation = none %}
{%- endif %}
with

{% if raw_relation is not none %}
source as (
    select * from {{ source('raw', 'ets_allocations') }}
),
{% else %}
source as (
    select
        null::string as source_file, null::integer as source_row, null::string as credit_code,
        null::integer as compliance_year, null::string as scheme_code, null::double as free_allowances_t,
        null::double as auctioned_allowances_t, null::double as ccer_surrendered_t,
        null::double as allowances_surrendered_t
    where false
),
{% endif %}

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
