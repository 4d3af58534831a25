"""One enterprise, opened from the enterprises page: its profile and the tabs about it.

enterprise_profile(code) draws the name (escaped: it is data), the credit code, region, sector and
whether the enterprise is in the ETS, then four tabs: every report version per year in the MRV
order reported → verified → rechecked with the differences between versions (table and grouped
bars), its review flags and what they mean, the source files the versions were read from, and its
compliance (in enterprises_compliance). Emissions are in 吨 here (versions differ by a few
tonnes), 万吨 in the chart. Authorised roles only: dashboards.views.enterprises.render() refuses
other roles before any query.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.components import PER_TEN_THOUSAND, downloads, fetch, localized, plain
from dashboards.i18n import code_label, is_missing, t
from dashboards.views.enterprises_compliance import compliance_tab
from dashboards.views.enterprises_format import code_words, display_name, yes_no_words

DATA_STATUSES = ("reported", "verified", "rechecked")  # the MRV order of a year's versions
DATA_STATUS_COLOURS = {"reported": "#9aa0a6", "verified": "#1f4e79", "rechecked": "#c26a00"}
# The review flags of marts.fct_enterprise_report_version (rules in int_enterprise_report_versions).
REVIEW_FLAGS = ("lines_vs_recomputed", "unit_slip_x1000", "unit_slip_x10000", "yoy_change", "peer_outlier")
FLAG_SEPARATOR = "|"  # review_flags and source_file are |-joined in the marts


def enterprise_profile(code: str) -> None:
    profile = fetch(queries.ENTERPRISES_PROFILE, (code,))
    if profile.empty:
        st.info(t("enterprises_pick_none"))
        return
    row = profile.iloc[0].to_dict()
    # The name is data: escaped for the Markdown of the subheader, so it shows exactly as written.
    st.subheader(plain(display_name(row["enterprise_name"])))
    st.caption(t(
        "enterprises_profile_caption",
        code=plain(code),
        region=plain(localized(row, zh="region_name_zh", en="region_name_en") or t("missing_value")),
        sector=plain(localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code")),
        ets=t("enterprises_in_ets_yes" if row["in_ets"] else "enterprises_in_ets_no"),
    ))

    versions = fetch(queries.ENTERPRISES_VERSIONS, (code,))
    tabs = st.tabs([t("enterprises_tab_history"), t("enterprises_tab_flags"), t("enterprises_tab_sources"), t("enterprises_tab_compliance")])
    with tabs[0]:
        _history(code, versions)
    with tabs[1]:
        _flags(code, versions)
    with tabs[2]:
        _sources(code, versions)
    with tabs[3]:
        compliance_tab(code)


HISTORY_HEADERS = {
    "year": "col_year",
    "data_status": "enterprises_col_version",
    "submitted_on": "enterprises_col_submitted_on",
    "co2_t": "enterprises_col_co2_t",
    "reported_co2_t": "enterprises_col_reported_co2_t",
    "is_authoritative": "enterprises_col_authoritative",
    "change_t": "enterprises_col_change_t",
    "change_pct": "enterprises_col_change_pct",
    "yoy_pct": "enterprises_col_yoy_pct",
    "peer_z": "enterprises_col_peer_z",
    "review_flags": "enterprises_col_flags",
    "source_file": "enterprises_col_source_file",
}


def flag_labels(flags: object) -> list[str]:
    if is_missing(flags) or not str(flags).strip():
        return []
    return [code_label("enterprises_flag", flag) for flag in str(flags).split(FLAG_SEPARATOR) if flag]


def history_table(versions: pd.DataFrame) -> pd.DataFrame:
    """Every version in the order of the query (year, then reported → verified → rechecked)."""
    return pd.DataFrame({
        "year": versions["year"].astype(int).to_numpy(),
        "data_status": code_words(versions["data_status"], "enterprises_data_status"),
        "submitted_on": pd.to_datetime(versions["submitted_on"]).dt.date.to_numpy(),
        "co2_t": versions["co2_t"].round(1).to_numpy(),
        "reported_co2_t": versions["reported_co2_t"].round(1).to_numpy(),
        "is_authoritative": versions["is_authoritative"].to_numpy(),
        "change_t": versions["change_from_previous_version_t"].round(1).to_numpy(),
        "change_pct": (versions["change_from_previous_version_fraction"] * 100).round(2).to_numpy(),
        "yoy_pct": ((versions["yoy_ratio"] - 1) * 100).round(1).to_numpy(),
        "peer_z": versions["peer_z"].round(2).to_numpy(),
        "review_flags": [t("enterprises_list_separator").join(flag_labels(flags)) or None for flags in versions["review_flags"]],
        "source_file": versions["source_file"].to_numpy(),
    })


def _history(code: str, versions: pd.DataFrame) -> None:
    if versions.empty:
        st.info(t("enterprises_no_versions"))
        return
    st.caption(t("enterprises_history_caption"))
    table = history_table(versions)
    st.dataframe(
        table,
        hide_index=True,
        placeholder=t("missing_value"),
        column_config={
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "data_status": st.column_config.TextColumn(t("enterprises_col_version")),
            "submitted_on": st.column_config.DateColumn(t("enterprises_col_submitted_on"), format="YYYY-MM-DD"),
            "co2_t": st.column_config.NumberColumn(t("enterprises_col_co2_t"), help=t("enterprises_col_co2_help"), format="localized"),
            "reported_co2_t": st.column_config.NumberColumn(t("enterprises_col_reported_co2_t"), help=t("enterprises_col_reported_co2_help"), format="localized"),
            "is_authoritative": st.column_config.CheckboxColumn(t("enterprises_col_authoritative"), help=t("enterprises_col_authoritative_help")),
            "change_t": st.column_config.NumberColumn(t("enterprises_col_change_t"), help=t("enterprises_col_change_help"), format="%+.1f"),
            "change_pct": st.column_config.NumberColumn(t("enterprises_col_change_pct"), help=t("enterprises_col_change_help"), format="%+.2f"),
            "yoy_pct": st.column_config.NumberColumn(t("enterprises_col_yoy_pct"), help=t("enterprises_col_yoy_help"), format="%+.1f"),
            "peer_z": st.column_config.NumberColumn(t("enterprises_col_peer_z"), help=t("enterprises_col_peer_z_help"), format="%+.2f"),
            "review_flags": st.column_config.TextColumn(t("enterprises_col_flags")),
            "source_file": st.column_config.TextColumn(t("enterprises_col_source_file")),
        },
    )
    downloads(yes_no_words(table, ("is_authoritative",)), f"enterprise_{code}_versions", "enterprises_versions", HISTORY_HEADERS)

    st.subheader(t("enterprises_chart_header"))
    frame = chart_frame(versions)
    st.altair_chart(_chart(frame), width="stretch")
    downloads(frame, f"enterprise_{code}_chart", "enterprises_chart", {
        "year": "col_year", "version": "enterprises_col_version", "co2_10kt": "enterprises_chart_axis_co2",
        "authoritative": "enterprises_col_authoritative",
    })


def chart_frame(versions: pd.DataFrame) -> pd.DataFrame:
    """The chart's data: CO₂ of every version in 万吨, with whether it is the year's authoritative one."""
    return pd.DataFrame({
        "year": versions["year"].astype(int).to_numpy(),
        "version": [code_label("enterprises_data_status", code) for code in versions["data_status"]],
        "co2_10kt": (versions["co2_t"] / PER_TEN_THOUSAND).round(4).to_numpy(),
        "authoritative": [t("enterprises_yes" if value else "enterprises_no") for value in versions["is_authoritative"]],
    })


def _chart(frame: pd.DataFrame) -> alt.Chart:
    """Grouped bars: one per version within each year, in the MRV order; the authoritative one solid."""
    versions = [code_label("enterprises_data_status", code) for code in DATA_STATUSES]
    answers = [t("enterprises_yes"), t("enterprises_no")]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("chart_axis_year"), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("version:N", scale=alt.Scale(domain=versions)),
            y=alt.Y("co2_10kt:Q", title=t("enterprises_chart_axis_co2")),
            color=alt.Color(
                "version:N",
                scale=alt.Scale(domain=versions, range=[DATA_STATUS_COLOURS[code] for code in DATA_STATUSES]),
                legend=alt.Legend(title=t("enterprises_col_version"), orient="bottom"),
            ),
            opacity=alt.Opacity(
                "authoritative:N", scale=alt.Scale(domain=answers, range=[1.0, 0.4]),
                legend=alt.Legend(title=t("enterprises_col_authoritative"), orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=t("col_year")),
                alt.Tooltip("version:N", title=t("enterprises_col_version")),
                alt.Tooltip("co2_10kt:Q", title=t("enterprises_chart_axis_co2"), format=",.2f"),
                alt.Tooltip("authoritative:N", title=t("enterprises_col_authoritative")),
            ],
        )
        .properties(height=320)
    )


FLAG_HEADERS = {
    "year": "col_year", "data_status": "enterprises_col_version", "flag": "enterprises_col_flag",
    "meaning": "enterprises_col_flag_meaning",
}


def flags_table(versions: pd.DataFrame) -> pd.DataFrame:
    """One row per flag of a version: year, version, the flag in words and what it means."""
    rows = []
    for version in versions.to_dict("records"):
        flags = "" if is_missing(version["review_flags"]) else str(version["review_flags"])
        for flag in filter(None, flags.split(FLAG_SEPARATOR)):
            key = f"enterprises_flag_{flag}_meaning"
            rows.append({
                "year": int(version["year"]),
                "data_status": code_label("enterprises_data_status", version["data_status"]),
                "flag": code_label("enterprises_flag", flag),
                "meaning": t(key) if flag in REVIEW_FLAGS else t("missing_value"),
            })
    return pd.DataFrame(rows, columns=list(FLAG_HEADERS))


def _flags(code: str, versions: pd.DataFrame) -> None:
    table = flags_table(versions)
    if table.empty:
        st.success(t("enterprises_no_flags"), icon=":material/check_circle:")
    else:
        st.dataframe(
            table,
            hide_index=True,
            placeholder=t("missing_value"),
            column_config={
                "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
                "data_status": st.column_config.TextColumn(t("enterprises_col_version")),
                "flag": st.column_config.TextColumn(t("enterprises_col_flag")),
                "meaning": st.column_config.TextColumn(t("enterprises_col_flag_meaning"), width="large"),
            },
        )
        downloads(table, f"enterprise_{code}_flags", "enterprises_flags", FLAG_HEADERS)
    # What every flag means, whether or not this enterprise has it (labels only, no data).
    with st.expander(t("enterprises_flags_explained")):
        for flag in REVIEW_FLAGS:
            st.markdown(t("enterprises_flag_line", flag=code_label("enterprises_flag", flag), meaning=t(f"enterprises_flag_{flag}_meaning")))


SOURCE_HEADERS = {"source_file": "enterprises_col_source_file", "years": "enterprises_col_years", "versions": "enterprises_col_versions"}


def sources_table(versions: pd.DataFrame) -> pd.DataFrame:
    """Each source file once, with the years and versions read from it."""
    seen: dict[str, dict[str, list]] = {}
    for version in versions.to_dict("records"):
        files = "" if is_missing(version["source_file"]) else str(version["source_file"])
        for source in filter(None, files.split(FLAG_SEPARATOR)):
            entry = seen.setdefault(source, {"years": [], "versions": []})
            entry["years"].append(int(version["year"]))
            entry["versions"].append(version["data_status"])
    separator = t("enterprises_list_separator")
    return pd.DataFrame(
        [
            {
                "source_file": source,
                "years": separator.join(str(year) for year in sorted(set(entry["years"]))),
                "versions": separator.join(code_label("enterprises_data_status", code) for code in DATA_STATUSES if code in entry["versions"]),
            }
            for source, entry in sorted(seen.items())
        ],
        columns=list(SOURCE_HEADERS),
    )


def _sources(code: str, versions: pd.DataFrame) -> None:
    table = sources_table(versions)
    if table.empty:
        st.info(t("enterprises_no_sources"))
        return
    st.caption(t("enterprises_sources_caption"))
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "source_file": st.column_config.TextColumn(t("enterprises_col_source_file"), width="large"),
            "years": st.column_config.TextColumn(t("enterprises_col_years")),
            "versions": st.column_config.TextColumn(t("enterprises_col_versions")),
        },
    )
    downloads(table, f"enterprise_{code}_sources", "enterprises_sources", SOURCE_HEADERS)
