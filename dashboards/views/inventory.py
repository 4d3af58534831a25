"""温室气体清单 / GHG inventory: a region's inventory by sector, category and gas (marts.fct_inventory,
its sector and total lines from marts.fct_inventory_summary: dbt adds up, the page shows).

For the chosen region and year: the totals with and without LULUCF, the table by sector (CO2, CH4,
N2O, fluorinated gases and CO2e, each in 万吨 CO₂当量) with each sector expandable into its CRT
categories (LULUCF removals negative, labelled as removals); the trend by sector over the inventory
years; the key categories (level and trend, IPCC Approach 1; marts.fct_key_categories) for
authorised roles; the 95 % intervals of the total by both uncertainty approaches
(marts.fct_uncertainty); and the inventory report as an Excel workbook (the same function as
`ghg report`: pipelines/reporting/inventory_report.py).

Confidentiality: every role reads the same table names from the file its role opens
(dashboards/warehouse.py). The public file's fct_inventory has rows whose enterprise part is
hidden (suppressed, NULL emissions): those figures — and every total containing one — are shown
as "—" with the reason, never 0. Key categories are shown to authorised roles only. A file that
does not hold the inventory tables gets one caption, not an error.

Frames and figures are in dashboards/views/inventory_frames.py.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, components, queries, warehouse
from dashboards.components import plain
from dashboards.i18n import is_missing, t
from dashboards.views.inventory_frames import (
    GAS_COLUMNS,
    TABLE_HEADERS,
    category_table,
    key_category_threshold,
    key_figure,
    key_table,
    sector_label,
    sector_table,
    trend_figure,
    trend_frame,
    uncertainty_figure,
    uncertainty_table,
)
from pipelines.reporting import inventory_report

REGION_PICKER_KEY = "inventory_region"
YEAR_KEY = "inventory_year"
VALUE_COLUMNS = tuple(f"{column[:-2]}_10k" for column in GAS_COLUMNS)


def render() -> None:
    st.title(t("inventory_title"))
    components.published_caption()
    region_code = components.region_picker(REGION_PICKER_KEY)
    region = _region_name(region_code)
    schema = components.fetch(queries.INVENTORY_SCHEMA)
    public = inventory_report.frame_variant(schema, "fct_inventory")
    public_lines = inventory_report.frame_variant(schema, "fct_inventory_summary")
    if public is None or public_lines is None:
        st.caption(t("inventory_not_in_file"))
        return
    lines = components.fetch(queries.INVENTORY_LINES_PUBLIC if public_lines else queries.INVENTORY_LINES_FULL, (region_code,))
    if lines.empty:
        st.info(t("inventory_no_data", region=plain(region)))
        return
    year = _year_selector(lines)
    categories = components.fetch(
        queries.INVENTORY_CATEGORIES_PUBLIC if public else queries.INVENTORY_CATEGORIES_FULL, (region_code, year)
    )

    st.header(t("inventory_header_table", region=plain(region), year=year))
    _inventory_section(lines, categories, region_code, year)
    _report_button(region_code, year)

    st.header(t("inventory_header_trend", region=plain(region)))
    _trend_section(lines, region_code)

    st.header(t("inventory_header_key", region=plain(region), year=year))
    if auth.is_authorised() and inventory_report.frame_variant(schema, "fct_key_categories") is not None:
        _key_section(region_code, year)
    elif auth.is_authorised():
        st.caption(t("inventory_key_not_in_file"))
    else:
        st.caption(t("inventory_key_authorised_only"))

    st.header(t("inventory_header_uncertainty", region=plain(region)))
    if inventory_report.frame_variant(schema, "fct_uncertainty") is None:
        st.caption(t("inventory_uncertainty_not_in_file"))
    else:
        _uncertainty_section(region_code)


def _region_name(region_code: str) -> str:
    regions = components.regions()
    match = regions[regions["region_code"] == region_code]
    return region_code if match.empty else components.region_label(match.iloc[0].to_dict())


def _year_selector(lines: pd.DataFrame) -> int:
    """The inventory year the table shows; by default the latest."""
    years = sorted({int(year) for year in lines["year"]})
    if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in years:
        del st.session_state[YEAR_KEY]  # another region, or a republished warehouse, lacks that year
    return st.selectbox(t("year_select"), years, index=len(years) - 1, key=YEAR_KEY)


def _plotly(figure: go.Figure, key: str) -> None:
    # No plotly option here loads anything from a CDN; the logo link is off.
    st.plotly_chart(figure, key=key, config={"displaylogo": False}, width="stretch")


def _number(value: object) -> str:
    return t("missing_value") if is_missing(value) else f"{float(value):,.2f}"  # type: ignore[arg-type]


def _value_config() -> dict:
    config = {
        "name": st.column_config.TextColumn(t("inventory_col_name")),
        "category_code": st.column_config.TextColumn(t("inventory_col_code")),
        "note": st.column_config.TextColumn(t("inventory_col_note")),
    }
    return config | {column: st.column_config.NumberColumn(t(TABLE_HEADERS[column]), format="%.2f") for column in VALUE_COLUMNS}


# --- 1. the inventory table -----------------------------------------------------------------------


def _inventory_section(lines: pd.DataFrame, categories: pd.DataFrame, region_code: str, year: int) -> None:
    table = sector_table(lines, year)
    by_sector = table.set_index("sector")
    cards = (
        ("inventory_total_without_lulucf", by_sector.loc["inventory_total_without_lulucf", "co2e_10k"]),
        ("inventory_sector_lulucf_removals", by_sector["co2e_10k"].get("lulucf")),
        ("inventory_total_with_lulucf", by_sector.loc["inventory_total_with_lulucf", "co2e_10k"]),
    )
    for column, (key, value) in zip(st.columns(3), cards):
        with column:
            components.card(t("inventory_card", name=t(key)), _number(value))
    gwp = ", ".join(sorted({str(value) for value in categories["gwp_set"].dropna()}))
    st.caption(t("inventory_table_caption", gwp_set=plain(gwp or t("missing_value"))))
    if table["note"].astype(bool).any():
        st.caption(t("inventory_suppressed_explained"))
    shown = table.drop(columns=["sector"])
    st.dataframe(shown, hide_index=True, placeholder=t("missing_value"), column_config=_value_config(), key="inventory_sector_table")
    components.downloads(shown, f"inventory_sectors_{region_code}_{year}", "inventory_sectors_download", TABLE_HEADERS)
    for sector in [code for code in table["sector"] if not str(code).startswith("inventory_total")]:
        with st.expander(t("inventory_expand_sector", sector=sector_label(sector))):
            detail = category_table(categories, sector)
            st.dataframe(detail, hide_index=True, placeholder=t("missing_value"), column_config=_value_config(),
                         key=f"inventory_categories_{sector}")
            components.downloads(detail, f"inventory_categories_{sector}_{region_code}_{year}",
                                 f"inventory_categories_{sector}_download", TABLE_HEADERS)


def _report_button(region_code: str, year: int) -> None:
    """The inventory report workbook of this region-year (pipelines/reporting/inventory_report.py)."""
    try:
        summary, crt, region_name = inventory_report.load_report(warehouse.query, region_code, year)
    except (inventory_report.ReportUnavailable, warehouse.WarehouseError):
        st.caption(t("inventory_report_not_in_file"))
        return
    try:
        published = warehouse.published_at().strftime("%Y-%m-%d %H:%M")
    except warehouse.WarehouseError:
        published = t("missing_value")
    header = inventory_report.report_header(crt, region_code, region_name, year, published, public=not auth.is_authorised())
    st.download_button(
        t("inventory_report_button"), data=lambda: inventory_report.report_bytes(summary, crt, header),
        file_name=f"inventory_report_{region_code}_{year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="inventory_report_download", icon=":material/summarize:", on_click="ignore", width="content",
    )
    st.caption(t("inventory_report_caption"))


# --- 2. the trend ---------------------------------------------------------------------------------


def _trend_section(lines: pd.DataFrame, region_code: str) -> None:
    frame = trend_frame(lines)
    st.markdown(f"**{t('inventory_trend_title', unit=t('inventory_unit'))}**")
    _plotly(trend_figure(frame), key="inventory_trend")
    wide = frame.pivot_table(index="sector_name", columns="year", values="value", aggfunc="sum", sort=False).reset_index()
    wide.columns = [t("inventory_col_sector") if column == "sector_name" else str(column) for column in wide.columns]
    st.dataframe(wide, hide_index=True, placeholder=t("missing_value"), key="inventory_trend_table")
    components.downloads(
        frame[["year", "sector_name", "value"]], f"inventory_trend_{region_code}", "inventory_trend_download",
        {"year": "col_year", "sector_name": "inventory_col_sector", "value": "inventory_col_co2e"},
    )
    st.caption(t("inventory_trend_caption"))


# --- 3. key categories (authorised roles) ---------------------------------------------------------


def _key_section(region_code: str, year: int) -> None:
    keys = components.fetch(queries.INVENTORY_KEY_CATEGORIES, (region_code, year))
    if keys.empty:
        st.info(t("inventory_key_none"))
        return
    threshold = key_category_threshold()
    st.caption(t("inventory_key_caption", value=f"{threshold * 100:.0f}"))
    headers = {
        "rank": "inventory_col_rank", "category_code": "inventory_col_code", "name": "inventory_col_name",
        "gas": "inventory_col_gas", "co2e_10k": "inventory_col_co2e", "share_pct": "inventory_col_share",
        "cumulative_pct": "inventory_col_cumulative", "is_key": "inventory_col_is_key",
    }
    assessments = [a for a in ("level", "trend") if (keys["assessment"] == a).any()]
    for assessment, tab in zip(assessments, st.tabs([t(f"inventory_key_{a}") for a in assessments])):
        with tab:
            part = keys[keys["assessment"] == assessment].reset_index(drop=True)
            st.markdown(t("inventory_key_count", count=int(part["is_key"].sum()), total=len(part)))
            _plotly(key_figure(part, threshold), key=f"inventory_key_{assessment}")
            table = key_table(part)
            st.dataframe(
                table, hide_index=True, placeholder=t("missing_value"), key=f"inventory_key_table_{assessment}",
                column_config={
                    column: (st.column_config.CheckboxColumn(t(key)) if column == "is_key"
                             else st.column_config.NumberColumn(t(key), format="%.2f") if column in ("co2e_10k", "share_pct", "cumulative_pct")
                             else st.column_config.TextColumn(t(key)) if column != "rank"
                             else st.column_config.NumberColumn(t(key), format="%d"))
                    for column, key in headers.items()
                },
            )
            components.downloads(table, f"inventory_key_{assessment}_{region_code}_{year}", f"inventory_key_{assessment}_download", headers)


# --- 4. uncertainty -------------------------------------------------------------------------------


def _uncertainty_section(region_code: str) -> None:
    uncertainty = components.fetch(queries.INVENTORY_UNCERTAINTY, (region_code,))
    if uncertainty.empty:
        st.info(t("inventory_uncertainty_none"))
        return
    st.markdown(f"**{t('inventory_uncertainty_title', unit=t('inventory_unit'))}**")
    _plotly(uncertainty_figure(uncertainty), key="inventory_uncertainty")
    table = uncertainty_table(uncertainty)
    headers = {
        "year": "col_year", "approach_name": "inventory_col_approach", "co2e_10k": "inventory_col_co2e",
        "lower_10k": "inventory_col_lower", "upper_10k": "inventory_col_upper",
        "uncertainty_pct": "inventory_col_uncertainty", "trend_uncertainty_pct": "inventory_col_trend_uncertainty",
    }
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="inventory_uncertainty_table",
        column_config={
            column: (st.column_config.NumberColumn(t(key), format="%d") if column == "year"
                     else st.column_config.TextColumn(t(key)) if column == "approach_name"
                     else st.column_config.NumberColumn(t(key), format="%.2f"))
            for column, key in headers.items()
        },
    )
    components.downloads(table, f"inventory_uncertainty_{region_code}", "inventory_uncertainty_download", headers)
    st.caption(t("inventory_uncertainty_caption"))
