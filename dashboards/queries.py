"""Every SQL string the dashboards run, as named constants.

Values are bound with ? placeholders, never formatted into the string. A list parameter
(indicator codes) binds as a DuckDB list. The columns named here are the public contract of
schema marts (ARCHITECTURE.md); a page asks only for the columns it shows.
"""

# One region's name, level and province (marts.dim_region). Params: region_code.
REGION = """
SELECT region_code, name_zh, level, province_code
FROM marts.dim_region
WHERE region_code = ?
"""

# Yearly progress of some indicators of one region in one plan period (marts.fct_target_progress).
# Params: region_code, plan_period, indicator codes (list).
TARGET_PROGRESS = """
SELECT
    indicator_code,
    name_zh,
    name_en,
    plan_period,
    base_year,
    target_year,
    target_kind,
    comparison,
    target_value,
    unit,
    year,
    actual_value,
    expected_value,
    gap,
    status
FROM marts.fct_target_progress
WHERE region_code = ?
  AND plan_period = ?
  AND list_contains(?, indicator_code)
ORDER BY indicator_code, year
"""

# Every region for the region picker (marts.dim_region, in both warehouse files). No params.
REGIONS = """
SELECT region_code, name_zh, level, parent_code, province_code
FROM marts.dim_region
ORDER BY region_code
"""


# --- market page ---

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

# Monthly volume and turnover of several exchanges, all trades and auction/block apart, summed
# over either the offset products or every other (allowance) product of each exchange
# (marts.fct_market_monthly; VWAP = turnover ÷ volume is taken on these sums).
# Params: exchange codes (list), offset product codes (list), offsets wanted (boolean).
MARKET_COMPARE_MONTHLY = """
SELECT
    exchange_code,
    month,
    sum(volume_t) AS volume_t,
    sum(turnover_yuan) AS turnover_yuan,
    sum(auction_volume_t) AS auction_volume_t,
    sum(auction_turnover_yuan) AS auction_turnover_yuan,
    sum(block_volume_t) AS block_volume_t,
    sum(block_turnover_yuan) AS block_turnover_yuan
FROM marts.fct_market_monthly
WHERE list_contains(?, exchange_code)
  AND list_contains(?, product_code) = ?
GROUP BY exchange_code, month
ORDER BY exchange_code, month
"""

# The same sums by year (marts.fct_market_monthly).
# Params: exchange codes (list), offset product codes (list), offsets wanted (boolean).
MARKET_COMPARE_YEARLY = """
SELECT
    exchange_code,
    year,
    sum(volume_t) AS volume_t,
    sum(turnover_yuan) AS turnover_yuan,
    sum(auction_volume_t) AS auction_volume_t,
    sum(auction_turnover_yuan) AS auction_turnover_yuan,
    sum(block_volume_t) AS block_volume_t,
    sum(block_turnover_yuan) AS block_turnover_yuan
FROM marts.fct_market_monthly
WHERE list_contains(?, exchange_code)
  AND list_contains(?, product_code) = ?
GROUP BY exchange_code, year
ORDER BY exchange_code, year
"""

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

# --- structure page ---

# One region's yearly totals that the structure page shows and reconciles its sector sums with
# (marts.fct_region_year, both files): territorial combustion CO2, the net-electricity-import
# adjustment (negative for a net exporter), CO2 for the intensity indicator, process CO2, CO2e.
# Params: region_code.
STRUCTURE_REGION_YEARS = """
SELECT
    year,
    co2_t,
    net_electricity_import_mwh,
    grid_factor_tco2_per_mwh,
    grid_factor_set,
    co2_net_electricity_import_t,
    co2_for_intensity_t,
    co2_process_t,
    co2_with_process_t,
    co2e_t,
    factor_set,
    gwp_set,
    electricity_method
FROM marts.fct_region_year
WHERE region_code = ?
ORDER BY year
"""

