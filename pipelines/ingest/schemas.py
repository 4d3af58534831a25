"""Column names and types of the raw tables, in the order of sources/README.md ("Raw tables").

The dbt staging models read these tables, so the names, order and types here are a contract:
change them only together with the spec. Every reader returns frames with exactly these
schemas, also when a file yields no rows, so an empty inbox still builds empty tables.
"""

from __future__ import annotations

import polars as pl

# Where every raw row came from: the file relative to the inbox (POSIX), the sheet (null for
# CSV) and the 1-based row as a clerk sees it in Excel or a text editor, header rows counted.
_PROVENANCE = {
    "source_file": pl.Utf8,
    "source_sheet": pl.Utf8,
    "source_row": pl.Int32,
}

ENTERPRISE_REPORT_LINES_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "credit_code": pl.Utf8,
        "enterprise_name": pl.Utf8,
        "region_code": pl.Utf8,
        "sector_code": pl.Utf8,
        "in_ets": pl.Boolean,
        "report_year": pl.Int32,
        "data_status": pl.Utf8,  # 'reported' | 'verified' | 'rechecked'
        "submitted_on": pl.Date,
        "source_category": pl.Utf8,  # 'combustion' | 'process' | 'electricity' | 'heat'
        "source_name": pl.Utf8,
        "fuel_code": pl.Utf8,
        "activity_value": pl.Float64,  # in activity_unit (canonical)
        "activity_unit": pl.Utf8,
        "activity_value_original": pl.Float64,
        "activity_unit_original": pl.Utf8,
        "ncv_gj_per_unit": pl.Float64,  # GJ per canonical activity unit (t or 10^4Nm3)
        "carbon_content_tc_per_tj": pl.Float64,
        "oxidation_fraction": pl.Float64,  # 0.98, never 98
        "emission_factor": pl.Float64,  # tCO2 per canonical activity unit
        "emission_factor_unit": pl.Utf8,  # tCO2/t, tCO2/MWh, tCO2/GJ, tCO2/10^4Nm3
        "reported_co2_t": pl.Float64,
    }
)

ENERGY_BALANCE_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "source_column": pl.Utf8,  # Excel column letter of the fuel, so a figure leads to its cell
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "item_code": pl.Utf8,
        "fuel_code": pl.Utf8,
        "value": pl.Float64,  # signed as published (inputs negative, outputs positive)
        "unit": pl.Utf8,
        "value_original": pl.Float64,
        "unit_original": pl.Utf8,
    }
)

# The yearbook table 工业分行业终端能源消费量（实物量）: one row per region, year, industrial
# division (GB/T 4754-2017, 06–46), fuel and use (the division's final consumption, or its
# 其中：用作原料、材料 sub-row, which is part of it and not burned).
INDUSTRY_ENERGY_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "source_column": pl.Utf8,  # Excel column letter of the fuel, so a figure leads to its cell
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "division_code": pl.Utf8,  # two digits, ref_industry_divisions
        "is_feedstock": pl.Boolean,  # true: the 其中：用作原料、材料 sub-row of the division
        "fuel_code": pl.Utf8,
        "value": pl.Float64,  # canonical unit, never negative
        "unit": pl.Utf8,
        "value_original": pl.Float64,
        "unit_original": pl.Utf8,
    }
)

ACTIVITY_STATISTICS_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "variable_code": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "value_original": pl.Float64,
        "unit_original": pl.Utf8,
    }
)

INDICATOR_STATISTICS_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "indicator_code": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "value_original": pl.Float64,
        "unit_original": pl.Utf8,
        "department": pl.Utf8,
    }
)

# Production statistics (top-down industrial process emissions): one row per region, year and
# product, the amount in the product's canonical unit (t).
PRODUCTION_STATISTICS_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "product_code": pl.Utf8,
        "amount": pl.Float64,
        "unit": pl.Utf8,
        "amount_original": pl.Float64,
        "unit_original": pl.Utf8,
    }
)

