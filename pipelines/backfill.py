"""Year backfill: reload one report year of the statistics and enterprise reports, on top of
what is published, without rebuilding every other year from the inbox.

Why: an office receives a corrected 2018 energy balance or a batch of re-checked 2018 reports
long after the year closed. The job `backfill_years` (partitioned by year) then
1. copies the published warehouse into this run's build file (never writing the served file);
2. re-reads the inbox's enterprise reports and energy statistics, keeps the rows of that year and
   replaces that year's rows in the raw tables (DELETE + INSERT: running it twice leaves the
   same rows), and refreshes those families' quarantine register from the inbox as it is now;
3. runs `dbt build` (models and tests), then the blocking Great Expectations suites;
4. publishes exactly as the nightly build does (atomic swap, public file, run summary).
A failure at any step publishes nothing. Each partition is one run; runs carry the writer pool and
tag, so a multi-year backfill queues behind the nightly build and behind itself, one at a time.
Exchange prices are daily and arrive as whole-history exports; the nightly build reloads them.
"""

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl
from dagster import (
    AssetMaterialization,
    Failure,
    MetadataValue,
    OpExecutionContext,
    StaticPartitionsDefinition,
    in_process_executor,
    job,
    op,
)
from dagster_dbt import DbtCliResource

from pipelines.assets.checks import evaluate
from pipelines.assets.dbt import dbt_run_vars
from pipelines.assets.ingestion import FAMILIES, PREVIOUS_COVERAGE_TABLE, RAW, previous_coverage, read_settled
from pipelines.assets.publish import PUBLISHED_KEY, publish_run
from pipelines.dbt_project import ensure_manifest
from pipelines.ingest.common import files_frame
from pipelines.ingest.schemas import QUARANTINE_SCHEMA
from pipelines.resources import WarehouseResource
from pipelines.retries import INGESTION_RETRY
from pipelines.run_summary import record_failed_run
from pipelines.warehouse import replace_rows, replace_table
from pipelines.writer_lock import WRITER_POOL
from quality.suites import SUITES

FIRST_YEAR, LAST_YEAR = 2005, 2035  # the 2005 base year of the 11th plan to the 15th plan's end
YEAR_PARTITIONS = StaticPartitionsDefinition([str(year) for year in range(FIRST_YEAR, LAST_YEAR + 1)])

# The families a year backfill reloads, and the column that gives each raw table's year.
BACKFILL_FAMILIES = ("enterprise_reports", "energy_statistics")
YEAR_COLUMNS = {
    "enterprise_report_lines": "report_year",
    "enterprise_report_deliveries": "report_year",
    "ets_allocations": "compliance_year",
    "energy_balance": "year",
    "activity_statistics": "year",
    "indicator_statistics": "year",
}


class NothingPublished(RuntimeError):
    """A backfill builds on the published warehouse; there is none yet."""


def seed_build_file(published: Path, build_file: Path) -> Path:
    """Copy the published warehouse to build_file (the served file is only ever read)."""
    if not published.exists():
        raise NothingPublished(
            f"{published} does not exist: a year backfill builds on the published warehouse; run the nightly build "
            "(`ghg build`) first"
        )
    build_file.parent.mkdir(parents=True, exist_ok=True)
    for stale in (build_file, build_file.with_name(build_file.name + ".wal")):
        stale.unlink(missing_ok=True)
    # The publisher swaps files with os.replace, so an open handle copies one whole version.
    shutil.copyfile(published, build_file)
    return build_file


def replace_year_rows(db_path: Path, table: str, frame: pl.DataFrame, column: str, years: Iterable[int]) -> tuple[int, int]:
    """Delete the years' rows of raw.<table> and insert frame's rows of those years; returns (deleted, inserted)."""
    years = sorted({int(year) for year in years})
    rows = frame.filter(pl.col(column).is_in(years))
    with duckdb.connect(str(db_path)) as con:
        con.execute("BEGIN")
        deleted = con.execute(f'DELETE FROM {RAW}."{table}" WHERE "{column}" IN (SELECT unnest(?::INTEGER[]))', [years]).fetchone()[0]
        con.register("year_rows", rows.to_arrow())
        con.execute(f'INSERT INTO {RAW}."{table}" BY NAME SELECT * FROM year_rows')
        con.unregister("year_rows")
        # One physical order whatever was deleted and appended before: the marts sum floats in
        # scan order, so the same rows in the same order give the same marts to the last bit,
        # and a backfill run twice publishes identical tables.
        con.execute(f'CREATE OR REPLACE TABLE {RAW}."{table}" AS SELECT * FROM {RAW}."{table}" ORDER BY ALL')
        con.execute("COMMIT")
    return deleted, rows.height


