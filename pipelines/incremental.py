"""The incremental night: read only the families whose files changed, rebuild only what depends on them.

A nightly build at national scale re-reads millions of unchanged rows and rebuilds every model
although most nights bring one day of prices and a few reports. An incremental run (`ghg build
--incremental`, the nightly schedule and the inbox sensor) starts from the current publication:

1. **Which code?** The publication records a fingerprint of the code that made it (the readers in
   pipelines/ingest and the dbt project: models, seeds, macros, tests, dbt_project.yml). A
   different fingerprint means the published tables may no longer be what this code computes, so
   the run falls back to a full build and says why.
2. **Which families?** Each family's inbox files are fingerprinted (relative path, size,
   modification time — the re-delivery order — and the sha256 of the content, the hash the inbox
   sensor computes). A family whose fingerprint equals the published one is not read: its raw
   tables and its slices of the quarantine and file registers are the published ones, copied into
   a fresh build file. A changed family is read whole, exactly as in a full build (its cross-file
   rules — re-deliveries, unit slips against the enterprise's other years — need every file).
3. **Which models?** dbt builds the descendants of the changed raw tables (and of the previous
   publication's coverage, which changes with every publication), with the tests that touch them
   (`--indirect-selection cautious`); every other table is copied from the publication. Views are
   always recreated (they hold no data), their tests run only when their data changed.

Everything after dbt — Great Expectations, the completeness gate, the one publication — is the
same as a full build's. tests/integration/test_incremental_night.py proves the result equal, row
for row, to a full build of the same inbox. The build file is fresh (tables copied, never a file
copy rebuilt in place), so an incremental run or a year backfill never grows the warehouse beyond
a full build's size.

Pure functions here; the resource (pipelines/resources.py), the ingestion assets and the dbt asset
call them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.paths import DBT_PROJECT_DIR, PROJECT_ROOT

AS_OF_DATE_TAG = "as_of_date"  # dbt tag of models whose result depends on the build's date (macros/mrv.sql)
MODE_TAG = "ghg/mode"  # run tag: "incremental" asks for an incremental run; absent or "full": a full build
INCREMENTAL = "incremental"
STATE_SCHEMA = "build_state"  # in the build file and so in the published full file; never in the public file
FINGERPRINTS_TABLE = "family_fingerprints"  # source_family, fingerprint, files
RUN_TABLE = "run_mode"  # mode, base_generation, code_fingerprint, reason
RAW_SCHEMA = "raw"
# Unattended runs (the nightly schedule, the inbox sensor) are incremental unless the office sets
# GHG_NIGHTLY_MODE=full (e.g. to rebuild everything once a week from a second schedule of its own).
NIGHTLY_MODE_ENV = "GHG_NIGHTLY_MODE"

# What a publication's tables depend on besides the inbox: the readers and the dbt project.
_CODE_ROOTS = (
    (PROJECT_ROOT / "pipelines" / "ingest", "*.py"),
    (DBT_PROJECT_DIR / "models", "*"),
    (DBT_PROJECT_DIR / "seeds", "*"),
    (DBT_PROJECT_DIR / "macros", "*"),
    (DBT_PROJECT_DIR / "tests", "*"),
    (DBT_PROJECT_DIR / "snapshots", "*"),
)


def nightly_mode_tags() -> dict[str, str]:
    """The run tags of an unattended run: incremental by default (it falls back to a full build by itself)."""
    return {} if os.environ.get(NIGHTLY_MODE_ENV, INCREMENTAL).strip().lower() == "full" else {MODE_TAG: INCREMENTAL}


def file_digest(path: Path) -> str:
    """sha256 of a file's content (the inbox sensor's hash too)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_fingerprint() -> str:
    """sha256 over every file the published tables depend on, with its path relative to the project."""
    digest = hashlib.sha256()
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for root, pattern in _CODE_ROOTS:
        if root.exists():
            files += [path for path in root.rglob(pattern) if path.is_file() and "__pycache__" not in path.parts]
    for path in sorted(files):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(file_digest(path).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def family_fingerprint(inbox: Path, files: Iterable[Path]) -> str:
    """sha256 over (relative path, size, modification time in ns, content sha256) of a family's files."""
    digest = hashlib.sha256()
    for path in sorted(files):
        stat = path.stat()
        digest.update(f"{path.relative_to(inbox).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()


def _state_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the build-state schema in the connection's own file."""
    return {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ?", [STATE_SCHEMA]
    ).fetchall()}


def read_state(db_file: Path) -> tuple[dict[str, str], str | None]:
    """(family → fingerprint, code fingerprint) a build file or publication recorded; empty when none."""
    if not db_file.exists():
        return {}, None
    with duckdb.connect(str(db_file), read_only=True) as con:
        tables = _state_tables(con)
        families = (
            dict(con.execute(f'SELECT source_family, fingerprint FROM "{STATE_SCHEMA}"."{FINGERPRINTS_TABLE}"').fetchall())
            if FINGERPRINTS_TABLE in tables else {}
        )
        code = (
            con.execute(f'SELECT code_fingerprint FROM "{STATE_SCHEMA}"."{RUN_TABLE}"').fetchall()[0][0]
            if RUN_TABLE in tables else None
        )
    return families, code


def record_family(db_file: Path, family: str, fingerprint: str, files: int) -> None:
    """The family's fingerprint in this build file (every run, full or incremental)."""
    with duckdb.connect(str(db_file)) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{STATE_SCHEMA}"')
        con.execute(
            f'CREATE TABLE IF NOT EXISTS "{STATE_SCHEMA}"."{FINGERPRINTS_TABLE}" '
            "(source_family VARCHAR, fingerprint VARCHAR, files INTEGER)"
        )
        con.execute(f'DELETE FROM "{STATE_SCHEMA}"."{FINGERPRINTS_TABLE}" WHERE source_family = ?', [family])
        con.execute(f'INSERT INTO "{STATE_SCHEMA}"."{FINGERPRINTS_TABLE}" VALUES (?, ?, ?)', [family, fingerprint, files])


@dataclass(frozen=True)
class RunMode:
    incremental: bool
    base_generation: str | None  # the publication an incremental run starts from
    reason: str  # why full, or what the incremental run starts from


def record_mode(db_file: Path, mode: RunMode, code: str) -> None:
    db_file.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_file)) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{STATE_SCHEMA}"')
        con.execute(
            f'CREATE OR REPLACE TABLE "{STATE_SCHEMA}"."{RUN_TABLE}" '
            "(mode VARCHAR, base_generation VARCHAR, code_fingerprint VARCHAR, reason VARCHAR)"
        )
        con.execute(
            f'INSERT INTO "{STATE_SCHEMA}"."{RUN_TABLE}" VALUES (?, ?, ?, ?)',
            [INCREMENTAL if mode.incremental else "full", mode.base_generation, code, mode.reason],
        )


