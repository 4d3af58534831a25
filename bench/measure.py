"""What the benchmark runner measures, each from its own source: wall time and the peak memory of
a whole process tree (/proc), a build's stage times (Dagster's step stats of the run), its dbt node
times (the run's run_results.json), rows read (the operations store) and the machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
POLL_S = 0.2
PACKAGES = ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "polars", "fastexcel", "streamlit")


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # the process ended while we looked
        # the command name may hold spaces and parentheses: the fields after the last ')' are fixed
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants now (0 once it has ended)."""
    children = _children_map()
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_BYTES
        except OSError:
            pass
        stack.extend(children.get(pid, ()))
    return total


@dataclass
class Timed:
    wall_s: float
    peak_rss_bytes: int
    returncode: int
    output: str


def run_timed(command: list[str], env: dict[str, str], log_path: Path, cwd: Path = PROJECT_ROOT) -> Timed:
    """Run a command; its wall time and the peak of its whole tree's RSS (polled every 0.2 s)."""
    peak = 0
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_bytes(process.pid))
                done.wait(POLL_S)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        returncode = process.wait()
        wall_s = time.perf_counter() - started
        done.set()
        poller.join()
    return Timed(wall_s, peak, returncode, log_path.read_text(encoding="utf-8", errors="replace"))


def stage_of(step_key: str) -> str:
    """A Dagster step's stage: ingest_* steps by name, dbt, GX checks, publish, other."""
    if step_key.startswith("ingest_"):
        return step_key
    if step_key == "ghg_dbt_assets":
        return "dbt (ghg_dbt_assets)"
    if "_gx_" in step_key:
        return "GX checks"
    if step_key == "warehouse__ghg":
        return "publish (warehouse__ghg)"
    return "other steps"


def run_steps(dagster_home: Path) -> tuple[str, float | None, list[dict]]:
    """The (only) run of a fresh DAGSTER_HOME: its id, its duration (start → end, s) and its steps'
    times, from Dagster's records."""
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(dagster_home))) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return "", None, []
        run_id = runs[0].run_id
        stats = instance.get_run_stats(run_id)
        run_s = stats.end_time - stats.start_time if stats.end_time and stats.start_time else None
        steps = [
            {"step": s.step_key, "stage": stage_of(s.step_key), "status": str(s.status.value if s.status else ""),
             "s": (s.end_time - s.start_time) if s.end_time and s.start_time else 0.0}
            for s in instance.get_run_step_stats(run_id)
        ]
    return run_id, run_s, steps


def dbt_nodes(run_id: str, target: Path = PROJECT_ROOT / "dbt_project" / "target") -> list[dict]:
    """Every node of the run's dbt invocation(s): kind, name, seconds (run_results.json)."""
    nodes = []
    for results in sorted(target.glob(f"*-{run_id[:7]}-*/run_results.json")):
        for result in json.loads(results.read_text(encoding="utf-8"))["results"]:
            kind, _, name = result["unique_id"].partition(".")
            nodes.append({"kind": kind, "name": name.split(".", 1)[-1], "s": float(result["execution_time"] or 0)})
    return nodes


def rows_read(warehouse_dir: Path, run_id: str) -> int | None:
    """Rows the run's readers read (loaded + quarantined), from the operations store."""
    import duckdb

    store = warehouse_dir / "operations.duckdb"
    if not store.exists():
        return None
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute("select rows_read from ops.run_summary where run_id = ?", [run_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def machine() -> dict:
    """The facts a figure needs beside it to be compared with another machine's."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "—"
    git = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024**2, 1),
        "python": platform.python_version(), "load_1min": round(os.getloadavg()[0], 2),
        "git": git + (" (with uncommitted changes)" if dirty else ""), **versions,
    }
