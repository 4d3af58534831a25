"""Server time of every dashboard page, per role: how long Streamlit's script run takes for a page
(queries, frames, figures), measured headlessly with AppTest against a published warehouse.

    .venv/bin/python -m bench.page_times [WAREHOUSE_DIR] [--repeat 3] [--limit-s 1.0]

WAREHOUSE_DIR defaults to ./warehouse (`make build`). Each page is opened fresh (a new session:
empty session state) and then rerun `--repeat` times as a user's clicks would; the first run pays
for the query cache (st.cache_data, shared by sessions of one server process), the reruns show
what a leader waits for after that. The browser's own drawing is not included. Exit code 1 when
a page's median rerun exceeds the limit (the issue's aim: about a second).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP = PROJECT_ROOT / "dashboards" / "app.py"
PAGES = ("overview.py", "indicator.py", "regions.py", "structure.py", "inventory.py", "enterprises.py", "market.py", "quality.py")
ROLES = ("leader", "officer")


def _time_page(page: str, role: str, repeat: int) -> tuple[float, list[float]]:
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    # AppTest runs scripts in bare mode: Streamlit would warn of a missing ScriptRunContext on every call
    logger.set_log_level("error")
    app = AppTest.from_file(str(APP), default_timeout=300)
    app.session_state["role"] = role
    app.session_state["lang"] = "zh"
    app.run()
    started = time.perf_counter()
    app.switch_page(f"page_scripts/{page}").run()
    first = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"{page} as {role}: {[e.value for e in app.exception]}")
    reruns = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.run()
        reruns.append(time.perf_counter() - started)
    return first, reruns


def time_pages(warehouse: Path, repeat: int = 3) -> list[dict]:
    """Every page a role may open against a published warehouse: first run and median rerun, seconds.
    The environment the pages read is set for the measurement only (a test process goes on after it)."""
    settings = {
        "GHG_WAREHOUSE_DIR": str(Path(warehouse).resolve()),
        "GHG_DASHBOARD_MODE": "demo",
    }
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    timings = []
    with mock.patch.dict(os.environ, settings):
        for role in ROLES:
            for page in PAGES:
                if page == "enterprises.py" and role == "leader":
                    continue  # not a leader's page
                first, reruns = _time_page(page, role, repeat)
                timings.append({"page": page.removesuffix(".py"), "role": role, "first_s": first,
                                "median_s": statistics.median(reruns)})
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", nargs="?", default=str(PROJECT_ROOT / "warehouse"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-s", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(f"{'page':<16}{'role':<9}{'first s':>9}{'rerun median s':>16}")
    slow = []
    for timing in time_pages(Path(args.warehouse), args.repeat):
        flag = "  > limit" if timing["median_s"] > args.limit_s else ""
        print(f"{timing['page'] + '.py':<16}{timing['role']:<9}{timing['first_s']:>9.2f}{timing['median_s']:>16.2f}{flag}")
        if timing["median_s"] > args.limit_s:
            slow.append(timing)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
