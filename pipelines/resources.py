"""Dagster resources: where the inbox and the warehouse are, for one code location."""


from pathlib import Path

from dagster import ConfigurableResource

from pipelines import paths
from pipelines.warehouse import build_path


class WarehouseResource(ConfigurableResource):
    """Locations of the inbox, the per-run build files and the published warehouse.

    Empty strings mean the defaults of pipelines.paths (themselves movable by the
    GHG_INBOX_DIR and GHG_WAREHOUSE_DIR environment variables).
    """

    inbox_dir: str = ""
    warehouse_dir: str = ""

    def inbox(self) -> Path:
        return Path(self.inbox_dir) if self.inbox_dir else paths.inbox_dir()

    def root(self) -> Path:
        return Path(self.warehouse_dir) if self.warehouse_dir else paths.warehouse_dir()

    def build_file(self, run_id: str) -> Path:
        return build_path(self.root() / "build", run_id)

    def published_file(self) -> Path:
        return self.root() / "ghg.duckdb"
