"""Recovery, tested by what was (or was not) published — not only by a run's status.

One sample build is shared by the module (about a minute); two builds are killed with -9 part
way; one more build runs with a reader attached and crash leftovers lying around.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.paths import PROJECT_ROOT, SAMPLE_DIR
from tests.integration.build_helpers import run_nightly_build, table_fingerprints

pytestmark = pytest.mark.integration

ANALYSTS_DOC = PROJECT_ROOT / "docs" / "analysts.md"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_warehouse):
    """Yesterday's published build of the sample (a copy of the session's shared build, which
    these tests damage, kill and rebuild) and its inbox."""
    root = tmp_path_factory.mktemp("recovery")
    inbox, warehouse = root / "inbox", root / "warehouse"
    shutil.copytree(SAMPLE_DIR, inbox)
    shutil.copytree(sample_warehouse, warehouse, symlinks=True, ignore=shutil.ignore_patterns("build"))
    published = warehouse / "ghg.duckdb"
    return {
        "inbox": inbox,
        "warehouse": warehouse,
        "published": published,
        "fingerprints": table_fingerprints(published),
    }


# ------------------------------------------------------------------ the analysts' example queries


def _doc_queries() -> list[tuple[str, str]]:
    text = ANALYSTS_DOC.read_text(encoding="utf-8")
    return re.findall(r"```sql\n-- (q\d+)\n(.*?)```", text, re.S)


def test_analysts_example_queries_run_on_a_built_warehouse(built):
    queries = _doc_queries()
    assert len(queries) == 10
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(built["published"]), read_only=True, config=config) as con:
        for name, sql in queries:
            rows = con.execute(sql).fetchall()  # every documented query runs as written
            if name in ("q1", "q2", "q4", "q9", "q10"):
                assert rows, f"{name} returned no rows on the sample"


# ---------------------------------------------------------------------- kill -9 at two points


def _processes_in_session(session_id: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != session_id:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ProcessLookupError):
            continue
        found.append((int(entry.name), cmdline))
    return found


def _during_ingestion(process: subprocess.Popen, build_dir: Path) -> bool:
    return any(build_dir.glob("*.duckdb"))


def _during_dbt(process: subprocess.Popen, build_dir: Path) -> bool:
    return any(" build" in cmd and "dbt" in cmd for _, cmd in _processes_in_session(process.pid))


@pytest.mark.parametrize(
    ("point", "reached", "extra_seconds"),
    [("ingestion", _during_ingestion, 0.0), ("dbt", _during_dbt, 4.0)],
    ids=["during-ingestion", "during-dbt"],
)
def test_kill_9_leaves_the_published_warehouse_intact(built, tmp_path, point, reached, extra_seconds):
    published, warehouse = built["published"], built["warehouse"]
    before = _sha256(published)
    build_dir = warehouse / "build"
    for leftover in build_dir.glob("*.duckdb*"):
        leftover.unlink()
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    env.update(GHG_INBOX_DIR=str(built["inbox"]), GHG_WAREHOUSE_DIR=str(warehouse), GHG_NO_PROGRESS="1")
    log = (tmp_path / "build.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "build"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not reached(process, build_dir):
            assert process.poll() is None, f"the build ended before the kill point ({point}): {(tmp_path / 'build.log').read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"kill point {point} not reached in 180 s"
            time.sleep(0.2)
        time.sleep(extra_seconds)
        assert process.poll() is None, f"the build ended before the kill ({point})"
        os.killpg(process.pid, signal.SIGKILL)  # the build and its dbt subprocess
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()

    assert process.returncode == -signal.SIGKILL
    # Published file: byte for byte what it was, and readable.
    assert _sha256(published) == before
    assert table_fingerprints(published) == built["fingerprints"]
    # The crash left its partial build file behind (never in the served place).
    assert list(build_dir.glob("*.duckdb"))
    # The writer lock died with the process: the next build is not blocked by it.
    from pipelines.writer_lock import lock_path, writer_busy

    os.environ["GHG_WAREHOUSE_DIR"], saved = str(warehouse), os.environ.get("GHG_WAREHOUSE_DIR")
    try:
        assert not writer_busy(lock_path())
    finally:
        os.environ["GHG_WAREHOUSE_DIR"] = saved


# --------------------------------------- crash leftovers, a reader during the build, a second build


def test_leftovers_and_a_reader_stop_neither_the_dashboard_nor_the_next_build(built, monkeypatch):
    published, warehouse = built["published"], built["warehouse"]
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(warehouse))
    # What a crash can leave: a WAL beside the served file, half-written build files and WALs.
    (published.with_name("ghg.duckdb.wal")).write_bytes(os.urandom(8192))
    build_dir = warehouse / "build"
    build_dir.mkdir(exist_ok=True)
    (build_dir / "crashed-run.duckdb").write_bytes(os.urandom(65536))
    (build_dir / "crashed-run.duckdb.wal").write_bytes(os.urandom(4096))

    # The dashboard still answers.
    from dashboards.warehouse import run_query, warehouse_path

    assert warehouse_path("officer") == published.resolve()  # inside the generation `current` names
    frame = run_query(published, "SELECT count(*) AS n FROM marts.fct_region_year")
    assert int(frame["n"][0]) > 0
    public = warehouse_path("leader")
    assert public == (warehouse / "ghg_public.duckdb").resolve()
    assert int(run_query(public, "SELECT count(*) AS n FROM marts.fct_region_year")["n"][0]) > 0

    # A reader holds a read-only connection for the whole build.
    reader = duckdb.connect(str(published), read_only=True)
    old_inode = published.stat().st_ino
    try:
        before = reader.execute("SELECT count(*) FROM marts.fct_region_year").fetchone()[0]
        result = run_nightly_build(built["inbox"], warehouse)
        assert result.success, [e.step_key for e in result.all_events if e.is_step_failure]
        # The old connection still reads yesterday's file, whole.
        assert reader.execute("SELECT count(*) FROM marts.fct_region_year").fetchone()[0] == before
    finally:
        reader.close()

    # A new file was swapped in; reconnecting sees it; same inputs → same warehouse, row for row.
    assert published.stat().st_ino != old_inode
    assert not published.with_name("ghg.duckdb.wal").exists()
    assert table_fingerprints(published) == built["fingerprints"]
    frame = run_query(published, "SELECT count(*) AS n FROM marts.fct_region_year")
    assert int(frame["n"][0]) == before


# ------------------------------------------------------- a failed run: nothing published, an alert


def test_failed_run_publishes_nothing_and_the_failure_sensor_records_an_alert(tmp_path, monkeypatch):
    from dagster import DagsterInstance, build_run_status_sensor_context

    from pipelines import ops_store
    from pipelines.assets.publish import PUBLISHED_KEY
    from pipelines.definitions import defs
    from pipelines.sensors import alert_on_run_failure

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    published = warehouse / "ghg.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.fct_region_year AS SELECT '620000' AS region_code")
    before = _sha256(published)
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("GHG_INBOX_DIR", str(tmp_path / "inbox"))
    monkeypatch.delenv("GHG_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("GHG_ALERT_EMAIL", raising=False)

    # The real job, publish step alone: its build file does not exist (as after a failed dbt
    # build), so the step fails — fast, without a full build (test_failed_build covers dbt).
    instance = DagsterInstance.ephemeral()
    result = defs.resolve_job_def("nightly_build").execute_in_process(
        instance=instance, asset_selection=[PUBLISHED_KEY], raise_on_error=False
    )
    assert not result.success
    assert _sha256(published) == before

    context = build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    alert_on_run_failure(context)

    alerts = ops_store.read("SELECT run_id, job_name, failed_steps, notified FROM ops.alerts")
    assert alerts.rows() == [(result.run_id, "nightly_build", "warehouse__ghg", "not configured")]
