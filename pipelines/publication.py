"""One publication: the full and the public warehouse change together, or not at all.

Layout of the warehouse folder (GHG_WAREHOUSE_DIR, default warehouse/):

    generations/<generation>/ghg.duckdb          the full warehouse (confidential: enterprise rows)
    generations/<generation>/ghg_public.duckdb   the public warehouse (aggregates, small cells hidden)
    generations/<generation>/publication.json    the manifest: run, time, row counts, checks, review flags, accepted drops
    current -> generations/<generation>          THE pointer: one atomic rename switches both files
    ghg.duckdb -> current/ghg.duckdb             stable names for analysts and tools (symlinks that
    ghg_public.duckdb -> current/ghg_public.duckdb  never change; they resolve through `current`)
    build/<run>.duckdb                           a run's build file (only the running job writes here)

A generation is written completely in a staging folder (generations/.staging-<generation>),
fsynced, renamed into place, and only then is `current` swapped (a new symlink renamed over the
old one). A run killed at any point, or failing at any step (a full disk while the public file is
written, a quote in the warehouse path), leaves `current` — and so both files — as they were; the
next run removes the staging folder it left. Readers resolve `current` once (current_generation)
and open files inside that generation, so what they read together belongs together. Generations
are never modified after publication, and old ones are removed only when they are neither current
nor among the newest `keep`; a reader still holding an old file keeps its (unlinked) inode.

The public file is not computed here: dbt builds its tables (schemas public_marts and
public_reference of the build file, with enforced column allow-lists and suppression); this module
copies them and refuses a public file with an identifying column.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import spark_target

GENERATIONS = "generations"
CURRENT = "current"
FULL_NAME = "ghg.duckdb"
PUBLIC_NAME = "ghg_public.duckdb"
MANIFEST_NAME = "publication.json"
STAGING_PREFIX = ".staging-"
BUILD_FOLDER = "build"

# dbt schema in the build file → schema of the public file (dbt_project.yml, models/public).
PUBLIC_SCHEMAS = {"public_marts": "marts", "public_reference": "reference"}
# Columns that may never appear in the public file, whatever a model says (defence in depth:
# the dbt contracts are the allow-list, the test no_confidential_text scans the values).
FORBIDDEN_PUBLIC_COLUMNS = frozenset(
    {"credit_code", "enterprise_name", "source_file", "source_files", "source_sheet", "source_row", "source_column"}
)
KEEP_GENERATIONS = int(os.environ.get("GHG_KEEP_GENERATIONS", "2"))
# `ghg build --accept-drop "reason"` (or this run tag, set at launch in the UI): publish a build
# that lost data the last publication had, deliberately; the reason is recorded in the manifest,
# the run summary and audit.audit_completeness_drops.
ACCEPT_DROP_TAG = "ghg/accept-drop"

# Test-only fault injection: GHG_FAULT_KILL_AT=<point> kills this process with SIGKILL when the
# publication reaches that point, so tests can show that every kill leaves a consistent pair.
FAULT_ENV = "GHG_FAULT_KILL_AT"
FAULT_POINTS = (
    "staging_created",
    "public_written",
    "full_moved",
    "manifest_written",
    "generation_renamed",
    "current_swapped",
)


class PublicationRefused(RuntimeError):
    """The build file cannot be published as it is (no public tables, an identifying column …)."""


@dataclass(frozen=True)
class Generation:
    """One published pair of files and its manifest."""

    path: Path
    manifest: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def full(self) -> Path:
        return self.path / FULL_NAME

    @property
    def public(self) -> Path:
        return self.path / PUBLIC_NAME

    @property
    def run_id(self) -> str:
        return str(self.manifest.get("run_id", ""))

    @property
    def published_at(self) -> dt.datetime | None:
        stamp = self.manifest.get("published_at_utc")
        return dt.datetime.fromisoformat(stamp) if stamp else None


def _fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sql_string(text: str) -> str:
    """A SQL string literal (DuckDB's ATTACH takes no parameters): quotes doubled."""
    return "'" + str(text).replace("'", "''") + "'"


# --- reading --------------------------------------------------------------------------------------


def current_generation(root: Path) -> Generation | None:
    """The generation `current` points at, with its manifest; None before the first publication."""
    pointer = Path(root) / CURRENT
    try:
        target = os.readlink(pointer)
    except (FileNotFoundError, OSError):
        return None
    path = (pointer.parent / target).resolve()
    try:
        manifest = json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    return Generation(path, manifest)


def published_file(root: Path, which: str = "full") -> Path:
    """The file a reader opens: inside the current generation (resolved once, so a full and a
    public read made with the same generation belong together). Falls back to the stable name
    (a warehouse published before generations existed) so an old install keeps working."""
    generation = current_generation(root)
    name = FULL_NAME if which == "full" else PUBLIC_NAME
    if generation is not None:
        return generation.path / name
    return Path(root) / name


def generation_file(root: Path, generation: str, which: str = "full") -> Path:
    """A file of a named generation (an incremental run reads the one it started from)."""
    return Path(root) / GENERATIONS / generation / (FULL_NAME if which == "full" else PUBLIC_NAME)


def table_row_counts(db_path: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, int]:
    """Row counts of every table in the given schemas, opened read-only."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN (SELECT unnest(?)) AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            [list(schemas)],
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
            for schema, name in names
        }


def review_flag_counts(db_path: Path) -> dict[str, int]:
    """Review flags per rule (audit.audit_review_flags: figures unusual but possible, published in
    the full warehouse for the statistics office to review; they never block). {} when the file or
    the table is absent (a warehouse built before the flags existed, a run that failed before dbt
    built them) or cannot be read: a count must never cost a run its summary."""
    if not Path(db_path).exists():
        return {}
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.execute("SELECT rule_code, count(*) FROM audit.audit_review_flags GROUP BY 1 ORDER BY 1").fetchall()
    except duckdb.Error:
        return {}
    return {rule: int(count) for rule, count in rows}


# --- writing --------------------------------------------------------------------------------------


def clean_leftovers(root: Path) -> list[Path]:
    """Remove what killed runs left behind: staging folders, temporary pointers and the public
    temp files of the layout before generations. Call it only while holding the writer lock."""
    root = Path(root)
    removed: list[Path] = []
    generations = root / GENERATIONS
    if generations.is_dir():
        for staging in generations.glob(STAGING_PREFIX + "*"):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    for pattern in (".current.*.tmp", ".link.*.tmp", ".ghg_public.*.tmp.duckdb", ".ghg_public.*.tmp.duckdb.wal"):
        for leftover in root.glob(pattern):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    for aside in root.glob(".replaced-*"):
        shutil.rmtree(aside, ignore_errors=True)
        removed.append(aside)
    return removed


def _checkpoint(db_path: Path) -> None:
    with duckdb.connect(str(db_path)) as con:
        con.execute("CHECKPOINT")
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublicationRefused(f"{wal} still holds un-checkpointed data; refusing to publish a partial file")
    wal.unlink(missing_ok=True)


def _stamp(con: duckdb.DuckDBPyConnection, run_id: str, generation: str, published_at: str) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    # dbt_target: the engine that computed the tables (duckdb, or spark: pipelines/spark_target.py).
    con.execute(
        "CREATE OR REPLACE TABLE meta.publication AS "
        "SELECT ?::VARCHAR AS run_id, ?::VARCHAR AS generation, ?::TIMESTAMP AS published_at_utc, ?::VARCHAR AS dbt_target",
        [run_id, generation, published_at, spark_target.dbt_target()],
    )


def write_public_file(build_file: Path, public_file: Path, *, run_id: str, generation: str, published_at: str) -> dict[str, int]:
    """Copy the public dbt schemas of build_file into a new public_file; returns {table: rows}."""
    public_file = Path(public_file)
    for stale in (public_file, public_file.with_name(public_file.name + ".wal")):
        stale.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(public_file)) as con:
        con.execute(f"ATTACH {sql_string(str(build_file))} AS build (READ_ONLY)")
        for source, target in PUBLIC_SCHEMAS.items():
            tables = [row[0] for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'build' AND schema_name = ? ORDER BY 1",
                [source],
            ).fetchall()]
            if not tables:
                raise PublicationRefused(f"the build file has no tables in schema {source}: the public models did not build")
            con.execute(f'CREATE SCHEMA "{target}"')
            for table in tables:
                con.execute(f'CREATE TABLE "{target}"."{table}" AS SELECT * FROM build."{source}"."{table}"')
                counts[f"{target}.{table}"] = con.execute(f'SELECT count(*) FROM "{target}"."{table}"').fetchone()[0]
        con.execute("DETACH build")
        _stamp(con, run_id, generation, published_at)
        bad = con.execute(
            "SELECT table_schema || '.' || table_name || '.' || column_name FROM information_schema.columns "
            "WHERE lower(column_name) IN (SELECT unnest(?)) ORDER BY 1",
            [sorted(FORBIDDEN_PUBLIC_COLUMNS)],
        ).fetchall()
        if bad:
            raise PublicationRefused(f"the public file would hold identifying columns: {', '.join(b[0] for b in bad)}")
        con.execute("CHECKPOINT")
    _fsync(public_file)
    return counts


def _swap_link(link: Path, target: str) -> None:
    """Point `link` at `target` atomically: a new symlink renamed over the old link (or file).

    A real folder in its place (a warehouse copied with links followed, `cp -rL`) is moved aside
    first and removed after: that one repair cannot be atomic, and readers fall back meanwhile to
    the stable names (published_file).
    """
    aside = None
    if link.is_dir() and not link.is_symlink():
        aside = link.with_name(f".replaced-{link.name}.{os.getpid()}")
        os.rename(link, aside)
    temporary = link.with_name(f".link.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _ensure_stable_names(root: Path) -> None:
    """ghg.duckdb and ghg_public.duckdb as symlinks through `current` (replacing, once, the plain
    files of the layout before generations) and no stale WAL beside them."""
    for name in (FULL_NAME, PUBLIC_NAME):
        link = root / name
        target = os.path.join(CURRENT, name)
        if not (link.is_symlink() and os.readlink(link) == target):
            _swap_link(link, target)
        # A WAL here would belong to nobody (only ever created by a writer opening the name).
        (root / f"{name}.wal").unlink(missing_ok=True)


def prune_generations(root: Path, keep: int = KEEP_GENERATIONS) -> list[Path]:
    """Remove generations other than the current one and the newest `keep` (names sort by time)."""
    generations = Path(root) / GENERATIONS
    if not generations.is_dir():
        return []
    current = current_generation(root)
    names = sorted((p for p in generations.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    removed = []
    for old in names[: max(0, len(names) - keep)]:
        if current is not None and old.resolve() == current.path:
            continue
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def prune_builds(build_dir: Path, keep: int = 3) -> list[Path]:
    """Remove all but the newest `keep` leftover build files (failed runs kept for diagnosis), and
    the dbt profile folders and Spark folders (pipelines/spark_target.py) of runs whose build file is gone."""
    if not build_dir.exists():
        return []
    files = sorted(build_dir.glob("*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in files[keep:]:
        for path in (old, old.with_name(old.name + ".wal")):
            if path.exists():
                path.unlink()
                removed.append(path)
    for folder in [*build_dir.glob("*.dbt"), *build_dir.glob("*.spark")]:
        if not folder.with_suffix(".duckdb").exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def publish_generation(
    build_file: Path,
    root: Path,
    *,
    run_id: str,
    checks: dict | None = None,
    accepted_drop: str | None = None,
    extra: dict | None = None,
    keep: int = KEEP_GENERATIONS,
) -> Generation:
    """Make build_file and the public file copied from it the published pair, atomically.

    On any failure the staging folder is removed, the build file goes back to build/ (kept for
    diagnosis) and the exception propagates: `current` has not moved.
    """
    build_file, root = Path(build_file), Path(root)
    if not build_file.exists():
        raise FileNotFoundError(f"build file {build_file} does not exist; nothing to publish")
    clean_leftovers(root)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    generation = f"{now:%Y%m%dT%H%M%S%f}-{run_id[:8]}"
    published_at = now.isoformat(timespec="seconds")
    generations = root / GENERATIONS
    staging = generations / f"{STAGING_PREFIX}{generation}"
    staging.mkdir(parents=True)
    moved = staging / FULL_NAME
    try:
        _fault("staging_created")
        public_tables = write_public_file(build_file, staging / PUBLIC_NAME, run_id=run_id, generation=generation,
                                          published_at=published_at)
        _fault("public_written")
        with duckdb.connect(str(build_file)) as con:
            _stamp(con, run_id, generation, published_at)
        _checkpoint(build_file)
        _fsync(build_file)
        os.replace(build_file, moved)
        _fault("full_moved")
        manifest = {
            "generation": generation,
            "run_id": run_id,
            "published_at_utc": published_at,
            "files": {
                FULL_NAME: {"size_bytes": moved.stat().st_size, "tables": table_row_counts(moved)},
                PUBLIC_NAME: {"size_bytes": (staging / PUBLIC_NAME).stat().st_size, "tables": public_tables},
            },
            "checks": checks or {},
            "review_flags": review_flag_counts(moved),
            "accepted_drop": accepted_drop or None,
            **(extra or {}),
        }
        manifest_path = staging / MANIFEST_NAME
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        _fsync(manifest_path)
        _fsync(staging)
        _fault("manifest_written")
        final = generations / generation
        os.rename(staging, final)
        _fsync(generations)
        _fault("generation_renamed")
    except BaseException:
        if moved.exists() and not build_file.exists():
            os.replace(moved, build_file)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # From here the generation is complete on disk; the swap is one rename.
    _swap_link(root / CURRENT, os.path.join(GENERATIONS, generation))
    _fsync(root)
    _fault("current_swapped")
    _ensure_stable_names(root)
    _fsync(root)
    prune_generations(root, keep)
    return Generation(final, manifest)
