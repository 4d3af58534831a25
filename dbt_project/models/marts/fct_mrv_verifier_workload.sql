-- Verifier workload: tasks per verifier, month and task type (first verification, re-check). A task
-- counts in the month its report arrived, or, while outstanding, the month it is due (the report
-- year's verification / re-check due date); delivered after the due date is late; a conflict is a
-- task the conflict rule refuses (int_mrv_verifications).
with

tasks as (
    select * from {{ ref('int_mrv_verifications') }} where verifier_code is not null
),

dates as (
    select report_year, verification_due_on, recheck_due_on from {{ ref('int_mrv_due_dates') }}
),

dated as (
    select
        tasks.*,
        case tasks.task_type when 'verification' then dates.verification_due_on else dates.recheck_due_on end as due_on
    from tasks
    left join dates on dates.report_year = tasks.report_year
)

select
    verifier_code,
    {{ latest_non_null('verifier_name', 'assigned_on') }}                                    as verifier_name,
    cast(date_trunc('month', coalesce(delivered_on, due_on, assigned_on)) as date)          as month,
    task_type,
    cast(count(*) as integer)                                                               as tasks_count,
    cast(count(delivered_on) as integer)                                                    as delivered_count,
    cast(count(*) filter (where delivered_on > due_on) as integer)                          as late_count,
    cast(count(*) filter (where has_conflict) as integer)                                   as conflict_count
from dated
where coalesce(delivered_on, due_on, assigned_on) is not null
group by verifier_code, cast(date_trunc('month', coalesce(delivered_on, due_on, assigned_on)) as date), task_type