# The sector × fuel cells (combustion) and sector × process cells of one region-year from the
# public file, with names from the reference tables; suppressed process cells come back with NULL
# values and their reason. No source files: the public file may not name per-enterprise sources.
# Params: region_code, year.
STRUCTURE_CELLS_PUBLIC = """
SELECT
    e.sector_code,
    e.fuel_code,
    e.is_process,
    CASE WHEN e.is_process THEN p.name_zh ELSE b.name_zh END AS sector_name_zh,
    CASE WHEN e.is_process THEN p.name_en END AS sector_name_en,
    b.sort_order AS sector_sort,
    f.name_zh AS fuel_name_zh,
    f.name_en AS fuel_name_en,
    e.activity_value,
    e.activity_unit,
    e.energy_tce,
    e.co2_t,
    e.co2e_t,
    coalesce(e.suppressed, FALSE) AS suppressed,
    e.suppression_reason
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = e.sector_code
LEFT JOIN reference.ref_industrial_processes AS p ON e.is_process AND e.sector_code = 'process_' || p.process_code
LEFT JOIN reference.ref_fuels AS f ON f.fuel_code = e.fuel_code
WHERE e.region_code = ?
  AND e.year = ?
ORDER BY e.is_process, b.sort_order, e.sector_code, e.fuel_code
"""

# The same cells from the full warehouse (authorised roles): nothing is suppressed there, and the
# factor source and source files are shown. Params: region_code, year.
STRUCTURE_CELLS_FULL = """
SELECT
    e.sector_code,
    e.fuel_code,
    e.is_process,
    CASE WHEN e.is_process THEN p.name_zh ELSE b.name_zh END AS sector_name_zh,
    CASE WHEN e.is_process THEN p.name_en END AS sector_name_en,
    b.sort_order AS sector_sort,
    f.name_zh AS fuel_name_zh,
    f.name_en AS fuel_name_en,
    e.activity_value,
    e.activity_unit,
    e.energy_tce,
    e.co2_t,
    e.co2e_t,
    FALSE AS suppressed,
    CAST(NULL AS VARCHAR) AS suppression_reason,
    e.factor_source,
    array_to_string(e.source_files, '; ') AS source_files
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = e.sector_code
LEFT JOIN reference.ref_industrial_processes AS p ON e.is_process AND e.sector_code = 'process_' || p.process_code
LEFT JOIN reference.ref_fuels AS f ON f.fuel_code = e.fuel_code
WHERE e.region_code = ?
  AND e.year = ?
ORDER BY e.is_process, b.sort_order, e.sector_code, e.fuel_code
"""

# Combustion CO2 and CO2e of one region by energy-balance sector and year, summed in SQL (never
# suppressed: combustion cells come from the energy balance, not from enterprises). A sector
# whose cells are all NULL stays NULL (missing, not 0). Process emissions come from the region
# totals instead (STRUCTURE_REGION_YEARS), so suppressed process cells do not shrink the trend.
# Params: region_code.
STRUCTURE_SECTOR_TREND = """
SELECT
    e.year,
    e.sector_code,
    b.name_zh AS sector_name_zh,
    b.sort_order AS sector_sort,
    sum(e.co2_t) AS co2_t,
    sum(e.co2e_t) AS co2e_t
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = e.sector_code
WHERE e.region_code = ?
  AND NOT e.is_process
GROUP BY e.year, e.sector_code, b.name_zh, b.sort_order
ORDER BY e.year, b.sort_order, e.sector_code
"""

# --- quality page ---
# The operations store (warehouse/operations.duckdb, pipelines/run_summary.py and alerts.py) holds
# no enterprise rows, but its quarantine reasons and messages can quote cell values and file
# names: the quality page groups reasons into categories before a leader sees anything.

# The newest summary of each build, newest build first (a run whose several steps failed writes
# several rows; its latest is its summary, as in run_summary.latest_summaries). Params: how many runs.
QUALITY_RUN_SUMMARIES = """
SELECT
    run_id,
    recorded_at,
    status,
    published,
    rows_read,
    rows_loaded,
    rows_quarantined,
    checks_passed,
    checks_failed,
    failed_checks,
    failed_steps,
    message
FROM ops.run_summary
QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY recorded_at DESC) = 1
ORDER BY recorded_at DESC
LIMIT ?
"""

