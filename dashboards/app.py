"""The dashboard's entry point: `streamlit run dashboards/app.py` (or `make serve`).

It sets up what every page shares (page config, the 中文/English switch) and hands over to
st.navigation. A new page is a module in dashboards/views/ with a render() function, one entry
in PAGES and a label in i18n.csv.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboards/app.py` puts only dashboards/ on the import path; the pages import
# dashboards.* and pipelines.* from the project root (an editable install also provides them).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import streamlit as st  # noqa: E402

from dashboards import i18n  # noqa: E402
from dashboards.i18n import t  # noqa: E402
from dashboards.views import overview  # noqa: E402

# Navigation section label id -> pages as (render function, title label id, URL path, icon).
PAGES = {
    "nav_section_targets": [
        (overview.render, "page_overview", "overview", ":material/speed:"),
    ],
}


def main() -> None:
    # The language radio below stores its choice under i18n.SESSION_KEY; on a rerun the new
    # value is already in session state here, so the page title is in the chosen language.
    st.set_page_config(page_title=t("app_title"), page_icon=":material/eco:", layout="wide")
    with st.sidebar:
        st.radio(
            t("language_label"),
            i18n.LANGUAGES,
            index=i18n.LANGUAGES.index(i18n.DEFAULT_LANGUAGE),
            key=i18n.SESSION_KEY,
            # Each language named in itself, whatever the current choice (and pure, so no session lookup).
            format_func=lambda lang: i18n.text(f"language_{lang}", lang),
            horizontal=True,
        )
    first = True
    sections = {}
    for section, pages in PAGES.items():
        sections[t(section)] = []
        for render, title, url_path, icon in pages:
            sections[t(section)].append(st.Page(render, title=t(title), url_path=url_path, icon=icon, default=first))
            first = False
    st.navigation(sections).run()


main()
