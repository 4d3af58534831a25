"""排放结构 / Emissions structure: where a region's CO2 comes from, by sector, fuel and process.

For the chosen region and year: a treemap sector → fuel and a sankey fuel → sector of CO2 (or
CO2e); the territorial total beside the electricity-adjusted total used for the intensity
indicator (net electricity imports × grid factor; negative for net exporters such as Gansu) and
the process emissions; and the trend by sector. Every chart has its data as a table with
downloads, and the page states the totals and checks that the sector sums equal the region's
totals in marts.fct_region_year.

Confidentiality: a leader reads the public file, where process cells of fewer than 3 enterprises
(or one above 80%) are NULL with a reason; they are shown as "suppressed", never as 0, and left
out of the charts. Authorised roles read the full file and also see factor sources and source
files. The page never reads enterprise tables.

Plotly renders a subset of HTML tags in its text, so every string going into a figure passes
through chart_text() (entities, which plotly shows as the characters themselves).

The page is in three modules: this one keeps render(), the inputs, the totals cards with the sum
check and the three sections (mix, electricity adjustment, trend) that draw tables, charts and
downloads; structure_frames shapes the warehouse rows into the frames those show, and
structure_charts builds the plotly figures.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import auth, components, i18n, queries
from dashboards.components import PER_TEN_THOUSAND, plain
from dashboards.components import (
    chart_text as chart_text,  # re-exported: tests import it from here
)
from dashboards.i18n import is_missing, t
from dashboards.views.structure_charts import (
    TOP_SECTORS,
    grouped_figure,
    sankey_figure,
    treemap_figure,
    trend_figure,
    waterfall_figure,
)
from dashboards.views.structure_frames import (
    ADJUSTED_HEADERS,
    CHECK_TOLERANCE_T,
    PROCESS_GROUP,
    TOP_FUELS,
    adjusted_table,
    cells_table,
    measure_unit,
    mix_frame,
    number_text,
    sankey_frame,
    sector_name,
    sector_sums,
    signed_text,
    ten_thousand,
    trend_check,
    trend_frame,
    trend_table,
)

REGION_PICKER_KEY = "structure_region"
YEAR_KEY = "structure_year"
MEASURE_KEY = "structure_measure"
MEASURES = ("co2", "co2e")  # column prefix in the data: co2_t, co2e_t


def render() -> None:
    st.title(t("structure_title"))
    components.published_caption()
    region_code = components.region_picker(REGION_PICKER_KEY)
    region = _region_name(region_code)
    totals = components.fetch(queries.STRUCTURE_REGION_YEARS, (region_code,))
    totals = totals[totals["co2_t"].notna()].reset_index(drop=True)
    if totals.empty:
        st.info(t("structure_no_data", region=plain(region)))
        return

    year_column, measure_column = st.columns([1, 3], vertical_alignment="bottom")
    with year_column:
        year = _year_selector(totals)
    with measure_column:
        # The language is captured now so the option labels do not depend on session state later
        # (Streamlit may call format_func outside this run, as AppTest does).
        lang = i18n.current_language()
        measure = st.radio(
            t("structure_measure"), MEASURES, horizontal=True, key=MEASURE_KEY,
            format_func=lambda code: i18n.text(f"structure_measure_{code}", lang),
        )
    row = totals[totals["year"] == year].iloc[0]
    cells = _cells(region_code, year)

    st.header(t(f"structure_header_totals_{measure}", region=plain(region), year=year))
    if measure == "co2e":
        _ghg_cards(row)
    else:
        _total_cards(row)
    st.caption(t(
        "structure_method",
        factor_set=plain(row["factor_set"]), gwp_set=plain(row["gwp_set"]),
        grid_factor_set=plain(_text_or_dash(row["grid_factor_set"])),
    ))
    st.markdown(_check_line(cells, row))
    if cells["suppressed"].any():
        st.caption(t("structure_suppressed_explained", count=int(cells["suppressed"].sum())))
    if (cells["sector_code"] == "process_bottom_up").any():
        st.caption(t("process_bottom_up_public_note"))

    st.header(t("structure_header_mix", region=plain(region), year=year))
    _mix_section(cells, measure, region_code, year)

    st.header(t("structure_header_adjusted", region=plain(region)))
    _adjusted_section(totals, row, region_code, year)

    st.header(t("structure_header_trend", region=plain(region)))
    _trend_section(region_code, totals, measure)


# --- inputs and loading ---------------------------------------------------------------------------


def _region_name(region_code: str) -> str:
    regions = components.regions()
    match = regions[regions["region_code"] == region_code]
    return region_code if match.empty else components.region_label(match.iloc[0].to_dict())


def _year_selector(totals: pd.DataFrame) -> int:
    """The year the cards, treemap and sankey show; by default the latest with a territorial total."""
    years = [int(year) for year in totals["year"]]
    if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in years:
        del st.session_state[YEAR_KEY]  # another region, or a republished warehouse, lacks that year
    return st.selectbox(t("year_select"), years, index=len(years) - 1, key=YEAR_KEY)


def _cells(region_code: str, year: int) -> pd.DataFrame:
    """The region-year's cells with display names, the chart group (sector, or the process group)
    and item (fuel, or process), values in 万吨."""
    sql = queries.STRUCTURE_CELLS_FULL if auth.is_authorised() else queries.STRUCTURE_CELLS_PUBLIC
    cells = components.fetch(sql, (region_code, year)).copy()
    if cells.empty:
        return cells.assign(group_code=[], group_name=[], item_code=[], item_name=[], co2_10k_t=[], co2e_10k_t=[], energy_10k_tce=[])
    cells["suppressed"] = cells["suppressed"].fillna(False).astype(bool)
    names = [
        sector_name(code, zh, en)
        for code, zh, en in zip(cells["sector_code"], cells["sector_name_zh"], cells["sector_name_en"])
    ]
    fuels = [
        components.localized({"name_zh": zh, "name_en": en}, fallback=None) or str(code)
        for code, zh, en in zip(cells["fuel_code"], cells["fuel_name_zh"], cells["fuel_name_en"])
    ]
    process = cells["is_process"].astype(bool)
    cells["group_code"] = cells["sector_code"].where(~process, PROCESS_GROUP)
    cells["group_name"] = [t("structure_process_group") if is_process else name for is_process, name in zip(process, names)]
    cells["item_code"] = cells["fuel_code"].where(~process, cells["sector_code"])
    cells["item_name"] = [name if is_process else fuel for is_process, name, fuel in zip(process, names, fuels)]
    cells["sector_name"] = names
    cells["fuel_name"] = [t("missing_value") if is_process else fuel for is_process, fuel in zip(process, fuels)]
    cells["co2_10k_t"] = cells["co2_t"] / PER_TEN_THOUSAND
    cells["co2e_10k_t"] = cells["co2e_t"] / PER_TEN_THOUSAND
    cells["energy_10k_tce"] = cells["energy_tce"] / PER_TEN_THOUSAND
    return cells


def _text_or_dash(value: object) -> str:
    return t("missing_value") if is_missing(value) or not str(value).strip() else str(value)


def _plotly(figure: go.Figure, key: str) -> None:
    # No plotly option here loads anything from a CDN (no MathJax, no topojson); the logo link is off.
    st.plotly_chart(figure, key=key, config={"displaylogo": False}, width="stretch")


# --- totals and the sum check -----------------------------------------------------------------


def _ghg_cards(row: pd.Series) -> None:
    """The greenhouse-gas measure: the total in CO₂e and the CO₂ inside it, as fct_region_year holds
    them (gwp_set). The electricity adjustment is a CO₂ concept (grid factors are CO₂ factors), so
    its chain stays on the CO₂ measure, and the caption says so."""
    unit = measure_unit("co2e")
    cards = (
        ("co2e_t", number_text(ten_thousand(row["co2e_t"])), unit),
        ("co2_with_process_t", number_text(ten_thousand(row["co2_with_process_t"])), measure_unit("co2")),
    )
    for column, (field, value, field_unit) in zip(st.columns(3), cards):
        with column:
            components.card(t(f"structure_card_{field}", unit=field_unit), value, help=t(f"structure_explain_{field}"))
    st.caption(t("structure_ghg_electricity_note"))


def _total_cards(row: pd.Series) -> None:
    unit = measure_unit("co2")
    cards = (
        ("co2_t", number_text(ten_thousand(row["co2_t"]))),
        ("co2_net_electricity_import_t", signed_text(ten_thousand(row["co2_net_electricity_import_t"]))),
        ("co2_for_intensity_t", number_text(ten_thousand(row["co2_for_intensity_t"]))),
        ("co2_process_t", number_text(ten_thousand(row["co2_process_t"]))),
        ("co2_with_process_t", number_text(ten_thousand(row["co2_with_process_t"]))),
    )
    # A net exporter's adjustment is a deduction for exported electricity, not a negative import:
    # its card says so (the sign stays: it is subtracted from the territorial figure).
    net = row["co2_net_electricity_import_t"]
    exporter = not is_missing(net) and float(net) < 0
    labels = {"co2_net_electricity_import_t": "co2_net_electricity_export_t"} if exporter else {}
    # Two rows of three: the electricity chain (territorial → adjustment → adjusted), then process
    # and the total with process; five in a row truncate the figures on a laptop screen.
    for start in (0, 3):
        for column, (field, value) in zip(st.columns(3), cards[start:start + 3]):
            with column:
                key = labels.get(field, field)
                components.card(t(f"structure_card_{key}", unit=unit), value, help=t(f"structure_explain_{key}"))


def _agrees(left: object, right: object) -> bool:
    if is_missing(left) and is_missing(right):
        return True
    if is_missing(left) or is_missing(right):
        return False
    return abs(float(left) - float(right)) <= CHECK_TOLERANCE_T  # type: ignore[arg-type]


def _check_line(cells: pd.DataFrame, row: pd.Series) -> str:
    """One Markdown line (labels and numbers only) reconciling the sector sums with the region totals."""
    sums = sector_sums(cells)
    icon = lambda ok: ":green[:material/check_circle:]" if ok else ":red[:material/error:]"  # noqa: E731
    combustion_ok = _agrees(sums["combustion_t"], row["co2_t"])
    parts = [t(
        "structure_check_combustion", icon=icon(combustion_ok),
        sectors=number_text(ten_thousand(sums["combustion_t"])), region=number_text(ten_thousand(row["co2_t"])),
        verdict=t("structure_check_equal" if combustion_ok else "structure_check_differs"),
    )]
    if sums["process_cells"] == 0 and is_missing(row["co2_process_t"]):
        parts.append(t("structure_check_no_process"))
    elif sums["suppressed"]:
        # The shown process cells cannot add up to the region total; the difference is not printed,
        # it would be the suppressed value itself whenever only one cell is suppressed.
        parts.append(t(
            "structure_check_process_suppressed", icon=":gray[:material/lock:]",
            shown=number_text(ten_thousand(sums["process_t"])), count=sums["suppressed"],
            region=number_text(ten_thousand(row["co2_process_t"])),
        ))
    else:
        process_ok = _agrees(sums["process_t"], row["co2_process_t"])
        parts.append(t(
            "structure_check_process", icon=icon(process_ok),
            processes=number_text(ten_thousand(sums["process_t"])), region=number_text(ten_thousand(row["co2_process_t"])),
            verdict=t("structure_check_equal" if process_ok else "structure_check_differs"),
        ))
    return t("legend_separator").join(parts)


# --- 1. sector and fuel mix -------------------------------------------------------------------


def _mix_section(cells: pd.DataFrame, measure: str, region_code: str, year: int) -> None:
    unit = measure_unit(measure)
    frame = mix_frame(cells, measure)
    if frame.empty:
        st.info(t("structure_no_cells"))
    else:
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('structure_treemap_title', unit=unit)}**")
            _plotly(treemap_figure(frame, measure), key="structure_treemap")
            components.downloads(
                frame[["group_name", "item_name", "value"]], f"structure_treemap_{region_code}_{year}_{measure}",
                "structure_treemap_download",
                {"group_name": "structure_col_group", "item_name": "structure_col_item", "value": f"structure_col_value_{measure}"},
            )
        with right:
            flows = sankey_frame(frame)
            st.markdown(f"**{t('structure_sankey_title', unit=unit)}**")
            _plotly(sankey_figure(flows, measure), key="structure_sankey")
            components.downloads(
                flows[["source", "target", "value"]], f"structure_sankey_{region_code}_{year}_{measure}",
                "structure_sankey_download",
                {"source": "structure_col_source", "target": "structure_col_target", "value": f"structure_col_value_{measure}"},
            )
        st.caption(t("structure_mix_caption", top=TOP_FUELS, unit=unit))

    st.subheader(t("structure_cells_title", year=year))
    table = cells_table(cells)
    authorised = auth.is_authorised()
    column_config = {
        "sector_name": st.column_config.TextColumn(t("structure_col_sector")),
        "fuel_name": st.column_config.TextColumn(t("structure_col_fuel")),
        "kind": st.column_config.TextColumn(t("structure_col_kind")),
        "activity_value": st.column_config.NumberColumn(t("structure_col_activity"), format="%.2f"),
        "activity_unit": st.column_config.TextColumn(t("structure_col_activity_unit")),
        "energy_10k_tce": st.column_config.NumberColumn(t("structure_col_energy"), format="%.2f"),
        "co2_10k_t": st.column_config.NumberColumn(t("structure_col_value_co2"), format="%.2f"),
        "co2e_10k_t": st.column_config.NumberColumn(t("structure_col_value_co2e"), format="%.2f"),
        "note": st.column_config.TextColumn(t("structure_col_note")),
    }
    if authorised:
        column_config |= {
            "factor_source": st.column_config.TextColumn(t("structure_col_factor_source")),
            "source_files": st.column_config.TextColumn(t("structure_col_source_files")),
        }
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), column_config=column_config, key="structure_cells_table")
    components.downloads(
        table, f"structure_cells_{region_code}_{year}", "structure_cells_download",
        {column: _header_key(column) for column in table.columns},
    )


def _header_key(column: str) -> str:
    return {
        "sector_name": "structure_col_sector", "fuel_name": "structure_col_fuel", "kind": "structure_col_kind",
        "activity_value": "structure_col_activity", "activity_unit": "structure_col_activity_unit",
        "energy_10k_tce": "structure_col_energy", "co2_10k_t": "structure_col_value_co2",
        "co2e_10k_t": "structure_col_value_co2e", "note": "structure_col_note",
        "factor_source": "structure_col_factor_source", "source_files": "structure_col_source_files",
    }[column]


# --- 2. territorial vs electricity-adjusted ---------------------------------------------------


def _adjusted_section(totals: pd.DataFrame, row: pd.Series, region_code: str, year: int) -> None:
    for field in ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t", "co2_process_t", "co2_with_process_t"):
        st.caption(t("structure_explain_line", name=t(f"structure_series_{field}"), text=t(f"structure_explain_{field}")))
    adjustment = row["co2_net_electricity_import_t"]
    if not is_missing(adjustment) and float(adjustment) != 0:
        st.markdown(t(
            "structure_adjusted_exporter" if float(adjustment) < 0 else "structure_adjusted_importer",
            year=year, value=number_text(abs(ten_thousand(adjustment))),
        ))
    table = adjusted_table(totals)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('structure_waterfall_title', year=year)}**")
        _plotly(waterfall_figure(row), key="structure_waterfall")
        components.downloads(
            table[table["year"] == year][["year", "co2_10k_t", "co2_net_electricity_import_10k_t", "co2_for_intensity_10k_t"]],
            f"structure_waterfall_{region_code}_{year}", "structure_waterfall_download", ADJUSTED_HEADERS,
        )
    with right:
        st.markdown(f"**{t('structure_grouped_title')}**")
        _plotly(grouped_figure(table), key="structure_grouped")
        components.downloads(
            table[["year", "co2_10k_t", "co2_for_intensity_10k_t", "co2_process_10k_t", "co2_with_process_10k_t"]],
            f"structure_grouped_{region_code}", "structure_grouped_download", ADJUSTED_HEADERS,
        )
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="structure_adjusted_table",
        column_config={
            column: (
                st.column_config.NumberColumn(t(key), format="%d") if column == "year"
                else st.column_config.NumberColumn(t(key), format="%.4f" if column == "grid_factor_tco2_per_mwh" else "%.2f")
            )
            for column, key in ADJUSTED_HEADERS.items()
        },
    )
    components.downloads(table, f"structure_adjusted_{region_code}", "structure_adjusted_download", ADJUSTED_HEADERS)


# --- 3. trend by sector -----------------------------------------------------------------------


def _trend_section(region_code: str, totals: pd.DataFrame, measure: str) -> None:
    sectors = components.fetch(queries.STRUCTURE_SECTOR_TREND, (region_code,))
    frame = trend_frame(sectors, totals, measure)
    if frame.empty:
        st.info(t("structure_no_cells"))
        return
    st.markdown(f"**{t('structure_trend_title', unit=measure_unit(measure))}**")
    _plotly(trend_figure(frame, measure), key="structure_trend")
    components.downloads(
        frame[["year", "sector", "value"]], f"structure_trend_{region_code}_{measure}", "structure_trend_download",
        {"year": "col_year", "sector": "structure_col_sector", "value": f"structure_col_value_{measure}"},
    )
    st.caption(t("structure_trend_caption", top=TOP_SECTORS))
    wide, headers = trend_table(frame, measure)
    st.dataframe(
        wide, hide_index=True, placeholder=t("missing_value"), key="structure_trend_table",
        column_config={
            column: st.column_config.TextColumn(label) if column == "sector" else st.column_config.NumberColumn(label, format="%.2f")
            for column, label in headers.items()
        },
    )
    # components.downloads looks headers up as label keys; these headers are already labels.
    components.downloads(wide.rename(columns=headers), f"structure_trend_table_{region_code}_{measure}", "structure_trend_table_download")
    check = trend_check(frame, totals, measure)
    if check is not None:
        st.caption(check)