# When the last build that published was recorded (NULL when none has). No params.
QUALITY_LAST_PUBLICATION = """
SELECT max(recorded_at) AS recorded_at
FROM ops.run_summary
WHERE published
"""

# The figures behind one build's summary, from its newest record: rows loaded per raw table,
# rows quarantined per family and reason (as written), and every check with its result.
# Params: run_id.
QUALITY_RUN_DETAIL = """
SELECT kind, source_family, name, rows, passed
FROM ops.run_summary_detail
WHERE run_id = ?
QUALIFY recorded_at = max(recorded_at) OVER ()
ORDER BY kind, source_family, name
"""

# Builds started with `ghg build` (pipelines/cli.py), for their duration; the table exists only
# once such a build ran. Params: how many runs.
QUALITY_BUILD_DURATIONS = """
SELECT run_id, seconds
FROM ops.build_runs
ORDER BY started_at_utc DESC
LIMIT ?
"""

# Alerts raised for failed runs, newest first (the table exists only once a run failed).
# Params: how many alerts.
QUALITY_ALERTS = """
SELECT raised_at_utc, kind, run_id, job_name, failed_steps, message, notified
FROM ops.alerts
ORDER BY raised_at_utc DESC
LIMIT ?
"""

# Rows in the published warehouse's quarantine register, per source family (full warehouse
# only: authorised roles). No params.
QUALITY_QUARANTINE_FAMILIES = """
SELECT source_family, count(*) AS rows
FROM raw.quarantine
GROUP BY source_family
ORDER BY source_family
"""

# The quarantined rows of some families whose file, sheet, row, column, value or reason contains
# a search text (case-insensitive, taken literally; '' matches every row), in the order a clerk
# works through them. Full warehouse only. Params: search text, search text, families (list).
QUALITY_QUARANTINE_ROWS = """
SELECT source_family, source_file, source_sheet, source_row, column_name, value, reason
FROM raw.quarantine
WHERE (
        ? = ''
        OR contains(
            lower(concat_ws(' ', source_file, source_sheet, CAST(source_row AS VARCHAR), column_name, value, reason)),
            lower(?)
        )
    )
  AND list_contains(?, source_family)
ORDER BY source_family, source_file, source_sheet, source_row, column_name
"""

# --- regions page ---

# The years the regional inventory covers (marts.fct_region_year). No params.
REGIONS_YEARS = """
SELECT DISTINCT year
FROM marts.fct_region_year
ORDER BY year
"""

# The direct children of one region (or the provinces, for parent ''), each with its inventory
# for a year and a base year, the reductions vs the base year and the status of its intensity
# targets (marts.dim_region, fct_region_year, fct_target_progress; in both warehouse files).
# Every child is listed, with NULLs where it has no data (missing is not zero).
# Reduction = 1 − intensity(year) ÷ intensity(base year), the assessment's own formula (the same
# figure as fct_target_progress.actual_value where a target exists; computed here so counties,
# which have no targets, get it too). NULL when the base intensity is missing or 0.
# Params: parent code ('' = the country), year, base year, year, year.
REGIONS_CHILDREN = """
WITH children AS (
    SELECT region_code, name_zh, level
    FROM marts.dim_region
    WHERE coalesce(parent_code, '') = ?
),
now AS (SELECT * FROM marts.fct_region_year WHERE year = ?),
base AS (SELECT * FROM marts.fct_region_year WHERE year = ?),
co2_target AS (
    SELECT region_code, base_year, target_value, gap, status
    FROM marts.fct_target_progress
    WHERE indicator_code = 'co2_intensity_reduction' AND year = ?
),
energy_target AS (
    SELECT region_code, base_year, target_value, gap, status
    FROM marts.fct_target_progress
    WHERE indicator_code = 'energy_intensity_reduction' AND year = ?
)
SELECT
    children.region_code,
    children.name_zh,
    children.level,
    now.co2_t,
    base.co2_t AS base_co2_t,
    now.carbon_intensity,
    base.carbon_intensity AS base_carbon_intensity,
    now.energy_intensity,
    base.energy_intensity AS base_energy_intensity,
    CASE WHEN base.carbon_intensity <> 0 THEN 1 - now.carbon_intensity / base.carbon_intensity END
        AS co2_intensity_reduction,
    CASE WHEN base.energy_intensity <> 0 THEN 1 - now.energy_intensity / base.energy_intensity END
        AS energy_intensity_reduction,
    co2_target.base_year AS co2_target_base_year,
    co2_target.target_value AS co2_target_value,
    co2_target.gap AS co2_target_gap,
    co2_target.status AS co2_target_status,
    energy_target.base_year AS energy_target_base_year,
    energy_target.target_value AS energy_target_value,
    energy_target.gap AS energy_target_gap,
    energy_target.status AS energy_target_status
FROM children
LEFT JOIN now USING (region_code)
LEFT JOIN base USING (region_code)
LEFT JOIN co2_target USING (region_code)
LEFT JOIN energy_target USING (region_code)
ORDER BY children.region_code
"""

