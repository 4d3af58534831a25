-- The completeness gate: what the last publication had and this build lacks, one row each, in a
-- sentence an officer can act on. The blocking test completeness_gate fails the build when a row
-- is not accepted, so nothing is published until the missing files arrive or an officer accepts
-- the drop (`ghg build --accept-drop "reason"` sets var('accept_drop_reason'); the reason is
-- recorded with the publication). Drops:
--   a unit of audit_coverage (a year of a family, a region-year of the balance tables, an
--   activity variable, an indicator, an exchange-year) present before and absent now;
--   a year's enterprise reports down by more than
--   var('completeness_max_enterprise_report_drop_fraction') (5 %);
--   a file that ends mid-row (a truncated transfer): its last rows are missing even on a first build.
{%- set max_drop = var('completeness_max_enterprise_report_drop_fraction') %}
{%- set accepted_reason = var('accept_drop_reason') | string | trim %}
with

previous as (
    select * from {{ ref('stg_raw__previous_publication_coverage') }}
),

current_units as (
    select * from {{ ref('audit_coverage') }}
),

compared as (
    select
        previous.source_family,
        previous.unit_kind,
        previous.year,
        previous.unit_key,
        previous.rows_count                         as rows_before,
        coalesce(current_units.rows_count, 0)       as rows_now
    from previous
    left join current_units
        on  current_units.source_family = previous.source_family
        and current_units.unit_kind = previous.unit_kind
        and current_units.year = previous.year
        and current_units.unit_key = previous.unit_key
),

drops as (
    select
        source_family, unit_kind, year, unit_key, rows_before, rows_now,
        case unit_kind
            when 'enterprise_reports' then 'enterprise reports of ' || cast(year as string) || ': '
                || cast(rows_before as string) || ' in the last publication, ' || cast(rows_now as string) || ' now'
            when 'ets_allocations' then 'carbon-market allocations of ' || cast(year as string)
                || ': in the last publication (' || cast(rows_before as string) || ' rows), missing now'
            when 'mrv_verifier_tasks' then 'verifier tasks of report year ' || cast(year as string)
                || ': in the last publication (' || cast(rows_before as string) || ' rows), missing now'
            when 'mrv_captive_power' then 'captive power plants of ' || cast(year as string)
                || ': in the last publication (' || cast(rows_before as string) || ' rows), missing now'
            when 'energy_balance_region' then 'energy balance table of region ' || unit_key || ', ' || cast(year as string)
                || ': in the last publication (' || cast(rows_before as string) || ' cells), missing now'
            when 'industry_energy_region' then 'industry table of region ' || unit_key || ', ' || cast(year as string)
                || ': in the last publication (' || cast(rows_before as string) || ' cells), missing now'
            when 'activity_variable' then 'activity statistic ' || unit_key || ', ' || cast(year as string)
                || ': in the last publication, missing now'
            when 'indicator_statistic' then 'department indicator ' || unit_key || ', ' || cast(year as string)
                || ': in the last publication, missing now'
            when 'exchange_year' then 'trading rows of exchange ' || unit_key || ', ' || cast(year as string)
                || ': ' || cast(rows_before as string) || ' in the last publication, missing now'
            else unit_kind || ' ' || unit_key || ', ' || cast(year as string) || ': missing now'
        end                                         as description
    from compared
    where (unit_kind = 'enterprise_reports' and rows_now < (1 - {{ max_drop }}) * rows_before)
       or (unit_kind <> 'enterprise_reports' and rows_now = 0)
),

truncated_files as (
    select
        source_family,
        'truncated_file'                            as unit_kind,
        cast(null as integer)                       as year,
        source_file                                 as unit_key,
        cast(null as bigint)                        as rows_before,
        rows_loaded                                 as rows_now,
        source_file || ' ends mid-row (' || coalesce(problem, 'truncated') || ')' as description
    from {{ ref('stg_raw__source_files') }}
    where truncated
)

select
    source_family,
    unit_kind,
    year,
    unit_key,
    rows_before,
    rows_now,
    description,
    {{ "'" ~ (accepted_reason | replace("'", "''")) ~ "'" if accepted_reason else 'cast(null as string)' }}
                                                    as accepted_reason,
    {{ 'true' if accepted_reason else 'false' }}    as accepted
from (
    select * from drops
    union all
    select * from truncated_files
) as all_drops
