"""SQL of the market page (dashboards/views/market.py); the rules for every query: dashboards.queries."""

# Exchanges that have prices, with their names and compliance deadline month (reference.ref_exchanges
# joined to what marts.fct_market_daily holds; both warehouse files). No params.
MARKET_EXCHANGES = """
SELECT
    d.exchange_code,
    e.name_zh,
    e.name_en,
    e.compliance_deadline_month,
    min(d.trade_date) AS first_trade_date,
    max(d.trade_date) AS last_trade_date
FROM marts.fct_market_daily AS d
LEFT JOIN reference.ref_exchanges AS e ON e.exchange_code = d.exchange_code
GROUP BY d.exchange_code, e.name_zh, e.name_en, e.compliance_deadline_month
ORDER BY d.exchange_code
"""

# Products × trade types of one exchange with their first/last trading day and number of trading
# days (marts.fct_market_daily). Params: exchange_code.
MARKET_PRODUCTS = """
SELECT
    product_code,
    trade_type,
    min(trade_date) AS first_trade_date,
    max(trade_date) AS last_trade_date,
    count(*) AS trading_days
FROM marts.fct_market_daily
WHERE exchange_code = ?
GROUP BY product_code, trade_type
ORDER BY product_code, trade_type
"""

# Daily prices (元/吨) and volume (吨) of one exchange × product × trade type between two dates,
# inclusive; only days with trading have rows (marts.fct_market_daily).
# Params: exchange_code, product_code, trade_type, first date, last date.
MARKET_DAILY = """
SELECT
    trade_date,
    open,
    high,
    low,
    close,
    volume_t,
    turnover_yuan,
    vwap
FROM marts.fct_market_daily
WHERE exchange_code = ?
  AND product_code = ?
  AND trade_type = ?
  AND trade_date BETWEEN ? AND ?
ORDER BY trade_date
"""

# Monthly volume, turnover and VWAP of one exchange × product, all trades and auction/block
# apart, for the months from the first to the last date's month; months without trading have no
# row (marts.fct_market_monthly). Params: exchange_code, product_code, first date, last date.
MARKET_MONTHLY = """
SELECT
    month,
    year,
    volume_t,
    turnover_yuan,
    vwap,
    auction_volume_t,
    auction_turnover_yuan,
    auction_vwap,
    block_volume_t,
    block_turnover_yuan,
    block_vwap,
    auction_trading_days,
    share_of_year_volume
FROM marts.fct_market_monthly
WHERE exchange_code = ?
  AND product_code = ?
  AND month BETWEEN date_trunc('month', CAST(? AS DATE)) AND date_trunc('month', CAST(? AS DATE))
ORDER BY month
"""

# Compliance-period concentration of one exchange × product by year: volume, the deadline month,
# the share of the year's volume in the three months before it (marts.fct_market_yearly), and in
# how many months of that year anything was traded (marts.fct_market_monthly), which tells a
# short year apart. Params: exchange_code, product_code.
MARKET_CONCENTRATION = """
SELECT
    y.year,
    y.volume_t,
    y.compliance_deadline_month,
    y.compliance_period_volume_share,
    count(m.month) AS months_traded
FROM marts.fct_market_yearly AS y
LEFT JOIN marts.fct_market_monthly AS m
    ON m.exchange_code = y.exchange_code AND m.product_code = y.product_code AND m.year = y.year
WHERE y.exchange_code = ?
  AND y.product_code = ?
GROUP BY y.year, y.volume_t, y.compliance_deadline_month, y.compliance_period_volume_share
ORDER BY y.year
"""

# Each month's share of its year's volume (all trades) of one exchange × product, for the
# year × month grid (marts.fct_market_monthly). Params: exchange_code, product_code.
MARKET_MONTH_SHARES = """
SELECT
    year,
    CAST(month(month) AS INTEGER) AS month_number,
    share_of_year_volume
FROM marts.fct_market_monthly
WHERE exchange_code = ?
  AND product_code = ?
ORDER BY year, month_number
"""


def _compare_by(period: str) -> str:
    """Volume and turnover of the chosen exchanges by exchange and period ('month' or 'year'), in
    total and by trade type, offsets or allowances (marts.fct_market_monthly; VWAP = turnover ÷
    volume is taken on these sums). Params: exchange codes (list), offset product codes (list),
    offsets wanted (boolean)."""
    return f"""
SELECT
    exchange_code,
    {period},
    sum(volume_t) AS volume_t,
    sum(turnover_yuan) AS turnover_yuan,
    sum(auction_volume_t) AS auction_volume_t,
    sum(auction_turnover_yuan) AS auction_turnover_yuan,
    sum(block_volume_t) AS block_volume_t,
    sum(block_turnover_yuan) AS block_turnover_yuan
FROM marts.fct_market_monthly
WHERE list_contains(?, exchange_code)
  AND list_contains(?, product_code) = ?
GROUP BY exchange_code, {period}
ORDER BY exchange_code, {period}
"""


MARKET_COMPARE_MONTHLY = _compare_by("month")
MARKET_COMPARE_YEARLY = _compare_by("year")

# The exchange export files behind one exchange × product's daily rows, with how many rows and
# which dates each supplied (marts.fct_market_daily of the FULL warehouse: the public file holds no
# input file names). Params: exchange_code, product_code.
MARKET_SOURCE_FILES = """
SELECT
    source_file,
    count(*) AS daily_rows,
    min(trade_date) AS first_trade_date,
    max(trade_date) AS last_trade_date
FROM marts.fct_market_daily
WHERE exchange_code = ?
  AND product_code = ?
GROUP BY source_file
ORDER BY source_file
"""

# Where the compliance deadlines of the province's market enterprises fall: enterprises per
# compliance month and allocation year, with the month's share of the year
# (marts.fct_compliance_month_load; the public file holds the same counts). No params.
MARKET_COMPLIANCE_MONTH_LOAD = """
SELECT compliance_year, compliance_month, enterprises_count, enterprises_share
FROM marts.fct_compliance_month_load
WHERE scheme_code = 'national'
ORDER BY compliance_year, compliance_month
"""