# One region's own CO2 against the sum of its direct children in one year, and the residual
# (未分配: provincial transport, cross-boundary grids...) with its flag (marts.fct_region_year).
# Params: region_code, year.
REGIONS_RESIDUAL = """
SELECT
    region_code,
    co2_t,
    children_sum_co2_t,
    children_with_data_count,
    residual_co2_t,
    residual_fraction,
    residual_flag
FROM marts.fct_region_year
WHERE region_code = ? AND year = ?
"""

# Authorised roles only (the full warehouse): key emitters per direct child of a region in one
# year, counted where they are located (an enterprise in a county counts for its city and its
# province). Aggregates only: no names, no codes. Params: year, parent code ('' = the country).
REGIONS_CHILD_ENTERPRISES = """
SELECT
    child.region_code,
    count(DISTINCT enterprise.credit_code) AS enterprises_count,
    sum(enterprise.co2_t) AS enterprise_co2_t
FROM marts.fct_enterprise_year AS enterprise
JOIN marts.dim_region AS located ON located.region_code = enterprise.region_code
JOIN marts.dim_region AS child
    ON child.region_code IN (located.region_code, located.parent_code, located.province_code)
WHERE enterprise.year = ?
  AND coalesce(child.parent_code, '') = ?
GROUP BY child.region_code
"""

# --- overview page ---

# The plan periods a region has targets in, with their years, number of indicators and of values
# reported so far (marts.fct_target_progress, both files), newest period first. Params: region_code.
OVERVIEW_PLAN_PERIODS = """
SELECT
    plan_period,
    min(year) AS first_year,
    max(year) AS last_year,
    count(DISTINCT indicator_code) AS indicators,
    count(actual_value) AS reported_values
FROM marts.fct_target_progress
WHERE region_code = ?
GROUP BY plan_period
ORDER BY plan_period DESC
"""

# Every indicator of one region's plan, every year: value, even-pace path, gap (positive = ahead
# of the path; for a cap the room left below it) and status (marts.fct_target_progress), with the
# indicator's category and display scale from reference.ref_indicators (fraction ×100 = %,
# tce ×0.0001 = 万吨标准煤). Ordered as the plan lists them: category, then the seed's row order.
# Params: region_code, plan_period.
OVERVIEW_PROGRESS = """
SELECT
    p.indicator_code,
    p.name_zh,
    p.name_en,
    i.category,
    p.base_year,
    p.target_year,
    p.target_kind,
    p.comparison,
    p.target_value,
    p.unit,
    i.display_unit_zh,
    i.display_multiplier,
    p.year,
    p.actual_value,
    p.expected_value,
    p.gap,
    p.status
FROM marts.fct_target_progress AS p
LEFT JOIN reference.ref_indicators AS i ON i.indicator_code = p.indicator_code
WHERE p.region_code = ?
  AND p.plan_period = ?
ORDER BY
    CASE i.category WHEN 'overall' THEN 1 WHEN 'structure' THEN 2 WHEN 'sector' THEN 3 WHEN 'sink' THEN 4 ELSE 5 END,
    i.rowid,
    p.indicator_code,
    p.year
"""

