-- Enterprise × scheme × compliance year: allowances and offsets against verified emissions, per
-- enterprise allocation period (int_compliance_periods: the calendar year under the annual calendar;
-- the sector's 12 months under the rolling one, var ets_compliance_calendar).
--   verified_emissions_t  CO2 of the period: Σ over the calendar years it overlaps of the year's
--                         authoritative CO2 (fct_enterprise_year) × the share of that year's days
--                         inside the period (reports are annual; a calendar-year period takes the
--                         year whole). NULL unless every year it overlaps is verified or rechecked
--   data_status           the weakest status among those years (reported < verified < rechecked);
--                         NULL when a year has no report
--   allowances_t          free + auctioned allowances
--   offsets_eligible_t    CCER surrendered, capped at ref_ets_schemes.offset_cap_fraction × verified
--   shortfall_t           max(0, verified − allowances − eligible offsets)
--   penalty_*_yuan        shortfall × the scheme's multipliers (3, 5) × the PREVIOUS calendar year's
--                         volume-weighted average auction price across all exchanges in
--                         fct_market_daily (block trades excluded), yuan/t
with

allocations as (
    select
        credit_code, scheme_code, compliance_year,
        sum(free_allowances_t) as free_allowances_t,
        sum(auctioned_allowances_t) as auctioned_allowances_t,
        sum(ccer_surrendered_t) as ccer_surrendered_t,
        sum(allowances_surrendered_t) as allowances_surrendered_t
    from {{ ref('stg_raw__ets_allocations') }}
    group by all
),

schemes as (
    select * from {{ ref('ref_ets_schemes') }}
),

enterprise_years as (
    select * from {{ ref('fct_enterprise_year') }}
),

-- every market enterprise is due in each compliance year that has allocation data for the scheme
scheme_years as (
    select distinct scheme_code, compliance_year from allocations
),

due as (
    select enterprise_years.credit_code, scheme_years.scheme_code, scheme_years.compliance_year
    from enterprise_years
    join scheme_years on scheme_years.compliance_year = enterprise_years.year
    where enterprise_years.in_ets
    union
    select credit_code, scheme_code, compliance_year from allocations
),

prices as (
    select
        cast(year(trade_date) as integer) as price_year,
        {{ safe_divide('sum(turnover_yuan)', 'sum(volume_t)') }} as vwap_yuan_per_t
    from {{ ref('fct_market_daily') }}
    where trade_type = 'auction' and volume_t > 0 and turnover_yuan > 0
    group by all
),

periods as (
    select * from {{ ref('int_compliance_periods') }}
),

-- the calendar years each period overlaps (a 12-month period overlaps one or two), with the share
-- of the year's days inside the period
period_bounds as (
    select due.credit_code, due.scheme_code, due.compliance_year, periods.period_start_on, periods.period_end_on
    from due
    join periods
        on periods.credit_code = due.credit_code and periods.scheme_code = due.scheme_code
       and periods.compliance_year = due.compliance_year
),

period_year_list as (
    select *, cast(year(period_start_on) as integer) as year from period_bounds
    union
    select *, cast(year(period_end_on) as integer) from period_bounds
),

period_years as (
    select
        credit_code, scheme_code, compliance_year, year,
        ({{ dbt.datediff('greatest(period_start_on, make_date(year, 1, 1))', 'least(period_end_on, make_date(year, 12, 31))', 'day') }} + 1)
        / cast({{ dbt.datediff('make_date(year, 1, 1)', 'make_date(year, 12, 31)', 'day') }} + 1 as double)  as year_share,
        year(period_end_on) - year(period_start_on) + 1                                as years_needed
    from period_year_list
),

period_emissions as (
    select
        period_years.credit_code, period_years.scheme_code, period_years.compliance_year,
        case when count(enterprise_years.credit_code) = any_value(period_years.years_needed)
             then min({{ status_precedence('enterprise_years.data_status') }}) end       as status_rank,
        case when count(enterprise_years.credit_code) = any_value(period_years.years_needed)
              and bool_and(enterprise_years.data_status in ('verified', 'rechecked'))
             then sum(case when period_years.year_share = 1 then enterprise_years.co2_t
                           else enterprise_years.co2_t * period_years.year_share end) end as verified_emissions_t
    from period_years
    left join enterprise_years
        on enterprise_years.credit_code = period_years.credit_code and enterprise_years.year = period_years.year
    group by all
),

joined as (
    select
        due.credit_code,
        due.compliance_year,
        due.scheme_code,
        periods.calendar_mode,
        periods.period_start_on,
        periods.period_end_on,
        periods.compliance_due_on,
        period_emissions.verified_emissions_t,
        case period_emissions.status_rank when 3 then 'rechecked' when 2 then 'verified' when 1 then 'reported' end
                                                                          as data_status,
        allocations.free_allowances_t,
        allocations.auctioned_allowances_t,
        allocations.ccer_surrendered_t,
        allocations.allowances_surrendered_t,
        allocations.credit_code is not null                              as has_allocation,
        schemes.offset_cap_fraction,
        schemes.penalty_multiplier_low,
        schemes.penalty_multiplier_high,
        prices.vwap_yuan_per_t                                           as penalty_price_yuan_per_t
    from due
    left join allocations
        on allocations.credit_code = due.credit_code and allocations.scheme_code = due.scheme_code
       and allocations.compliance_year = due.compliance_year
    left join periods
        on periods.credit_code = due.credit_code and periods.scheme_code = due.scheme_code
       and periods.compliance_year = due.compliance_year
    left join period_emissions
        on period_emissions.credit_code = due.credit_code and period_emissions.scheme_code = due.scheme_code
       and period_emissions.compliance_year = due.compliance_year
    left join schemes on schemes.scheme_code = due.scheme_code
    left join prices on prices.price_year = due.compliance_year - 1
),

computed as (
    select
        *,
        coalesce(free_allowances_t, 0) + coalesce(auctioned_allowances_t, 0)         as allowances_t,
        coalesce(ccer_surrendered_t, 0)                                               as offsets_submitted_t,
        -- least/greatest skip NULLs in DuckDB: without verified emissions there is nothing to compute
        case when verified_emissions_t is not null
             then least(coalesce(ccer_surrendered_t, 0), offset_cap_fraction * verified_emissions_t) end as offsets_eligible_t
    from joined
),

shortfalls as (
    select
        *,
        case when verified_emissions_t is not null
             then greatest(0, verified_emissions_t - allowances_t - offsets_eligible_t) end as shortfall_t,
        case when verified_emissions_t is not null
             then greatest(0, verified_emissions_t - coalesce(allowances_surrendered_t, 0) - offsets_eligible_t) end
                                                                                     as surrender_shortfall_t
    from computed
)

select
    credit_code,
    compliance_year,
    scheme_code,
    calendar_mode,
    period_start_on,
    period_end_on,
    compliance_due_on,
    data_status,
    verified_emissions_t,
    free_allowances_t,
    auctioned_allowances_t,
    allowances_t,
    offsets_submitted_t,
    offsets_eligible_t,
    offsets_eligible_t                                                               as offsets_t,
    allowances_surrendered_t,
    shortfall_t,
    surrender_shortfall_t,
    penalty_price_yuan_per_t,
    shortfall_t * penalty_multiplier_low * penalty_price_yuan_per_t                  as penalty_low_yuan,
    shortfall_t * penalty_multiplier_high * penalty_price_yuan_per_t                 as penalty_high_yuan,
    case
        when verified_emissions_t is null or not has_allocation then 'no_data'
        when shortfall_t > 0 then 'shortfall'
        else 'compliant'
    end                                                                              as status
from shortfalls
