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
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from dashboards import auth, components, i18n, queries
from dashboards.components import chart_text, plain
from dashboards.i18n import code_label, is_missing, t

REGION_PICKER_KEY = "structure_region"
YEAR_KEY = "structure_year"
MEASURE_KEY = "structure_measure"
MEASURES = ("co2", "co2e")  # column prefix in the data: co2_t, co2e_t
TONNES_PER_10K_T = 10_000  # charts and tables show 万吨 (10⁴ t); the warehouse stores tonnes
MWH_PER_100M_KWH = 100_000  # 亿千瓦时 (10⁸ kWh) = 10⁵ MWh, the unit electricity statistics use
TOP_FUELS = 7  # fuels drawn by name; the rest are one "all other fuels" box, so the charts stay readable
TOP_SECTORS = 7  # sectors drawn by name in the trend; the rest are one "all other sectors" band
# Sums are compared in tonnes; a difference below half a displayed unit (0.005 万吨 = 50 t) is rounding.
CHECK_TOLERANCE_T = 50.0

PROCESS_GROUP = "industrial_processes"  # the group every process cell belongs to in the charts
INDUSTRY_SECTOR = "final_industry"  # where the sankey sends process emissions: they occur in industry
OTHER_FUELS = "other_fuels"
OTHER_SECTORS = "other_sectors"
PROCESS_COLOUR = "#8c6d31"
OTHER_COLOUR = "#bdbdbd"
SECTOR_PALETTE = qualitative.Safe + qualitative.Vivid
FUEL_PALETTE = qualitative.Set2 + qualitative.Pastel2
# The electricity adjustment: a deduction for a net exporter, an addition for a net importer.
ADJUSTMENT_COLOURS = {"export": "#e8710a", "import": "#b31412"}
SERIES_COLOURS = {
    "co2_t": "#1f4e79",
    "co2_for_intensity_t": "#4a9e5c",
    "co2_process_t": PROCESS_COLOUR,
    "co2_with_process_t": "#7f7f7f",
}


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

    st.header(t("structure_header_totals", region=plain(region), year=year))
    _total_cards(row)
    st.caption(t(
        "structure_method",
        factor_set=plain(row["factor_set"]), gwp_set=plain(row["gwp_set"]),
        grid_factor_set=plain(_text_or_dash(row["grid_factor_set"])),
    ))
    st.markdown(_check_line(cells, row))
    if cells["suppressed"].any():
        st.caption(t("structure_suppressed_explained", count=int(cells["suppressed"].sum())))
    if (cells["sector_code"] == "process_total").any():
        st.caption(t("process_total_public_note"))

    st.header(t("structure_header_mix", region=plain(region), year=year))
    _mix_section(cells, measure, region_code, year)

    st.header(t("structure_header_adjusted", region=plain(region)))
    _adjusted_section(totals, row, region_code, year)

    st.header(t("structure_header_trend", region=plain(region)))
    _trend_section(region_code, totals, measure)


# --- loading and shaping --------------------------------------------------------------------------


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


def sector_name(code: str, name_zh: object, name_en: object = None) -> str:
    """A sector's name in the session language. ref_energy_balance_items has Chinese names only,
    so the English name of an energy-balance sector comes from i18n.csv (structure_sector_<code>)."""
    key = f"structure_sector_{code}"
    if key in i18n.table():
        name_en = i18n.text(key, "en") if is_missing(name_en) else name_en
        name_zh = i18n.text(key, "zh") if is_missing(name_zh) else name_zh
    zh = None if is_missing(name_zh) else name_zh
    return components.localized({"name_zh": zh, "name_en": None if is_missing(name_en) else name_en}) or code


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
    cells["co2_10k_t"] = cells["co2_t"] / TONNES_PER_10K_T
    cells["co2e_10k_t"] = cells["co2e_t"] / TONNES_PER_10K_T
    cells["energy_10k_tce"] = cells["energy_tce"] / TONNES_PER_10K_T
    return cells


def _unit(measure: str) -> str:
    return t(f"structure_unit_{measure}")


def _number(value: object, decimals: int = 2) -> str:
    """A figure for a card or a sentence; missing stays missing ("—"), never 0."""
    if is_missing(value):
        return t("missing_value")
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def _signed(value: object) -> str:
    if is_missing(value):
        return t("missing_value")
    shown = round(float(value), 2)  # type: ignore[arg-type]
    return "0.00" if shown == 0 else f"{shown:+,.2f}"