# Activity data of the guideline's other sectors (agriculture, waste; ref_inventory_activity_items):
# one row per region, year and item, the amount in the item's canonical unit.
INVENTORY_ACTIVITY_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "region_code": pl.Utf8,
        "year": pl.Int32,
        "item_code": pl.Utf8,
        "amount": pl.Float64,
        "unit": pl.Utf8,
        "amount_original": pl.Float64,
        "unit_original": pl.Utf8,
    }
)

# Prices have no sheet: every exchange file is a CSV.
MARKET_DAILY_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "source_row": pl.Int32,
        "exchange_code": pl.Utf8,
        "product_code": pl.Utf8,
        "trade_date": pl.Date,
        "open": pl.Float64,  # yuan/t
        "high": pl.Float64,
        "low": pl.Float64,
        "close": pl.Float64,
        "vwap": pl.Float64,
        "volume_t": pl.Float64,
        "turnover_yuan": pl.Float64,
        "trade_type": pl.Utf8,  # 'auction' | 'block'
    }
)

# Allowance allocation and surrender (enterprise_reports/allocations/), all amounts in t CO2.
ETS_ALLOCATIONS_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "credit_code": pl.Utf8,
        "compliance_year": pl.Int32,
        "scheme_code": pl.Utf8,  # 'national' unless the file has a 市场 column
        "free_allowances_t": pl.Float64,
        "auctioned_allowances_t": pl.Float64,
        "ccer_surrendered_t": pl.Float64,
        "allowances_surrendered_t": pl.Float64,
    }
)

# Verifier tasks of the MRV year (enterprise_reports/mrv/核查任务_<year>.csv): which verification body
# was given which enterprise's report year, and which bodies consulted for it (a conflict of interest).
MRV_VERIFIER_TASKS_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "credit_code": pl.Utf8,
        "report_year": pl.Int32,
        "task_type": pl.Utf8,  # 'verification' | 'recheck' | 'consulting'
        "verifier_code": pl.Utf8,  # the verification body's unified social credit code
        "verifier_name": pl.Utf8,
        "assigned_on": pl.Date,  # null only on consulting rows
        "scheme_code": pl.Utf8,  # 'national' unless the file has a 碳市场 column
    }
)

# Captive (self-owned) power plants (enterprise_reports/mrv/自备电厂_*.csv): installed capacity in kW,
# the provincial add-on rule of the inclusion list.
MRV_CAPTIVE_POWER_SCHEMA = pl.Schema(
    {
        **_PROVENANCE,
        "credit_code": pl.Utf8,
        "year": pl.Int32,
        "captive_power_kw": pl.Float64,
    }
)

QUARANTINE_SCHEMA = pl.Schema(
    {
        "source_family": pl.Utf8,  # 'enterprise_reports' | 'energy_statistics' | 'exchange_prices'
        "source_file": pl.Utf8,
        "source_sheet": pl.Utf8,
        "source_row": pl.Int32,  # null when the whole file or sheet was rejected
        "column_name": pl.Utf8,  # the header as written in the file
        "value": pl.Utf8,  # the cell as written
        "reason": pl.Utf8,
        # True for a problem that must stop publication (an unknown energy-balance fuel column
        # holding amounts: its energy and CO2 would vanish); the blocking dbt test
        # assert_no_blocking_quarantine names the file, sheet and column. False otherwise.
        "blocks_publication": pl.Boolean,
    }
)

