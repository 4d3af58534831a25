-- Verification work per report year × scheme × enterprise × step (verification = first
-- verification 核查, recheck = 复查): the verifier assigned (the latest assignment: a reassignment
-- replaces the first), the date the verifier's report arrived (the submission date of the 核查 /
-- 复查 report version) and the conflict rule (docs/methodology.md, "The MRV year"):
--   recheck_same_verifier  the re-check is assigned to the verifier of the first verification
--   consulted_verifier     the verifier consulted for the enterprise (a consulting task) in the
--                          report year or the mrv_consulting_exclusion_years before it
-- A conflicted step is not accepted: fct_mrv_submissions does not count its report as verified /
-- re-checked, and puts it on the chase list for the office to reassign.
{%- set lookback = var('mrv_consulting_exclusion_years') %}
with

tasks as (
    select * from {{ ref('stg_raw__mrv_verifier_tasks') }}
),

assignments as (
    select *
    from (
        select *, row_number() over (
            partition by credit_code, report_year, scheme_code, task_type
            order by assigned_on desc nulls last, source_file desc, source_row desc) as position
        from tasks
        where task_type in ('verification', 'recheck')
    )
    where position = 1
),

consulting as (
    select distinct credit_code, report_year, verifier_code from tasks where task_type = 'consulting'
),

deliveries as (
    select
        credit_code, year as report_year,
        case data_status when 'verified' then 'verification' when 'rechecked' then 'recheck' end as task_type,
        min(submitted_on) as delivered_on
    from {{ ref('int_enterprise_report_versions') }}
    where data_status in ('verified', 'rechecked')
    group by all
),

consulted_steps as (
    select distinct assignments.credit_code, assignments.report_year, assignments.scheme_code, assignments.task_type
    from assignments
    join consulting
        on consulting.credit_code = assignments.credit_code and consulting.verifier_code = assignments.verifier_code
       and consulting.report_year between assignments.report_year - {{ lookback }} and assignments.report_year
),

-- one row per step that was assigned or delivered
steps as (
    select credit_code, report_year, scheme_code, task_type from assignments
    union
    select deliveries.credit_code, deliveries.report_year, schemes.scheme_code, deliveries.task_type
    from deliveries cross join (select distinct scheme_code from {{ ref('ref_mrv_inclusion_rules') }}) as schemes
),

joined as (
    select
        steps.credit_code,
        steps.report_year,
        steps.scheme_code,
        steps.task_type,
        assignments.verifier_code,
        assignments.verifier_name,
        assignments.assigned_on,
        deliveries.delivered_on,
        steps.task_type = 'recheck' and first.verifier_code is not null
            and assignments.verifier_code = first.verifier_code                          as same_as_first,
        consulted_steps.credit_code is not null                                           as consulted
    from steps
    left join assignments
        on assignments.credit_code = steps.credit_code and assignments.report_year = steps.report_year
       and assignments.scheme_code = steps.scheme_code and assignments.task_type = steps.task_type
    left join assignments as first
        on first.credit_code = steps.credit_code and first.report_year = steps.report_year
       and first.scheme_code = steps.scheme_code and first.task_type = 'verification'
    left join deliveries
        on deliveries.credit_code = steps.credit_code and deliveries.report_year = steps.report_year
       and deliveries.task_type = steps.task_type
    left join consulted_steps
        on consulted_steps.credit_code = steps.credit_code and consulted_steps.report_year = steps.report_year
       and consulted_steps.scheme_code = steps.scheme_code and consulted_steps.task_type = steps.task_type
)

select
    credit_code,
    report_year,
    scheme_code,
    task_type,
    verifier_code,
    verifier_name,
    assigned_on,
    delivered_on,
    case
        when same_as_first then 'recheck_same_verifier'
        when consulted then 'consulted_verifier'
    end                                         as conflict_reason,
    coalesce(same_as_first or consulted, false) as has_conflict
from joined
