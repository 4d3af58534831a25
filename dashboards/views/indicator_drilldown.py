"""The indicator page's drill-down: what the chosen year's figure is built from (public tables only).

child_regions: the region's direct children with the quantities of fct_region_year that make up
the indicator, their sum and the residual nobody below accounts for, and the children's shares as
bars; sectors_and_fuels: the inventory cells summed by sector and by fuel (fct_energy_emissions),
each as a table and bars. Which quantities and which measure a level gets is a choice of views
(BREAKDOWNS, keyed by fct_target_progress.level_indicator_code), not a rule. The enterprise rows
and source files, for authorised roles only, are in indicator_sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import components, queries
from dashboards.components import PER_TEN_THOUSAND, fetch, localized, plain, unit_label
from dashboards.i18n import code_label, current_language, is_missing, t
from dashboards.i18n import table as label_table
from dashboards.views.indicator_charts import BAR_COLOUR
from dashboards.views.indicator_format import Terms, download, header

# The public file's one process row of a region below the province (its process total): the
# split by process is public at province level only (docs/methodology.md, "The public warehouse").
PROCESS_BOTTOM_UP = "process_bottom_up"  # public file: a region's enterprise-reported process CO2 below the province


class Quantity(NamedTuple):
    label: str  # i18n key of the quantity's name
    unit: str  # i18n key suffix of its display unit: unit_<unit>
    scale: float  # warehouse value × scale = the value on screen (1 / PER_TEN_THOUSAND: t → 万吨, 10k yuan → 亿元)
    digits: int  # decimals on screen
    additive: bool  # children can be summed and a residual taken


# fct_region_year columns the drill-down can show (units: marts/fct_region_year.yml).
REGION_QUANTITIES: dict[str, Quantity] = {
    "energy_intensity": Quantity("indicator_q_energy_intensity", "tce_per_10k_yuan", 1.0, 3, False),
    "carbon_intensity": Quantity("indicator_q_carbon_intensity", "t_co2_per_10k_yuan", 1.0, 3, False),
    "energy_consumption_tce": Quantity("indicator_q_energy", "10k_tce", 1 / PER_TEN_THOUSAND, 2, True),
    "co2_t": Quantity("indicator_q_co2_combustion", "10k_t_co2", 1 / PER_TEN_THOUSAND, 2, True),
    # Not additive: an exporter's deduction uses its own generation factor (a province's, the grid
    # factor: docs/methodology.md, "Electricity"), so children's figures do not sum to the parent's.
    "co2_net_electricity_import_t": Quantity("indicator_q_co2_electricity", "10k_t_co2", 1 / PER_TEN_THOUSAND, 2, False),
    "co2_for_intensity_t": Quantity("indicator_q_co2_for_intensity", "10k_t_co2", 1 / PER_TEN_THOUSAND, 2, False),
    "gdp_const_10k_yuan": Quantity("indicator_q_gdp", "100m_yuan", 1 / PER_TEN_THOUSAND, 2, True),
}


class Breakdown(NamedTuple):
    """What the drill-down shows for a level (a choice of views, not a rule)."""

    region_columns: tuple[str, ...]  # fct_region_year columns worth comparing across children
    measure: str  # what the sector/fuel chart shows: "co2_t" or "energy_tce"


# Keyed by the LEVEL the target is judged on (fct_target_progress.level_indicator_code). Only the
# GDP intensities and the energy total are quantities of fct_region_year; the others have no
# regional breakdown there. A level not listed gets no child-region table and the CO2 chart.
BREAKDOWNS: dict[str, Breakdown] = {
    "energy_intensity": Breakdown(("energy_intensity", "energy_consumption_tce", "gdp_const_10k_yuan"), "energy_tce"),
    "co2_intensity": Breakdown(
        ("carbon_intensity", "co2_for_intensity_t", "co2_t", "co2_net_electricity_import_t", "gdp_const_10k_yuan"),
        "co2_t",
    ),
    "total_energy_consumption": Breakdown(("energy_consumption_tce",), "energy_tce"),
    "non_fossil_share": Breakdown((), "energy_tce"),
    "natural_gas_share": Breakdown((), "energy_tce"),
    "industry_energy_intensity": Breakdown((), "energy_tce"),
    "industry_co2_intensity": Breakdown((), "co2_t"),
    "energy_saving_industry_share": Breakdown((), "co2_t"),
    "public_institution_energy_per_capita": Breakdown((), "energy_tce"),
    "public_institution_energy_per_area": Breakdown((), "energy_tce"),
    "road_passenger_co2_intensity": Breakdown((), "co2_t"),
    "road_freight_co2_intensity": Breakdown((), "co2_t"),
    "railway_co2_intensity": Breakdown((), "co2_t"),
    "aviation_co2_intensity": Breakdown((), "co2_t"),
}


def child_regions(
    region: str, region_name: str, indicator: str, plan_period: str, year: int, terms: Terms, breakdown: Breakdown | None,
) -> None:
    st.subheader(t("indicator_regions_title"))
    if breakdown is None or not breakdown.region_columns:
        st.caption(t("indicator_no_region_breakdown"))
        return
    rows = fetch(queries.INDICATOR_REGIONS, (region, year, indicator, plan_period, year, region, region))
    parent = rows[rows["is_parent"]]
    children = rows[~rows["is_parent"]]
    if children.empty or parent.empty:
        st.caption(t("indicator_no_children", region=plain(region_name)))
        return
    columns = list(breakdown.region_columns)
    parent_row = parent.iloc[0]

    def line(label: str, kind: str, values: Mapping[str, object], actual: object = None, status: object = None) -> dict:
        record = {"region": label, "row_kind": t(f"indicator_row_{kind}")}
        for column in columns:
            value = values.get(column)
            record[column] = None if is_missing(value) else float(value) * REGION_QUANTITIES[column].scale  # type: ignore[arg-type]
        record["actual"] = None if is_missing(actual) else float(actual) * terms.scale  # type: ignore[arg-type]
        record["status"] = None if is_missing(status) else code_label("status", str(status))
        return record

    records = [line(components.region_label(parent_row), "parent", parent_row, parent_row["actual_value"], parent_row["status"])]
    for child in children.to_dict("records"):
        records.append(line(components.region_label(child), "child", child, child["actual_value"], child["status"]))
    with_data = children.dropna(subset=[columns[0]]) if columns else children
    sums = {column: children[column].sum(min_count=1) for column in columns if REGION_QUANTITIES[column].additive}
    records.append(line(t("indicator_row_sum"), "sum", sums))
    residual = {}
    for column in sums:
        if column == "co2_t":
            residual[column] = parent_row["residual_co2_t"]  # as stored by the inventory (fct_region_year)
        elif not is_missing(parent_row[column]) and not is_missing(sums[column]):
            residual[column] = parent_row[column] - sums[column]
    records.append(line(t("indicator_row_residual"), "residual", residual))
    table = pd.DataFrame.from_records(records)

    labels = {"region": t("indicator_col_region"), "row_kind": t("indicator_col_row_kind")}
    config: dict[str, object] = {
        "region": st.column_config.TextColumn(labels["region"], pinned=True),
        "row_kind": st.column_config.TextColumn(labels["row_kind"]),
    }
    for column in columns:
        quantity = REGION_QUANTITIES[column]
        labels[column] = header(quantity.label, quantity.unit)
        config[column] = st.column_config.NumberColumn(labels[column], format=f"%.{quantity.digits}f")
    labels["actual"] = t("indicator_col_child_actual", unit=terms.unit)
    labels["status"] = t("col_status")
    config["actual"] = st.column_config.NumberColumn(labels["actual"], format=f"%.{terms.digits}f")
    config["status"] = st.column_config.TextColumn(labels["status"])
    st.dataframe(table, hide_index=True, column_config=config, placeholder=t("missing_value"), height="content")
    st.caption(t("indicator_children_with_data", count=len(with_data), total=len(children)) + t("indicator_residual_help"))
    if rows["status"].eq(components.NOT_MEANINGFUL).any():  # why a row says "不适用" and has no figure
        st.caption(t("status_not_meaningful_meaning"))
    download(table, f"{region}_{year}_{indicator}_regions", "indicator_regions", labels)

    # The children's shares of the first additive quantity, as a chart (with its data).
    measure = next((column for column in columns if REGION_QUANTITIES[column].additive), None)
    if measure is not None:
        quantity = REGION_QUANTITIES[measure]
        chart_rows = table[table["row_kind"].isin([t("indicator_row_child"), t("indicator_row_residual")])][["region", measure]].dropna()
        value_title = header(quantity.label, quantity.unit)
        chart = alt.Chart(chart_rows).mark_bar(color=BAR_COLOUR).encode(
            y=alt.Y("region:N", title=t("indicator_col_region"), sort=None),
            x=alt.X(f"{measure}:Q", title=value_title),
            tooltip=[alt.Tooltip("region:N", title=t("indicator_col_region")), alt.Tooltip(f"{measure}:Q", title=value_title, format=",.2f")],
        )
        st.altair_chart(chart, width="stretch")
        download(chart_rows, f"{region}_{year}_{indicator}_regions_chart", "indicator_regions_chart", {"region": labels["region"], measure: value_title})


def _sector_name(row: Mapping[str, object]) -> str:
    if row.get("sector_code") == PROCESS_BOTTOM_UP:
        return t("indicator_process_bottom_up")
    if row.get("is_process"):
        return localized(row, zh="process_name_zh", en="process_name_en", fallback="sector_code")
    code = str(row["sector_code"])
    # ref_energy_balance_items has Chinese names only: English comes from i18n.csv.
    key = f"indicator_item_{code}"
    if current_language() == "en" and key in label_table():
        return t(key)
    name = row.get("item_name_zh")
    return code if is_missing(name) else str(name)


def _fuel_name(row: Mapping[str, object]) -> str:
    if row.get("fuel_code") == "none":
        return t("indicator_fuel_none")
    return localized(row, fallback="fuel_code")


def sectors_and_fuels(region: str, year: int, breakdown: Breakdown | None) -> None:
    st.subheader(t("indicator_cells_title"))
    sectors = fetch(queries.INDICATOR_SECTORS, (region, year))
    fuels = fetch(queries.INDICATOR_FUELS, (region, year))
    if sectors.empty:
        st.info(t("indicator_no_cells", year=year))
        return
    measure = breakdown.measure if breakdown else "co2_t"
    withheld = int(sectors["cells_missing_co2"].sum())
    if withheld:
        st.caption(t("indicator_cells_withheld", count=withheld))
    _breakdown(sectors.assign(name=[_sector_name(row) for row in sectors.to_dict("records")]),
               "sector_code", "indicator_col_sector", measure, f"{region}_{year}_sectors", "indicator_sectors")
    _breakdown(fuels.assign(name=[_fuel_name(row) for row in fuels.to_dict("records")]),
               "fuel_code", "indicator_col_fuel", measure, f"{region}_{year}_fuels", "indicator_fuels")
    st.caption(t("indicator_cells_note"))
    if (sectors["sector_code"] == PROCESS_BOTTOM_UP).any():
        st.caption(t("process_bottom_up_public_note"))


def _breakdown(frame: pd.DataFrame, code_column: str, name_key: str, measure: str, name: str, key: str) -> None:
    co2_total = frame["co2_t"].sum(min_count=1)
    table = pd.DataFrame({
        "name": frame["name"].to_numpy(),
        code_column: frame[code_column].to_numpy(),
        "co2": (frame["co2_t"] / PER_TEN_THOUSAND).to_numpy(),
        "energy": (frame["energy_tce"] / PER_TEN_THOUSAND).to_numpy(),
        "co2_share": (frame["co2_t"] / co2_total * 100).to_numpy() if not is_missing(co2_total) and co2_total else [None] * len(frame),
    })
    labels = {
        "name": t(name_key),
        code_column: t("indicator_col_code"),
        "co2": header("indicator_q_co2", "10k_t_co2"),
        "energy": header("indicator_q_energy_cells", "10k_tce"),
        "co2_share": t("indicator_col_co2_share", unit=unit_label("fraction")),
    }
    table_column, chart_column = st.columns([3, 2], gap="large")  # the table, and its measure as bars
    with table_column:
        _breakdown_table(table, labels, code_column, name, key)
    with chart_column:
        _breakdown_chart(table, labels, "co2" if measure == "co2_t" else "energy", name, key)


def _breakdown_table(table: pd.DataFrame, labels: Mapping[str, str], code_column: str, name: str, key: str) -> None:
    # Figures first, the code last (it is for matching with other tables and downloads).
    order = ["name", "co2", "energy", "co2_share", code_column]
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), height="content", column_order=order, column_config={
        "name": st.column_config.TextColumn(labels["name"], pinned=True),
        code_column: st.column_config.TextColumn(labels[code_column]),
        "co2": st.column_config.NumberColumn(labels["co2"], format="%.2f"),
        "energy": st.column_config.NumberColumn(labels["energy"], format="%.2f"),
        "co2_share": st.column_config.NumberColumn(labels["co2_share"], format="%.1f"),
    })
    download(table, name, key, labels)


def _breakdown_chart(table: pd.DataFrame, labels: Mapping[str, str], value_column: str, name: str, key: str) -> None:
    chart_rows = table[["name", value_column]].dropna()
    value_title = labels[value_column]
    chart = alt.Chart(chart_rows).mark_bar(color=BAR_COLOUR).encode(
        y=alt.Y("name:N", title=labels["name"], sort="-x"),
        x=alt.X(f"{value_column}:Q", title=value_title),
        tooltip=[alt.Tooltip("name:N", title=labels["name"]), alt.Tooltip(f"{value_column}:Q", title=value_title, format=",.2f")],
    )
    st.altair_chart(chart, width="stretch")
    download(chart_rows, f"{name}_chart", f"{key}_chart", {"name": labels["name"], value_column: value_title})
