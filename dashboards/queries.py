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