def _ten_thousand(value: object) -> float:
    return math.nan if is_missing(value) else float(value) / TONNES_PER_10K_T  # type: ignore[arg-type]


def _text_or_dash(value: object) -> str:
    return t("missing_value") if is_missing(value) or not str(value).strip() else str(value)


def _plotly(figure: go.Figure, key: str) -> None:
    # No plotly option here loads anything from a CDN (no MathJax, no topojson); the logo link is off.
    st.plotly_chart(figure, key=key, config={"displaylogo": False}, width="stretch")


# --- totals and the sum check -----------------------------------------------------------------


def _total_cards(row: pd.Series) -> None:
    unit = _unit("co2")
    cards = (
        ("co2_t", _number(_ten_thousand(row["co2_t"]))),
        ("co2_net_electricity_import_t", _signed(_ten_thousand(row["co2_net_electricity_import_t"]))),
        ("co2_for_intensity_t", _number(_ten_thousand(row["co2_for_intensity_t"]))),
        ("co2_process_t", _number(_ten_thousand(row["co2_process_t"]))),
        ("co2_with_process_t", _number(_ten_thousand(row["co2_with_process_t"]))),
    )
    # Two rows of three: the electricity chain (territorial → adjustment → adjusted), then process
    # and the total with process; five in a row truncate the figures on a laptop screen.
    for start in (0, 3):
        for column, (field, value) in zip(st.columns(3), cards[start:start + 3]):
            with column:
                st.metric(
                    t(f"structure_card_{field}", unit=unit), value,
                    help=t(f"structure_explain_{field}"), border=True,
                )


def sector_sums(cells: pd.DataFrame) -> dict[str, object]:
    """Sums of the cells in tonnes, to reconcile with the region totals: combustion, process
    (shown cells only), and how many process cells are suppressed."""
    combustion = cells.loc[~cells["is_process"].astype(bool), "co2_t"]
    process = cells.loc[cells["is_process"].astype(bool) & ~cells["suppressed"], "co2_t"]
    return {
        "combustion_t": combustion.sum(min_count=1),
        "process_t": process.sum(min_count=1),
        "suppressed": int(cells["suppressed"].sum()),
        "process_cells": int(cells["is_process"].astype(bool).sum()),
    }


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
        sectors=_number(_ten_thousand(sums["combustion_t"])), region=_number(_ten_thousand(row["co2_t"])),
        verdict=t("structure_check_equal" if combustion_ok else "structure_check_differs"),
    )]
    if sums["process_cells"] == 0 and is_missing(row["co2_process_t"]):
        parts.append(t("structure_check_no_process"))
    elif sums["suppressed"]:
        # The shown process cells cannot add up to the region total; the difference is not printed,
        # it would be the suppressed value itself whenever only one cell is suppressed.
        parts.append(t(
            "structure_check_process_suppressed", icon=":gray[:material/lock:]",
            shown=_number(_ten_thousand(sums["process_t"])), count=sums["suppressed"],
            region=_number(_ten_thousand(row["co2_process_t"])),
        ))
    else:
        process_ok = _agrees(sums["process_t"], row["co2_process_t"])
        parts.append(t(
            "structure_check_process", icon=icon(process_ok),
            processes=_number(_ten_thousand(sums["process_t"])), region=_number(_ten_thousand(row["co2_process_t"])),
            verdict=t("structure_check_equal" if process_ok else "structure_check_differs"),
        ))
    return t("legend_separator").join(parts)


# --- 1. sector and fuel mix -------------------------------------------------------------------


def _top_fuels(cells: pd.DataFrame, value: str) -> list[str]:
    combustion = cells[~cells["is_process"].astype(bool)]
    by_fuel = combustion.groupby("fuel_code")[value].sum().sort_values(ascending=False)
    return list(by_fuel.index[:TOP_FUELS]) if len(by_fuel) > TOP_FUELS + 1 else list(by_fuel.index)


