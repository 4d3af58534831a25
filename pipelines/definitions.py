"""The one Dagster entry point: every asset, check, job and resource of the platform."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from pipelines.assets.dbt import ghg_dbt_assets
from pipelines.assets.ingestion import ingestion_assets, raw_quarantine
from pipelines.assets.publish import published_warehouse
from pipelines.dbt_project import DBT_EXECUTABLE, dbt_project
from pipelines.resources import WarehouseResource

# One process writes the build file at a time: DuckDB allows a single read-write process, so
# the steps of a build run one after another in the run's own process.
nightly_build = define_asset_job(
    name="nightly_build",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Ingest the inbox, build every dbt model and test, publish the warehouse if all blocking checks pass.",
)

defs = Definitions(
    assets=[*ingestion_assets, raw_quarantine, ghg_dbt_assets, published_warehouse],
    jobs=[nightly_build],
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        "warehouse": WarehouseResource(),
    },
)