# The regions that have targets, with how many indicators (marts.fct_target_progress), to point a
# user at a region with targets when the chosen one has none. No params.
OVERVIEW_TARGET_REGIONS = """
SELECT region_code, count(DISTINCT indicator_code) AS indicators
FROM marts.fct_target_progress
GROUP BY region_code
ORDER BY region_code
"""


# --- enterprises page ---
# Full warehouse only (officers, analysts): the view checks auth.is_authorised() before any of these runs.

# Reporting years of the enterprise reports, newest first (marts.fct_enterprise_year). No params.
ENTERPRISES_YEARS = """
SELECT DISTINCT year
FROM marts.fct_enterprise_year
ORDER BY year DESC
"""

# Reporting sectors with their names, market sectors first (reference.ref_enterprise_sectors). No params.
ENTERPRISES_SECTORS = """
SELECT sector_code, name_zh, name_en, is_market_sector
FROM reference.ref_enterprise_sectors
ORDER BY is_market_sector DESC, sector_code
"""

# Enterprise × year rows matching the search (marts.fct_enterprise_year) with the region's names,
# and the year's compliance summed over schemes (the worst status wins: shortfall, then no_data).
# Params ($n, each bound once): 1 ILIKE pattern on name or credit code (the user's text with
# \ % _ escaped by a backslash, wrapped in %…%); 2 region code (any level) or NULL; 3 sector code
# or NULL; 4 year or NULL; 5 only with review flags (bool); 6 only enterprises in the ETS (bool);
# 7 compliance status (compliant / shortfall / no_data) or NULL.
ENTERPRISES_SEARCH = r"""
WITH compliance AS (
    SELECT
        credit_code,
        compliance_year AS year,
        CASE
            WHEN bool_or(status = 'shortfall') THEN 'shortfall'
            WHEN bool_or(status = 'no_data') THEN 'no_data'
            ELSE 'compliant'
        END AS compliance_status,
        sum(shortfall_t) AS shortfall_t,
        sum(penalty_low_yuan) AS penalty_low_yuan,
        sum(penalty_high_yuan) AS penalty_high_yuan
    FROM marts.fct_ets_compliance
    GROUP BY credit_code, compliance_year
)
SELECT
    e.credit_code,
    e.enterprise_name,
    e.year,
    e.region_code,
    concat_ws(' ', city.name_zh, r.name_zh) AS region_name,
    e.sector_code,
    e.in_ets,
    e.co2_t,
    e.data_status,
    e.review_flag_count,
    c.compliance_status,
    c.shortfall_t,
    c.penalty_low_yuan,
    c.penalty_high_yuan
FROM marts.fct_enterprise_year AS e
LEFT JOIN marts.dim_region AS r ON r.region_code = e.region_code
LEFT JOIN marts.dim_region AS city ON city.region_code = r.city_code
LEFT JOIN compliance AS c ON c.credit_code = e.credit_code AND c.year = e.year
WHERE (e.enterprise_name ILIKE $1 ESCAPE '\' OR e.credit_code ILIKE $1 ESCAPE '\')
  AND ($2::VARCHAR IS NULL OR $2 IN (e.region_code, r.parent_code, r.city_code, r.province_code))
  AND ($3::VARCHAR IS NULL OR e.sector_code = $3)
  AND ($4::INTEGER IS NULL OR e.year = $4)
  AND (NOT $5::BOOLEAN OR e.review_flag_count > 0)
  AND (NOT $6::BOOLEAN OR e.in_ets)
  AND ($7::VARCHAR IS NULL OR c.compliance_status = $7)
ORDER BY e.year DESC, e.co2_t DESC, e.credit_code
"""

