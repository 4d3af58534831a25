-- Daily exchange trading rows, typed (prices in yuan/t, named as in marts.fct_market_daily). Block trades are rows with a close and no open/high/low.
with

source as (
    select * from {{ source('raw', 'market_daily') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_row as integer)         as source_row,
        cast(exchange_code as string)      as exchange_code,
        cast(product_code as string)       as product_code,
        cast(trade_date as date)            as trade_date,
        cast(open as double)                as open,
        cast(high as double)                as high,
        cast(low as double)                 as low,
        cast(close as double)               as close,
        cast(vwap as double)                as vwap,
        cast(volume_t as double)            as volume_t,
        cast(turnover_yuan as double)       as turnover_yuan,
        cast(trade_type as string)         as trade_type   -- 'auction' | 'block'
    from source
)

select * from renamed
