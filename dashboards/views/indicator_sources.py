"""The indicator page's enterprise sections, for authorised roles only: reports and source files.

enterprise_reports: the enterprise reports of the region and below for the year (emissions, data
status, review flags, the file each came from); source_files: the files behind the region-year,
whether the inventory used them, and how many report versions and enterprises each holds.
dashboards.views.indicator.render() calls these only for authorised roles, so for a leader their
queries never run (the leader's file has no such tables anyway).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.components import PER_TEN_THOUSAND, fetch, localized
from dashboards.i18n import code_label, is_missing, t
from dashboards.views.indicator_format import download, header

SHORT_TABLE_ROWS = 15  # up to this many rows a table is shown whole
LONG_TABLE_HEIGHT_PX = 420  # about 12 rows, then it scrolls


def enterprise_reports(region: str, year: int) -> None:
    """Authorised roles only (indicator.render() checks): the enterprise reports of the region and below."""
    st.subheader(t("indicator_enterprises_title"))
    reports = fetch(queries.INDICATOR_ENTERPRISES, (year, region))
    if reports.empty:
        st.info(t("indicator_no_enterprises", year=year))
        return
    table = pd.DataFrame({
        "enterprise": reports["enterprise_name"].to_numpy(),
        "credit_code": reports["credit_code"].to_numpy(),
        "region": [localized(row, zh="region_name_zh", en="region_name_en", fallback="region_code") for row in reports.to_dict("records")],
        "sector": [localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code") for row in reports.to_dict("records")],
        "co2": reports["co2_t"].to_numpy(),
        "co2_process": reports["co2_process_t"].to_numpy(),
        "data_status": [None if is_missing(status) else code_label("indicator_data_status", str(status)) for status in reports["data_status"]],
        "review_flags": [_flags_text(flags) for flags in reports["review_flags"]],
        "source_file": reports["source_file"].to_numpy(),
    })
    labels = {
        "enterprise": t("indicator_col_enterprise"),
        "credit_code": t("indicator_col_credit_code"),
        "region": t("indicator_col_region"),
        "sector": t("indicator_col_enterprise_sector"),
        "co2": header("indicator_q_enterprise_co2", "t_co2"),
        "co2_process": header("indicator_q_enterprise_process", "t_co2"),
        "data_status": t("indicator_col_data_status"),
        "review_flags": t("indicator_col_review_flags"),
        "source_file": t("indicator_col_source_file"),
    }
    st.caption(t("indicator_enterprises_note", count=len(table), total=f"{reports['co2_t'].sum() / PER_TEN_THOUSAND:,.2f}"))
    # Names and codes are data: st.dataframe shows them as text (a name like "<script>…" stays text).
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), column_config={
        "enterprise": st.column_config.TextColumn(labels["enterprise"], pinned=True),
        "credit_code": st.column_config.TextColumn(labels["credit_code"]),
        "region": st.column_config.TextColumn(labels["region"]),
        "sector": st.column_config.TextColumn(labels["sector"]),
        "co2": st.column_config.NumberColumn(labels["co2"], format="%.0f"),
        "co2_process": st.column_config.NumberColumn(labels["co2_process"], format="%.0f"),
        "data_status": st.column_config.TextColumn(labels["data_status"]),
        "review_flags": st.column_config.TextColumn(labels["review_flags"]),
        "source_file": st.column_config.TextColumn(labels["source_file"]),
    })
    download(table, f"{region}_{year}_enterprise_reports", "indicator_enterprises", labels)


def _flags_text(flags: object) -> str | None:
    """Review flags ("peer_outlier|yoy_change") in words, with the enterprises page's labels
    (a flag without a label shows as its code); no flag is missing, not an empty string."""
    if is_missing(flags) or not str(flags).strip():
        return None
    return t("legend_separator").join(code_label("enterprises_flag", code.strip()) for code in str(flags).split("|") if code.strip())


def source_files(region: str, year: int) -> None:
    """Authorised roles only (indicator.render() checks): the files behind the region-year."""
    st.subheader(t("indicator_files_title"))
    files = fetch(queries.INDICATOR_SOURCE_FILES, (region, year, year, region))
    if files.empty:
        st.info(t("indicator_no_files", year=year))
        return
    table = pd.DataFrame({
        "source_file": files["source_file"].to_numpy(),
        "used_by_inventory": [t("indicator_yes") if used else t("indicator_no") for used in files["used_by_inventory"]],
        "report_versions": files["report_versions"].to_numpy(),
        "enterprises": files["enterprises"].to_numpy(),
        "data_statuses": [
            None if is_missing(value) else t("legend_separator").join(code_label("indicator_data_status", part.strip()) for part in str(value).split(","))
            for value in files["data_statuses"]
        ],
    })
    labels = {
        "source_file": t("indicator_col_source_file"),
        "used_by_inventory": t("indicator_col_used_by_inventory"),
        "report_versions": t("indicator_col_report_versions"),
        "enterprises": t("indicator_col_enterprises"),
        "data_statuses": t("indicator_col_data_status"),
    }
    # A province-year has hundreds of files: past a screenful the table scrolls inside a fixed
    # height (the page stayed 15,000 px tall), with the count said and every row in the download.
    long_table = len(table) > SHORT_TABLE_ROWS
    if long_table:
        st.caption(t("indicator_files_count", count=len(table)))
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), height=LONG_TABLE_HEIGHT_PX if long_table else "content", column_config={
        "source_file": st.column_config.TextColumn(labels["source_file"], pinned=True),
        "used_by_inventory": st.column_config.TextColumn(labels["used_by_inventory"]),
        "report_versions": st.column_config.NumberColumn(labels["report_versions"], format="%d"),
        "enterprises": st.column_config.NumberColumn(labels["enterprises"], format="%d"),
        "data_statuses": st.column_config.TextColumn(labels["data_statuses"]),
    })
    download(table, f"{region}_{year}_source_files", "indicator_files", labels)
