"""SQL of the GHG inventory page (dashboards/views/inventory.py); the rules for every query: dashboards.queries.

The same table names are read from whichever file the session opens. The public file's
fct_inventory carries `suppressed` and `suppression_reason` (rows whose enterprise part is hidden
have NULL emissions); the full file has neither, so each query comes in two variants and the page
picks one by the columns the file has (INVENTORY_SCHEMA), never by guessing.
"""

from pipelines.reporting.inventory_report import CRT_FULL as INVENTORY_REPORT_CRT_FULL  # noqa: F401
from pipelines.reporting.inventory_report import (
    CRT_PUBLIC as INVENTORY_REPORT_CRT_PUBLIC,  # noqa: F401
)
from pipelines.reporting.inventory_report import (
    REGION_NAME as INVENTORY_REPORT_REGION_NAME,  # noqa: F401
)
from pipelines.reporting.inventory_report import REPORT_SCHEMA as INVENTORY_SCHEMA  # noqa: F401
from pipelines.reporting.inventory_report import (
    SUMMARY_FULL as INVENTORY_REPORT_SUMMARY_FULL,  # noqa: F401
)
from pipelines.reporting.inventory_report import (
    SUMMARY_PUBLIC as INVENTORY_REPORT_SUMMARY_PUBLIC,  # noqa: F401
)

_FULL_HIDDEN = "FALSE AS suppressed, CAST(NULL AS VARCHAR) AS suppression_reason"
# A group with a hidden row is hidden as a whole: its visible part alone would be a wrong figure.
_PUBLIC_HIDDEN = (
    "coalesce(bool_or(suppressed), FALSE) AS suppressed, "
    "any_value(suppression_reason) FILTER (WHERE suppressed) AS suppression_reason"
)


def _categories(hidden: str) -> str:
    """One region-year's inventory by sector and category, each gas as CO2e (t) in its column
    (the fluorinated gases together), sub-categories added up. Params: region_code, year."""
    return f"""
SELECT
    sector,
    category_code,
    any_value(category_name_zh) AS name_zh,
    any_value(category_name_en) AS name_en,
    sum(co2e_t) FILTER (WHERE gas = 'CO2') AS co2_co2e_t,
    sum(co2e_t) FILTER (WHERE gas = 'CH4') AS ch4_co2e_t,
    sum(co2e_t) FILTER (WHERE gas = 'N2O') AS n2o_co2e_t,
    sum(co2e_t) FILTER (WHERE gas NOT IN ('CO2', 'CH4', 'N2O')) AS fgases_co2e_t,
    sum(co2e_t) AS co2e_t,
    any_value(gwp_set) AS gwp_set,
    {hidden}
FROM marts.fct_inventory
WHERE region_code = ? AND year = ?
GROUP BY sector, category_code
ORDER BY category_code
"""


def _summary_lines(hidden: str) -> str:
    """One region's sector and total lines of the inventory summary (marts.fct_inventory_summary: dbt
    adds the inventory up, the page only shows it), every inventory year, each gas in t CO2e.
    Params: region_code."""
    return f"""
SELECT
    year,
    row_order,
    line_kind,
    sector,
    includes_removals,
    co2_t AS co2_co2e_t,
    ch4_co2e_t,
    n2o_co2e_t,
    fgases_co2e_t,
    total_co2e_t AS co2e_t,
    {hidden}
FROM marts.fct_inventory_summary
WHERE region_code = ? AND line_kind IN ('sector', 'total')
ORDER BY year, row_order
"""


INVENTORY_CATEGORIES_FULL = _categories(_FULL_HIDDEN)
INVENTORY_CATEGORIES_PUBLIC = _categories(_PUBLIC_HIDDEN)
# the public summary carries its own per-line flags (pub_fct_inventory_summary)
INVENTORY_LINES_FULL = _summary_lines(_FULL_HIDDEN)
INVENTORY_LINES_PUBLIC = _summary_lines("coalesce(suppressed, FALSE) AS suppressed, suppression_reason")

# Key categories of one region-year, level and trend, in rank order, with the category names
# (full file only: the page shows them to authorised roles). Params: region_code, year.
INVENTORY_KEY_CATEGORIES = """
SELECT
    k.assessment,
    k.rank,
    k.category_code,
    c.name_zh,
    c.name_en,
    k.gas,
    k.co2e_t,
    k.base_co2e_t,
    k.assessment_value,
    k.share,
    k.cumulative_share,
    k.is_key
FROM marts.fct_key_categories AS k
LEFT JOIN reference.ref_inventory_categories AS c ON c.category_code = k.category_code
WHERE k.region_code = ? AND k.year = ?
ORDER BY k.assessment, k.rank
"""

# The 95 % intervals of one region's total (category 'total', gas 'all') by both approaches, per
# inventory year. Params: region_code.
INVENTORY_UNCERTAINTY = """
SELECT
    year,
    approach,
    co2e_t,
    lower_t,
    upper_t,
    uncertainty_pct,
    trend_uncertainty_pct
FROM marts.fct_uncertainty
WHERE region_code = ? AND category_code = 'total'
ORDER BY year, approach
"""
