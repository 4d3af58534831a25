-- The due date of every step of the MRV year, per report year: the calendar of ref_mrv_calendars
-- whose report years include it (a step's date is due_month/due_day of the report year +
-- year_offset). A report year no calendar governs gets no row, and a step a calendar lacks is NULL.
with

calendars as (
    select * from {{ ref('ref_mrv_calendars') }}
),

report_years as (
    select distinct year as report_year from {{ ref('int_enterprise_energy_years') }}
    union
    select distinct report_year from {{ ref('stg_raw__mrv_verifier_tasks') }}
),

steps as (
    select
        report_years.report_year,
        calendars.calendar_code,
        calendars.step_code,
        make_date(report_years.report_year + calendars.year_offset, calendars.due_month, calendars.due_day) as due_on
    from report_years
    join calendars on report_years.report_year between calendars.first_report_year and calendars.last_report_year
)

select
    report_year,
    calendar_code,
    max(due_on) filter (where step_code = 'registration')   as registration_due_on,
    max(due_on) filter (where step_code = 'training')       as training_due_on,
    max(due_on) filter (where step_code = 'report')         as report_due_on,
    max(due_on) filter (where step_code = 'verification')   as verification_due_on,
    max(due_on) filter (where step_code = 'paper_copies')   as paper_copies_due_on,
    max(due_on) filter (where step_code = 'city_forward')   as city_forward_due_on,
    max(due_on) filter (where step_code = 'recheck')        as recheck_due_on,
    max(due_on) filter (where step_code = 'approval')       as approval_due_on,
    max(due_on) filter (where step_code = 'compliance')     as compliance_due_on
from steps
group by report_year, calendar_code
