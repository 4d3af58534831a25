-- Exchange × product × day × trade type ('auction' = the exchange's auction/continuous market,
-- 'block' = 大宗/协议转让 block trades, kept apart). A few source files carry two rows for one
-- key (the real Shenzhen file): they are merged — open of the first row, close of the last,
-- high/low the extremes, volume and turnover summed. vwap = turnover ÷ volume (NULL without volume).
with

daily as (
    select * from {{ ref('stg_raw__market_daily') }}
)

select
    exchange_code,
    product_code,
    trade_date,
    trade_type,
    {{ first_by('open', 'source_file, source_row') }}                   as open,
    max(high)                                                    as high,
    min(low)                                                     as low,
    {{ last_by('close', 'source_file, source_row') }}                   as close,
    sum(volume_t)                                                as volume_t,
    sum(turnover_yuan)                                           as turnover_yuan,
    {{ safe_divide('sum(turnover_yuan)', 'sum(volume_t)') }}     as vwap,
    cast(count(*) as integer)                                    as source_rows_count,
    min(source_file)                                             as source_file
from daily
group by exchange_code, product_code, trade_date, trade_type
