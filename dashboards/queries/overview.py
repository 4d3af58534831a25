"""SQL of the overview page (dashboards/views/overview.py); the rules for every query: dashboards.queries."""

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
# of the path; for a cap the room left below it) and status, with the indicator's category and
# display scale (fraction ×100 = %, tce ×0.0001 = 万吨标准煤) (marts.fct_target_progress). Ordered
# as the plan lists them: category_order, then indicator_order (dbt seeds ref_indicator_categories
# and ref_indicator_metadata). Params: region_code, plan_period.
OVERVIEW_PROGRESS = """
SELECT
    indicator_code,
    name_zh,
    name_en,
    category,
    base_year,
    target_year,
    target_kind,
    comparison,
    target_value,
    unit,
    display_unit_zh,
    display_multiplier,
    year,
    actual_value,
    expected_value,
    gap,
    status
FROM marts.fct_target_progress
WHERE region_code = ?
  AND plan_period = ?
ORDER BY category_order, indicator_order, indicator_code, year
"""

# The regions that have targets, with how many indicators (marts.fct_target_progress), to point a
# user at a region with targets when the chosen one has none. No params.
OVERVIEW_TARGET_REGIONS = """
SELECT region_code, count(DISTINCT indicator_code) AS indicators
FROM marts.fct_target_progress
GROUP BY region_code
ORDER BY region_code
"""
