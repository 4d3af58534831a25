"""The dbt project as Dagster assets: seeds, models and their tests, one `dbt build` per run."""


import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.dbt_project import dbt_project, ensure_manifest
from pipelines.partitions import BUILD_PARTITIONS
from pipelines.publication import ACCEPT_DROP_TAG
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
    args = ["build", "--exclude-resource-type", "unit_test", *dbt_run_vars(context.run.tags)]
    yield from run_dbt.cli(args, context=context).stream()


def dbt_run_vars(tags: Mapping[str, str]) -> list[str]:
    """dbt --vars of this run: an accepted completeness drop (`ghg build --accept-drop "reason"`)
    lets the completeness gate pass and names the reason in audit.audit_completeness_drops."""
    reason = (tags.get(ACCEPT_DROP_TAG) or "").strip()
    return ["--vars", json.dumps({"accept_drop_reason": reason}, ensure_ascii=False)] if reason else []
