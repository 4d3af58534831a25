-- Each enterprise's allocation period and MRV dates per scheme and allocation (compliance) year,
-- under the calendar var ets_compliance_calendar chooses:
--   annual   the period is the calendar year; report, verification, approval and compliance dates
--            are those of the MRV calendar governing the report year (int_mrv_due_dates)
--   rolling  each sector complies in its own month (ref_ets_compliance_months); period and dates
--            follow the rolling formula (macros/mrv.sql). A sector without a month keeps the
--            annual calendar (calendar_mode says which applied)
-- Rows: every enterprise that the inclusion list includes, or that declares itself in the market, in
-- a year from the scheme's first compliance year on, and every enterprise with an allocation.
{%- set rolling = var('ets_compliance_calendar') == 'rolling' %}
{%- if var('ets_compliance_calendar') not in ('annual', 'rolling') %}
{{ exceptions.raise_compiler_error("var ets_compliance_calendar must be 'annual' or 'rolling', not '" ~ var('ets_compliance_calendar') ~ "'") }}
{%- endif %}
with

schemes as (
    select scheme_code, first_compliance_year from {{ ref('ref_ets_schemes') }}
),

energy_years as (
    select * from {{ ref('int_enterprise_energy_years') }}
),

due as (
    select inclusion.credit_code, inclusion.scheme_code, inclusion.list_year as compliance_year
    from {{ ref('int_mrv_inclusion') }} as inclusion
    join schemes on schemes.scheme_code = inclusion.scheme_code
    where inclusion.list_status = 'included' and inclusion.list_year >= schemes.first_compliance_year
    union
    select energy_years.credit_code, schemes.scheme_code, energy_years.year
    from energy_years
    cross join schemes
    where energy_years.declared_in_ets and energy_years.year >= schemes.first_compliance_year
    union
    select credit_code, scheme_code, compliance_year from {{ ref('stg_raw__ets_allocations') }}
),

-- the enterprise's identity: its report of the year, else its latest report
profile as (
    select due.credit_code, due.scheme_code, due.compliance_year,
           energy_years.enterprise_name, energy_years.region_code, energy_years.sector_code
    from due
    left join (
        select *, row_number() over (partition by credit_code order by year desc) as recency from energy_years
    ) as energy_years
        on energy_years.credit_code = due.credit_code
    qualify row_number() over (
        partition by due.credit_code, due.scheme_code, due.compliance_year
        order by (energy_years.year = due.compliance_year) desc nulls last, energy_years.recency
    ) = 1
),

months as (
    select scheme_code, sector_code, compliance_month from {{ ref('ref_ets_compliance_months') }}
),

dates as (
    select * from {{ ref('int_mrv_due_dates') }}
),

joined as (
    select
        profile.*,
        {% if rolling %}months.compliance_month{% else %}cast(null as integer){% endif %} as rolling_month,
        dates.report_due_on, dates.verification_due_on, dates.approval_due_on, dates.compliance_due_on
    from profile
    left join months on months.scheme_code = profile.scheme_code and months.sector_code = profile.sector_code
    left join dates on dates.report_year = profile.compliance_year
)

select
    credit_code,
    enterprise_name,
    region_code,
    sector_code,
    scheme_code,
    compliance_year,
    case when rolling_month is not null then 'rolling' else 'annual' end                       as calendar_mode,
    case when rolling_month is not null
         then {{ rolling_compliance_month_start('compliance_year', 'rolling_month') }}
         else cast(date_trunc('month', compliance_due_on) as date) end                         as compliance_month,
    case when rolling_month is not null
         then {{ rolling_period_start('compliance_year', 'rolling_month') }}
         else make_date(compliance_year, 1, 1) end                                             as period_start_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 4) }}
         else make_date(compliance_year, 12, 31) end                                           as period_end_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 4) }}
         else make_date(compliance_year, 12, 31) end                                           as monitoring_plan_due_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 3) }}
         else report_due_on end                                                                as report_due_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 2) }}
         else verification_due_on end                                                          as verification_due_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 1) }}
         else approval_due_on end                                                              as approval_due_on,
    case when rolling_month is not null
         then {{ rolling_month_end('compliance_year', 'rolling_month', 0) }}
         else compliance_due_on end                                                            as compliance_due_on
from joined