def read_mode(db_file: Path) -> RunMode:
    """The mode the run's resource chose (a full build when the build file says nothing)."""
    if not db_file.exists():
        return RunMode(False, None, "no build file yet")
    with duckdb.connect(str(db_file), read_only=True) as con:
        if RUN_TABLE not in _state_tables(con):
            return RunMode(False, None, "no run mode recorded")
        mode, base, _, reason = con.execute(f'SELECT * FROM "{STATE_SCHEMA}"."{RUN_TABLE}"').fetchall()[0]
    return RunMode(mode == INCREMENTAL, base, reason)


def choose_mode(requested: bool, published: Path, generation: str | None, code: str) -> RunMode:
    """Incremental only when asked for, on a publication made by this very code."""
    if not requested:
        return RunMode(False, None, "full build requested")
    if generation is None or not published.exists():
        return RunMode(False, None, "nothing published yet: a full build")
    _, published_code = read_state(published)
    if published_code is None:
        return RunMode(False, None, f"publication {generation} records no code fingerprint: a full build")
    if published_code != code:
        return RunMode(False, None, f"the code changed since publication {generation} (readers or dbt project): a full build")
    return RunMode(True, generation, f"incremental on publication {generation}")


def copy_schemas(published: Path, build_file: Path, schemas: Iterable[str]) -> int:
    """A fresh build file holding every published table of the given schemas (rows kept in their
    stored order: the marts add floats in scan order). Returns how many tables."""
    build_file.parent.mkdir(parents=True, exist_ok=True)
    for stale in (build_file, build_file.with_name(build_file.name + ".wal")):
        stale.unlink(missing_ok=True)
    with duckdb.connect(str(published), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE list_contains(?, schema_name) ORDER BY 1, 2",
            [list(schemas)],
        ).fetchall()
    return copy_relations(published, build_file, tables)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


