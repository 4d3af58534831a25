-- fct_market_coverage for the public warehouse: province rows only. The carbon-market figures are
-- the market_co2 cell of the province (int_disclosure_suppression), which the suppression
-- protects together with the rest of the province's reporting enterprises (enterprise_co2 −
-- market_co2 is itself an aggregate of enterprises). A province with no market enterprise shows 0.
with

coverage as (
    select * from {{ ref('fct_market_coverage') }}
    where level = 'province'
),

market as (
    select region_code, year, suppressed, suppression_reason
    from {{ ref('int_disclosure_suppression') }}
    where measure = 'market_co2' and region_scope = 'total' and breakdown_code = 'all'
)

select
    coverage.region_code,
    coverage.year,
    coverage.level,
    case when market.suppressed then null else coverage.ets_enterprises_count end      as ets_enterprises_count,
    case when market.suppressed then null else coverage.ets_verified_co2_t end         as ets_verified_co2_t,
    case when market.suppressed then null else coverage.ets_verified_direct_co2_t end  as ets_verified_direct_co2_t,
    coverage.inventory_co2_t,
    case when market.suppressed then null else coverage.coverage_share end             as coverage_share,
    case when market.suppressed then null else coverage.direct_coverage_share end      as direct_coverage_share,
    coalesce(market.suppressed, false)                                                 as suppressed,
    market.suppression_reason
from coverage
left join market on market.region_code = coverage.region_code and market.year = coverage.year
