"""Publication: the run's build file becomes the served warehouse, or nothing happens."""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from pipelines import paths
from pipelines.assets.dbt import ghg_dbt_assets
from pipelines.public_warehouse import publish_public_warehouse
from pipelines.writer_lock import WRITER_POOL
from pipelines.resources import WarehouseResource
from pipelines.run_summary import record as record_run
from pipelines.warehouse import prune_builds, publish

PUBLISHED_KEY = AssetKey(["warehouse", "ghg"])


@asset(
    key=PUBLISHED_KEY,
    # Downstream of every dbt node: if any model or blocking test failed, the dbt step failed
    # and Dagster never starts this one, so yesterday's warehouse stays in place.
    deps=list(ghg_dbt_assets.keys),
    group_name="publish",
    kinds={"duckdb"},
    pool=WRITER_POOL,
    description="已发布数据仓库 / the published warehouse (warehouse/ghg.duckdb), swapped in atomically.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    return MaterializeResult(metadata=publish_run(context, warehouse))


def publish_run(context, warehouse: WarehouseResource, checks: list[dict] | None = None) -> dict:
    """Swap this run's build file in as the served warehouse, write the public file beside it,
    prune old build files and record the run summary; returns the metadata to report.

    Shared by the nightly job's publish asset and the year backfill job's publish op (context is
    either's execution context: run, instance and log are all it uses).
    """
    run_id = context.run.run_id
    build_file = warehouse.build_file(run_id)
    publication = publish(build_file, warehouse.published_file())
    public_file = warehouse.root() / paths.public_path().name  # ghg_public.duckdb beside ghg.duckdb
    public_tables = publish_public_warehouse(publication.published_path, public_file)
    context.log.info(f"published the public warehouse {public_file} ({len(public_tables)} aggregate tables)")
    removed = prune_builds(warehouse.root() / "build")
    context.log.info(f"published {publication.published_path} ({publication.size_bytes:,} bytes)")
    try:  # the summary (pipelines/run_summary.py) must not undo a publication that happened
        summary = record_run(context.instance, run_id, warehouse, published=True,
                             database=publication.published_path, checks=checks)
        context.log.info(
            f"run summary: {summary['rows_loaded']} rows loaded, {summary['rows_quarantined']} quarantined, "
            f"checks {summary['checks_passed']} passed / {summary['checks_failed']} failed, published"
        )
    except Exception as exc:
        context.log.error(f"could not write the run summary: {exc}")
    return {
        "path": str(publication.published_path),
        "size_bytes": publication.size_bytes,
        "run_id": run_id,
        "old_build_files_removed": len(removed),
        "public_path": str(public_file),
        **{f"rows_{name}": rows for name, rows in publication.tables.items()},
    }
