"""Great Expectations suites, as code: one per table that a check protects.

Each suite names the table, the columns it reads and its expectations. Identifying columns
(credit_code, enterprise_name) never reach Great Expectations: a rule about them (uniqueness of
an enterprise-year) is computed beforehand into a harmless flag column (`duplicate_key`), so the
failing-value samples that GX writes into results and data docs can never hold a name or a
credit code (enterprise rows are confidential: docs/methodology.md).

`blocking=True` suites protect the numbers leaders see: their asset checks are blocking, so a
failure stops the publish step of the same run. The raw suites warn; the uniqueness rules whose
violation would change a total are blocking dbt tests on the staged raw tables
(assert_one_activity_value_per_region_year_variable, the energy-balance cell and indicator
grains, one line per source of a report version in stg_raw__enterprise_report_lines), which stop
the build with a message naming the duplicate key.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import polars as pl
import yaml

E = gx.expectations

# Columns that identify an enterprise: kept out of every frame handed to GX.
IDENTIFYING_COLUMNS = frozenset({"credit_code", "enterprise_name", "source_name"})

DATA_STATUSES = ["reported", "verified", "rechecked"]
SOURCE_CATEGORIES = ["combustion", "process", "electricity", "heat"]
CANONICAL_ACTIVITY_UNITS = ["t", "10^4Nm3", "MWh", "GJ", "tce"]
REGION_LEVELS = ["province", "city", "county"]
# The barometer's status vocabulary lives in one seed (dbt_project/seeds/ref_target_statuses.csv).
with (Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "ref_target_statuses.csv").open(encoding="utf-8", newline="") as _handle:
    TARGET_STATUSES = [row["status_code"] for row in csv.DictReader(_handle)]
YEARS = (2000, 2035)

# Plausible ranges for a Chinese province, city or county (tce per 10⁴ yuan of GDP at constant
# 2015 prices; national average ≈ 0.5, the heaviest industrial counties stay below 10).
ENERGY_INTENSITY_RANGE = (0.0, 20.0)
# t CO2 per 10⁴ yuan. co2_for_intensity_t deducts exported electricity at most down to zero
# (docs/methodology.md, "Electricity"), so it is never negative; the upper bound catches unit slips.
CARBON_INTENSITY_RANGE = (0.0, 60.0)
# The hierarchy residual (region minus the sum of its children, fct_region_year.residual_fraction
# as dbt computes it) may differ by statistics discrepancy, but not by more than this share of the
# region's own total. The number lives with the other tolerances, in dbt_project.yml's vars.
RESIDUAL_TOLERANCE = float(
    yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    ["vars"]["residual_plausibility_fraction"]
)


def _duplicate_flag(keys: Sequence[str]) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Add `duplicate_key` (True on every row whose key occurs more than once), computed before GX
    so that the key's values – a credit code among them – never enter a result."""

    def prepare(frame: pl.DataFrame) -> pl.DataFrame:
        if frame.is_empty():
            return frame.with_columns(duplicate_key=pl.lit(False))
        return frame.with_columns(duplicate_key=pl.len().over(list(keys)) > 1)

    return prepare


@dataclass(frozen=True)
class Suite:
    name: str
    schema: str
    table: str
    columns: tuple[str, ...]  # read from the table (never an identifying column)
    expectations: Callable[[], list]
    blocking: bool = False
    description: str = ""
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    key_columns: tuple[str, ...] = field(default=())  # read for `prepare` only, dropped before GX

    @property
    def asset_key_path(self) -> list[str]:
        return [self.schema, self.table]


def _raw_enterprise_lines() -> list:
    return [
        E.ExpectColumnValuesToNotBeNull(column="report_year"),
        E.ExpectColumnValuesToBeBetween(column="report_year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToBeInSet(column="data_status", value_set=DATA_STATUSES),
        E.ExpectColumnValuesToBeInSet(column="source_category", value_set=SOURCE_CATEGORIES),
        E.ExpectColumnValuesToBeInSet(column="activity_unit", value_set=CANONICAL_ACTIVITY_UNITS),
        E.ExpectColumnValuesToBeBetween(column="oxidation_fraction", min_value=0, max_value=1),
        E.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^\d{6}$"),
        # one line per (enterprise, year, status, category, source) within one file
        E.ExpectColumnValuesToBeInSet(column="duplicate_key", value_set=[False]),
    ]


def _raw_energy_balance() -> list:
    return [
        E.ExpectColumnValuesToNotBeNull(column="region_code"),
        E.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^\d{6}$"),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToNotBeNull(column="fuel_code"),
        E.ExpectColumnValuesToNotBeNull(column="item_code"),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set=CANONICAL_ACTIVITY_UNITS),
        E.ExpectColumnValuesToBeInSet(column="duplicate_key", value_set=[False]),
    ]


def _raw_activity_statistics() -> list:
    return [
        E.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^\d{6}$"),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToNotBeNull(column="variable_code"),
        E.ExpectColumnValuesToBeInSet(column="duplicate_key", value_set=[False]),
    ]


