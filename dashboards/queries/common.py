"""SQL shared by several pages (dashboards.queries: the rules for every query there)."""

# Every region for the region picker (marts.dim_region, in both warehouse files), with the chain
# from its province down to itself (ancestor_codes, from marts.dim_region_ancestors: the one
# place the hierarchy is walked). No params.
REGIONS = """
SELECT
    d.region_code,
    d.name_zh,
    d.name_en,
    d.level,
    d.parent_code,
    d.province_code,
    (
        SELECT list(a.ancestor_code ORDER BY a.distance DESC)
        FROM marts.dim_region_ancestors AS a
        WHERE a.region_code = d.region_code
    ) AS ancestor_codes
FROM marts.dim_region AS d
ORDER BY d.region_code
"""

# The 95 % half-width of the CO2-intensity reduction (percentage points) and whether the status is
# beyond it, per indicator and year of one region's plan (marts.fct_target_uncertainty, both files;
# dbt computes it from the inventory's Approach 1 trend uncertainty). Params: region_code, plan_period.
TARGET_UNCERTAINTY = """
SELECT indicator_code, year, reduction_half_width_pp, status_beyond_uncertainty
FROM marts.fct_target_uncertainty
WHERE region_code = ?
  AND plan_period = ?
ORDER BY indicator_code, year
"""
