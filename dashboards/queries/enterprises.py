"""SQL of the enterprises page (dashboards/views/enterprises.py); the rules for every query: dashboards.queries."""

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
    concat_ws(' ', city.name_zh, r.name_zh) AS region_name_zh,
    concat_ws(', ', r.name_en, city.name_en) AS region_name_en,
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
  AND ($2::VARCHAR IS NULL OR EXISTS (
        SELECT 1 FROM marts.dim_region_ancestors AS up WHERE up.region_code = e.region_code AND up.ancestor_code = $2))
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
    concat_ws(' ', city.name_zh, r.name_zh) AS region_name_zh,
    concat_ws(', ', r.name_en, city.name_en) AS region_name_en,
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
