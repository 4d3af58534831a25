"""The MRV page's lists (officers and analysts): the inclusion list, whom to chase today, and what each
city must forward. Reached through dashboards.views.mrv.render(), which refuses other roles before
any of these queries runs.

Enterprise and verifier names are data: shown in dataframe cells only (never Markdown), and the
downloads keep a name like "=1+1" as text (components.csv_bytes). Codes are words through i18n
labels (mrv_status_*, mrv_rule_*, mrv_change_*, mrv_party_*, mrv_reason_*); a code without a label
is shown as it is.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import components, queries
from dashboards.components import downloads, fetch, localized
from dashboards.i18n import code_label, current_language, is_missing, t, text
from dashboards.views.enterprises_format import code_words, number_text, yes_no_words

LIST_STATUSES = ("included", "review", "dropped")
RULES = ("energy", "emissions", "captive_power")
CHANGES = ("new", "continuing", "dropped", "first_list")
PARTIES = ("enterprise", "verifier", "office")  # who is chased, in the order an officer works through them
STATUS_KEY, RULE_KEY, CHANGE_KEY = "mrv_inclusion_status", "mrv_inclusion_rule", "mrv_inclusion_change"


def city_name(row: dict) -> str | None:
    """The city's name in the session's language, else its code; None when the enterprise has no
    city (registered at the province's own code): a missing value, shown as "—"."""
    code = row.get("city_code")
    return localized(row, zh="city_name_zh", en="city_name_en") or (None if is_missing(code) else components.name_text(code))


def _picker(label_key: str, prefix: str, codes: tuple[str, ...], key: str) -> str | None:
    """A select box of codes with an "all" first; labels captured now (format_func runs later)."""
    lang = current_language()
    everything = text("mrv_all", lang)
    return st.selectbox(
        t(label_key), [None, *codes], key=key,
        format_func=lambda code: everything if code is None else text(f"{prefix}_{code}", lang),
    )


# --- inclusion list -------------------------------------------------------------------------------

INCLUSION_HEADERS = {
    "enterprise_name": "mrv_col_enterprise", "credit_code": "mrv_col_credit_code", "city": "mrv_col_city",
    "sector": "mrv_col_sector", "list_status": "mrv_col_list_status", "rule": "mrv_col_rule",
    "rule_crossed": "mrv_col_rule_crossed", "rule_figure": "mrv_col_rule_figure", "rule_threshold": "mrv_col_rule_threshold",
    "rule_unit": "mrv_col_rule_unit", "rule_year": "mrv_col_rule_year", "max_energy_tce": "mrv_col_max_energy_tce",
    "max_emissions_tco2e": "mrv_col_max_emissions_tco2e", "captive_power_kw": "mrv_col_captive_power_kw",
    "change": "mrv_col_change", "declared_in_ets": "mrv_col_declared_in_ets",
}


def rule_crossed(row: dict) -> str | None:
    """"排放 31,234 tCO2e ≥ 26,000（2019 年）": the rule's figure against its threshold; None without a figure."""
    if is_missing(row.get("rule_figure")):
        return None
    return t(
        "mrv_rule_crossed", rule=code_label("mrv_rule", row["inclusion_rule"]) if not is_missing(row.get("inclusion_rule")) else t("missing_value"),
        figure=number_text(row["rule_figure"], 0), unit=code_label("mrv_unit", row.get("rule_unit") or ""),
        threshold=t("missing_value") if is_missing(row.get("rule_threshold")) else number_text(row["rule_threshold"], 0),
        year=t("missing_value") if is_missing(row.get("rule_year")) else int(row["rule_year"]),
    )


def inclusion_table(inclusion: pd.DataFrame) -> pd.DataFrame:
    records = inclusion.to_dict("records")
    return pd.DataFrame({
        "enterprise_name": inclusion["enterprise_name"].to_numpy(),
        "credit_code": inclusion["credit_code"].to_numpy(),
        "city": [city_name(row) for row in records],
        "sector": [localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code") for row in records],
        "list_status": code_words(inclusion["list_status"], "mrv_status"),
        "rule": code_words(inclusion["inclusion_rule"], "mrv_rule"),
        "rule_crossed": [rule_crossed(row) for row in records],
        "rule_figure": inclusion["rule_figure"].round(1).to_numpy(),
        "rule_threshold": inclusion["rule_threshold"].to_numpy(),
        "rule_unit": code_words(inclusion["rule_unit"], "mrv_unit"),
        "rule_year": inclusion["rule_year"].astype("Int64").to_numpy(),
        "max_energy_tce": inclusion["max_energy_tce"].round(1).to_numpy(),
        "max_emissions_tco2e": inclusion["max_emissions_tco2e"].round(1).to_numpy(),
        "captive_power_kw": inclusion["captive_power_kw"].round(0).to_numpy(),
        "change": code_words(inclusion["change_vs_previous"], "mrv_change"),
        "declared_in_ets": inclusion["declared_in_ets"].to_numpy(),
    })


def inclusion_tab(year: int, scheme: str) -> None:
    st.caption(t("mrv_inclusion_intro"))
    status_column, rule_column, change_column = st.columns(3)
    with status_column:
        status = _picker("mrv_filter_status", "mrv_status", LIST_STATUSES, STATUS_KEY)
    with rule_column:
        rule = _picker("mrv_filter_rule", "mrv_rule", RULES, RULE_KEY)
    with change_column:
        change = _picker("mrv_filter_change", "mrv_change", CHANGES, CHANGE_KEY)
    inclusion = fetch(queries.MRV_INCLUSION, (year, scheme, status, rule, change))
    if inclusion.empty:
        st.info(t("mrv_inclusion_none"))
        return
    counts = inclusion["list_status"].value_counts()
    st.caption(t("mrv_inclusion_counts", **{status: int(counts.get(status, 0)) for status in LIST_STATUSES}))
    table = inclusion_table(inclusion)
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="mrv_inclusion_table",
        column_config={
            "enterprise_name": st.column_config.TextColumn(t("mrv_col_enterprise"), pinned=True),
            "credit_code": st.column_config.TextColumn(t("mrv_col_credit_code")),
            "city": st.column_config.TextColumn(t("mrv_col_city")),
            "sector": st.column_config.TextColumn(t("mrv_col_sector")),
            "list_status": st.column_config.TextColumn(t("mrv_col_list_status"), help=t("mrv_col_list_status_help")),
            "rule": st.column_config.TextColumn(t("mrv_col_rule")),
            "rule_crossed": st.column_config.TextColumn(t("mrv_col_rule_crossed"), help=t("mrv_col_rule_crossed_help")),
            "rule_figure": st.column_config.NumberColumn(t("mrv_col_rule_figure"), format="localized"),
            "rule_threshold": st.column_config.NumberColumn(t("mrv_col_rule_threshold"), format="localized"),
            "rule_unit": st.column_config.TextColumn(t("mrv_col_rule_unit")),
            "rule_year": st.column_config.NumberColumn(t("mrv_col_rule_year"), format="%d"),
            "max_energy_tce": st.column_config.NumberColumn(t("mrv_col_max_energy_tce"), format="localized"),
            "max_emissions_tco2e": st.column_config.NumberColumn(t("mrv_col_max_emissions_tco2e"), format="localized"),
            "captive_power_kw": st.column_config.NumberColumn(t("mrv_col_captive_power_kw"), format="localized"),
            "change": st.column_config.TextColumn(t("mrv_col_change")),
            "declared_in_ets": st.column_config.CheckboxColumn(t("mrv_col_declared_in_ets"), help=t("mrv_col_declared_in_ets_help")),
        },
    )
    downloads(yes_no_words(table, ("declared_in_ets",)), f"mrv_inclusion_{year}_{scheme}", "mrv_inclusion", INCLUSION_HEADERS)


# --- whom to chase today --------------------------------------------------------------------------

CHASE_HEADERS = {
    "party": "mrv_col_party", "enterprise_name": "mrv_col_enterprise", "credit_code": "mrv_col_credit_code",
    "city": "mrv_col_city", "expected_because": "mrv_col_expected_because", "reason": "mrv_col_reason", "due_on": "mrv_col_due_on", "days_overdue": "mrv_col_days_overdue",
    "verifier_name": "mrv_col_verifier", "verifier_code": "mrv_col_verifier_code", "conflict_reason": "mrv_col_conflict_reason",
}


def chase_table(chase: pd.DataFrame) -> pd.DataFrame:
    """The chase list as shown, longest overdue first (as the query orders it)."""
    return pd.DataFrame({
        "party": code_words(chase["chase_party"], "mrv_party"),
        "enterprise_name": chase["enterprise_name"].to_numpy(),
        "credit_code": chase["credit_code"].to_numpy(),
        "city": [city_name(row) for row in chase.to_dict("records")],
        "expected_because": code_words(chase["expected_because"], "mrv_expected"),
        "reason": code_words(chase["chase_reason"], "mrv_reason"),
        "due_on": pd.to_datetime(chase["due_on"]).dt.date.to_numpy(),
        "days_overdue": chase["days_overdue"].astype("Int64").to_numpy(),
        "verifier_name": chase["verifier_name"].to_numpy(),
        "verifier_code": chase["verifier_code"].to_numpy(),
        "conflict_reason": code_words(chase["conflict_reason"], "mrv_conflict"),
    })


def party_order(parties: pd.Series) -> list[str]:
    """The parties present, the known ones in PARTIES order, any other after them."""
    present = [party for party in parties.dropna().unique()]
    return [party for party in PARTIES if party in present] + sorted(party for party in present if party not in PARTIES)


def chase_tab(year: int, scheme: str) -> None:
    chase = fetch(queries.MRV_CHASE, (year, scheme))
    if chase.empty:
        st.success(t("mrv_chase_none"), icon=":material/task_alt:")
        return
    as_of = chase["as_of_date"].dropna()
    st.caption(t("mrv_chase_intro", as_of=pd.Timestamp(as_of.max()).date().isoformat() if len(as_of) else t("missing_value")))
    table = chase_table(chase)
    downloads(table, f"mrv_chase_{year}_{scheme}", "mrv_chase_all", CHASE_HEADERS)
    for party in party_order(chase["chase_party"]):
        rows = table[(chase["chase_party"] == party).to_numpy()].drop(columns="party")
        if party == "enterprise":  # an enterprise is chased for its own report: no verifier yet to name
            rows = rows.drop(columns=["verifier_name", "verifier_code", "conflict_reason"])
        elif party == "verifier":
            rows = rows.drop(columns=["conflict_reason"])
        st.subheader(t("mrv_chase_party_header", party=components.code_text("mrv_party", party), count=len(rows)))
        st.dataframe(
            rows, hide_index=True, placeholder=t("missing_value"), key=f"mrv_chase_{party}_table",
            column_config={
                "enterprise_name": st.column_config.TextColumn(t("mrv_col_enterprise"), pinned=True),
                "credit_code": st.column_config.TextColumn(t("mrv_col_credit_code")),
                "city": st.column_config.TextColumn(t("mrv_col_city")),
                "expected_because": st.column_config.TextColumn(t("mrv_col_expected_because"), help=t("mrv_col_expected_because_help")),
                "reason": st.column_config.TextColumn(t("mrv_col_reason")),
                "due_on": st.column_config.DateColumn(t("mrv_col_due_on"), format="YYYY-MM-DD"),
                "days_overdue": st.column_config.NumberColumn(t("mrv_col_days_overdue"), format="%d"),
                "verifier_name": st.column_config.TextColumn(t("mrv_col_verifier")),
                "verifier_code": st.column_config.TextColumn(t("mrv_col_verifier_code")),
                "conflict_reason": st.column_config.TextColumn(t("mrv_col_conflict_reason")),
            },
        )
        downloads(rows, f"mrv_chase_{party}_{year}_{scheme}", f"mrv_chase_{party}", CHASE_HEADERS)


# --- city forwarding ------------------------------------------------------------------------------

CITY_HEADERS = {
    "city": "mrv_col_city", "city_forward_due_on": "mrv_col_forward_due_on", "expected_count": "mrv_col_expected",
    "verified_count": "mrv_col_verified", "ready_to_forward_count": "mrv_col_ready", "outstanding_count": "mrv_col_outstanding",
}


def cities_tab(year: int, scheme: str) -> None:
    st.caption(t("mrv_cities_intro"))
    cities = fetch(queries.MRV_CITY_FORWARDING, (year, scheme))
    if cities.empty:
        st.info(t("mrv_cities_none"))
        return
    table = pd.DataFrame({
        "city": [city_name(row) for row in cities.to_dict("records")],
        "city_forward_due_on": pd.to_datetime(cities["city_forward_due_on"]).dt.date.to_numpy(),
        "expected_count": cities["expected_count"].astype("Int64").to_numpy(),
        "verified_count": cities["verified_count"].astype("Int64").to_numpy(),
        "ready_to_forward_count": cities["ready_to_forward_count"].astype("Int64").to_numpy(),
        "outstanding_count": cities["outstanding_count"].astype("Int64").to_numpy(),
    })
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="mrv_cities_table",
        column_config={
            "city": st.column_config.TextColumn(t("mrv_col_city"), pinned=True),
            "city_forward_due_on": st.column_config.DateColumn(t("mrv_col_forward_due_on"), format="YYYY-MM-DD"),
            "expected_count": st.column_config.NumberColumn(t("mrv_col_expected"), format="%d"),
            "verified_count": st.column_config.NumberColumn(t("mrv_col_verified"), format="%d"),
            "ready_to_forward_count": st.column_config.NumberColumn(t("mrv_col_ready"), help=t("mrv_col_ready_help"), format="%d"),
            "outstanding_count": st.column_config.NumberColumn(t("mrv_col_outstanding"), help=t("mrv_col_outstanding_help"), format="%d"),
        },
    )
    downloads(table, f"mrv_city_forwarding_{year}_{scheme}", "mrv_cities", CITY_HEADERS)
