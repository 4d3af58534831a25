-- Each enterprise's compliance calendar per scheme and allocation year: the allocation period and
-- the monitoring-plan, report, verification, approval and compliance dates, under the calendar var
-- ets_compliance_calendar chooses (annual or rolling by sector; int_compliance_periods).
select
    credit_code,
    enterprise_name,
    region_code,
    sector_code,
    scheme_code,
    calendar_mode,
    compliance_year,
    compliance_month,
    period_start_on,
    period_end_on,
    monitoring_plan_due_on,
    report_due_on,
    verification_due_on,
    approval_due_on,
    compliance_due_on
from {{ ref('int_compliance_periods') }}
