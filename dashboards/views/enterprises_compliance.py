"""One enterprise's carbon-market compliance, and the compliance vocabulary the whole page uses.

The compliance statuses of marts.fct_ets_compliance with their badge colours, icons and the
one-line legend (compliance_legend, also shown above the search results), a status badge
(compliance_badge), and the compliance tab of one enterprise (compliance_tab): a badge per year
with the penalty range of a shortfall, then verified emissions, allowances, offsets, shortfall and
penalty range by year as a table with its download. Authorised roles only: it is reached through
dashboards.views.enterprises.render(), which refuses other roles before any query.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.components import code_text, downloads, fetch, localized
from dashboards.i18n import code_label, is_missing, t
from dashboards.views.enterprises_format import number_text

# Compliance has its own vocabulary (marts.fct_ets_compliance.status), apart from the targets' four
# statuses in components: colour, shape and a one-line meaning each.
COMPLIANCE_STATUSES = ("compliant", "shortfall", "no_data")
COMPLIANCE_BADGE_COLOURS = {"compliant": "green", "shortfall": "red", "no_data": "gray"}
COMPLIANCE_ICONS = {
    "compliant": ":material/check_circle:",
    "shortfall": ":material/error:",
    "no_data": ":material/help:",
}


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


def compliance_tab(code: str) -> None:
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
                    shortfall=number_text(row["shortfall_t"], 0),
                    low=number_text(row["penalty_low_yuan"], 0),
                    high=number_text(row["penalty_high_yuan"], 0),
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