def mix_frame(cells: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The treemap's and sankey's data: group (sector or process group) × item (fuel or process),
    in 万吨, fuels outside the top ones merged into "all other fuels"; suppressed cells left out."""
    value = f"{measure}_10k_t"
    shown = cells[~cells["suppressed"] & cells[value].notna()].copy()
    if shown.empty:
        return pd.DataFrame(columns=["group_code", "group_name", "item_code", "item_name", "value"])
    top = set(_top_fuels(shown, value))
    combustion = ~shown["is_process"].astype(bool)
    merge = combustion & ~shown["item_code"].isin(top)
    shown.loc[merge, "item_code"] = OTHER_FUELS
    shown.loc[merge, "item_name"] = t("structure_other_fuels")
    frame = (
        shown.groupby(["group_code", "group_name", "item_code", "item_name"], as_index=False, sort=False)[value].sum()
        .rename(columns={value: "value"})
    )
    frame = frame[frame["value"] > 0]
    order = frame.groupby("group_code")["value"].transform("sum")
    return frame.assign(order=order).sort_values(["order", "value"], ascending=False).drop(columns="order").reset_index(drop=True)


def _colours(codes: list[str], palette: list[str] = SECTOR_PALETTE) -> dict[str, str]:
    colours = {}
    for index, code in enumerate(code for code in codes if code not in (OTHER_FUELS, OTHER_SECTORS, PROCESS_GROUP)):
        colours[code] = palette[index % len(palette)]
    colours.update({OTHER_FUELS: OTHER_COLOUR, OTHER_SECTORS: OTHER_COLOUR, PROCESS_GROUP: PROCESS_COLOUR})
    return colours


def treemap_figure(frame: pd.DataFrame, measure: str) -> go.Figure:
    unit = _unit(measure)
    groups = frame.groupby(["group_code", "group_name"], as_index=False, sort=False)["value"].sum()
    colours = _colours(list(groups["group_code"]))
    ids = list(groups["group_code"]) + [f"{g}/{i}" for g, i in zip(frame["group_code"], frame["item_code"])]
    labels = [chart_text(name) for name in list(groups["group_name"]) + list(frame["item_name"])]
    parents = [""] * len(groups) + list(frame["group_code"])
    values = list(groups["value"]) + list(frame["value"])
    figure = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker={"colors": [colours[g] for g in groups["group_code"]] + [colours[g] for g in frame["group_code"]]},
        texttemplate="%{label}<br>%{value:,.1f}", hovertemplate=f"%{{label}}<br>%{{value:,.2f}} {chart_text(unit)}<extra></extra>",
        sort=True,
    ))
    figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, height=460)
    return figure


def sankey_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Flows for the sankey, source → target in 万吨: fuel → sector, and the industrial processes (all
    types as one source, so the left column stays readable) → industry, where they take place."""
    if frame.empty:
        return pd.DataFrame(columns=["source_code", "source", "target_code", "target", "value"])
    process = frame["group_code"] == PROCESS_GROUP
    industry = frame.loc[frame["group_code"] == INDUSTRY_SECTOR, "group_name"]
    industry_name = industry.iat[0] if not industry.empty else sector_name(INDUSTRY_SECTOR, None)
    flows = pd.DataFrame({
        "source_code": frame["item_code"].where(~process, PROCESS_GROUP),
        "source": frame["item_name"].where(~process, t("structure_process_group")),
        "target_code": frame["group_code"].where(~process, INDUSTRY_SECTOR),
        "target": frame["group_name"].where(~process, industry_name),
        "value": frame["value"],
    })
    flows = flows.groupby(["source_code", "source", "target_code", "target"], as_index=False, sort=False)["value"].sum()
    # Fuels largest first, then "all other fuels", then the processes, so the sankey reads top-down.
    rank = flows.groupby("source_code")["value"].transform("sum")
    last = flows["source_code"].map({OTHER_FUELS: 1, PROCESS_GROUP: 2}).fillna(0)
    return (
        flows.assign(last=last, rank=rank).sort_values(["last", "rank", "value"], ascending=[True, False, False])
        .drop(columns=["last", "rank"]).reset_index(drop=True)
    )


def sankey_figure(flows: pd.DataFrame, measure: str) -> go.Figure:
    unit = _unit(measure)
    sources = list(dict.fromkeys(flows["source_code"]))
    targets = list(dict.fromkeys(flows["target_code"]))
    names = dict(zip(flows["source_code"], flows["source"])) | dict(zip(flows["target_code"], flows["target"]))
    nodes = [("s", code) for code in sources] + [("t", code) for code in targets]
    index = {node: position for position, node in enumerate(nodes)}
    source_colours = _colours(sources, FUEL_PALETTE)  # fuels apart from sectors at a glance
    target_colours = _colours(targets)
    node_colours = [source_colours[code] if side == "s" else target_colours[code] for side, code in nodes]
    figure = go.Figure(go.Sankey(
        arrangement="snap",
        valueformat=",.2f",
        valuesuffix=f" {chart_text(unit)}",
        node={
            "label": [chart_text(names[code]) for _, code in nodes],
            "color": node_colours, "pad": 12, "thickness": 16,
        },
        link={
            "source": [index[("s", code)] for code in flows["source_code"]],
            "target": [index[("t", code)] for code in flows["target_code"]],
            "value": list(flows["value"]),
            "color": [_fade(source_colours[code]) for code in flows["source_code"]],
        },
    ))
    figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, height=460)
    return figure


