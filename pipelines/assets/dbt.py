"""The dbt project as Dagster assets: seeds, models and their tests, one `dbt build` per run."""


import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MaterializeResult
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines import incremental, lake, publication, spark_target
from pipelines.dbt_project import dbt_project, ensure_manifest
from pipelines.ingest.families import FAMILIES
from pipelines.partitions import BUILD_PARTITIONS
from pipelines.resources import WarehouseResource
from pipelines.writer_lock import WRITER_POOL


class GhgDbtTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse: <schema>/<table>, so raw/energy_balance written by
    Python is the very asset the dbt source of that name points to."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
        return schema


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=GhgDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
    # The same dbt build for a full build and a year backfill (pipelines/partitions.py).
    partitions_def=BUILD_PARTITIONS,
    pool=WRITER_POOL,
)
def ghg_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    # This run's own profile names its build file (no process-wide environment variable).
    run_dbt = DbtCliResource(
        project_dir=dbt.project_dir,
        profiles_dir=str(warehouse.dbt_profiles_dir(context.run.run_id)),
        dbt_executable=dbt.dbt_executable,
    )
    # Unit tests check the formulas' code, not the night's data: they run in CI (make test builds the
    # fixture project with them), not in every build.
    target = spark_target.dbt_target()
    run_vars = dbt_run_vars(context.run.tags)
    if target == spark_target.SPARK:
        # Spark reads the raw tables from the Parquet lake the ingestion assets wrote.
        run_vars.update(lake.dbt_vars(warehouse.lake()))
        spark_target.use_this_python_for_spark_scripts()
    args = ["build", "--exclude-resource-type", "unit_test", *(["--vars", json.dumps(run_vars, ensure_ascii=False)] if run_vars else [])]
    build_file = warehouse.build_file(context.run.run_id)
    mode = incremental.read_mode(build_file)
    plan = None
    if mode.incremental and target == spark_target.SPARK:
        # The incremental plan copies unchanged tables between DuckDB files; Spark rebuilds everything.
        context.log.info("incremental mode is DuckDB-only: the spark target rebuilds every model")
    elif mode.incremental:
        plan = incremental_plan(build_file, publication.generation_file(warehouse.root(), mode.base_generation), context.log.info)
        args += ["--exclude", " ".join(plan.exclude), "--indirect-selection", "cautious"]
    if plan is not None:
        # The copied relations are this run's too (the publication's rows of unchanged inputs): reported
        # as materialised, parents first and before anything dbt builds on them, so the checks and the
        # publication downstream run as in a full build.
        manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
        translator = GhgDbtTranslator()
        for unique_id in plan.copied_ids:
            yield MaterializeResult(
                asset_key=translator.get_asset_key(manifest["nodes"][unique_id]),
                metadata={"copied_from_generation": mode.base_generation},
            )
    yield from run_dbt.cli(args, context=context).stream()
    if target == spark_target.SPARK:
        # The checks, the publication and the dashboards read DuckDB files: Spark's tables join the build file.
        loaded = spark_target.load_spark_tables(warehouse.spark_dir(context.run.run_id), build_file, spark_target.BUILT_SCHEMAS)
        context.log.info(f"spark: {len(loaded)} tables ({sum(loaded.values())} rows) copied into the build file")


def incremental_plan(build_file, base_file, log) -> incremental.DbtPlan:
    """Which dbt nodes an incremental run rebuilds (descendants of the families whose files changed),
    with every other table copied from the base publication into the build file first."""
    from pipelines.assets.ingestion import PREVIOUS_COVERAGE_TABLE, REGISTERS

    now, _ = incremental.read_state(build_file)
    before, _ = incremental.read_state(base_file)
    changed = sorted(family for family in FAMILIES if now.get(family) != before.get(family))
    sources = incremental.changed_sources(
        changed, {family: list(FAMILIES[family].tables) for family in FAMILIES}, REGISTERS, [PREVIOUS_COVERAGE_TABLE],
    )
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    plan = incremental.dbt_plan(manifest, sources)
    incremental.copy_relations(base_file, build_file, [(schema, name) for _, schema, name in plan.copied])
    log(f"incremental: changed families {changed or 'none'}; {incremental.describe(plan)}")
    return plan


def dbt_run_vars(tags: Mapping[str, str]) -> dict[str, str]:
    """dbt vars of this run: an accepted completeness drop (`ghg build --accept-drop "reason"`)
    lets the completeness gate pass and names the reason in audit.audit_completeness_drops."""
    reason = (tags.get(publication.ACCEPT_DROP_TAG) or "").strip()
    return {"accept_drop_reason": reason} if reason else {}
