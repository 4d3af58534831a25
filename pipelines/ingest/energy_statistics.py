"""Energy statistics → raw.energy_balance, raw.industry_energy, raw.activity_statistics,
raw.indicator_statistics, raw.production_statistics, raw.inventory_activity (§2).

One reader per shape: yearbook energy balance tables (energy_balance.py) and industry tables
(industry_energy.py), the province's long table of economic indicators (activity_statistics.py),
and the long-format CSV files of other departments (department_indicators.py), of production
(production_statistics.py) and of the other inventory sectors' activity (inventory_activity.py).
Here they are read together, and a corrected re-delivery replaces the older file's rows for the
same key.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.activity_statistics import read_activity_workbook
from pipelines.ingest.catalog import (
    ACTIVITY_FOLDER, BALANCE_FOLDER, INDICATOR_FOLDER, INDUSTRY_FOLDER, INVENTORY_FOLDER, PRODUCTION_FOLDER,
)  # fmt: skip
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.checks import quarantine_frame, quarantine_row
from pipelines.ingest.department_indicators import read_department_indicators_csv
from pipelines.ingest.energy_balance import read_energy_balance_workbook
from pipelines.ingest.industry_energy import read_industry_energy_workbook
from pipelines.ingest.inventory_activity import read_inventory_activity_csv
from pipelines.ingest.production_statistics import read_production_statistics_csv
from pipelines.ingest.results import ReadResult, read_each


def read_energy_statistics(inbox_dir: Path) -> ReadResult:
    """Every balance, industry and activity workbook, department, production and inventory CSV under energy_statistics/."""
    inbox_dir = Path(inbox_dir)
    results = read_each(
        FAMILY, BALANCE_FOLDER.kind, read_energy_balance_workbook, BALANCE_FOLDER.files(inbox_dir), inbox_dir
    )
    results += read_each(
        FAMILY, INDUSTRY_FOLDER.kind, read_industry_energy_workbook, INDUSTRY_FOLDER.files(inbox_dir), inbox_dir
    )
    results += read_each(
        FAMILY, ACTIVITY_FOLDER.kind, read_activity_workbook, ACTIVITY_FOLDER.files(inbox_dir), inbox_dir
    )
    results += read_each(
        FAMILY, INDICATOR_FOLDER.kind, read_department_indicators_csv, INDICATOR_FOLDER.files(inbox_dir), inbox_dir
    )
    results += read_each(
        FAMILY, PRODUCTION_FOLDER.kind, read_production_statistics_csv, PRODUCTION_FOLDER.files(inbox_dir), inbox_dir
    )
    results += read_each(
        FAMILY, INVENTORY_FOLDER.kind, read_inventory_activity_csv, INVENTORY_FOLDER.files(inbox_dir), inbox_dir
    )
    return resolve_redeliveries(ReadResult.combine(results, FAMILY), inbox_dir)


# What one delivery states, per table: a balance sheet is a region-year, an activity,
# indicator, production or inventory row a region-year-variable. The same key in a newer file replaces the older file's.
REDELIVERY_KEYS = {
    "energy_balance": (("region_code", "year"), "balance table {} {} (region, year)"),
    "industry_energy": (("region_code", "year"), "industry table {} {} (region, year)"),
    "activity_statistics": (("region_code", "year", "variable_code"), "activity value {} {} {} (region, year, variable)"),
    "indicator_statistics": (("region_code", "year", "indicator_code"), "indicator {} {} {} (region, year, indicator)"),
    "production_statistics": (("region_code", "year", "product_code"), "production figure {} {} {} (region, year, product)"),
    "inventory_activity": (("region_code", "year", "item_code"), "inventory activity figure {} {} {} (region, year, item)"),
}


def _delivery_time(inbox_dir: Path, source_file: str) -> float:
    try:
        return (inbox_dir / source_file).stat().st_mtime
    except OSError:  # a file that vanished sorts first
        return 0.0


def resolve_redeliveries(result: ReadResult, inbox_dir: Path) -> ReadResult:
    """A corrected re-delivery replaces the older file's rows for the same key (see REDELIVERY_KEYS).

    The files holding a key are ordered by modification time, then name; the newest file's rows
    stay and the older files' rows for that key go to raw.quarantine ("superseded: … re-delivered
    corrected in <file>"). Two files sharing the newest modification time are not resolved: which
    one is the correction cannot be told, so both stay and the dbt uniqueness tests block the
    build. Conflicting values within one file are never resolved here either.
    """
    inbox_dir = Path(inbox_dir)
    tables = dict(result.tables)
    problems: list[dict[str, object]] = []
    for table, (key, what) in REDELIVERY_KEYS.items():
        frame = tables[table]
        if frame.is_empty():
            continue
        files_per_key = frame.select(*key, "source_file").unique()
        repeated = files_per_key.filter(pl.len().over(list(key)) > 1)
        if repeated.is_empty():
            continue
        times = {f: _delivery_time(inbox_dir, f) for f in repeated["source_file"].unique().to_list()}
        dropped: list[dict[str, object]] = []
        for values, group in repeated.group_by(list(key)):
            deliveries = sorted(group["source_file"].to_list(), key=lambda f: (times[f], f))
            winner = deliveries[-1]
            if times[deliveries[-2]] == times[winner]:
                continue  # same modification time: ambiguous, left to the blocking checks
            described = what.format(*values)
            for older in deliveries[:-1]:
                dropped.append(
                    {
                        **dict(zip(key, values, strict=True)),
                        "source_file": older,
                        "_reason": f"superseded: the {described} was re-delivered corrected in {winner}, "
                        "which replaces this file's rows",
                    }
                )
        if not dropped:
            continue
        keyed = pl.DataFrame(dropped, schema={**{c: frame.schema[c] for c in key}, "source_file": pl.Utf8, "_reason": pl.Utf8})
        marked = frame.join(keyed, on=[*key, "source_file"], how="left", nulls_equal=True)
        superseded = (
            marked.filter(pl.col("_reason").is_not_null())
            .select("source_file", "source_sheet", "source_row", *key, "_reason")
            .unique(subset=["source_file", "source_sheet", "source_row", "_reason"], maintain_order=True)
        )
        for r in superseded.iter_rows(named=True):
            problems.append(
                quarantine_row(
                    FAMILY, r["source_file"], r["_reason"], sheet=r["source_sheet"], row=r["source_row"],
                    column="/".join(key), value=" ".join(str(r[c]) for c in key),
                )
            )  # fmt: skip
        tables[table] = marked.filter(pl.col("_reason").is_null()).drop("_reason")
    if not problems:
        return result
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, tables, quarantine, result.files)
