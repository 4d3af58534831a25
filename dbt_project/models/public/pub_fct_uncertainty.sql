-- fct_uncertainty for the public warehouse: the total of each region and year only. A category's
-- figures below the province could be one enterprise's process line, and the total contains the
-- enterprises' bottom-up process CO2: where that cell is hidden (fct_region_year.process_suppressed)
-- the total's figures are null too, or the published statistics would give it back by subtraction.
with

uncertainty as (
    select * from {{ ref('fct_uncertainty') }}
    where category_code = 'total'
),

hidden as (
    select region_code, year, process_suppressed from {{ ref('pub_fct_region_year') }}
)

select
    uncertainty.region_code,
    uncertainty.year,
    uncertainty.category_code,
    uncertainty.gas,
    uncertainty.approach,
    case when hidden.process_suppressed then null else uncertainty.co2e_t end                as co2e_t,
    case when hidden.process_suppressed then null else uncertainty.lower_t end               as lower_t,
    case when hidden.process_suppressed then null else uncertainty.upper_t end               as upper_t,
    case when hidden.process_suppressed then null else uncertainty.uncertainty_pct end       as uncertainty_pct,
    case when hidden.process_suppressed then null else uncertainty.trend_uncertainty_pct end as trend_uncertainty_pct,
    uncertainty.gwp_set,
    coalesce(hidden.process_suppressed, false)                                               as suppressed
from uncertainty
left join hidden
    on hidden.region_code = uncertainty.region_code and hidden.year = uncertainty.year
