"""`ghg`: the platform's command line (build, serve).

Exit codes scripts can rely on: 0 success, 1 the build ran but failed (nothing published),
2 wrong usage or missing input.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipelines import paths

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def seed_inbox_from_sample(inbox: Path, sample: Path = paths.SAMPLE_DIR) -> bool:
    """Copy the bundled sample into an empty inbox; returns whether it copied.

    An inbox that already holds files is the office's own data and is never touched.
    """
    if inbox.exists() and any(p.is_file() for p in inbox.rglob("*")):
        return False
    shutil.copytree(sample, inbox, dirs_exist_ok=True)
    return True


def run_build() -> tuple[bool, str]:
    """Run the nightly_build job in this process; returns (success, one-line summary)."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    job = defs.resolve_job_def("nightly_build")
    # INFO, not DEBUG: an office reads this log every morning; step events stay in Dagster.
    run_config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
    if result.success:
        return True, f"run {result.run_id}: published {paths.published_path()}"
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    return False, f"run {result.run_id} failed at {', '.join(failed) or 'an unknown step'}; the published warehouse was left as it was"


def cmd_build(args: argparse.Namespace) -> int:
    inbox = paths.inbox_dir()
    if args.sample and seed_inbox_from_sample(inbox):
        print(f"inbox {inbox} was empty: copied the bundled sample into it")
    if not inbox.exists():
        print(f"inbox {inbox} does not exist; drop source files there or use --sample", file=sys.stderr)
        return EXIT_USAGE
    started = time.monotonic()
    ok, summary = run_build()
    print(f"{summary} ({time.monotonic() - started:.0f} s)")
    return EXIT_OK if ok else EXIT_FAILED


def cmd_serve(args: argparse.Namespace) -> int:
    app = paths.PROJECT_ROOT / "dashboards" / "app.py"
    print(f"Dashboard: http://{args.address}:{args.port}  (Ctrl+C stops it)", flush=True)
    streamlit = Path(sys.executable).with_name("streamlit")
    return subprocess.call(
        [str(streamlit), "run", str(app), "--server.headless", "true", "--server.port", str(args.port),
         "--server.address", args.address, "--browser.gatherUsageStats", "false"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ghg", description="Provincial GHG inventory platform")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="ingest the inbox, build the warehouse, publish it if every blocking check passes")
    build.add_argument("--sample", action="store_true", help="copy the bundled sample into the inbox when the inbox is empty")
    build.set_defaults(func=cmd_build)
    serve = sub.add_parser("serve", help="serve the dashboard")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
