{{ config(meta={'dagster': {'ref': {'name': 'pub_fct_region_year'}}}) }}
-- The public warehouse shows the inventory's own numbers or nothing (docs/methodology.md, "The
-- public warehouse"): per region and year
--   1 every figure of the public fct_region_year equals the full one, or is null where the
--     enterprise part of the process CO2 is hidden (process_suppressed) and the figure contains it;
--   2 the protected cell (process_co2 'method_bottom_up') is exactly the bottom-up part the full
--     warehouse counts (co2_process_bottom_up_t): what the suppression protects is what is published;
--   3 the public fct_energy_emissions' process rows add up to the full process CO2 and CO2e where shown.
-- A row here is a region-year whose public figures would be wrong.
{%- set always = ['energy_consumption_tce', 'co2_t', 'co2_for_intensity_t', 'energy_intensity', 'carbon_intensity',
                  'co2_process_top_down_t', 'ch4_t', 'n2o_t'] %}
{%- set with_process = ['co2_process_t', 'co2_process_bottom_up_t', 'co2_with_process_t', 'co2e_t'] %}
with

full_rows as (
    select * from {{ ref('fct_region_year') }}
),

public_rows as (
    select * from {{ ref('pub_fct_region_year') }}
),

cells as (
    select region_code, year, co2_t
    from {{ ref('int_disclosure_suppression') }}
    where measure = 'process_co2' and region_scope = 'total' and breakdown_code = 'method_bottom_up'
),

public_process as (
    select region_code, year, sum(co2_t) as co2_t, sum(co2e_t) as co2e_t, bool_or(suppressed) as any_hidden
    from {{ ref('pub_fct_energy_emissions') }}
    where is_process
    group by region_code, year
),

full_process as (
    select region_code, year, sum(co2_t) as co2_t, sum(co2e_t) as co2e_t
    from {{ ref('fct_energy_emissions') }}
    where is_process
    group by region_code, year
)

-- Spark, unlike DuckDB, does not see a select-list alias in WHERE: the rows are wrapped.
select * from (
select
    full_rows.region_code,
    full_rows.year,
    case
        when public_rows.region_code is null then 'missing from the public file'
        {%- for column in always %}
        when {{ figures_differ('public_rows.' ~ column, 'full_rows.' ~ column) }} then '{{ column }} differs'
        {%- endfor %}
        {%- for column in with_process %}
        when not public_rows.process_suppressed and {{ figures_differ('public_rows.' ~ column, 'full_rows.' ~ column) }}
            then '{{ column }} differs'
        when public_rows.process_suppressed and public_rows.{{ column }} is not null
            then '{{ column }} shown although its enterprise part is hidden'
        {%- endfor %}
        when {{ figures_differ('coalesce(cells.co2_t, 0)', 'coalesce(full_rows.co2_process_bottom_up_t, 0)') }}
            then 'the protected cell is not the bottom-up part'
        when not coalesce(public_process.any_hidden, false)
             and ({{ figures_differ('coalesce(public_process.co2_t, 0)', 'coalesce(full_process.co2_t, 0)') }}
                  or {{ figures_differ('coalesce(public_process.co2e_t, 0)', 'coalesce(full_process.co2e_t, 0)') }})
            then 'public process rows do not add up to the full ones'
    end                                                             as problem
from full_rows
left join public_rows
    on public_rows.region_code = full_rows.region_code and public_rows.year = full_rows.year
left join cells
    on cells.region_code = full_rows.region_code and cells.year = full_rows.year
left join public_process
    on public_process.region_code = full_rows.region_code and public_process.year = full_rows.year
left join full_process
    on full_process.region_code = full_rows.region_code and full_process.year = full_rows.year
) as checked
where problem is not null
