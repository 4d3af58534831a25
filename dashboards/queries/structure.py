"""SQL of the structure page (dashboards/views/structure.py); the rules for every query: dashboards.queries."""

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


def _structure_cells(file_columns: str) -> str:
    """The sector × fuel and sector × process cells of one region-year, with names from the
    reference tables, and the columns only one warehouse file has (file_columns: SQL, never a
    user value). Where the region-year has an industry table, industry comes as one cell per
    industrial division (names from ref_industry_divisions, sorted with 工业) and
    industry_unallocated (named by i18n.csv). Params: region_code, year."""
    return f"""
SELECT
    e.sector_code,
    e.fuel_code,
    e.is_process,
    CASE
        WHEN e.is_process THEN p.name_zh
        WHEN d.division_code IS NOT NULL THEN d.name_zh
        WHEN e.sector_code = b.item_code THEN b.name_zh
    END AS sector_name_zh,
    CASE WHEN e.is_process THEN p.name_en WHEN d.division_code IS NOT NULL THEN d.name_en END AS sector_name_en,
    b.sort_order AS sector_sort,
    f.name_zh AS fuel_name_zh,
    f.name_en AS fuel_name_en,
    e.activity_value,
    e.activity_unit,
    e.energy_tce,
    e.co2_t,
    e.co2e_t,
    {file_columns}
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = coalesce(e.balance_item_code, e.sector_code)
LEFT JOIN reference.ref_industry_divisions AS d ON e.sector_code = 'industry_' || d.division_code
LEFT JOIN reference.ref_industrial_processes AS p ON e.is_process AND e.sector_code = 'process_' || p.process_code
LEFT JOIN reference.ref_fuels AS f ON f.fuel_code = e.fuel_code
WHERE e.region_code = ?
  AND e.year = ?
ORDER BY e.is_process, b.sort_order, d.sort_order NULLS LAST, e.sector_code, e.fuel_code
"""


# The cells from the public file: suppressed process cells come back with NULL values and their
# reason. No source files: the public file may not name per-enterprise sources.
STRUCTURE_CELLS_PUBLIC = _structure_cells("coalesce(e.suppressed, FALSE) AS suppressed, e.suppression_reason")

# The cells from the full warehouse (authorised roles): nothing is suppressed there, and the
# factor source and source files are shown.
STRUCTURE_CELLS_FULL = _structure_cells(
    "FALSE AS suppressed, CAST(NULL AS VARCHAR) AS suppression_reason, e.factor_source, "
    "array_to_string(e.source_files, '; ') AS source_files"
)

# Combustion CO2 and CO2e of one region by energy-balance sector and year, summed in SQL (never
# suppressed: combustion cells come from the energy balance, not from enterprises). Industry's
# cells by division are summed back into 工业 (balance_item_code), so the trend has one industry
# band in years with and without an industry table. A sector
# whose cells are all NULL stays NULL (missing, not 0). Process emissions come from the region
# totals instead (STRUCTURE_REGION_YEARS), so suppressed process cells do not shrink the trend.
# Params: region_code.
STRUCTURE_SECTOR_TREND = """
SELECT
    e.year,
    e.balance_item_code AS sector_code,
    b.name_zh AS sector_name_zh,
    b.sort_order AS sector_sort,
    sum(e.co2_t) AS co2_t,
    sum(e.co2e_t) AS co2e_t
FROM marts.fct_energy_emissions AS e
LEFT JOIN reference.ref_energy_balance_items AS b ON b.item_code = e.balance_item_code
WHERE e.region_code = ?
  AND NOT e.is_process
GROUP BY e.year, e.balance_item_code, b.name_zh, b.sort_order
ORDER BY e.year, b.sort_order, e.balance_item_code
"""
