-- What this build covers, unit by unit: the yardstick of the completeness gate. The publication
-- keeps this table in the full warehouse; the next build copies it back as
-- raw.previous_publication_coverage and audit_completeness_drops compares the two.
--   enterprise_reports     per report year: enterprises with an authoritative report
--   ets_allocations        per compliance year: allocation rows
--   mrv_verifier_tasks     per report year: verifier tasks (the MRV year's tracking rests on them)
--   mrv_captive_power      per year: captive power plant rows (an inclusion rule rests on them)
--   energy_balance_region  per year and region: balance cells
--   industry_energy_region per year and region: industry table cells
--   activity_variable      per year: region × variable
--   indicator_statistic    per year: region × indicator
--   production_statistic   per year: region × product
--   exchange_year          per year: trading rows of an exchange
with

enterprise_reports as (
    select 'enterprise_reports' as source_family, 'enterprise_reports' as unit_kind, year, 'all' as unit_key,
           count(*) as rows_count
    from {{ ref('int_enterprise_report_versions') }}
    where is_authoritative
    group by year
),

allocations as (
    select 'enterprise_reports', 'ets_allocations', compliance_year, 'all', count(*)
    from {{ ref('stg_raw__ets_allocations') }}
    group by compliance_year
),

verifier_tasks as (
    select 'enterprise_reports', 'mrv_verifier_tasks', report_year, 'all', count(*)
    from {{ ref('stg_raw__mrv_verifier_tasks') }}
    group by report_year
),

captive_power as (
    select 'enterprise_reports', 'mrv_captive_power', year, 'all', count(*)
    from {{ ref('stg_raw__mrv_captive_power') }}
    group by year
),

balance as (
    select 'energy_statistics', 'energy_balance_region', year, region_code, count(*)
    from {{ ref('stg_raw__energy_balance') }}
    group by year, region_code
),

industry as (
    select 'energy_statistics', 'industry_energy_region', year, region_code, count(*)
    from {{ ref('stg_raw__industry_energy') }}
    group by year, region_code
),

activity as (
    select 'energy_statistics', 'activity_variable', year, region_code || ' ' || variable_code, count(*)
    from {{ ref('stg_raw__activity_statistics') }}
    group by year, region_code, variable_code
),

indicators as (
    select 'energy_statistics', 'indicator_statistic', year, region_code || ' ' || indicator_code, count(*)
    from {{ ref('stg_raw__indicator_statistics') }}
    group by year, region_code, indicator_code
),

production as (
    select 'energy_statistics', 'production_statistic', year, region_code || ' ' || product_code, count(*)
    from {{ ref('stg_raw__production_statistics') }}
    group by year, region_code, product_code
),

prices as (
    select 'exchange_prices', 'exchange_year', cast(extract(year from trade_date) as integer), exchange_code, count(*)
    from {{ ref('stg_raw__market_daily') }}
    group by 3, exchange_code
)

select source_family, unit_kind, cast(year as integer) as year, unit_key, cast(rows_count as bigint) as rows_count
from (
    select * from enterprise_reports
    union all select * from allocations
    union all select * from verifier_tasks
    union all select * from captive_power
    union all select * from balance
    union all select * from industry
    union all select * from activity
    union all select * from indicators
    union all select * from production
    union all select * from prices
) as units
