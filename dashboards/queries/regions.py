"""SQL of the regions page (dashboards/views/regions.py); the rules for every query: dashboards.queries."""

# The years the regional inventory covers (marts.fct_region_year), each with the base year of the
# five-year plan it falls in (marts.fct_region_intensity_progress.plan_base_year: dbt reads it from
# the seed ref_plan_periods; NULL for a year without any intensity row). No params.
REGIONS_YEARS = """
SELECT
    y.year,
    any_value(p.plan_base_year) AS plan_base_year
FROM (SELECT DISTINCT year FROM marts.fct_region_year) AS y
LEFT JOIN marts.fct_region_intensity_progress AS p ON p.year = y.year
GROUP BY y.year
ORDER BY y.year
"""

# The direct children of one region (or the provinces, for parent ''), each with its CO2 in a year
# and in that year's plan base year (marts.fct_region_year), its energy and CO2 intensity in both
# years with the reduction vs the base year (marts.fct_region_intensity_progress: computed in dbt
# for every region with data, counties without targets included; the same figure as
# fct_target_progress.actual_value where a target exists; NULL with reduction_status
# not_meaningful where a level is not positive), and the status of its intensity targets
# (marts.fct_target_progress). All in both warehouse files. Every child is listed, with NULLs where
# it has no data (missing is not zero).
# Params: parent code ('' = the country), year, plan base year, year, year, year, year.
REGIONS_CHILDREN = """
WITH children AS (
    SELECT region_code, name_zh, name_en, level
    FROM marts.dim_region
    WHERE coalesce(parent_code, '') = ?
),
now AS (SELECT region_code, co2_t FROM marts.fct_region_year WHERE year = ?),
base AS (SELECT region_code, co2_t FROM marts.fct_region_year WHERE year = ?),
co2_intensity AS (
    SELECT region_code, current_value, base_value, reduction_vs_base, reduction_status
    FROM marts.fct_region_intensity_progress
    WHERE indicator_code = 'co2_intensity_reduction' AND year = ?
),
energy_intensity AS (
    SELECT region_code, current_value, base_value, reduction_vs_base, reduction_status
    FROM marts.fct_region_intensity_progress
    WHERE indicator_code = 'energy_intensity_reduction' AND year = ?
),
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
    children.name_en,
    children.level,
    now.co2_t,
    base.co2_t AS base_co2_t,
    co2_intensity.current_value AS carbon_intensity,
    co2_intensity.base_value AS base_carbon_intensity,
    energy_intensity.current_value AS energy_intensity,
    energy_intensity.base_value AS base_energy_intensity,
    co2_intensity.reduction_vs_base AS co2_intensity_reduction,
    energy_intensity.reduction_vs_base AS energy_intensity_reduction,
    co2_intensity.reduction_status AS co2_intensity_reduction_status,
    energy_intensity.reduction_status AS energy_intensity_reduction_status,
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
LEFT JOIN co2_intensity USING (region_code)
LEFT JOIN energy_intensity USING (region_code)
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
JOIN marts.dim_region_ancestors AS up ON up.region_code = enterprise.region_code
JOIN marts.dim_region AS child ON child.region_code = up.ancestor_code
WHERE enterprise.year = ?
  AND coalesce(child.parent_code, '') = ?
GROUP BY child.region_code
"""
