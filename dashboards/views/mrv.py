"""碳市场 MRV 年度 / The MRV year: from the inclusion list to compliance, for one report year and scheme.

Everyone sees the province's funnel: enterprises included on the list → reported → verified →
re-checked (of those that needed a re-check) → complied, with the late and missing reports
(marts.fct_mrv_funnel; a leader's session reads it from the public file, which holds the
allow-listed copy and no enterprise rows, so a leader sees the funnel and nothing else).

Officers and analysts also get five tabs, each on one mart of the full warehouse: the inclusion
list with the rule and the figure that crossed it (mrv_lists), whom to chase today, grouped by
party (mrv_lists), what each city must forward and when (mrv_lists), the verifiers' workload by
month and the conflicted verifications (mrv_schedule), and the compliance calendar by sector
(mrv_schedule). render() checks the role before any of their queries runs.

The funnel's counts and every status, rule and deadline come from dbt (issue 17's marts); this page
only presents them. Codes are shown as words (i18n labels mrv_<kind>_<code>; an unknown code as
itself), names as data: enterprise and verifier names appear in dataframe cells only, region and
sector names come from the warehouse's name_zh / name_en. A missing value stays missing ("—").
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, components, queries
from dashboards.components import downloads, fetch
from dashboards.i18n import code_label, is_missing, percent, t
from dashboards.views import mrv_lists, mrv_schedule

YEAR_KEY, SCHEME_KEY = "mrv_year", "mrv_scheme"
PLOTLY_CONFIG = {"displaylogo": False}
FUNNEL_COLOUR = "#1f4e79"
# The funnel's stages in MRV order: (stage, count column, column of the count its share is of).
# A re-check is required of some enterprises only: its share is of those, not of the list.
STAGES = (
    ("included", "included_count", "included_count"),
    ("reported", "reported_count", "included_count"),
    ("verified", "verified_count", "included_count"),
    ("rechecked", "rechecked_count", "recheck_required_count"),
    ("complied", "complied_count", "included_count"),
)
FUNNEL_HEADERS = {
    "stage": "mrv_col_stage",
    "count": "mrv_col_count",
    "of_count": "mrv_col_of_count",
    "share": "mrv_col_share",
}


def render() -> None:
    st.title(t("mrv_title"))
    components.published_caption()
    st.caption(t("mrv_intro"))
    years = fetch(queries.MRV_FUNNEL_YEARS)
    if years.empty:
        st.info(t("mrv_no_data"))
        return
    year, scheme = _pickers(years)

    st.header(t("mrv_funnel_header", year=year, scheme=scheme_label(scheme)))
    _funnel(year, scheme)

    if not auth.is_authorised():  # leaders: the aggregate funnel only (their file has nothing else)
        return
    tabs = st.tabs([t(f"mrv_tab_{name}") for name in ("inclusion", "chase", "cities", "verifiers", "calendar")])
    with tabs[0]:
        mrv_lists.inclusion_tab(year, scheme)
    with tabs[1]:
        mrv_lists.chase_tab(year, scheme)
    with tabs[2]:
        mrv_lists.cities_tab(year, scheme)
    with tabs[3]:
        mrv_schedule.verifiers_tab(year, scheme)
    with tabs[4]:
        mrv_schedule.calendar_tab(year, scheme)


def scheme_label(code: object) -> str:
    """A scheme's words (i18n mrv_scheme_<code>: the public file has no scheme table), else its code as data."""
    return components.code_text("mrv_scheme", code)


def _pickers(years: pd.DataFrame) -> tuple[int, str]:
    """Report year (default: the newest) and scheme (default: the first of that year)."""
    year_options = sorted({int(value) for value in years["report_year"]}, reverse=True)
    if st.session_state.get(YEAR_KEY) not in year_options:
        st.session_state.pop(YEAR_KEY, None)  # a republished warehouse no longer has it
    year_column, scheme_column, _ = st.columns([1, 2, 3])
    with year_column:
        year = st.selectbox(t("mrv_report_year"), year_options, key=YEAR_KEY, help=t("mrv_report_year_help"))
    schemes = sorted(years.loc[years["report_year"] == year, "scheme_code"])
    if st.session_state.get(SCHEME_KEY) not in schemes:
        st.session_state.pop(SCHEME_KEY, None)
    # Options are shown as they are (not Markdown): the label's words, or the code on one line;
    # looked up now, since format_func runs later without the session's language.
    names = {code: components.name_text(code_label("mrv_scheme", code)) for code in schemes}
    with scheme_column:
        scheme = st.selectbox(t("mrv_scheme"), schemes, key=SCHEME_KEY, format_func=names.get)
    return year, scheme


