"""`ghg serve`: the dashboard (Streamlit), in local demo mode with --demo."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from pipelines import paths


def cmd_serve(args: argparse.Namespace) -> int:
    app = paths.PROJECT_ROOT / "dashboards" / "app.py"
    print(f"Dashboard: http://{args.address}:{args.port}  (Ctrl+C stops it)", flush=True)
    env = dict(os.environ)
    if args.demo:
        # Local demo mode: a role switch in the sidebar (dashboards/auth.py). Ignored when sign-in
        # (st.login) is configured in .streamlit/secrets.toml.
        env["GHG_DASHBOARD_MODE"] = "demo"
        print("Local demo mode: choose leader / officer / analyst in the sidebar.", flush=True)
    streamlit = Path(sys.executable).with_name("streamlit")
    return subprocess.call(
        [str(streamlit), "run", str(app), "--server.headless", "true", "--server.port", str(args.port),
         "--server.address", args.address, "--browser.gatherUsageStats", "false"],
        env=env,
    )