# One enterprise's latest reporting year: name, region, sector and ETS membership
# (marts.fct_enterprise_year); empty when the code is unknown. Params: credit_code.
ENTERPRISES_PROFILE = """
SELECT
    e.credit_code,
    e.enterprise_name,
    e.year,
    e.region_code,
    concat_ws(' ', city.name_zh, r.name_zh) AS region_name,
    e.sector_code,
    s.name_zh AS sector_name_zh,
    s.name_en AS sector_name_en,
    e.in_ets
FROM marts.fct_enterprise_year AS e
LEFT JOIN marts.dim_region AS r ON r.region_code = e.region_code
LEFT JOIN marts.dim_region AS city ON city.region_code = r.city_code
LEFT JOIN reference.ref_enterprise_sectors AS s ON s.sector_code = e.sector_code
WHERE e.credit_code = ?
ORDER BY e.year DESC
LIMIT 1
"""

# Every report version of one enterprise (marts.fct_enterprise_report_version), each year in the
# MRV order reported → verified → rechecked (then by date), with the change from the previous
# version of the same year in tonnes and as a fraction. Params: credit_code.
ENTERPRISES_VERSIONS = """
WITH versions AS (
    SELECT
        *,
        CASE data_status WHEN 'reported' THEN 1 WHEN 'verified' THEN 2 WHEN 'rechecked' THEN 3 END AS stage
    FROM marts.fct_enterprise_report_version
    WHERE credit_code = ?
)
SELECT
    year,
    data_status,
    stage,
    submitted_on,
    is_authoritative,
    co2_t,
    reported_co2_t,
    co2_t - lag(co2_t) OVER same_year AS change_from_previous_version_t,
    co2_t / nullif(lag(co2_t) OVER same_year, 0) - 1 AS change_from_previous_version_fraction,
    yoy_ratio,
    peer_z,
    review_flags,
    review_flag_count,
    source_file
FROM versions
WINDOW same_year AS (PARTITION BY year ORDER BY stage, submitted_on)
ORDER BY year, stage, submitted_on
"""

# One enterprise's compliance by year and scheme (marts.fct_ets_compliance) with the scheme's
# names (reference.ref_ets_schemes). Tonnes and yuan as in the mart. Params: credit_code.
ENTERPRISES_COMPLIANCE = """
SELECT
    c.compliance_year,
    c.scheme_code,
    s.name_zh AS scheme_name_zh,
    s.name_en AS scheme_name_en,
    c.data_status,
    c.verified_emissions_t,
    c.allowances_t,
    c.offsets_t,
    c.shortfall_t,
    c.penalty_price_yuan_per_t,
    c.penalty_low_yuan,
    c.penalty_high_yuan,
    c.status
FROM marts.fct_ets_compliance AS c
LEFT JOIN reference.ref_ets_schemes AS s ON s.scheme_code = c.scheme_code
WHERE c.credit_code = ?
ORDER BY c.compliance_year, c.scheme_code
"""

# --- indicator page ---

# The indicators a region has targets for, one row per indicator × plan period, with names,
# category (for the order: overall, structure, sector, sink) and the plan's years
# (marts.fct_target_progress + reference.ref_indicators, both files). Params: region_code.
INDICATOR_CHOICES = """
SELECT
    p.indicator_code,
    p.plan_period,
    any_value(p.name_zh) AS name_zh,
    any_value(p.name_en) AS name_en,
    any_value(i.category) AS category,
    min(p.year) AS first_year,
    max(p.year) AS last_year
FROM marts.fct_target_progress AS p
LEFT JOIN reference.ref_indicators AS i ON i.indicator_code = p.indicator_code
WHERE p.region_code = ?
GROUP BY p.indicator_code, p.plan_period
ORDER BY
    CASE any_value(i.category) WHEN 'overall' THEN 1 WHEN 'structure' THEN 2 WHEN 'sector' THEN 3 WHEN 'sink' THEN 4 ELSE 5 END,
    p.indicator_code,
    p.plan_period
"""

