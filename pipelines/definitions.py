"""The one Dagster entry point: every asset, check, job and resource of the platform."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from pipelines.assets.checks import quality_checks
from pipelines.assets.dbt import ghg_dbt_assets
from pipelines.assets.ingestion import ingestion_assets, previous_publication_coverage, raw_registers
from pipelines.assets.publish import published_warehouse
from pipelines.dbt_project import DBT_EXECUTABLE, dbt_project
from pipelines.partitions import BUILD_PARTITIONS
from pipelines.resources import WarehouseResource
from pipelines.run_summary import record_failed_run
from pipelines.schedules import nightly_build_schedule
from pipelines.sensors import alert_on_run_failure, inbox_sensor

# One process writes the build file at a time: DuckDB allows a single read-write process, so
# the steps of a build run one after another in the run's own process.
# The one build graph, partitioned (pipelines/partitions.py): partition "all" is the nightly full
# build, a year partition reloads that report year on top of the publication (a backfill: launch
# it on the year partitions in the UI, `dagster job backfill -j nightly_build --partitions 2018`,
# or `ghg build --years 2018`).
nightly_build = define_asset_job(
    name="nightly_build",
    selection=AssetSelection.all(),
    partitions_def=BUILD_PARTITIONS,
    executor_def=in_process_executor,
    # Runs launched by Dagster (schedule, sensor, UI) queue behind each other: dagster.yaml
    # limits the tag ghg/writer to one run at a time (see pipelines/dagster.yaml).
    tags={"ghg/writer": "warehouse"},
    # A failed step writes the run summary (publish writes it on success): see run_summary.py.
    hooks={record_failed_run},
    description="Ingest the inbox (partition 'all') or reload one report year (a year partition), build every dbt "
    "model and test, publish the warehouse if all blocking checks pass.",
)

defs = Definitions(
    assets=[*ingestion_assets, raw_registers, previous_publication_coverage, ghg_dbt_assets, published_warehouse],
    asset_checks=quality_checks(
        [*(key for asset in ingestion_assets for key in asset.keys), *ghg_dbt_assets.keys]
    ),
    jobs=[nightly_build],
    schedules=[nightly_build_schedule],
    sensors=[inbox_sensor, alert_on_run_failure],
    resources={
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        "warehouse": WarehouseResource(),
    },
)