def _raw_market_daily() -> list:
    return [
        E.ExpectColumnValuesToNotBeNull(column="trade_date"),
        E.ExpectColumnValuesToBeBetween(column="close", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="volume_t", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="turnover_yuan", min_value=0),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="low", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="close", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="close", column_B="low", or_equal=True, ignore_row_if="either_value_is_missing"),
    ]


def _fct_region_year() -> list:
    return [
        E.ExpectColumnValuesToNotBeNull(column="region_code"),
        E.ExpectColumnValuesToBeInSet(column="level", value_set=REGION_LEVELS),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["region_code", "year"]),
        E.ExpectColumnValuesToBeBetween(column="energy_consumption_tce", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="co2_t", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="gdp_const_10k_yuan", min_value=0, strict_min=True),
        E.ExpectColumnValuesToBeBetween(
            column="energy_intensity", min_value=ENERGY_INTENSITY_RANGE[0], max_value=ENERGY_INTENSITY_RANGE[1]
        ),
        E.ExpectColumnValuesToBeBetween(
            column="carbon_intensity", min_value=CARBON_INTENSITY_RANGE[0], max_value=CARBON_INTENSITY_RANGE[1]
        ),
        E.ExpectColumnValuesToBeBetween(column="residual_fraction", min_value=0, max_value=RESIDUAL_TOLERANCE),
    ]


def _fct_target_progress() -> list:
    return [
        E.ExpectColumnValuesToBeInSet(column="status", value_set=TARGET_STATUSES),
        E.ExpectColumnValuesToNotBeNull(column="region_code"),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["region_code", "indicator_code", "plan_period", "year"]),
    ]


def _fct_energy_emissions() -> list:
    return [
        E.ExpectColumnValuesToBeBetween(column="co2_t", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectCompoundColumnsToBeUnique(column_list=["region_code", "year", "sector_code", "fuel_code"]),
    ]


def _fct_enterprise_year() -> list:
    return [
        E.ExpectColumnValuesToBeInSet(column="data_status", value_set=DATA_STATUSES),
        E.ExpectColumnValuesToBeBetween(column="co2_t", min_value=0),
        E.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
        E.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^\d{6}$"),
        E.ExpectColumnValuesToBeInSet(column="duplicate_key", value_set=[False]),
    ]


SUITES: tuple[Suite, ...] = (
    Suite(
        "raw_enterprise_report_lines",
        "raw",
        "enterprise_report_lines",
        ("report_year", "data_status", "source_category", "activity_unit", "oxidation_fraction", "region_code"),
        _raw_enterprise_lines,
        description="企业报告明细行 / raw enterprise report lines: years, statuses, units, no duplicate lines",
        prepare=_duplicate_flag(["source_file", "credit_code", "report_year", "data_status", "source_category", "source_name", "source_sheet"]),
        key_columns=("source_file", "source_sheet", "credit_code", "source_name"),
    ),
    Suite(
        "raw_energy_balance",
        "raw",
        "energy_balance",
        ("region_code", "year", "fuel_code", "item_code", "unit"),
        _raw_energy_balance,
        description="能源平衡表 / raw energy balance: region codes, years, canonical units, one value per cell",
        prepare=_duplicate_flag(["region_code", "year", "item_code", "fuel_code"]),
    ),
    Suite(
        "raw_activity_statistics",
        "raw",
        "activity_statistics",
        ("region_code", "year", "variable_code"),
        _raw_activity_statistics,
        description="经济指标 / raw activity statistics: region codes, years, one value per region, year and variable",
        prepare=_duplicate_flag(["region_code", "year", "variable_code"]),
    ),
    Suite(
        "raw_market_daily",
        "raw",
        "market_daily",
        ("trade_date", "open", "high", "low", "close", "volume_t", "turnover_yuan"),
        _raw_market_daily,
        description="碳市场日行情 / raw exchange prices: OHLC order, no negative prices or volumes",
    ),
    Suite(
        "fct_region_year",
        "marts",
        "fct_region_year",
        (
            "region_code", "year", "level", "energy_consumption_tce", "co2_t", "gdp_const_10k_yuan",
            "energy_intensity", "carbon_intensity", "residual_fraction",
        ),
        _fct_region_year,
        blocking=True,
        description="地区年度指标 / region-year mart: plausible intensities, positive GDP, hierarchy residual within tolerance",
    ),
    Suite(
        "fct_target_progress",
        "marts",
        "fct_target_progress",
        ("region_code", "indicator_code", "plan_period", "year", "status"),
        _fct_target_progress,
        blocking=True,
        description="目标进度 / target progress mart: status values, one row per region, indicator, period and year",
    ),
    Suite(
        "fct_energy_emissions",
        "marts",
        "fct_energy_emissions",
        ("region_code", "year", "sector_code", "fuel_code", "co2_t"),
        _fct_energy_emissions,
        blocking=True,
        description="能源排放 / energy emissions mart: no negative CO2, unique grain",
    ),
    Suite(
        "fct_enterprise_year",
        "marts",
        "fct_enterprise_year",
        ("year", "region_code", "data_status", "co2_t"),
        _fct_enterprise_year,
        blocking=True,
        description="企业年度排放 / enterprise-year mart: status values, no negative CO2, one row per enterprise and year",
        prepare=_duplicate_flag(["credit_code", "year"]),
        key_columns=("credit_code",),
    ),
)
