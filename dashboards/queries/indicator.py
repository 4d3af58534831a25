"""SQL of the indicator page (dashboards/views/indicator.py); the rules for every query: dashboards.queries."""

# The indicators a region has targets for, one row per indicator × plan period, with names,
# category and the plan's years, in the order of the categories (category_order, from the dbt
# seed ref_indicator_categories; then by code) (marts.fct_target_progress, both files).
# Params: region_code.
INDICATOR_CHOICES = """
SELECT
    indicator_code,
    plan_period,
    any_value(name_zh) AS name_zh,
    any_value(name_en) AS name_en,
    any_value(category) AS category,
    min(year) AS first_year,
    max(year) AS last_year
FROM marts.fct_target_progress
WHERE region_code = ?
GROUP BY indicator_code, plan_period
ORDER BY any_value(category_order), indicator_code, plan_period
"""

# One indicator's yearly progress over a plan period in one region: levels (base_value,
# current_value in the level's canonical unit, with the level's code, unit and display scale),
# actual / expected / gap in the target's terms with their display unit and multiplier, annual
# and cumulative reduction and the even-pace annual rate (reduction targets only), status, where
# the level's figures come from (all marts.fct_target_progress), and the target's source document
# (reference.ref_targets). Both files. Params: region_code, indicator_code, plan_period.
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
    p.even_pace_annual_reduction,
    p.status,
    p.level_indicator_code,
    p.level_unit,
    p.level_display_unit_zh,
    p.level_display_multiplier,
    p.category,
    p.display_unit_zh,
    p.display_multiplier,
    p.source_kind,
    t.source AS target_source,
    t.source_en AS target_source_en
FROM marts.fct_target_progress AS p
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
    d.name_en,
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
# Names: reference.ref_energy_balance_items (Chinese only) and ref_industrial_processes. Industry's
# cells by division (where the region-year has an industry table) are summed back into 工业
# (balance_item_code): the structure page shows them. Both files. Params: region_code, year.
INDICATOR_SECTORS = """
SELECT
    coalesce(e.balance_item_code, e.sector_code) AS sector_code,
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
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = coalesce(e.balance_item_code, e.sector_code)
LEFT JOIN reference.ref_industrial_processes AS p ON e.is_process AND e.sector_code = 'process_' || p.process_code
WHERE e.region_code = ?
  AND e.year = ?
GROUP BY coalesce(e.balance_item_code, e.sector_code), e.is_process
ORDER BY e.is_process, any_value(b.sort_order), 1
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
    d.name_en AS region_name_en,
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
INNER JOIN marts.dim_region_ancestors AS up ON up.region_code = e.region_code
LEFT JOIN reference.ref_enterprise_sectors AS s ON s.sector_code = e.sector_code
LEFT JOIN marts.fct_enterprise_report_version AS v
    ON v.credit_code = e.credit_code AND v.year = e.year AND v.is_authoritative
WHERE e.year = ?
  AND up.ancestor_code = ?
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
    INNER JOIN marts.dim_region_ancestors AS up ON up.region_code = v.region_code
    WHERE v.year = ?
      AND up.ancestor_code = ?
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
