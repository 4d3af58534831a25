"""The benchmark: full builds of a preset's inbox against the floor, interleaved, into BENCHMARKS.md.

    make bench SCALE=sample [REPS=3]
    .venv/bin/python -m bench.run PRESET [--reps 3] [--out BENCHMARKS.md] [--work DIR] [--page-repeat 3] [--inbox DIR]

Each repetition runs a full `ghg build` of the preset's inbox (bench/inboxes.py) in a fresh
folder (its own warehouse, DAGSTER_HOME and a copy of the inbox, so nothing of an earlier run is
reused), then the floor (bench/floor.py) on the same files; both are subprocesses, timed on the
wall clock with the peak RSS of their whole process tree. The build's own records give the
stages (Dagster step stats), the dbt nodes (run_results.json) and the rows read (operations
store). After the last repetition the floor is checked against the marts of that build and every
dashboard page is timed on its warehouse. The preset's section of the report is replaced; the
other presets' sections stay, and the growth fit is recomputed over all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import inboxes, measure, report

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = PROJECT_ROOT / "BENCHMARKS.md"


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _build_env(run_dir: Path, inbox: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GHG_INBOX_DIR": str(inbox), "GHG_WAREHOUSE_DIR": str(run_dir / "warehouse"),
        "DAGSTER_HOME": str(run_dir / "dagster_home"), "PYTHONPATH": str(PROJECT_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
    })
    return env


def one_build(run_dir: Path, inbox: Path) -> dict:
    """A full `ghg build` in a fresh folder: wall time, peak RSS and what its records say."""
    (run_dir / "dagster_home").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "pipelines" / "dagster.yaml", run_dir / "dagster_home" / "dagster.yaml")
    shutil.copytree(inbox, run_dir / "inbox", ignore=shutil.ignore_patterns(inboxes.DONE_MARK))
    timed = measure.run_timed([_venv_bin("ghg"), "build"], _build_env(run_dir, run_dir / "inbox"),
                              run_dir / "build.log")
    run_id, run_s, steps = measure.run_steps(run_dir / "dagster_home")
    return {
        "wall_s": timed.wall_s, "peak_rss_bytes": timed.peak_rss_bytes, "returncode": timed.returncode,
        "run_id": run_id, "run_s": run_s, "steps": steps, "dbt_nodes": measure.dbt_nodes(run_id) if run_id else [],
        "rows_read": measure.rows_read(run_dir / "warehouse", run_id) if run_id else None,
        "log_tail": timed.output[-2000:],
    }


def one_floor(run_dir: Path, inbox: Path) -> dict:
    """The floor on the same inbox, as its own process (so its memory is measured alike)."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    timed = measure.run_timed([sys.executable, "-m", "bench.floor", str(inbox)], env, run_dir / "floor.log")
    facts = next((json.loads(line.removeprefix("floor-facts ")) for line in timed.output.splitlines()
                  if line.startswith("floor-facts ")), {})
    return {"wall_s": timed.wall_s, "peak_rss_bytes": timed.peak_rss_bytes, "returncode": timed.returncode,
            "cells": facts.get("cells"), "report_lines": facts.get("report_lines"),
            "family_s": facts.get("family_s", {}), "log_tail": timed.output[-2000:]}


def floor_check(inbox: Path, warehouse_dir: Path, log_path: Path) -> dict:
    """bench.floor --check against the build's marts: passed, and its report."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    timed = measure.run_timed([sys.executable, "-m", "bench.floor", str(inbox), "--check", str(warehouse_dir)],
                              env, log_path)
    output = "\n".join(line for line in timed.output.strip().splitlines() if not line.startswith("floor-facts "))
    return {"passed": timed.returncode == 0, "output": output}


def _log(text: str) -> None:
    print(text, flush=True)  # progress shows as it happens, also when the output is a file


def run(preset: str, reps: int, out: Path, work: Path, page_repeat: int = 3, log=_log,
        inbox: Path | None = None) -> dict:
    """Measure `preset` `reps` times and write its section of `out`; returns the recorded figures.
    `inbox`: an already generated inbox of that preset (read only: each build works on a copy)."""
    inbox = inbox or inboxes.ensure_inbox(preset, log=log)
    builds, floors = [], []
    for rep in range(1, reps + 1):
        run_dir = work / f"rep{rep}"
        builds.append(one_build(run_dir, inbox))
        log(f"rep {rep}: build {builds[-1]['wall_s']:.1f} s (exit {builds[-1]['returncode']}), "
            f"peak RSS {builds[-1]['peak_rss_bytes'] / 1e9:.2f} GB")
        if builds[-1]["returncode"] != 0:
            raise SystemExit(f"bench: the build failed (exit {builds[-1]['returncode']}); log: {run_dir / 'build.log'}")
        floors.append(one_floor(run_dir, inbox))
        log(f"rep {rep}: floor {floors[-1]['wall_s']:.1f} s, peak RSS {floors[-1]['peak_rss_bytes'] / 1e9:.2f} GB")
    last = work / f"rep{reps}"
    check = floor_check(inbox, last / "warehouse", last / "floor_check.log")
    log(f"floor check: {'passed' if check['passed'] else 'FAILED'}")
    from bench import page_times

    pages = page_times.time_pages(last / "warehouse", page_repeat)
    record = {
        "preset": preset, "description": inboxes.PRESETS[preset].note, "recorded_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "inbox": inboxes.inbox_facts(inbox), "reps": reps, "builds": builds, "floors": floors,
        "check": check, "pages": pages, "machine": measure.machine(), "page_repeat": page_repeat,
    }
    report.write(out, record)
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=sorted(inboxes.PRESETS))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the report to update (default BENCHMARKS.md)")
    parser.add_argument("--work", type=Path, help="keep the builds here (default: a temporary folder, removed)")
    parser.add_argument("--page-repeat", type=int, default=3, help="reruns per dashboard page")
    parser.add_argument("--inbox", type=Path, help="use this already generated inbox of the preset (never written)")
    args = parser.parse_args(argv)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        record = run(args.preset, args.reps, args.out, args.work, args.page_repeat, inbox=args.inbox)
    else:
        with tempfile.TemporaryDirectory(prefix=f"ghg-bench-{args.preset}-") as work:
            record = run(args.preset, args.reps, args.out, Path(work), args.page_repeat, inbox=args.inbox)
    build_s = statistics.median(b["wall_s"] for b in record["builds"])
    floor_s = statistics.median(f["wall_s"] for f in record["floors"])
    print(f"{args.preset}: build {build_s:.1f} s, floor {floor_s:.1f} s (median of {args.reps}); report: {args.out}")
    return 0 if record["check"]["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