def _fade(colour: str) -> str:
    """A link colour: the source node's colour, translucent ('#rrggbb' or 'rgb(r,g,b)')."""
    if colour.startswith("#") and len(colour) == 7:
        red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        return f"rgba({red},{green},{blue},0.4)"
    if colour.startswith("rgb("):
        return colour.replace("rgb(", "rgba(").replace(")", ",0.4)")
    return colour


def suppression_note(reason: object) -> str:
    if is_missing(reason):
        return t("structure_suppressed")
    return code_label("structure_suppressed", str(reason))


def _mix_section(cells: pd.DataFrame, measure: str, region_code: str, year: int) -> None:
    unit = _unit(measure)
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


def cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per sector × fuel (or process) cell; suppressed cells keep NaN values and say why."""
    columns = ["sector_name", "fuel_name", "kind", "activity_value", "activity_unit", "energy_10k_tce", "co2_10k_t", "co2e_10k_t", "note"]
    if auth.is_authorised():
        columns += ["factor_source", "source_files"]
    if cells.empty:
        return pd.DataFrame(columns=columns)
    table = cells.assign(
        kind=[t("structure_kind_process" if is_process else "structure_kind_combustion") for is_process in cells["is_process"]],
        note=[suppression_note(reason) if suppressed else None for suppressed, reason in zip(cells["suppressed"], cells["suppression_reason"])],
    )
    table["activity_unit"] = [
        None if is_missing(unit) else code_label("structure_activity_unit", str(unit)) for unit in table["activity_unit"]
    ]
    # A suppressed cell shows no activity either: the public file keeps only its unit.
    table.loc[table["suppressed"], ["activity_value", "energy_10k_tce", "co2_10k_t", "co2e_10k_t"]] = math.nan
    return table[columns].reset_index(drop=True)


def _header_key(column: str) -> str:
    return {
        "sector_name": "structure_col_sector", "fuel_name": "structure_col_fuel", "kind": "structure_col_kind",
        "activity_value": "structure_col_activity", "activity_unit": "structure_col_activity_unit",
        "energy_10k_tce": "structure_col_energy", "co2_10k_t": "structure_col_value_co2",
        "co2e_10k_t": "structure_col_value_co2e", "note": "structure_col_note",
        "factor_source": "structure_col_factor_source", "source_files": "structure_col_source_files",
    }[column]


# --- 2. territorial vs electricity-adjusted ---------------------------------------------------

ADJUSTED_FIELDS = ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t", "co2_process_t", "co2_with_process_t")


def adjusted_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Per year, in 万吨 CO₂: territorial combustion, the electricity adjustment (negative for a net
    exporter), CO2 for the intensity indicator, process, territorial with process; the net
    electricity import (亿千瓦时) and grid factor that make the adjustment."""
    table = pd.DataFrame({"year": totals["year"].astype(int)})
    for field in ADJUSTED_FIELDS:
        table[field.removesuffix("_t") + "_10k_t"] = totals[field] / TONNES_PER_10K_T
    table["net_electricity_import_100m_kwh"] = totals["net_electricity_import_mwh"] / MWH_PER_100M_KWH
    table["grid_factor_tco2_per_mwh"] = totals["grid_factor_tco2_per_mwh"]
    return table.reset_index(drop=True)


ADJUSTED_HEADERS = {
    "year": "col_year",
    "co2_10k_t": "structure_col_co2",
    "co2_net_electricity_import_10k_t": "structure_col_co2_net_electricity_import",
    "co2_for_intensity_10k_t": "structure_col_co2_for_intensity",
    "co2_process_10k_t": "structure_col_co2_process",
    "co2_with_process_10k_t": "structure_col_co2_with_process",
    "net_electricity_import_100m_kwh": "structure_col_net_electricity_import",
    "grid_factor_tco2_per_mwh": "structure_col_grid_factor",
}