# One indicator's yearly progress over a plan period in one region: levels (base_value,
# current_value in the level's canonical unit), actual / expected / gap in the target's terms,
# annual and cumulative reduction (reduction targets only), status; with the indicator's display
# unit and multiplier and where it comes from (reference.ref_indicators), and the target's
# source document (reference.ref_targets). Both files. Params: region_code, indicator_code, plan_period.
INDICATOR_SERIES = """
SELECT
    p.indicator_code,
    p.name_zh,
    p.name_en,
    p.plan_period,
    p.base_year,
    p.target_year,
    p.target_kind,
    p.comparison,
    p.target_value,
    p.unit,
    p.year,
    p.base_value,
    p.current_value,
    p.actual_value,
    p.expected_value,
    p.gap,
    p.annual_reduction,
    p.cumulative_reduction,
    p.status,
    i.category,
    i.display_unit_zh,
    i.display_multiplier,
    i.source_kind,
    t.source AS target_source
FROM marts.fct_target_progress AS p
LEFT JOIN reference.ref_indicators AS i ON i.indicator_code = p.indicator_code
LEFT JOIN reference.ref_targets AS t
    ON t.region_code = p.region_code AND t.indicator_code = p.indicator_code AND t.plan_period = p.plan_period
WHERE p.region_code = ?
  AND p.indicator_code = ?
  AND p.plan_period = ?
ORDER BY p.year
"""

# A region and its direct children (marts.dim_region parent_code) in one year: the inventory
# quantities the intensity and energy indicators are built from (marts.fct_region_year; t, tce,
# 10k yuan at constant prices, t/10k yuan, tce/10k yuan), the stored residual of the parent, and
# each region's progress on the same indicator where it has that target (fct_target_progress).
# A child without an inventory row comes back with NULLs (missing, not 0). Both files.
# Params: region_code, year, indicator_code, plan_period, year, region_code, region_code.
INDICATOR_REGIONS = """
SELECT
    d.region_code,
    d.name_zh,
    d.level,
    d.region_code = ? AS is_parent,
    y.energy_consumption_tce,
    y.co2_t,
    y.co2_net_electricity_import_t,
    y.co2_for_intensity_t,
    y.co2_process_t,
    y.co2_with_process_t,
    y.gdp_const_10k_yuan,
    y.energy_intensity,
    y.carbon_intensity,
    y.children_sum_co2_t,
    y.children_with_data_count,
    y.residual_co2_t,
    p.actual_value,
    p.status
FROM marts.dim_region AS d
LEFT JOIN marts.fct_region_year AS y ON y.region_code = d.region_code AND y.year = ?
LEFT JOIN marts.fct_target_progress AS p
    ON p.region_code = d.region_code AND p.indicator_code = ? AND p.plan_period = ? AND p.year = ?
WHERE d.region_code = ? OR d.parent_code = ?
ORDER BY is_parent DESC, d.region_code
"""

# CO2 (t) and energy (tce) of one region-year by sector (energy-balance item or industrial
# process), summed in SQL over the sector × fuel cells of marts.fct_energy_emissions. A group
# with a cell lacking the value (withheld in the public file, or not reported) is NULL rather
# than a partial sum; cells_missing_co2 counts such cells. Process cells have no energy use.
# Names: reference.ref_energy_balance_items (Chinese only) and ref_industrial_processes. Both files.
# Params: region_code, year.
INDICATOR_SECTORS = """
SELECT
    e.sector_code,
    e.is_process,
    any_value(b.name_zh) AS item_name_zh,
    any_value(p.name_zh) AS process_name_zh,
    any_value(p.name_en) AS process_name_en,
    any_value(b.sort_order) AS sort_order,
    count(*) AS cells,
    count(*) - count(e.co2_t) AS cells_missing_co2,
    CASE WHEN count(e.co2_t) = count(*) THEN sum(e.co2_t) END AS co2_t,
    CASE WHEN count(e.energy_tce) = count(*) THEN sum(e.energy_tce) END AS energy_tce
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = e.sector_code
LEFT JOIN reference.ref_industrial_processes AS p ON e.is_process AND e.sector_code = 'process_' || p.process_code
WHERE e.region_code = ?
  AND e.year = ?
GROUP BY e.sector_code, e.is_process
ORDER BY e.is_process, any_value(b.sort_order), e.sector_code
"""

