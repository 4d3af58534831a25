"""Publication: the run's build file and the public file copied from it become the published
pair (pipelines/publication.py), or nothing happens."""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from pipelines import incremental, partitions, publication
from pipelines.assets.dbt import ghg_dbt_assets
from pipelines.resources import WarehouseResource
from pipelines.run_summary import record as record_run
from pipelines.writer_lock import WRITER_POOL

PUBLISHED_KEY = AssetKey(["warehouse", "ghg"])


@asset(
    key=PUBLISHED_KEY,
    # Downstream of every dbt node: if any model or blocking test failed (the completeness gate,
    # the suppression checks among them), the dbt step failed and Dagster never starts this one,
    # so yesterday's pair of files stays in place.
    deps=list(ghg_dbt_assets.keys),
    group_name="publish",
    kinds={"duckdb"},
    partitions_def=partitions.BUILD_PARTITIONS,
    pool=WRITER_POOL,
    description="已发布数据仓库 / the published pair: warehouse/current → generations/<g>/{ghg,ghg_public}.duckdb, switched atomically.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    return MaterializeResult(metadata=publish_run(context, warehouse))


def publish_run(context, warehouse: WarehouseResource) -> dict:
    """Publish this run's build file with its public file, prune old build files and record the
    run summary; returns the metadata to report."""
    run_id = context.run.run_id
    accepted_drop = (context.run.tags.get(publication.ACCEPT_DROP_TAG) or "").strip() or None
    mode = incremental.read_mode(warehouse.build_file(run_id))
    generation = publication.publish_generation(
        warehouse.build_file(run_id), warehouse.root(), run_id=run_id, accepted_drop=accepted_drop,
        extra={"job": context.run.job_name, "trigger": context.run.tags.get("ghg/trigger", ""),
               "partition": context.run.tags.get("dagster/partition", partitions.FULL),
               "mode": "incremental" if mode.incremental else "full", "mode_reason": mode.reason},
    )
    removed = publication.prune_builds(warehouse.root() / publication.BUILD_FOLDER)
    files = generation.manifest["files"]
    flags = sum(generation.manifest["review_flags"].values())
    context.log.info(
        f"published generation {generation.name}: {generation.full} ({files[publication.FULL_NAME]['size_bytes']:,} bytes) "
        f"and {generation.public} ({files[publication.PUBLIC_NAME]['size_bytes']:,} bytes)"
        + (f"; drop accepted: {accepted_drop}" if accepted_drop else "")
        + (f"; {flags} review flag(s) published for review (audit.audit_review_flags; they do not block)" if flags else "")
    )
    try:  # the summary (pipelines/run_summary.py) must not undo a publication that happened
        summary = record_run(context.instance, run_id, warehouse, published=True, database=generation.full,
                             message=f"drop accepted: {accepted_drop}" if accepted_drop else "")
        context.log.info(
            f"run summary: {summary['rows_loaded']} rows loaded, {summary['rows_quarantined']} quarantined, "
            f"checks {summary['checks_passed']} passed / {summary['checks_failed']} failed, published"
        )
    except Exception as exc:
        context.log.error(f"could not write the run summary: {exc}")
    return {
        "generation": generation.name,
        "path": str(generation.full),
        "public_path": str(generation.public),
        "size_bytes": files[publication.FULL_NAME]["size_bytes"],
        "public_size_bytes": files[publication.PUBLIC_NAME]["size_bytes"],
        "run_id": run_id,
        "accepted_drop": accepted_drop or "",
        "old_build_files_removed": len(removed),
        "review_flags": flags,
        **{f"rows_{name}": rows for name, rows in files[publication.FULL_NAME]["tables"].items()},
    }
