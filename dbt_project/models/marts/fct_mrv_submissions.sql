{{ config(tags=['as_of_date']) }}
-- Submission tracking of the MRV year: one row per report year × scheme × enterprise expected to
-- report — on that year's inclusion list, or in the market by its own report (expected_because) —
-- against the calendar governing the report year (int_mrv_due_dates),
-- judged on the as-of day (var mrv_as_of_date, else the build's date).
--   report        received = the earliest 企业自报 submission (else the earliest of any version)
--   verification  the 核查 report's submission; 'conflict' when the assigned verifier may not verify
--                 the enterprise (int_mrv_verifications) — a conflicted verification is not accepted
--   recheck       required when a re-check was assigned or delivered, or the verified version carries
--                 review flags (anomalies are re-checked by a different verifier); else not_required
--   stage         the furthest accepted step: expected → reported → verified → rechecked → complied
--                 (complied: fct_ets_compliance says compliant for the allocation year); nothing
--                 beyond 'reported' without an accepted (not conflicted) verification
--   chase         whom to chase today, the first that applies: a verifier conflict (the office
--                 reassigns), a missing report (the enterprise), a missing verification or re-check
--                 (the verifier); days_overdue counts from the step's due date
with

listed as (
    select list_year, scheme_code, credit_code, enterprise_name, region_code, city_code, sector_code
    from {{ ref('fct_mrv_inclusion') }}
    where is_included
),

-- enterprises already in the market report and are tracked even when this year's list test does
-- not include them (a market enterprise that slipped below a threshold still reports that year)
in_market as (
    select
        energy_years.year as list_year, schemes.scheme_code, energy_years.credit_code, energy_years.enterprise_name,
        energy_years.region_code, coalesce(cities.ancestor_code, energy_years.region_code) as city_code,
        energy_years.sector_code
    from {{ ref('int_enterprise_energy_years') }} as energy_years
    cross join (select distinct scheme_code from {{ ref('ref_mrv_inclusion_rules') }}) as schemes
    left join {{ ref('int_region_ancestors') }} as cities
        on cities.region_code = energy_years.region_code and cities.ancestor_level = 'city'
    where energy_years.declared_in_ets
),

expected as (
    select *, 'inclusion_list' as expected_because from listed
    union all
    select in_market.*, 'in_market'
    from in_market
    left join listed
        on listed.list_year = in_market.list_year and listed.scheme_code = in_market.scheme_code
       and listed.credit_code = in_market.credit_code
    where listed.credit_code is null
),

dates as (
    select * from {{ ref('int_mrv_due_dates') }}
),

versions as (
    select credit_code, year, data_status, submitted_on, review_flag_list
    from {{ ref('int_enterprise_report_versions') }}
),

received as (
    select
        credit_code, year,
        coalesce(min(submitted_on) filter (where data_status = 'reported'), min(submitted_on)) as reported_on,
        -- cardinality: a list's length on both engines (DuckDB len, Spark size)
        coalesce(bool_or(cardinality(review_flag_list) > 0) filter (where data_status = 'verified'), false) as verified_flagged
    from versions
    group by all
),

verifications as (
    select * from {{ ref('int_mrv_verifications') }}
),

compliance as (
    select credit_code, scheme_code, compliance_year, status from {{ ref('fct_ets_compliance') }}
),

joined as (
    select
        expected.list_year                                         as report_year,
        expected.scheme_code,
        expected.credit_code,
        expected.enterprise_name,
        expected.region_code,
        expected.city_code,
        expected.sector_code,
        expected.expected_because,
        dates.calendar_code,
        dates.report_due_on,
        dates.verification_due_on,
        dates.recheck_due_on,
        dates.city_forward_due_on,
        received.reported_on,
        first.delivered_on                                         as verified_on,
        recheck.delivered_on                                       as rechecked_on,
        first.verifier_code,
        recheck.verifier_code                                      as recheck_verifier_code,
        recheck.credit_code is not null or coalesce(received.verified_flagged, false) as recheck_required,
        coalesce(first.has_conflict, false)                        as verification_conflict,
        coalesce(recheck.has_conflict, false)                      as recheck_conflict,
        coalesce(first.conflict_reason, recheck.conflict_reason)   as conflict_reason,
        coalesce(compliance.status = 'compliant', false)           as complied,
        {{ mrv_as_of_date() }}                                     as as_of_date
    from expected
    left join dates on dates.report_year = expected.list_year
    left join received on received.credit_code = expected.credit_code and received.year = expected.list_year
    left join verifications as first
        on first.credit_code = expected.credit_code and first.report_year = expected.list_year
       and first.scheme_code = expected.scheme_code and first.task_type = 'verification'
    left join verifications as recheck
        on recheck.credit_code = expected.credit_code and recheck.report_year = expected.list_year
       and recheck.scheme_code = expected.scheme_code and recheck.task_type = 'recheck'
    left join compliance
        on compliance.credit_code = expected.credit_code and compliance.scheme_code = expected.scheme_code
       and compliance.compliance_year = expected.list_year
),

statuses as (
    select
        *,
        {{ mrv_step_status('reported_on', 'report_due_on', 'as_of_date') }}                        as report_status,
        case when verification_conflict then 'conflict'
             else {{ mrv_step_status('verified_on', 'verification_due_on', 'as_of_date') }} end     as verification_status,
        case when not recheck_required then 'not_required'
             when recheck_conflict then 'conflict'
             else {{ mrv_step_status('rechecked_on', 'recheck_due_on', 'as_of_date') }} end         as recheck_status
    from joined
),

staged as (
    select
        *,
        case
            when verification_status not in ('on_time', 'late') then
                case when report_status in ('on_time', 'late') then 'reported' else 'expected' end
            when complied then 'complied'
            when recheck_status in ('on_time', 'late') then 'rechecked'
            else 'verified'
        end                                                                                          as stage,
        case
            when verification_status = 'conflict' or recheck_status = 'conflict' then 'verifier_conflict'
            when report_status = 'missing' then 'report_missing'
            when verification_status = 'missing' then 'verification_missing'
            when recheck_status = 'missing' then 'recheck_missing'
        end                                                                                          as chase_reason
    from statuses
)

select
    report_year,
    scheme_code,
    credit_code,
    enterprise_name,
    region_code,
    city_code,
    sector_code,
    expected_because,
    calendar_code,
    report_due_on,
    verification_due_on,
    recheck_due_on,
    city_forward_due_on,
    reported_on,
    verified_on,
    rechecked_on,
    verifier_code,
    recheck_verifier_code,
    recheck_required,
    report_status,
    verification_status,
    recheck_status,
    verification_conflict or recheck_conflict                                                        as verifier_conflict,
    conflict_reason,
    stage,
    complied,
    case chase_reason
        when 'verifier_conflict' then 'office'
        when 'report_missing' then 'enterprise'
        when 'verification_missing' then 'verifier'
        when 'recheck_missing' then 'verifier'
    end                                                                                              as chase_party,
    chase_reason,
    cast(case chase_reason
        when 'verifier_conflict' then greatest(0, {{ dbt.datediff(
            'case when verification_conflict then verification_due_on else recheck_due_on end', 'as_of_date', 'day') }})
        when 'report_missing' then {{ dbt.datediff('report_due_on', 'as_of_date', 'day') }}
        when 'verification_missing' then {{ dbt.datediff('verification_due_on', 'as_of_date', 'day') }}
        when 'recheck_missing' then {{ dbt.datediff('recheck_due_on', 'as_of_date', 'day') }}
    end as integer)                                                                                  as days_overdue,
    as_of_date
from staged
