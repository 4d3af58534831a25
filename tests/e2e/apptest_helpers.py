"""Open one dashboard page in Streamlit's AppTest, in a given role and language.

The app runs in its local demo mode (the role switch in the sidebar), against whatever
warehouse folder GHG_WAREHOUSE_DIR names (the `sample_app` fixture: one build of the sample).
"""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PAGE_SCRIPTS = sorted(path.name for path in (APP.parent / "pages").glob("*.py"))


def open_page(page: str, role: str = "leader", lang: str = "zh", query_params: dict | None = None, timeout: float = 90) -> AppTest:
    """page: the script name in dashboards/page_scripts/ ("market.py"). Returns the AppTest after the run.

    Role and language go into the plain session keys the sidebar switches write (what a user's
    click does). AppTest drops the sidebar's elements from its tree after the first run of an app
    with file-based pages, so tests assert on the main area and set the switches this way.
    """
    app = AppTest.from_file(str(APP), default_timeout=timeout)
    app.session_state["role"] = role
    app.session_state["lang"] = lang
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    app.run()
    app.switch_page(f"page_scripts/{page}").run()
    return app


def assert_no_error(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def all_text(app: AppTest) -> str:
    """Every string the page sent to the browser: each element's protobuf message (labels, values,
    options, chart specs with their data) and the cells of every dataframe and table."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    for frame in app.dataframe:
        parts.append(frame.value.to_csv(index=False))
    for table in app.table:
        parts.append(table.value.to_csv(index=False))
    text = "\n".join(parts)
    # Chart specs and column settings are JSON inside the protos, where non-ASCII characters are
    # written as \uXXXX: decode them too, so a Chinese name inside a chart is found.
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), text)
    return text + "\n" + decoded


def frame_with(app: AppTest, column: str):
    """The (single) dataframe on the page that has this column, as a pandas frame."""
    frames = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert len(frames) == 1, [list(frame.value.columns) for frame in app.dataframe]
    return frames[0]


def metric_values(app: AppTest) -> dict[str, str]:
    """Each metric card's label → its displayed value."""
    return {metric.label: metric.value for metric in app.metric}
