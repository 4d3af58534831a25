-- How compliance is spread over the year: per scheme, allocation year and compliance month, the
-- enterprises due and their verified emissions (fct_ets_compliance), with each month's share of the
-- year's enterprises. The annual calendar puts every enterprise in one month; the rolling one
-- spreads the sectors — the deadline pressure the market page compares with trading volume.
with

calendar as (
    select * from {{ ref('fct_compliance_calendar') }}
),

compliance as (
    select credit_code, scheme_code, compliance_year, verified_emissions_t from {{ ref('fct_ets_compliance') }}
),

monthly as (
    select
        calendar.scheme_code,
        calendar.compliance_year,
        calendar.compliance_month,
        cast(count(*) as integer)                                         as enterprises_count,
        sum(compliance.verified_emissions_t)                              as verified_emissions_t
    from calendar
    left join compliance
        on compliance.credit_code = calendar.credit_code and compliance.scheme_code = calendar.scheme_code
       and compliance.compliance_year = calendar.compliance_year
    where calendar.compliance_month is not null
    group by calendar.scheme_code, calendar.compliance_year, calendar.compliance_month
)

select
    *,
    enterprises_count / sum(enterprises_count) over (partition by scheme_code, compliance_year) as enterprises_share
from monthly
