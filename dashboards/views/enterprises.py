"""重点排放单位与履约 / Enterprises and compliance (officers and analysts only).

Search the enterprise reports (name or credit code, region, sector, year, review flags, ETS,
compliance status), see what the search covers in five cards, then open one enterprise: every
report version per year in the MRV order reported → verified → rechecked with the differences
between versions, its review flags and what they mean, the source files, and its carbon-market
compliance (verified emissions, allowances, offsets, shortfall, penalty range) by year.

Enterprise data is confidential. A leader's session never gets here (app.py does not register
the page for leaders, and a leader's session reads the public file, which has no enterprise
tables), and render() checks the role once more before it runs a single query.

Names are data: they appear as they are in dataframe cells, as one line in select-box options
(components.name_text), and only through components.plain() in Markdown elements, which makes
them one line too (the sample has an enterprise literally named `<script>alert(1)</script>某化工厂`;
a name with a newline and "# " must not become a heading, nor an ESC reach the page). CSV
downloads keep a name like "=1+1" as text (components.csv_bytes). Emissions are 吨 CO₂ in the
warehouse; 万吨 in the search table, the cards and the chart, 吨 in one enterprise's tables
(versions differ by a few tonnes).
A missing value stays missing ("—"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import auth, queries
from dashboards.components import code_text, downloads, fetch, localized, name_text, plain, published_caption, region_picker
from dashboards.i18n import code_label, is_missing, t

TONNES_PER_10KT = 10_000  # 1 万吨 = 10,000 t
YUAN_PER_10K_YUAN = 10_000  # 1 万元 = 10,000 元

DATA_STATUSES = ("reported", "verified", "rechecked")  # the MRV order of a year's versions
DATA_STATUS_COLOURS = {"reported": "#9aa0a6", "verified": "#1f4e79", "rechecked": "#c26a00"}
# The review flags of marts.fct_enterprise_report_version (rules in int_enterprise_report_versions).
REVIEW_FLAGS = ("lines_vs_recomputed", "unit_slip_x1000", "unit_slip_x10000", "yoy_change", "peer_outlier")
FLAG_SEPARATOR = "|"  # review_flags and source_file are |-joined in the marts

# Compliance has its own vocabulary (marts.fct_ets_compliance.status), apart from the targets' four
# statuses in components: colour, shape and a one-line meaning each.
COMPLIANCE_STATUSES = ("compliant", "shortfall", "no_data")
COMPLIANCE_BADGE_COLOURS = {"compliant": "green", "shortfall": "red", "no_data": "gray"}
COMPLIANCE_ICONS = {
    "compliant": ":material/check_circle:",
    "shortfall": ":material/error:",
    "no_data": ":material/help:",
}

SEARCH_KEY, YEAR_KEY, SECTOR_KEY = "enterprises_search", "enterprises_year", "enterprises_sector"
FLAGGED_KEY, ETS_KEY, COMPLIANCE_KEY = "enterprises_flagged", "enterprises_ets", "enterprises_compliance"
PICK_KEY, LINKED_KEY = "enterprises_pick", "enterprises_linked"
REGION_PICKER_KEY = "enterprises_region"
SEARCH_MAX_CHARS = 60
LINK_PARAM = "credit_code"  # ?credit_code=… opens that enterprise (authorised sessions only)


# --- search criteria ----------------------------------------------------------------------------


def like_pattern(text: str) -> str:
    r"""The user's text as an ILIKE pattern matching it anywhere: \ % and _ are escaped (the
    queries say ESCAPE '\'), so "100%" or "A_B" match literally and never act as wildcards."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Criteria:
    text: str = ""
    region_code: str | None = None
    sector_code: str | None = None
    year: int | None = None
    flagged_only: bool = False
    ets_only: bool = False
    compliance_status: str | None = None

    def params(self) -> tuple:
        """The parameters of queries.ENTERPRISES_SEARCH, in its $1…$7 order."""
        return (
            like_pattern(self.text), self.region_code, self.sector_code, self.year,
            self.flagged_only, self.ets_only, self.compliance_status,
        )


# --- the page -------------------------------------------------------------------------------------


def render() -> None:
    # Defence in depth: the page is not registered for leaders, and it still refuses before any query.
    if not auth.is_authorised():
        st.error(t("not_authorised"), icon=":material/lock:")
        return

    st.title(t("enterprises_title"))
    published_caption()
    st.caption(t("enterprises_intro"))

    years = [int(year) for year in fetch(queries.ENTERPRISES_YEARS)["year"]]
    if not years:
        st.info(t("enterprises_no_data"))
        return
    sectors = fetch(queries.ENTERPRISES_SECTORS)
    sector_names = {row["sector_code"]: localized(row, fallback="sector_code") for row in sectors.to_dict("records")}

    criteria = _filters(years, sector_names)
    results = fetch(queries.ENTERPRISES_SEARCH, criteria.params())

    _summary(results, criteria)
    st.header(t("enterprises_results_header"))
    _results(results, sector_names)

    st.header(t("enterprises_detail_header"))
    code = _pick(results)
    if code is not None:
        _enterprise(code)


def _filters(years: list[int], sector_names: dict[str, str]) -> Criteria:
    text = st.text_input(
        t("enterprises_search_label"), key=SEARCH_KEY, max_chars=SEARCH_MAX_CHARS,
        placeholder=t("enterprises_search_placeholder"), icon=":material/search:",
    )
    region = region_picker(REGION_PICKER_KEY)
    year_column, sector_column, status_column = st.columns(3)
    with year_column:
        if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in [None, *years]:
            del st.session_state[YEAR_KEY]  # a republished warehouse no longer has the year chosen earlier
        # Default: the latest reporting year (one row per enterprise); "all years" is one click away.
        year = st.selectbox(
            t("enterprises_filter_year"), [None, *years], index=1, key=YEAR_KEY,
            format_func=lambda value: t("enterprises_all_years") if value is None else str(value),
        )
    with sector_column:
        sector = st.selectbox(
            t("enterprises_filter_sector"), [None, *sector_names], key=SECTOR_KEY,
            format_func=lambda code: t("enterprises_all") if code is None else sector_names[code],
        )
    with status_column:
        status = st.selectbox(
            t("enterprises_filter_compliance"), [None, *COMPLIANCE_STATUSES], key=COMPLIANCE_KEY,
            format_func=lambda code: t("enterprises_all") if code is None else code_label("enterprises_compliance", code),
        )
    flagged_column, ets_column = st.columns(2)
    with flagged_column:
        flagged = st.checkbox(t("enterprises_filter_flagged"), key=FLAGGED_KEY)
    with ets_column:
        ets = st.checkbox(t("enterprises_filter_ets"), key=ETS_KEY)
    return Criteria(text or "", region, sector, year, flagged, ets, status)


# --- overview cards -------------------------------------------------------------------------------


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def summary_values(results: pd.DataFrame) -> dict[str, object]:
    """The cards' figures for the rows found: enterprises counted once however many years match;
    the shortfall and the penalty range summed over the rows (missing when no row has compliance)."""
    has_compliance = results["compliance_status"].notna().any()
    return {
        "enterprises": int(results["credit_code"].nunique()),
        "flagged": int(results.loc[results["review_flag_count"] > 0, "credit_code"].nunique()),
        "shortfall_enterprises": int(results.loc[results["compliance_status"] == "shortfall", "credit_code"].nunique()),
        "shortfall_10kt": results["shortfall_t"].sum() / TONNES_PER_10KT if has_compliance else None,
        "penalty_low_10k_yuan": results["penalty_low_yuan"].sum() / YUAN_PER_10K_YUAN if has_compliance else None,
        "penalty_high_10k_yuan": results["penalty_high_yuan"].sum() / YUAN_PER_10K_YUAN if has_compliance else None,
    }


def _summary(results: pd.DataFrame, criteria: Criteria) -> None:
    values = summary_values(results)
    penalty = (
        t("missing_value") if values["penalty_low_10k_yuan"] is None
        else t("enterprises_fmt_range", low=_number(values["penalty_low_10k_yuan"], 1), high=_number(values["penalty_high_10k_yuan"], 1))
    )
    cards = [
        (t("enterprises_metric_enterprises"), _number(values["enterprises"], 0), t("enterprises_metric_enterprises_help")),
        (t("enterprises_metric_flagged"), _number(values["flagged"], 0), t("enterprises_metric_flagged_help")),
        (t("enterprises_metric_shortfall"), _number(values["shortfall_enterprises"], 0), t("enterprises_metric_shortfall_help")),
        (
            t("enterprises_metric_shortfall_total"),
            t("missing_value") if values["shortfall_10kt"] is None else _number(values["shortfall_10kt"], 2),
            t("enterprises_metric_shortfall_total_help"),
        ),
        (t("enterprises_metric_penalty"), penalty, t("enterprises_metric_penalty_help")),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(cards)), cards):
        with column:
            st.metric(label, value, help=help_text, border=True)
    if criteria.year is None:
        st.caption(t("enterprises_summary_all_years"))


# --- search results -------------------------------------------------------------------------------

RESULT_HEADERS = {
    "enterprise_name": "enterprises_col_name",
    "credit_code": "enterprises_col_code",
    "region_name": "enterprises_col_region",
    "sector": "enterprises_col_sector",
    "year": "col_year",
    "co2_10kt": "enterprises_col_co2_10kt",
    "data_status": "enterprises_col_data_status",
    "in_ets": "enterprises_col_in_ets",
    "compliance_status": "enterprises_col_compliance",
    "review_flag_count": "enterprises_col_flag_count",
}


def _labels(codes: pd.Series, prefix: str) -> list[str | None]:
    """Codes as words, looked up once per distinct code (a search can return 10,000 rows); missing stays None."""
    words = {code: code_label(prefix, code) for code in codes.dropna().unique()}
    return [None if is_missing(code) else words[code] for code in codes]


def results_table(results: pd.DataFrame, sector_names: dict[str, str]) -> pd.DataFrame:
    """The search results as shown: names as data, codes as words, CO₂ in 万吨; no compliance
    record (not in the ETS, or a year before the first compliance year) stays missing."""
    return pd.DataFrame({
        "enterprise_name": results["enterprise_name"].to_numpy(),
        "credit_code": results["credit_code"].to_numpy(),
        "region_name": results["region_name"].to_numpy(),
        "sector": [sector_names.get(code, code) for code in results["sector_code"]],
        "year": results["year"].astype(int).to_numpy(),
        "co2_10kt": (results["co2_t"] / TONNES_PER_10KT).round(2).to_numpy(),
        "data_status": _labels(results["data_status"], "enterprises_data_status"),
        "in_ets": results["in_ets"].to_numpy(),
        "compliance_status": _labels(results["compliance_status"], "enterprises_compliance"),
        "review_flag_count": results["review_flag_count"].astype(int).to_numpy(),
    })


def _results(results: pd.DataFrame, sector_names: dict[str, str]) -> None:
    if results.empty:
        st.info(t("enterprises_no_results"))
        return
    st.caption(t("enterprises_results_count", rows=len(results), enterprises=results["credit_code"].nunique()))
    st.markdown(compliance_legend())
    st.caption(t("enterprises_data_status_legend"))
    table = results_table(results, sector_names)
    st.dataframe(
        table,
        hide_index=True,
        placeholder=t("missing_value"),
        column_config={
            "enterprise_name": st.column_config.TextColumn(t("enterprises_col_name"), pinned=True),
            "credit_code": st.column_config.TextColumn(t("enterprises_col_code")),
            "region_name": st.column_config.TextColumn(t("enterprises_col_region")),
            "sector": st.column_config.TextColumn(t("enterprises_col_sector")),
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "co2_10kt": st.column_config.NumberColumn(t("enterprises_col_co2_10kt"), help=t("enterprises_col_co2_help"), format="%.2f"),
            "data_status": st.column_config.TextColumn(t("enterprises_col_data_status")),
            "in_ets": st.column_config.CheckboxColumn(t("enterprises_col_in_ets")),
            "compliance_status": st.column_config.TextColumn(t("enterprises_col_compliance"), help=t("enterprises_col_compliance_help")),
            "review_flag_count": st.column_config.NumberColumn(t("enterprises_col_flag_count"), format="%d"),
        },
    )
    downloads(_words(table, ("in_ets",)), "enterprises_search", "enterprises_results", RESULT_HEADERS)


def _words(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy for download with yes/no columns in words (a checkbox on screen, True/False in a file)."""
    shown = frame.copy()
    yes, no = t("enterprises_yes"), t("enterprises_no")
    for column in columns:
        shown[column] = [None if is_missing(value) else (yes if value else no) for value in shown[column]]
    return shown


# --- one enterprise -------------------------------------------------------------------------------


def _display_name(name: object) -> str:
    return t("missing_value") if is_missing(name) or not str(name).strip() else str(name)


def _pick(results: pd.DataFrame) -> str | None:
    """The enterprise to open: chosen among the results, or linked with ?credit_code= (honoured
    once, and only when the code exists in the warehouse; the link keeps it among the options)."""
    names: dict[str, object] = {}
    for code, name in zip(results["credit_code"], results["enterprise_name"]):
        names.setdefault(code, name)  # results come newest year first: the current name
    options = list(dict.fromkeys(results["credit_code"]))
    linked = str(st.query_params.get(LINK_PARAM, "")).strip().upper()[:SEARCH_MAX_CHARS]
    if linked:
        if linked not in names:
            profile = fetch(queries.ENTERPRISES_PROFILE, (linked,))
            if profile.empty:
                st.warning(t("enterprises_link_unknown"))
                linked = ""
            else:
                names[linked] = profile["enterprise_name"].iat[0]
                options.insert(0, linked)
        if linked and LINKED_KEY not in st.session_state:
            st.session_state[PICK_KEY] = linked
            st.session_state[LINKED_KEY] = True
    if PICK_KEY in st.session_state and st.session_state[PICK_KEY] not in options:
        del st.session_state[PICK_KEY]  # the filters no longer include the enterprise chosen before
    if not options:
        st.info(t("enterprises_pick_none"))
        return None
    template = t("enterprises_pick_format")  # looked up once: a search can offer 1,900 enterprises
    return st.selectbox(
        t("enterprises_pick"), options, key=PICK_KEY,
        format_func=lambda code: template.format(name=name_text(_display_name(names.get(code))), code=name_text(code)),
    )


def _enterprise(code: str) -> None:
    profile = fetch(queries.ENTERPRISES_PROFILE, (code,))
    if profile.empty:
        st.info(t("enterprises_pick_none"))
        return
    row = profile.iloc[0].to_dict()
    # The name is data: escaped for the Markdown of the subheader, so it shows exactly as written.
    st.subheader(plain(_display_name(row["enterprise_name"])))
    st.caption(t(
        "enterprises_profile_caption",
        code=plain(code),
        region=plain(row["region_name"]) if row["region_name"] else t("missing_value"),
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
        _compliance(code)


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
        "data_status": _labels(versions["data_status"], "enterprises_data_status"),
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
    downloads(_words(table, ("is_authoritative",)), f"enterprise_{code}_versions", "enterprises_versions", HISTORY_HEADERS)

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
        "co2_10kt": (versions["co2_t"] / TONNES_PER_10KT).round(4).to_numpy(),
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


# --- compliance -----------------------------------------------------------------------------------


def compliance_legend() -> str:
    """The one line that says what each compliance status means (Markdown; labels only, no data)."""
    entries = [
        f":{COMPLIANCE_BADGE_COLOURS[status]}-badge[{COMPLIANCE_ICONS[status]} {code_label('enterprises_compliance', status)}] "
        f"{t(f'enterprises_compliance_{status}_meaning')}"
        for status in COMPLIANCE_STATUSES
    ]
    return f"{t('enterprises_compliance_legend_intro')} {t('legend_separator').join(entries)}"


def compliance_badge(label: str, status: object) -> None:
    code = "no_data" if is_missing(status) else str(status)
    st.badge(label, color=COMPLIANCE_BADGE_COLOURS.get(code, "gray"), icon=COMPLIANCE_ICONS.get(code, COMPLIANCE_ICONS["no_data"]))


COMPLIANCE_HEADERS = {
    "compliance_year": "enterprises_col_compliance_year",
    "scheme": "enterprises_col_scheme",
    "data_status": "enterprises_col_data_status",
    "verified_emissions_t": "enterprises_col_verified_t",
    "allowances_t": "enterprises_col_allowances_t",
    "offsets_t": "enterprises_col_offsets_t",
    "shortfall_t": "enterprises_col_shortfall_t",
    "penalty_price_yuan_per_t": "enterprises_col_penalty_price",
    "penalty_low_yuan": "enterprises_col_penalty_low",
    "penalty_high_yuan": "enterprises_col_penalty_high",
    "status": "enterprises_col_compliance",
}


def compliance_table(compliance: pd.DataFrame) -> pd.DataFrame:
    """Compliance by year as in the mart (tonnes, yuan); a missing shortfall (no verified figure) stays missing."""
    return pd.DataFrame({
        "compliance_year": compliance["compliance_year"].astype(int).to_numpy(),
        "scheme": [localized(row, zh="scheme_name_zh", en="scheme_name_en", fallback="scheme_code") for row in compliance.to_dict("records")],
        "data_status": [None if is_missing(code) else code_label("enterprises_data_status", code) for code in compliance["data_status"]],
        "verified_emissions_t": compliance["verified_emissions_t"].round(1).to_numpy(),
        "allowances_t": compliance["allowances_t"].round(1).to_numpy(),
        "offsets_t": compliance["offsets_t"].round(1).to_numpy(),
        "shortfall_t": compliance["shortfall_t"].round(1).to_numpy(),
        "penalty_price_yuan_per_t": compliance["penalty_price_yuan_per_t"].round(2).to_numpy(),
        "penalty_low_yuan": compliance["penalty_low_yuan"].round(0).to_numpy(),
        "penalty_high_yuan": compliance["penalty_high_yuan"].round(0).to_numpy(),
        "status": [code_label("enterprises_compliance", code) for code in compliance["status"]],
    })


def _compliance(code: str) -> None:
    compliance = fetch(queries.ENTERPRISES_COMPLIANCE, (code,))
    if compliance.empty:
        st.info(t("enterprises_no_compliance"))
        return
    st.markdown(compliance_legend())
    # One badge per year (the table below names the scheme; there is one, the national market, so far).
    for column, row in zip(st.columns(len(compliance)), compliance.to_dict("records")):
        with column:
            # A badge's label renders Markdown; a status without a label is data.
            label = t("enterprises_compliance_badge", year=int(row["compliance_year"]), status=code_text("enterprises_compliance", row["status"]))
            compliance_badge(label, row["status"])
            if row["status"] == "shortfall":
                st.caption(t(
                    "enterprises_penalty_range",
                    shortfall=_number(row["shortfall_t"], 0),
                    low=_number(row["penalty_low_yuan"], 0),
                    high=_number(row["penalty_high_yuan"], 0),
                ))
    table = compliance_table(compliance)
    st.dataframe(
        table,
        hide_index=True,
        placeholder=t("missing_value"),
        column_config={
            "compliance_year": st.column_config.NumberColumn(t("enterprises_col_compliance_year"), format="%d"),
            "scheme": st.column_config.TextColumn(t("enterprises_col_scheme")),
            "data_status": st.column_config.TextColumn(t("enterprises_col_data_status")),
            "verified_emissions_t": st.column_config.NumberColumn(t("enterprises_col_verified_t"), help=t("enterprises_col_verified_help"), format="localized"),
            "allowances_t": st.column_config.NumberColumn(t("enterprises_col_allowances_t"), help=t("enterprises_col_allowances_help"), format="localized"),
            "offsets_t": st.column_config.NumberColumn(t("enterprises_col_offsets_t"), help=t("enterprises_col_offsets_help"), format="localized"),
            "shortfall_t": st.column_config.NumberColumn(t("enterprises_col_shortfall_t"), help=t("enterprises_col_shortfall_help"), format="localized"),
            "penalty_price_yuan_per_t": st.column_config.NumberColumn(t("enterprises_col_penalty_price"), help=t("enterprises_col_penalty_price_help"), format="%.2f"),
            "penalty_low_yuan": st.column_config.NumberColumn(t("enterprises_col_penalty_low"), format="localized"),
            "penalty_high_yuan": st.column_config.NumberColumn(t("enterprises_col_penalty_high"), format="localized"),
            "status": st.column_config.TextColumn(t("enterprises_col_compliance")),
        },
    )
    downloads(table, f"enterprise_{code}_compliance", "enterprises_compliance_table", COMPLIANCE_HEADERS)
    st.caption(t("enterprises_penalty_caption"))