@dataclass(frozen=True)
class DbtPlan:
    """What dbt runs and what is copied, for one incremental run."""

    rebuilt: frozenset[str]  # unique ids of the models dbt builds (downstream of a changed raw table)
    copied: list[tuple[str, str, str]]  # (unique id, schema, relation) copied from the publication, parents first
    exclude: list[str]  # dbt --exclude arguments (node names)

    @property
    def copied_ids(self) -> list[str]:
        return [unique_id for unique_id, _, _ in self.copied]


def _topological(nodes: Mapping[str, Mapping], ids: set[str]) -> list[str]:
    """ids ordered parents first (ties by id, so the order is stable)."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(unique_id: str) -> None:
        if unique_id in done:
            return
        done.add(unique_id)
        for parent in sorted(nodes[unique_id]["depends_on"].get("nodes", [])):
            if parent in ids:
                visit(parent)
        ordered.append(unique_id)

    for unique_id in sorted(ids):
        visit(unique_id)
    return ordered


def dbt_plan(manifest: Mapping, changed: Iterable[tuple[str, str]]) -> DbtPlan:
    """The dbt nodes downstream of the changed (source name, table) pairs, and the models tagged
    as_of_date with theirs; every other model and seed is copied. The copied set holds every ancestor of its members (a node that does not depend
    on a change has no ancestor that does), so copying it first, parents first, and then building the
    rest is a valid order."""
    nodes = manifest["nodes"]
    children = manifest["child_map"]
    wanted = set(changed)
    todo = [unique_id for unique_id, source in manifest["sources"].items() if (source["source_name"], source["name"]) in wanted]
    # A model judged on the build's date (late / missing in the MRV year) changes with the day even
    # when no source did: it is rebuilt every night, with everything downstream of it.
    dated = [uid for uid, node in nodes.items() if AS_OF_DATE_TAG in node.get("tags", [])]
    affected: set[str] = set(dated)
    todo += dated
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in affected:
                affected.add(child)
                todo.append(child)
    buildable = {uid for uid, node in nodes.items() if node["resource_type"] in ("model", "seed", "snapshot")}
    copied_ids = _topological(nodes, buildable - affected)
    copied = [(uid, nodes[uid]["schema"], nodes[uid].get("alias") or nodes[uid]["name"]) for uid in copied_ids]
    # A test none of whose parents changed would give the publication's verdict again: left out.
    quiet_tests = [node["name"] for uid, node in nodes.items() if node["resource_type"] == "test" and uid not in affected]
    exclude = sorted(nodes[uid]["name"] for uid in copied_ids) + sorted(quiet_tests)
    return DbtPlan(frozenset(buildable & affected), copied, exclude)


def copy_relations(published: Path, build_file: Path, relations: Iterable[tuple[str, str]]) -> int:
    """Copy tables and views (schema, name), in the order given, from the publication into the
    build file; a relation the publication lacks is skipped (dbt would have built it). Returns how many."""
    copied = 0
    with duckdb.connect(str(build_file)) as con:
        con.execute(f"ATTACH '{_sql_path(published)}' AS published (READ_ONLY)")
        tables = set(con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'published'").fetchall())
        views = {(schema, name): sql for schema, name, sql in con.execute(
            "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = 'published' AND NOT internal").fetchall()}
        for schema, name in relations:
            if (schema, name) not in tables and (schema, name) not in views:
                continue
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            if (schema, name) in tables:
                con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{name}" AS SELECT * FROM published."{schema}"."{name}"')
            else:  # a view's text names its relations without a database: it binds in the build file
                con.execute(views[(schema, name)].replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
            copied += 1
        con.execute("DETACH published")
    return copied


def changed_sources(families: Iterable[str], family_tables: Mapping[str, Iterable[str]], registers: Iterable[str],
                    always: Iterable[str]) -> list[tuple[str, str]]:
    """(source name, table) of the raw tables an incremental run rewrote."""
    tables = [table for family in families for table in family_tables[family]]
    if tables:
        tables += list(registers)
    tables += list(always)
    return [(RAW_SCHEMA, table) for table in dict.fromkeys(tables)]


def describe(plan: DbtPlan) -> str:
    return json.dumps({"rebuilt_nodes": len(plan.rebuilt), "copied_relations": len(plan.copied),
                       "tests_left_out": len(plan.exclude) - len(plan.copied)})