def waterfall_figure(row: pd.Series) -> go.Figure:
    """The chosen year as a waterfall: territorial combustion CO2, plus the electricity adjustment
    (a floating bar, down for a net exporter), gives the CO2 used for the intensity indicator.
    Drawn with plain bars so each step has its own colour (plotly's waterfall colours by sign only)."""
    unit = _unit("co2")
    territorial = _ten_thousand(row["co2_t"])
    adjustment = _ten_thousand(row["co2_net_electricity_import_t"])
    adjusted = _ten_thousand(row["co2_for_intensity_t"])
    fields = ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t")
    adjustment_colour = ADJUSTMENT_COLOURS["export" if not is_missing(adjustment) and adjustment < 0 else "import"]
    figure = go.Figure(go.Bar(
        x=[chart_text(t(f"structure_series_{field}")) for field in fields],
        y=[territorial, abs(adjustment), adjusted],
        base=[0, min(territorial, adjusted), 0],
        text=[_number(territorial), _signed(adjustment), _number(adjusted)],
        textposition="outside",
        marker={"color": [SERIES_COLOURS["co2_t"], adjustment_colour, SERIES_COLOURS["co2_for_intensity_t"]]},
        hovertemplate=f"%{{x}}: %{{text}} {chart_text(unit)}<extra></extra>",
    ))
    figure.update_layout(
        yaxis={"title": {"text": chart_text(unit)}, "rangemode": "tozero"},
        showlegend=False, margin={"l": 8, "r": 8, "t": 24, "b": 8}, height=380,
    )
    return figure


def grouped_figure(table: pd.DataFrame) -> go.Figure:
    """Per year: territorial combustion, electricity-adjusted, process, and territorial with process."""
    unit = _unit("co2")
    figure = go.Figure()
    for field in ("co2_t", "co2_for_intensity_t", "co2_process_t", "co2_with_process_t"):
        column = field.removesuffix("_t") + "_10k_t"
        figure.add_trace(go.Bar(
            x=table["year"].tolist(), y=table[column].tolist(), name=chart_text(t(f"structure_series_{field}")),
            marker={"color": SERIES_COLOURS[field]},
            hovertemplate=f"%{{x}}: %{{y:,.2f}} {chart_text(unit)}<extra>%{{fullData.name}}</extra>",
        ))
    figure.update_layout(
        barmode="group",
        xaxis={"title": {"text": chart_text(t("chart_axis_year"))}, "type": "category"},
        yaxis={"title": {"text": chart_text(unit)}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 8, "r": 8, "t": 56, "b": 8}, height=380,
    )
    return figure