# --- the funnel ---------------------------------------------------------------------------------


def funnel_totals(funnel: pd.DataFrame) -> dict[str, float | None]:
    """The counts summed over the funnel's rows (one per province); a count no row has (complied
    before any compliance data) stays missing, never 0."""
    columns = [column for column in funnel.columns if column.endswith("_count")]
    return {column: (None if funnel[column].isna().all() else float(funnel[column].sum())) for column in columns}


def funnel_table(totals: dict[str, float | None]) -> pd.DataFrame:
    """One row per stage: its count, the count its share is of, and the share (missing when either is
    missing or the base is 0). Stage codes; words are put on by the caller."""
    rows = []
    for stage, column, base_column in STAGES:
        count, base = totals.get(column), totals.get(base_column)
        share = None if is_missing(count) or is_missing(base) or not base else count / base
        rows.append({"stage": stage, "count": count, "of_count": base, "share": share})
    return pd.DataFrame(rows)


def _funnel(year: int, scheme: str) -> None:
    funnel = fetch(queries.MRV_FUNNEL, (year, scheme))
    if funnel.empty:
        st.info(t("mrv_no_funnel"))
        return
    totals = funnel_totals(funnel)
    table = funnel_table(totals)
    _funnel_cards(table, totals)
    shown = table.dropna(subset=["count"])
    labels = [t(f"mrv_stage_{stage}") for stage in shown["stage"]]
    figure = go.Figure(go.Funnel(
        y=labels, x=list(shown["count"]),
        text=[t("mrv_funnel_text", count=f"{count:,.0f}", share=percent(share)) for count, share in zip(shown["count"], shown["share"])],
        textinfo="text", marker={"color": FUNNEL_COLOUR}, hoverinfo="y+text",
    ))
    figure.update_layout(height=360, margin={"t": 20, "l": 10, "r": 10})
    st.plotly_chart(figure, key="mrv_funnel_chart", config=PLOTLY_CONFIG)
    st.caption(t("mrv_funnel_caption"))
    if is_missing(totals.get("complied_count")):
        st.caption(t("mrv_no_compliance_data"))
    # Shares on screen and in the files as percent with one decimal, like every other page.
    words = table.assign(stage=[t(f"mrv_stage_{stage}") for stage in table["stage"]], share=(table["share"].astype(float) * 100).round(1))
    st.dataframe(
        words, hide_index=True, placeholder=t("missing_value"),
        column_config={
            "stage": st.column_config.TextColumn(t("mrv_col_stage")),
            "count": st.column_config.NumberColumn(t("mrv_col_count"), format="%d"),
            "of_count": st.column_config.NumberColumn(t("mrv_col_of_count"), help=t("mrv_col_of_count_help"), format="%d"),
            "share": st.column_config.NumberColumn(t("mrv_col_share"), format="%.1f"),
        },
    )
    downloads(words, f"mrv_funnel_{year}_{scheme}", "mrv_funnel", FUNNEL_HEADERS)


def _count_text(value: object) -> str:
    return t("missing_value") if is_missing(value) else f"{value:,.0f}"


def _funnel_cards(table: pd.DataFrame, totals: dict[str, float | None]) -> None:
    for column, row in zip(st.columns(len(table)), table.to_dict("records")):
        with column:
            share = None if row["stage"] == "included" or is_missing(row["count"]) else t("mrv_card_share", share=percent(row["share"]), of=_count_text(row["of_count"]))
            components.card(t(f"mrv_stage_{row['stage']}"), _count_text(row["count"]), help=t(f"mrv_stage_{row['stage']}_help"))
            if share is not None:
                st.caption(share)
    late_column, missing_column, _ = st.columns([1, 1, 3])
    with late_column:
        components.card(t("mrv_card_late"), _count_text(totals.get("late_report_count")), help=t("mrv_card_late_help"))
    with missing_column:
        components.card(t("mrv_card_missing"), _count_text(totals.get("missing_report_count")), help=t("mrv_card_missing_help"))
