-- Exchange × product × year: volume-weighted average price and how concentrated trading is
-- before the compliance deadline. compliance_period_volume_share = volume of the three calendar
-- months before the deadline month of ref_exchanges (deadline 6 → March, April, May) ÷ the year's.
with

monthly as (
    select * from {{ ref('fct_market_monthly') }}
),

exchanges as (
    select exchange_code, compliance_deadline_month from {{ ref('stg_reference__exchanges') }}
)

select
    monthly.exchange_code,
    monthly.product_code,
    monthly.year,
    sum(monthly.volume_t)                                                           as volume_t,
    sum(monthly.turnover_yuan)                                                      as turnover_yuan,
    {{ safe_divide('sum(monthly.turnover_yuan)', 'sum(monthly.volume_t)') }}        as vwap,
    sum(monthly.auction_volume_t)                                                   as auction_volume_t,
    {{ safe_divide('sum(monthly.auction_turnover_yuan)', 'sum(monthly.auction_volume_t)') }} as auction_vwap,
    sum(monthly.block_volume_t)                                                     as block_volume_t,
    {{ safe_divide('sum(monthly.block_turnover_yuan)', 'sum(monthly.block_volume_t)') }}     as block_vwap,
    any_value(exchanges.compliance_deadline_month)                                  as compliance_deadline_month,
    {{ safe_divide(
        'coalesce(sum(monthly.volume_t) filter (where month(monthly.month) between exchanges.compliance_deadline_month - 3 and exchanges.compliance_deadline_month - 1), 0)',
        'sum(monthly.volume_t)') }}                                                 as compliance_period_volume_share
from monthly
left join exchanges on exchanges.exchange_code = monthly.exchange_code
group by monthly.exchange_code, monthly.product_code, monthly.year