def reload_years(db_path: Path, inbox: Path, years: Iterable[int], families: Iterable[str] = BACKFILL_FAMILIES) -> dict[str, tuple[int, int]]:
    """Re-read the families from the inbox and replace the years' rows in db_path's raw tables.

    Returns {table: (rows deleted, rows inserted)} plus {"quarantine/<family>": (0, rows)}.
    """
    years = sorted({int(year) for year in years})
    changes: dict[str, tuple[int, int]] = {}
    for family in families:
        _, tables = FAMILIES[family]
        result = read_settled(family, inbox)
        for table in tables:
            changes[table] = replace_year_rows(db_path, table, result.tables[table], YEAR_COLUMNS[table], years)
        # A quarantined row may have no readable year; the family's registers are refreshed whole.
        quarantined = replace_rows(db_path, RAW, "quarantine", result.quarantine.cast(QUARANTINE_SCHEMA), "source_family", family)
        replace_rows(db_path, RAW, "source_files", files_frame(result), "source_family", family)
        changes[f"quarantine/{family}"] = (0, quarantined)
    return changes


# --- the Dagster job: thin ops over the functions above ----------------------------------------


@op(pool=WRITER_POOL, retry_policy=INGESTION_RETRY, description="Copy the published warehouse into this run's build file and reload the partition's year from the inbox.")
def reload_year_from_inbox(context: OpExecutionContext, warehouse: WarehouseResource) -> int:
    year = int(context.partition_key)
    try:
        build_file = seed_build_file(warehouse.published_file(), warehouse.build_file(context.run.run_id))
    except NothingPublished as missing:
        raise Failure(description=str(missing), allow_retries=False) from None  # not transient: no retry
    changes = reload_years(build_file, warehouse.inbox(), [year])
    # The completeness gate compares this build with what is published now.
    replace_table(build_file, RAW, PREVIOUS_COVERAGE_TABLE, previous_coverage(warehouse.root()))
    for table, (deleted, inserted) in changes.items():
        context.log.info(f"{table}: {deleted} rows of {year} removed, {inserted} loaded")
    return year


@op(pool=WRITER_POOL, description="dbt build (every model and test) on this run's build file.")
def rebuild_models(context: OpExecutionContext, year: int, dbt: DbtCliResource, warehouse: WarehouseResource) -> int:
    # The dbt profile reads the file from GHG_DUCKDB_PATH; dbt runs as a child of this process.
    os.environ["GHG_DUCKDB_PATH"] = str(warehouse.build_file(context.run.run_id))
    invocation = dbt.cli(["build", *dbt_run_vars(context.run.tags)], manifest=ensure_manifest(), raise_on_error=False)
    invocation.wait()
    if not invocation.is_successful():
        raise Failure(description=f"dbt build failed for the {year} backfill; nothing published (see the dbt log in this step)")
    return year


@op(pool=WRITER_POOL, description="The Great Expectations suites on the build file; a failing blocking suite stops the run.")
def check_quality(context: OpExecutionContext, year: int, warehouse: WarehouseResource) -> list:
    checks = []
    for suite in SUITES:
        result = evaluate(suite, warehouse, context.run.run_id)
        checks.append({"kind": "check", "source_family": f"{suite.schema}/{suite.table}", "name": f"gx_{suite.name}",
                       "rows": None, "passed": bool(result.passed), "blocking": suite.blocking,
                       "description": result.description or ""})
    blocking = [check for check in checks if check["blocking"] and not check["passed"]]
    if blocking:
        raise Failure(
            description="blocking checks failed: " + "; ".join(f"{c['name']}: {c['description']}" for c in blocking),
            metadata={"failed_checks": ", ".join(c["name"] for c in blocking)},
        )
    return [{key: check[key] for key in ("kind", "source_family", "name", "rows", "passed")} for check in checks]


@op(pool=WRITER_POOL, description="Publish the build file as the served warehouse (atomic swap), as the nightly build does.")
def publish_backfill(context: OpExecutionContext, checks: list, warehouse: WarehouseResource) -> None:
    metadata = publish_run(context, warehouse, checks=checks)
    context.log_event(AssetMaterialization(
        asset_key=PUBLISHED_KEY,
        partition=None,
        description=f"published after reloading {context.partition_key}",
        metadata={**metadata, "backfilled_year": MetadataValue.text(context.partition_key)},
    ))


@job(
    partitions_def=YEAR_PARTITIONS,
    executor_def=in_process_executor,
    tags={"ghg/writer": "warehouse"},
    hooks={record_failed_run},
    description="Reload one report year of statistics and enterprise reports from the inbox on top of the published "
    "warehouse, rebuild, check and publish. Launch a backfill of several years from the UI or "
    "`dagster job backfill -j backfill_years --partitions 2018,2019`.",
)
def backfill_years():
    publish_backfill(check_quality(rebuild_models(reload_year_from_inbox())))
