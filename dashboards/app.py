"""The dashboard's entry point: `streamlit run dashboards/app.py` (or `make serve`).

It sets up what every page shares (page config, the 中文/English switch, who is signed in and in
which role) and hands over to st.navigation. A page is a script in dashboards/page_scripts/ that calls
render() of its module in dashboards/views/, one entry in PAGES and a label in i18n.csv.
Pages marked authorised_only (enterprise data) are not even registered for a leader's session,
and their render() checks the role again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

# `streamlit run dashboards/app.py` puts only dashboards/ on the import path; the pages import
# dashboards.* and pipelines.* from the project root (an editable install also provides them).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import streamlit as st  # noqa: E402

from dashboards import auth, i18n  # noqa: E402
from dashboards.i18n import t  # noqa: E402

ICON_PATH = Path(__file__).with_name("assets") / "icon.png"

# Not "pages/": Streamlit would treat a folder of that name beside the entry point as a legacy
# multipage app, and a direct link (/enterprises) would run the page script without this file
# (no navigation, no language or role switch).
PAGES_DIR = Path(__file__).with_name("page_scripts")


class PageEntry(NamedTuple):
    script: str  # file in dashboards/page_scripts/
    title: str  # i18n label key
    url_path: str
    icon: str
    authorised_only: bool = False


# Navigation section label id -> pages, in the order a user meets them.
PAGES: dict[str, list[PageEntry]] = {
    "nav_section_targets": [
        PageEntry("overview.py", "page_overview", "overview", ":material/speed:"),
        PageEntry("indicator.py", "page_indicator", "indicator", ":material/query_stats:"),
    ],
    "nav_section_inventory": [
        PageEntry("regions.py", "page_regions", "regions", ":material/map:"),
        PageEntry("structure.py", "page_structure", "structure", ":material/account_tree:"),
        PageEntry("inventory.py", "page_inventory", "inventory", ":material/table_chart:"),
    ],
    "nav_section_enterprises": [
        PageEntry("enterprises.py", "page_enterprises", "enterprises", ":material/factory:", authorised_only=True),
        # Not authorised_only: a leader gets the aggregate funnel (views.mrv shows the rest to officers only).
        PageEntry("mrv.py", "page_mrv", "mrv", ":material/assignment_turned_in:"),
    ],
    "nav_section_market": [
        PageEntry("market.py", "page_market", "market", ":material/candlestick_chart:"),
    ],
    "nav_section_operations": [
        PageEntry("quality.py", "page_quality", "quality", ":material/fact_check:"),
    ],
}


def visible_pages(role: str) -> dict[str, list[PageEntry]]:
    """The navigation a role gets: enterprise pages only for authorised roles; empty sections dropped."""
    shown = {}
    for section, entries in PAGES.items():
        allowed = [entry for entry in entries if auth.is_authorised(role) or not entry.authorised_only]
        if allowed:
            shown[section] = allowed
    return shown


def _remember(widget_key: str, session_key: str) -> None:
    st.session_state[session_key] = st.session_state[widget_key]


def _switch(label: str, options: tuple[str, ...], session_key: str, format_func) -> None:
    """A sidebar radio whose choice lives in a plain session key (i18n.SESSION_KEY, auth.ROLE_KEY):
    a plain key outlives the widget, so pages and tests read one stable value."""
    current = st.session_state.get(session_key, options[0])
    widget_key = f"{session_key}_switch"
    # The widget's value is set through its key before it is drawn, not with index=: the role
    # switch's label changes with the language, which makes it a new widget in the browser, and a
    # new widget drawn with index= came back as the first option (switching to English made an
    # officer a leader). A value under the key holds whatever the widget's identity.
    st.session_state[widget_key] = current if current in options else options[0]
    st.radio(
        label, options, key=widget_key, on_change=_remember, args=(widget_key, session_key),
        format_func=format_func, horizontal=True,
    )


def _language_switch() -> None:
    # Each language named in itself, whatever the current choice (and pure, so no session lookup).
    _switch(t("language_label"), i18n.LANGUAGES, i18n.SESSION_KEY, lambda lang: i18n.text(f"language_{lang}", lang))


def _identity_panel() -> None:
    """Demo mode: the role switch. Signed in: who and in which role, and a sign-out button."""
    if auth.demo_mode():
        # The language is captured now, so the labels do not depend on session state later (pure).
        lang = i18n.current_language()
        _switch(t("role_label"), auth.ROLES, auth.ROLE_KEY, lambda role: i18n.text(f"role_{role}", lang))
        st.caption(t("role_demo_help"))
    elif auth.oidc_configured() and not auth.needs_sign_in():
        # The e-mail goes into a caption: escape Markdown so an address is shown as it is.
        from dashboards.components import plain

        st.caption(t("role_signed_in", email=plain(st.user.get("email", "")), role=t(f"role_{auth.current_role()}")))
        st.button(t("sign_out_button"), on_click=st.logout, icon=":material/logout:")


def _sign_in() -> None:
    st.title(t("sign_in_title"))
    st.write(t("sign_in_help"))
    st.button(t("sign_in_button"), on_click=st.login, type="primary", icon=":material/login:")


def main() -> None:
    # The language radio stores its choice under i18n.SESSION_KEY; on a rerun the new value is
    # already in session state here, so the page title is in the chosen language.
    # The icon is a file in the repository: a Material or emoji page icon makes the browser fetch the
    # favicon from an outside server, which fails offline (and leaks that the app is opened).
    st.set_page_config(page_title=t("app_title"), page_icon=str(ICON_PATH), layout="wide")
    with st.sidebar:
        _language_switch()
        _identity_panel()
    if auth.needs_sign_in():
        st.navigation([st.Page(_sign_in, title=t("sign_in_title"), url_path="sign-in")]).run()
        return
    role = auth.current_role()
    first = True
    sections = {}
    for section, entries in visible_pages(role).items():
        sections[t(section)] = []
        for entry in entries:
            sections[t(section)].append(
                st.Page(str(PAGES_DIR / entry.script), title=t(entry.title), url_path=entry.url_path, icon=entry.icon, default=first)
            )
            first = False
    st.navigation(sections).run()


main()
