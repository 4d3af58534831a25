-- Exchange × product × month. volume_t, turnover_yuan and vwap count every trade; the auction and
-- block parts are separate columns (block trades are never mixed into the auction price).
-- vwap = Σ turnover ÷ Σ volume (volume-weighted); share_of_year_volume = month ÷ its calendar year.
with

monthly as (
    select
        exchange_code,
        product_code,
        cast(date_trunc('month', trade_date) as date)                                  as month,
        cast(year(trade_date) as integer)                                              as year,
        coalesce(sum(volume_t), 0)                                                     as volume_t,
        coalesce(sum(turnover_yuan), 0)                                                as turnover_yuan,
        coalesce(sum(volume_t) filter (where trade_type = 'auction'), 0)               as auction_volume_t,
        coalesce(sum(turnover_yuan) filter (where trade_type = 'auction'), 0)          as auction_turnover_yuan,
        coalesce(sum(volume_t) filter (where trade_type = 'block'), 0)                 as block_volume_t,
        coalesce(sum(turnover_yuan) filter (where trade_type = 'block'), 0)            as block_turnover_yuan,
        cast(count(distinct trade_date) filter (where trade_type = 'auction') as integer) as auction_trading_days
    from {{ ref('fct_market_daily') }}
    group by all
)

select
    exchange_code,
    product_code,
    month,
    year,
    volume_t,
    turnover_yuan,
    {{ safe_divide('turnover_yuan', 'volume_t') }}                                    as vwap,
    auction_volume_t,
    auction_turnover_yuan,
    {{ safe_divide('auction_turnover_yuan', 'auction_volume_t') }}                    as auction_vwap,
    block_volume_t,
    block_turnover_yuan,
    {{ safe_divide('block_turnover_yuan', 'block_volume_t') }}                        as block_vwap,
    auction_trading_days,
    {{ safe_divide('volume_t', 'sum(volume_t) over (partition by exchange_code, product_code, year)') }}
                                                                                     as share_of_year_volume
from monthly