def _adjusted_section(totals: pd.DataFrame, row: pd.Series, region_code: str, year: int) -> None:
    for field in ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t", "co2_process_t", "co2_with_process_t"):
        st.caption(t("structure_explain_line", name=t(f"structure_series_{field}"), text=t(f"structure_explain_{field}")))
    adjustment = row["co2_net_electricity_import_t"]
    if not is_missing(adjustment) and float(adjustment) != 0:
        st.markdown(t(
            "structure_adjusted_exporter" if float(adjustment) < 0 else "structure_adjusted_importer",
            year=year, value=_number(abs(_ten_thousand(adjustment))),
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


def trend_frame(sectors: pd.DataFrame, totals: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Long frame year × sector (code, name, value in 万吨): combustion by energy-balance sector, plus
    one process band from the region totals (suppressed cells do not shrink it). For CO2e the
    process band is the region's CO2e minus its combustion CO2e (process cells are not summed)."""
    value = f"{measure}_t"
    rows = sectors.assign(
        sector=[sector_name(code, zh) for code, zh in zip(sectors["sector_code"], sectors["sector_name_zh"])],
        value=sectors[value] / TONNES_PER_10K_T,
    )[["year", "sector_code", "sector", "sector_sort", "value"]]
    if measure == "co2":
        process = totals[["year", "co2_process_t"]].rename(columns={"co2_process_t": "process_t"})
    else:
        combustion = sectors.groupby("year", as_index=False)["co2e_t"].sum(min_count=1)
        process = totals[["year", "co2e_t"]].merge(combustion, on="year", how="left", suffixes=("_region", "_combustion"))
        process["process_t"] = process["co2e_t_region"] - process["co2e_t_combustion"]
        # A difference of rounding size is no process emission; a year without process data stays missing.
        process.loc[process["process_t"].abs() <= CHECK_TOLERANCE_T, "process_t"] = math.nan
    process = process[process["process_t"].notna()]
    process_rows = pd.DataFrame({
        "year": process["year"], "sector_code": PROCESS_GROUP, "sector": t("structure_process_group"),
        "sector_sort": 1_000, "value": process["process_t"] / TONNES_PER_10K_T,
    })
    frame = pd.concat([rows, process_rows], ignore_index=True)
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["year", "sector_sort", "sector_code"]).reset_index(drop=True)


def trend_figure(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Stacked bars by year: the largest sectors by name, the rest as one band, process on top."""
    unit = _unit(measure)
    combustion = frame[frame["sector_code"] != PROCESS_GROUP]
    ranking = combustion.groupby("sector_code")["value"].sum().sort_values(ascending=False)
    named = list(ranking.index[:TOP_SECTORS]) if len(ranking) > TOP_SECTORS + 1 else list(ranking.index)
    shown = frame.copy()
    rest = (shown["sector_code"] != PROCESS_GROUP) & ~shown["sector_code"].isin(named)
    shown.loc[rest, "sector_code"] = OTHER_SECTORS
    shown.loc[rest, "sector"] = t("structure_other_sectors")
    shown = shown.groupby(["year", "sector_code", "sector"], as_index=False)["value"].sum(min_count=1)
    order = named + [OTHER_SECTORS, PROCESS_GROUP]
    colours = _colours(order)
    figure = go.Figure()
    for code in order:
        series = shown[shown["sector_code"] == code]
        if series.empty:
            continue
        figure.add_trace(go.Bar(
            x=series["year"].tolist(), y=series["value"].tolist(), name=chart_text(series["sector"].iat[0]),
            marker={"color": colours[code]},
            hovertemplate=f"%{{x}}: %{{y:,.2f}} {chart_text(unit)}<extra>%{{fullData.name}}</extra>",
        ))
    figure.update_layout(
        barmode="stack",
        xaxis={"title": {"text": chart_text(t("chart_axis_year"))}, "type": "category"},
        yaxis={"title": {"text": chart_text(unit)}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        margin={"l": 8, "r": 8, "t": 72, "b": 8}, height=460,
    )
    return figure


def trend_table(frame: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Wide table: one row per sector (every sector, none merged) and a total row, one column per
    year; returns the table and the on-screen header of each column (a year with its unit)."""
    keyed = frame.assign(sector_sort=frame["sector_sort"].fillna(999))  # a sector not in the reference list goes last
    wide = keyed.set_index(["sector_sort", "sector_code", "sector", "year"])["value"].unstack("year")
    wide = wide.reset_index().drop(columns=["sector_sort", "sector_code"])
    wide.columns.name = None
    years = [column for column in wide.columns if column != "sector"]
    total = {"sector": t("structure_total_row")} | {year: wide[year].sum(min_count=1) for year in years}
    wide = pd.concat([wide, pd.DataFrame([total])], ignore_index=True)
    wide.columns = ["sector"] + [str(year) for year in years]
    unit = _unit(measure)
    headers = {"sector": t("structure_col_sector")} | {str(year): t("structure_col_year_value", year=year, unit=unit) for year in years}
    return wide, headers


def _trend_section(region_code: str, totals: pd.DataFrame, measure: str) -> None:
    sectors = components.fetch(queries.STRUCTURE_SECTOR_TREND, (region_code,))
    frame = trend_frame(sectors, totals, measure)
    if frame.empty:
        st.info(t("structure_no_cells"))
        return
    st.markdown(f"**{t('structure_trend_title', unit=_unit(measure))}**")
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


def trend_check(frame: pd.DataFrame, totals: pd.DataFrame, measure: str) -> str | None:
    """One line: do the sector sums of every year equal the region total (with process)?"""
    region_field = "co2_with_process_t" if measure == "co2" else "co2e_t"
    sums = frame.groupby("year")["value"].sum(min_count=1) * TONNES_PER_10K_T
    region = totals.set_index(totals["year"].astype(int))[region_field]
    joined = pd.concat([sums.rename("sectors"), region.rename("region")], axis=1).dropna()
    if joined.empty:
        return None
    worst = (joined["sectors"] - joined["region"]).abs().max()
    key = "structure_trend_check_ok" if worst <= CHECK_TOLERANCE_T else "structure_trend_check_differs"
    return t(key, years=len(joined), difference=_number(worst / TONNES_PER_10K_T))
