"""One writer for every launch path: a run launched by Dagster and `ghg build` share one lock.

Each case starts a real writer in a child process, waits until the lock file names that process
(an event, not a sleep), launches the other kind of run, and checks that it is refused without
publishing anything; then kills the first writer (the lock dies with it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import cli, publication
from pipelines.paths import SAMPLE_DIR
from pipelines.writer_lock import holder, lock_path, writer_busy

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAGSTER = str(Path(sys.executable).with_name("dagster"))


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict:
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("GHG_INBOX_DIR", str(SAMPLE_DIR))
    monkeypatch.setenv("GHG_NO_PROGRESS", "1")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    values = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    # `dagster job execute` keeps its run history in DAGSTER_HOME; without one it makes a temporary
    # folder in the working directory, which a killed run could not remove.
    home = tmp_path / "dagster_home"
    home.mkdir()
    values.update(GHG_WAREHOUSE_DIR=str(warehouse), GHG_INBOX_DIR=str(SAMPLE_DIR), GHG_NO_PROGRESS="1",
                  GHG_INBOX_SETTLE_SECONDS="0", DAGSTER_HOME=str(home))
    return {"warehouse": warehouse, "vars": values}


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env["vars"], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_until_it_holds_the_lock(process: subprocess.Popen, log: Path, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while True:
        if writer_busy(lock_path()) and f"pid {process.pid}," in holder(lock_path()):
            return holder(lock_path())
        assert process.poll() is None, f"the writer ended before it took the lock: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "the writer did not take the lock in time"
        time.sleep(0.1)


def _released(path, within_s: float = 15.0) -> bool:
    """The lock is free once every process of the killed run is gone: the group leader's wait()
    returns first, and on a loaded machine its children (step processes, dbt) die a moment later,
    closing the lock's descriptor they inherited. Poll rather than look once."""
    deadline = time.monotonic() + within_s
    while writer_busy(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_a_dagster_run_cannot_publish_while_ghg_build_writes(env, tmp_path):
    build_log = tmp_path / "ghg-build.log"
    build = _start([sys.executable, "-m", "pipelines.cli", "build"], env, build_log)
    try:
        held = _wait_until_it_holds_the_lock(build, build_log)
        assert "nightly_build" in held
        config = tmp_path / "run.yaml"
        # A launched run waits for the lock (6 h by default); here 2 s, to see it give up.
        config.write_text("resources:\n  warehouse:\n    config:\n      lock_wait_seconds: 2\n", encoding="utf-8")
        # It gives up after its 2 s, not the default 6 h: the timeout (generous, for a loaded CI machine
        # where starting Dagster alone takes minutes) would fail the test otherwise.
        dagster_run = subprocess.run(
            [DAGSTER, "job", "execute", "-m", "pipelines.definitions", "-j", "nightly_build", "-c", str(config)],
            cwd=PROJECT_ROOT, env=env["vars"], capture_output=True, text=True, timeout=900,
        )
        output = dagster_run.stdout + dagster_run.stderr
        assert dagster_run.returncode != 0
        assert "another build holds the writer lock" in output and f"pid {build.pid}" in output
        assert build.poll() is None, "the refused run did not disturb the build that holds the lock"
    finally:
        _kill(build)
    assert publication.current_generation(env["warehouse"]) is None  # nobody published over anybody
    assert _released(lock_path())  # the lock died with the killed build


def test_ghg_build_refuses_while_a_dagster_run_writes(env, tmp_path, capsys):
    run_log = tmp_path / "dagster-run.log"
    dagster_run = _start([DAGSTER, "job", "execute", "-m", "pipelines.definitions", "-j", "nightly_build"], env, run_log)
    try:
        held = _wait_until_it_holds_the_lock(dagster_run, run_log)
        assert "Dagster run" in held
        assert cli.main(["build"]) == cli.EXIT_FAILED
        err = capsys.readouterr().err
        assert "another build holds the writer lock" in err and f"pid {dagster_run.pid}" in err
        assert dagster_run.poll() is None
    finally:
        _kill(dagster_run)
    assert publication.current_generation(env["warehouse"]) is None
    assert _released(lock_path())
