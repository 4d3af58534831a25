"""Great Expectations suites, as code: one per table that a check protects.

Each suite names the table, the columns it reads and its expectations. Identifying columns
(credit_code, enterprise_name) never reach Great Expectations: no suite reads one, so the
failing-value samples that GX writes into results and data docs can never hold a name or a
credit code (enterprise rows are confidential: docs/methodology.md). Rules about them (one row
per enterprise and year, one line per source) are dbt's, on the same tables (DBT_GUARANTEES).

`blocking=True` suites protect the numbers leaders see: their asset checks are blocking, so a
failure stops the publish step of the same run. The raw suites warn; the uniqueness rules whose
violation would change a total are blocking dbt tests on the staged raw tables
(assert_one_activity_value_per_region_year_variable, the energy-balance cell and indicator
grains, one line per source of a report version in stg_raw__enterprise_report_lines), which stop
the build with a message naming the duplicate key.

What blocks is what is impossible (docs/operations.md, "What blocks, what flags"): a figure no
region in China can have (the seed ref_quality_thresholds, severity 'block': a unit slip), a
hierarchy residual beyond plausibility. What is unusual but possible (an industrial county at
22.7 tce/万元, 20 times its province) is a review flag of the dbt model audit.audit_review_flags,
published with the build. A rule dbt already guarantees on the same table and column (a test or
an enforced contract) is not repeated here: DBT_GUARANTEES lists each one that was, with its dbt
counterpart, and tests/unit/test_quality_suites.py checks that the counterpart still exists.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
import yaml

from pipelines.paths import DBT_PROJECT_DIR, SEEDS_DIR

E = gx.expectations

# Columns that identify an enterprise: kept out of every frame handed to GX.
IDENTIFYING_COLUMNS = frozenset({"credit_code", "enterprise_name", "source_name"})

CANONICAL_ACTIVITY_UNITS = ["t", "10^4Nm3", "MWh", "GJ", "tce"]
YEARS = (2000, 2035)

# Impossible values: the seed's severity 'block' rows (column → upper bound). The plausible
# range's upper end and the comparisons with the province are review flags (dbt, same seed).
with (SEEDS_DIR / "ref_quality_thresholds.csv").open(encoding="utf-8", newline="") as _handle:
    IMPOSSIBLE_ABOVE = {
        row["indicator"]: float(row["threshold"])
        for row in csv.DictReader(_handle)
        if row["severity"] == "block" and row["comparison"] == "above"
    }
# The hierarchy residual (region minus the sum of its children, fct_region_year.residual_fraction
# as dbt computes it) may differ by statistics discrepancy, but not by more than this share of the
# region's own total. The number lives with the other tolerances, in dbt_project.yml's vars.
RESIDUAL_TOLERANCE = float(
    yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    ["vars"]["residual_plausibility_fraction"]
)


@dataclass(frozen=True)
class Suite:
    name: str
    schema: str
    table: str
    columns: tuple[str, ...]  # read from the table (never an identifying column)
    expectations: Callable[[], list]
    blocking: bool = False
    description: str = ""

    @property
    def asset_key_path(self) -> list[str]:
        return [self.schema, self.table]


def _raw_enterprise_lines() -> list:
    # not null report_year, data_status, source_category, region_code and the duplicate line:
    # dbt tests on stg_raw__enterprise_report_lines (DBT_GUARANTEES).
    return [
        E.ExpectColumnValuesToBeBetween(column="report_year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToBeInSet(column="activity_unit", value_set=CANONICAL_ACTIVITY_UNITS),
        E.ExpectColumnValuesToBeBetween(column="oxidation_fraction", min_value=0, max_value=1),
    ]


def _raw_energy_balance() -> list:
    return [E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1])]


def _raw_activity_statistics() -> list:
    return [E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1])]


def _raw_market_daily() -> list:
    # trade_date not null: a dbt test on stg_raw__market_daily.
    return [
        E.ExpectColumnValuesToBeBetween(column="close", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="volume_t", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="turnover_yuan", min_value=0),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="low", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="close", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="close", column_B="low", or_equal=True, ignore_row_if="either_value_is_missing"),
    ]


def _fct_region_year() -> list:
    # Not null, level, grain, non-negative energy and CO2, positive GDP and energy intensity,
    # non-negative carbon intensity: the mart's enforced contract and dbt tests (DBT_GUARANTEES).
    # Here: what dbt does not check — a figure no region can have, an implausible residual.
    return [
        *(
            E.ExpectColumnValuesToBeBetween(column=column, max_value=bound)
            for column, bound in sorted(IMPOSSIBLE_ABOVE.items())
        ),
        E.ExpectColumnValuesToBeBetween(column="residual_fraction", min_value=0, max_value=RESIDUAL_TOLERANCE),
    ]


def _fct_target_progress() -> list:
    return [E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1])]


def _fct_energy_emissions() -> list:
    return [E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1])]


def _fct_enterprise_year() -> list:
    return [
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^\d{6}$"),
    ]


@dataclass(frozen=True)
class DbtGuarantee:
    """A rule GX checked until issue 16 and dbt guarantees on the same data: the dbt model, its
    column (None for a model-level rule) and how — a generic test's name, `constraint:<type>` of
    an enforced contract, or `singular:<file>` of dbt_project/tests."""

    suite: str
    expectation: str
    model: str
    column: str | None
    guarantee: str


DBT_GUARANTEES: tuple[DbtGuarantee, ...] = (
    DbtGuarantee("raw_enterprise_report_lines", "report_year not null", "stg_raw__enterprise_report_lines", "report_year", "not_null"),
    DbtGuarantee("raw_enterprise_report_lines", "data_status in the vocabulary", "stg_raw__enterprise_report_lines", "data_status", "accepted_values"),
    DbtGuarantee("raw_enterprise_report_lines", "source_category in the vocabulary", "stg_raw__enterprise_report_lines", "source_category", "accepted_values"),
    DbtGuarantee("raw_enterprise_report_lines", "region_code of 6 digits", "stg_raw__enterprise_report_lines", "region_code", "relationships"),
    DbtGuarantee("raw_enterprise_report_lines", "one line per source in a file", "stg_raw__enterprise_report_lines", None, "unique_combination_of_columns"),
    DbtGuarantee("raw_energy_balance", "region_code not null", "stg_raw__energy_balance", "region_code", "not_null"),
    DbtGuarantee("raw_energy_balance", "region_code of 6 digits", "stg_raw__energy_balance", "region_code", "relationships"),
    DbtGuarantee("raw_energy_balance", "fuel_code not null", "stg_raw__energy_balance", "fuel_code", "not_null"),
    DbtGuarantee("raw_energy_balance", "item_code not null", "stg_raw__energy_balance", "item_code", "not_null"),
    DbtGuarantee("raw_energy_balance", "canonical unit", "int_energy_balance_flows", None, "singular:assert_energy_balance_units_are_canonical"),
    DbtGuarantee("raw_energy_balance", "one value per cell", "int_energy_balance_flows", None, "unique_combination_of_columns"),
    DbtGuarantee("raw_activity_statistics", "region_code of 6 digits", "stg_raw__activity_statistics", "region_code", "relationships"),
    DbtGuarantee("raw_activity_statistics", "variable_code not null", "stg_raw__activity_statistics", "variable_code", "not_null"),
    DbtGuarantee("raw_activity_statistics", "one value per region, year and variable", "stg_raw__activity_statistics", None,
                 "singular:assert_one_activity_value_per_region_year_variable"),
    DbtGuarantee("raw_market_daily", "trade_date not null", "stg_raw__market_daily", "trade_date", "not_null"),
    DbtGuarantee("fct_region_year", "region_code not null", "fct_region_year", "region_code", "constraint:not_null"),
    DbtGuarantee("fct_region_year", "level in the vocabulary", "fct_region_year", "level", "constraint:check"),
    DbtGuarantee("fct_region_year", "year 2000–2035", "fct_region_year", "year", "accepted_range"),
    DbtGuarantee("fct_region_year", "unique region_code, year", "fct_region_year", None, "constraint:primary_key"),
    DbtGuarantee("fct_region_year", "energy_consumption_tce ≥ 0", "fct_region_year", "energy_consumption_tce", "constraint:check"),
    DbtGuarantee("fct_region_year", "co2_t ≥ 0", "fct_region_year", "co2_t", "constraint:check"),
    DbtGuarantee("fct_region_year", "gdp_const_10k_yuan > 0", "fct_region_year", "gdp_const_10k_yuan", "constraint:check"),
    DbtGuarantee("fct_region_year", "energy_intensity ≥ 0", "fct_region_year", "energy_intensity", "constraint:check"),
    DbtGuarantee("fct_region_year", "carbon_intensity ≥ 0", "fct_region_year", None, "singular:assert_no_negative_emissions_or_intensities_in_marts"),
    DbtGuarantee("fct_target_progress", "status in the vocabulary", "fct_target_progress", "status", "constraint:check"),
    DbtGuarantee("fct_target_progress", "region_code not null", "fct_target_progress", "region_code", "constraint:not_null"),
    DbtGuarantee("fct_target_progress", "unique region, indicator, period, year", "fct_target_progress", None, "constraint:primary_key"),
    DbtGuarantee("fct_energy_emissions", "co2_t ≥ 0", "fct_energy_emissions", "co2_t", "constraint:check"),
    DbtGuarantee("fct_energy_emissions", "unique region, year, sector, fuel", "fct_energy_emissions", None, "constraint:primary_key"),
    DbtGuarantee("fct_enterprise_year", "data_status in the vocabulary", "fct_enterprise_year", "data_status", "constraint:check"),
    DbtGuarantee("fct_enterprise_year", "co2_t ≥ 0", "fct_enterprise_year", None, "singular:assert_no_negative_emissions_or_intensities_in_marts"),
    DbtGuarantee("fct_enterprise_year", "one row per enterprise and year", "fct_enterprise_year", None, "constraint:primary_key"),
)


SUITES: tuple[Suite, ...] = (
    Suite(
        "raw_enterprise_report_lines",
        "raw",
        "enterprise_report_lines",
        ("report_year", "activity_unit", "oxidation_fraction"),
        _raw_enterprise_lines,
        description="企业报告明细行 / raw enterprise report lines: years, canonical units, oxidation fractions",
    ),
    Suite(
        "raw_energy_balance",
        "raw",
        "energy_balance",
        ("year",),
        _raw_energy_balance,
        description="能源平衡表 / raw energy balance: years",
    ),
    Suite(
        "raw_activity_statistics",
        "raw",
        "activity_statistics",
        ("year",),
        _raw_activity_statistics,
        description="经济指标 / raw activity statistics: years",
    ),
    Suite(
        "raw_market_daily",
        "raw",
        "market_daily",
        ("high", "low", "close", "volume_t", "turnover_yuan"),
        _raw_market_daily,
        description="碳市场日行情 / raw exchange prices: OHLC order, no negative prices or volumes",
    ),
    Suite(
        "fct_region_year",
        "marts",
        "fct_region_year",
        (*sorted(IMPOSSIBLE_ABOVE), "residual_fraction"),
        _fct_region_year,
        blocking=True,
        description="地区年度指标 / region-year mart: no impossible intensity (a unit slip), hierarchy residual within plausibility",
    ),
    Suite(
        "fct_target_progress",
        "marts",
        "fct_target_progress",
        ("year",),
        _fct_target_progress,
        blocking=True,
        description="目标进度 / target progress mart: years",
    ),
    Suite(
        "fct_energy_emissions",
        "marts",
        "fct_energy_emissions",
        ("year",),
        _fct_energy_emissions,
        blocking=True,
        description="能源排放 / energy emissions mart: years",
    ),
    Suite(
        "fct_enterprise_year",
        "marts",
        "fct_enterprise_year",
        ("year", "region_code"),
        _fct_enterprise_year,
        blocking=True,
        description="企业年度排放 / enterprise-year mart: years, region codes",
    ),
)
