{{ config(tags=['as_of_date']) }}
-- What each city must forward to the province, and by when, per report year and scheme: the
-- expected enterprises of the city, those verified (an accepted verification), those ready to
-- forward (verified, and re-checked where a re-check is required) and those still outstanding.
select
    report_year,
    scheme_code,
    city_code,
    any_value(city_forward_due_on)                                                          as city_forward_due_on,
    cast(count(*) as integer)                                                               as expected_count,
    cast(count(*) filter (where verification_status in ('on_time', 'late')) as integer)     as verified_count,
    cast(count(*) filter (where verification_status in ('on_time', 'late')
                            and recheck_status in ('not_required', 'on_time', 'late')) as integer) as ready_to_forward_count,
    cast(count(*) filter (where not (verification_status in ('on_time', 'late')
                            and recheck_status in ('not_required', 'on_time', 'late'))) as integer) as outstanding_count,
    any_value(as_of_date)                                                                   as as_of_date
from {{ ref('fct_mrv_submissions') }}
where city_code is not null
group by report_year, scheme_code, city_code