# The same cells summed by fuel (fuel_code 'none' = industrial process emissions, no fuel), with
# names from reference.ref_fuels; same NULL rule. Both files. Params: region_code, year.
INDICATOR_FUELS = """
SELECT
    e.fuel_code,
    any_value(f.name_zh) AS name_zh,
    any_value(f.name_en) AS name_en,
    any_value(f.fuel_group) AS fuel_group,
    count(*) AS cells,
    count(*) - count(e.co2_t) AS cells_missing_co2,
    CASE WHEN count(e.co2_t) = count(*) THEN sum(e.co2_t) END AS co2_t,
    CASE WHEN count(e.energy_tce) = count(*) THEN sum(e.energy_tce) END AS energy_tce
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_fuels AS f ON f.fuel_code = e.fuel_code
WHERE e.region_code = ?
  AND e.year = ?
GROUP BY e.fuel_code
ORDER BY e.fuel_code = 'none', co2_t DESC NULLS LAST, e.fuel_code
"""

# Full warehouse only (authorised roles): the enterprise reports of one year in a region and
# every region below it (marts.fct_enterprise_year, latest authoritative version), with the
# file that version came from (fct_enterprise_report_version.source_file), largest first.
# Params: year, region_code.
INDICATOR_ENTERPRISES = """
SELECT
    e.enterprise_name,
    e.credit_code,
    e.region_code,
    d.name_zh AS region_name_zh,
    e.sector_code,
    s.name_zh AS sector_name_zh,
    s.name_en AS sector_name_en,
    e.co2_t,
    e.co2_combustion_t,
    e.co2_process_t,
    e.data_status,
    e.review_flags,
    v.source_file
FROM marts.fct_enterprise_year AS e
INNER JOIN marts.dim_region AS d ON d.region_code = e.region_code
LEFT JOIN reference.ref_enterprise_sectors AS s ON s.sector_code = e.sector_code
LEFT JOIN marts.fct_enterprise_report_version AS v
    ON v.credit_code = e.credit_code AND v.year = e.year AND v.is_authoritative
WHERE e.year = ?
  AND list_contains([d.region_code, d.parent_code, d.city_code, d.province_code], ?)
ORDER BY e.co2_t DESC NULLS LAST, e.credit_code
"""

# Full warehouse only (authorised roles): the files behind one region-year: the energy
# statistics and report files named by its inventory cells (fct_energy_emissions.source_files)
# and the enterprise report files of the region and every region below it
# (fct_enterprise_report_version.source_file), with how many report versions and enterprises
# each supplied. Params: region_code, year, year, region_code.
INDICATOR_SOURCE_FILES = """
WITH cell_files AS (
    SELECT DISTINCT unnest(source_files) AS source_file
    FROM marts.fct_energy_emissions
    WHERE region_code = ?
      AND year = ?
),
report_files AS (
    SELECT
        v.source_file,
        count(*) AS report_versions,
        count(DISTINCT v.credit_code) AS enterprises,
        string_agg(DISTINCT v.data_status, ', ' ORDER BY v.data_status) AS data_statuses
    FROM marts.fct_enterprise_report_version AS v
    INNER JOIN marts.dim_region AS d ON d.region_code = v.region_code
    WHERE v.year = ?
      AND list_contains([d.region_code, d.parent_code, d.city_code, d.province_code], ?)
    GROUP BY v.source_file
)
SELECT
    coalesce(c.source_file, r.source_file) AS source_file,
    c.source_file IS NOT NULL AS used_by_inventory,
    r.report_versions,
    r.enterprises,
    r.data_statuses
FROM cell_files AS c
FULL OUTER JOIN report_files AS r ON r.source_file = c.source_file
ORDER BY source_file
"""
