"""Dagster resources: where the inbox and the warehouse are, the one-writer rule, and the dbt
profile of a run."""

from pathlib import Path
from typing import IO

import yaml
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from pipelines import incremental, lake, partitions, paths, publication, spark_target
from pipelines.warehouse import build_path, seed_from_publication
from pipelines.writer_lock import acquire, lock_path, release

# Dagster-launched runs (schedule, sensor, UI, backfill) wait this long for a build that holds
# the lock (a hand-started `ghg build`); `ghg build` itself sets 0 and says who holds it.
DEFAULT_LOCK_WAIT_SECONDS = 6 * 3600
PROFILE = "ghg"  # dbt_project/profiles.yml; its targets: pipelines/spark_target.py


class WarehouseResource(ConfigurableResource):
    """Locations of the inbox, the per-run build files and the publication — and, for the whole
    run, the writer lock (pipelines/writer_lock.py): taken when the run starts, before its first
    step, released when it ends, so no two runs of any launch path build or publish at once. A
    year backfill's build file starts as a copy of the published full warehouse
    (pipelines/partitions.py), made here, under the lock, before any step writes into it.

    Empty strings mean the defaults of pipelines.paths (themselves movable by the
    GHG_INBOX_DIR, GHG_WAREHOUSE_DIR and GHG_LAKE_DIR environment variables).
    """

    inbox_dir: str = ""
    warehouse_dir: str = ""
    lake_dir: str = ""
    lock_wait_seconds: int = DEFAULT_LOCK_WAIT_SECONDS

    _lock: "IO[str] | None" = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        log = context.log
        run = context.dagster_run
        what = f"Dagster run {run.run_id} ({run.job_name})" if run else "Dagster run"
        self._lock = acquire(
            lock_path(self.root()),
            wait_seconds=self.lock_wait_seconds,
            what=what,
            on_wait=(lambda message: log.warning(message)) if log else None,
        )
        lake.clean_leftovers(self.lake())  # what a killed run's lake writes left (under the lock: no one writes)
        if run is None:
            return
        build_file = self.build_file(run.run_id)
        if build_file.exists():  # a retried run keeps what its first attempt read and chose
            return
        code = incremental.code_fingerprint()
        if partitions.reload_year(run.tags.get("dagster/partition")) is not None:
            seed_from_publication(self.published_file(), build_file)
            mode = incremental.RunMode(False, None, "year backfill on the published raw tables")
        else:
            current = publication.current_generation(self.root())
            mode = incremental.choose_mode(
                run.tags.get(incremental.MODE_TAG) == incremental.INCREMENTAL, self.published_file(),
                current.name if current else None, code,
            )
            if mode.incremental:
                incremental.copy_schemas(self.published_file(), build_file, [incremental.RAW_SCHEMA, incremental.STATE_SCHEMA])
        incremental.record_mode(build_file, mode, code)
        if log:
            log.info(f"build mode: {mode.reason}")

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._lock is not None:
            release(self._lock)
            self._lock = None

    def inbox(self) -> Path:
        return Path(self.inbox_dir) if self.inbox_dir else paths.inbox_dir()

    def root(self) -> Path:
        return Path(self.warehouse_dir) if self.warehouse_dir else paths.warehouse_dir()

    def lake(self) -> Path:
        """The raw-data Parquet lake the ingestion assets copy the build file's raw tables into
        (pipelines/lake.py); by default beside the publication, <warehouse>/lake."""
        return Path(self.lake_dir) if self.lake_dir else paths.lake_dir(self.root())

    def build_file(self, run_id: str) -> Path:
        return build_path(self.root() / publication.BUILD_FOLDER, run_id)

    def spark_dir(self, run_id: str) -> Path:
        """Where this run's Spark build keeps its tables and metastore (target `spark` only)."""
        return spark_target.spark_dir(self.root() / publication.BUILD_FOLDER, run_id)

    def published_file(self) -> Path:
        """The full warehouse of the current publication (resolved through `current`)."""
        return publication.published_file(self.root(), "full")

    def dbt_profiles_dir(self, run_id: str) -> Path:
        """A profiles.yml for this run's dbt: the project's own (dbt_project/profiles.yml), with the
        database path set to this run's build file — instead of a process-wide environment
        variable, which two runs in one process (a multi-year backfill) would share."""
        profile = yaml.safe_load((paths.DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
        profile[PROFILE]["target"] = spark_target.dbt_target()
        profile[PROFILE]["outputs"][spark_target.DUCKDB]["path"] = str(self.build_file(run_id))
        # Spark's tables and metastore: this run's own folder beside its build file.
        parameters = profile[PROFILE]["outputs"][spark_target.SPARK]["server_side_parameters"]
        spark_dir = str(self.spark_dir(run_id))
        for name, value in parameters.items():
            parameters[name] = value.replace(spark_target.SPARK_DIR_PLACEHOLDER, spark_dir)
        folder = self.root() / publication.BUILD_FOLDER / f"{run_id}.dbt"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "profiles.yml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        return folder