# One row per delivery of an enterprise report: one report (credit code, year, status) as found
# in one file, and what became of it (sources/README.md, "Duplicates and re-delivered reports").
# Confidential like the lines: the credit code is kept as written.
ENTERPRISE_REPORT_DELIVERIES_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "credit_code": pl.Utf8,
        "report_year": pl.Int32,  # null when the year cell is not a whole number
        "data_status": pl.Utf8,  # 'reported' | 'verified' | 'rechecked' (the text as written when unknown)
        "delivery_status": pl.Utf8,  # 'in_force' | 'superseded' | 'duplicate' | 'held'
        "status_reason": pl.Utf8,  # null for in_force; the quarantine reason otherwise
        "lines_read": pl.Int32,  # every line attributed to the delivery, valid or not, duplicates included
        "lines_loaded": pl.Int32,  # its lines in raw.enterprise_report_lines (0 unless in_force)
        "lines_quarantined": pl.Int32,  # invalid lines (not identical copies, not the held/superseded copies)
        "lines_missing_vs_previous": pl.Utf8,  # '化石燃料燃烧/柴油|工业生产过程/熟料生产', in_force only
        "stated_total_co2_t": pl.Float64,  # the report's own total (汇总, 合计 rows); null when none stated
        "stated_category_totals": pl.Utf8,  # 'combustion=123.4|process=55' from the line sheets' 合计 rows
        "reported_lines_co2_t": pl.Float64,  # Σ 排放量 over every line read for the delivery, valid or not
    }
)

# One row per file a reader looked at (results.files_frame): the inventory of a build's inputs.
SOURCE_FILES_SCHEMA = pl.Schema(
    {
        "source_family": pl.Utf8,
        "source_file": pl.Utf8,
        "kind": pl.Utf8,  # e.g. 'enterprise_export_csv', 'energy_balance_workbook'
        "encoding": pl.Utf8,  # CSV only: 'utf-8', 'utf-8-sig' or 'gb18030'
        "size_bytes": pl.Int64,
        "modified_at": pl.Datetime("us", "UTC"),  # the delivery order of re-delivered files
        "rows_loaded": pl.Int64,
        "rows_quarantined": pl.Int64,
        "rejected": pl.Boolean,  # nothing of the file could be read
        "truncated": pl.Boolean,  # the file ends mid-row (cut off in transfer)
        "problem": pl.Utf8,  # the file-level reason, when rejected, truncated or without data rows
    }
)

# What the last publication covered (audit.audit_coverage of the published warehouse), copied into
# the build file by the ingestion step for the completeness gate (pipelines/assets/ingestion.py).
PREVIOUS_PUBLICATION_COVERAGE_SCHEMA = pl.Schema(
    {"source_family": pl.Utf8, "unit_kind": pl.Utf8, "year": pl.Int32, "unit_key": pl.Utf8, "rows_count": pl.Int64}
)

RAW_SCHEMAS: dict[str, pl.Schema] = {
    "enterprise_report_lines": ENTERPRISE_REPORT_LINES_SCHEMA,
    "energy_balance": ENERGY_BALANCE_SCHEMA,
    "activity_statistics": ACTIVITY_STATISTICS_SCHEMA,
    "industry_energy": INDUSTRY_ENERGY_SCHEMA,
    "indicator_statistics": INDICATOR_STATISTICS_SCHEMA,
    "production_statistics": PRODUCTION_STATISTICS_SCHEMA,
    "inventory_activity": INVENTORY_ACTIVITY_SCHEMA,
    "market_daily": MARKET_DAILY_SCHEMA,
    "ets_allocations": ETS_ALLOCATIONS_SCHEMA,
    "mrv_verifier_tasks": MRV_VERIFIER_TASKS_SCHEMA,
    "mrv_captive_power": MRV_CAPTIVE_POWER_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "enterprise_report_deliveries": ENTERPRISE_REPORT_DELIVERIES_SCHEMA,
    "source_files": SOURCE_FILES_SCHEMA,
    "previous_publication_coverage": PREVIOUS_PUBLICATION_COVERAGE_SCHEMA,
}


# Which family fills which raw table: pipelines/ingest/catalog.py (RAW_TABLES).


def schema_of(table: str) -> pl.Schema:
    """The schema of a raw table."""
    return RAW_SCHEMAS[table]


def empty_frame(table: str) -> pl.DataFrame:
    """A frame with the table's full schema and no rows."""
    return pl.DataFrame(schema=schema_of(table))


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Select and cast the table's columns in spec order (missing columns become null)."""
    schema = schema_of(table)
    if frame.width == 0:  # "nothing read": a literal select would broadcast to one row of nulls
        return empty_frame(table)
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )
