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

This module keeps render(), the search (criteria and filters), the five cards and the results
table, and the choice of the enterprise to open. Its siblings: enterprises_profile (one
enterprise: profile, report versions, review flags, source files), enterprises_compliance (the
compliance vocabulary and one enterprise's compliance) and enterprises_format (shared formatting).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards import auth, components, queries
from dashboards.components import (
    PER_TEN_THOUSAND,
    downloads,
    fetch,
    localized,
    name_text,
    published_caption,
    region_picker,
)
from dashboards.i18n import code_label, t
from dashboards.views.enterprises_compliance import (
    COMPLIANCE_STATUSES,
    compliance_legend,
)
from dashboards.views.enterprises_format import (
    code_words,
    display_name,
    number_text,
    yes_no_words,
)
from dashboards.views.enterprises_profile import enterprise_profile

SEARCH_KEY, YEAR_KEY, SECTOR_KEY = "enterprises_search", "enterprises_year", "enterprises_sector"
FLAGGED_KEY, ETS_KEY, COMPLIANCE_KEY = "enterprises_flagged", "enterprises_ets", "enterprises_compliance"
PICK_KEY, LINKED_KEY = "enterprises_pick", "enterprises_linked"
REGION_PICKER_KEY = "enterprises_region"
SEARCH_MAX_CHARS = 60
LINK_PARAM = "credit_code"  # ?credit_code=… opens that enterprise (authorised sessions only)
CARDS_PER_ROW = 3


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
        enterprise_profile(code)


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


def summary_values(results: pd.DataFrame) -> dict[str, object]:
    """The cards' figures for the rows found: enterprises counted once however many years match;
    the shortfall and the penalty range summed over the rows (missing when no row has compliance)."""
    has_compliance = results["compliance_status"].notna().any()
    return {
        "enterprises": int(results["credit_code"].nunique()),
        "flagged": int(results.loc[results["review_flag_count"] > 0, "credit_code"].nunique()),
        "shortfall_enterprises": int(results.loc[results["compliance_status"] == "shortfall", "credit_code"].nunique()),
        "shortfall_10kt": results["shortfall_t"].sum() / PER_TEN_THOUSAND if has_compliance else None,
        "penalty_low_10k_yuan": results["penalty_low_yuan"].sum() / PER_TEN_THOUSAND if has_compliance else None,
        "penalty_high_10k_yuan": results["penalty_high_yuan"].sum() / PER_TEN_THOUSAND if has_compliance else None,
    }


def _summary(results: pd.DataFrame, criteria: Criteria) -> None:
    values = summary_values(results)
    penalty = (
        t("missing_value") if values["penalty_low_10k_yuan"] is None
        else t("enterprises_fmt_range", low=number_text(values["penalty_low_10k_yuan"], 1), high=number_text(values["penalty_high_10k_yuan"], 1))
    )
    cards = [
        (t("enterprises_metric_enterprises"), number_text(values["enterprises"], 0), t("enterprises_metric_enterprises_help")),
        (t("enterprises_metric_flagged"), number_text(values["flagged"], 0), t("enterprises_metric_flagged_help")),
        (t("enterprises_metric_shortfall"), number_text(values["shortfall_enterprises"], 0), t("enterprises_metric_shortfall_help")),
        (
            t("enterprises_metric_shortfall_total"),
            t("missing_value") if values["shortfall_10kt"] is None else number_text(values["shortfall_10kt"], 2),
            t("enterprises_metric_shortfall_total_help"),
        ),
        (t("enterprises_metric_penalty"), penalty, t("enterprises_metric_penalty_help")),
    ]
    # Rows of three: five cards in a row cut the penalty range and the labels off ("2,354.7 ~ …").
    for start in range(0, len(cards), CARDS_PER_ROW):
        for column, (label, value, help_text) in zip(st.columns(CARDS_PER_ROW), cards[start:start + CARDS_PER_ROW]):
            with column:
                components.card(label, value, help=help_text)
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


def results_table(results: pd.DataFrame, sector_names: dict[str, str]) -> pd.DataFrame:
    """The search results as shown: names as data, codes as words, CO₂ in 万吨; no compliance
    record (not in the ETS, or a year before the first compliance year) stays missing."""
    return pd.DataFrame({
        "enterprise_name": results["enterprise_name"].to_numpy(),
        "credit_code": results["credit_code"].to_numpy(),
        "region_name": [localized(row, zh="region_name_zh", en="region_name_en") for row in results.to_dict("records")],
        "sector": [sector_names.get(code, code) for code in results["sector_code"]],
        "year": results["year"].astype(int).to_numpy(),
        "co2_10kt": (results["co2_t"] / PER_TEN_THOUSAND).round(2).to_numpy(),
        "data_status": code_words(results["data_status"], "enterprises_data_status"),
        "in_ets": results["in_ets"].to_numpy(),
        "compliance_status": code_words(results["compliance_status"], "enterprises_compliance"),
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
    downloads(yes_no_words(table, ("in_ets",)), "enterprises_search", "enterprises_results", RESULT_HEADERS)


# --- the enterprise to open ---------------------------------------------------------------------


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
        format_func=lambda code: template.format(name=name_text(display_name(names.get(code))), code=name_text(code)),
    )
