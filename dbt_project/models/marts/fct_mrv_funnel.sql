{{ config(tags=['as_of_date']) }}
-- The MRV year at a glance, per report year, scheme and province: how many enterprises were included,
-- reported, verified, re-checked (of those requiring it) and complied, and how many reports are late
-- or missing. Counts only, no enterprise: the public warehouse carries it for leaders.
--   complied_count  NULL when the allocation year has no compliance data (no allocation file)
with

submissions as (
    select * from {{ ref('fct_mrv_submissions') }}
),

provinces as (
    select region_code, ancestor_code as province_code
    from {{ ref('int_region_ancestors') }}
    where ancestor_level = 'province'
),

compliance_years as (
    select distinct scheme_code, compliance_year from {{ ref('fct_ets_compliance') }} where status <> 'no_data'
)

select
    submissions.report_year,
    submissions.scheme_code,
    provinces.province_code                                                                     as region_code,
    cast(count(*) as integer)                                                                   as included_count,
    cast(count(*) filter (where submissions.stage <> 'expected') as integer)                     as reported_count,
    cast(count(*) filter (where submissions.stage in ('verified', 'rechecked', 'complied')) as integer) as verified_count,
    cast(count(*) filter (where submissions.recheck_required) as integer)                        as recheck_required_count,
    cast(count(*) filter (where submissions.recheck_status in ('on_time', 'late')) as integer)   as rechecked_count,
    case when any_value(compliance_years.compliance_year) is not null
         then cast(count(*) filter (where submissions.complied) as integer) end                 as complied_count,
    cast(count(*) filter (where submissions.report_status = 'late') as integer)                  as late_report_count,
    cast(count(*) filter (where submissions.report_status = 'missing') as integer)               as missing_report_count
from submissions
left join provinces on provinces.region_code = submissions.region_code
left join compliance_years
    on compliance_years.scheme_code = submissions.scheme_code and compliance_years.compliance_year = submissions.report_year
group by submissions.report_year, submissions.scheme_code, provinces.province_code
