"""Where things live. One place, so Dagster, dbt, the CLI and the dashboards agree.

Every location can be moved with an environment variable, which is how tests build into
tmp_path and how an office points the platform at its own inbox.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
SAMPLE_DIR = PROJECT_ROOT / "sources" / "sample"


def inbox_dir() -> Path:
    """The landing zone the build reads (GHG_INBOX_DIR, default sources/inbox)."""
    return Path(os.environ.get("GHG_INBOX_DIR", PROJECT_ROOT / "sources" / "inbox"))


def warehouse_dir() -> Path:
    """Where the published warehouse and the build files live (GHG_WAREHOUSE_DIR)."""
    return Path(os.environ.get("GHG_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"))


def briefings_dir() -> Path:
    """The snapshots of the leaders' briefings, from which the next one says what changed
    (GHG_BRIEFINGS_DIR, default <warehouse>/briefings: beside the publications they describe)."""
    return Path(os.environ.get("GHG_BRIEFINGS_DIR", warehouse_dir() / "briefings"))


def published_path() -> Path:
    """The full (confidential) warehouse that analysts and officers read."""
    return warehouse_dir() / "ghg.duckdb"


def lake_dir(warehouse: Path | None = None) -> Path:
    """The raw-data Parquet lake (pipelines/lake.py): GHG_LAKE_DIR, default <warehouse>/lake."""
    return Path(os.environ.get("GHG_LAKE_DIR", (warehouse or warehouse_dir()) / "lake"))


def build_dir() -> Path:
    return warehouse_dir() / "build"


def public_path() -> Path:
    """The public warehouse: aggregates only, small cells suppressed (docs/methodology.md, "The public warehouse and confidentiality")."""
    return warehouse_dir() / "ghg_public.duckdb"
