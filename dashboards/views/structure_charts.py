"""The emissions structure page's figures (plotly), built from the frames of structure_frames.

treemap_figure (sector → fuel) and sankey_figure (fuel → sector) for the mix of one region-year,
waterfall_figure (territorial CO2, the electricity adjustment, CO2 for the intensity indicator)
and grouped_figure (those totals by year) for the electricity adjustment, trend_figure (stacked
bars by sector) for the trend; and the colours and palettes they share. Plotly renders a subset
of HTML in its text, so every string going into a figure passes through chart_text().
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboards.components import chart_text
from dashboards.i18n import is_missing, t
from dashboards.views.structure_frames import (
    OTHER_FUELS,
    OTHER_SECTORS,
    PROCESS_GROUP,
    measure_unit,
    number_text,
    signed_text,
    ten_thousand,
)

TOP_SECTORS = 7  # sectors drawn by name in the trend; the rest are one "all other sectors" band
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


def _colours(codes: list[str], palette: list[str] = SECTOR_PALETTE) -> dict[str, str]:
    colours = {}
    for index, code in enumerate(code for code in codes if code not in (OTHER_FUELS, OTHER_SECTORS, PROCESS_GROUP)):
        colours[code] = palette[index % len(palette)]
    colours.update({OTHER_FUELS: OTHER_COLOUR, OTHER_SECTORS: OTHER_COLOUR, PROCESS_GROUP: PROCESS_COLOUR})
    return colours


def treemap_figure(frame: pd.DataFrame, measure: str) -> go.Figure:
    unit = measure_unit(measure)
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


def sankey_figure(flows: pd.DataFrame, measure: str) -> go.Figure:
    unit = measure_unit(measure)
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


def waterfall_figure(row: pd.Series) -> go.Figure:
    """The chosen year as a waterfall: territorial combustion CO2, plus the electricity adjustment
    (a floating bar, down for a net exporter), gives the CO2 used for the intensity indicator.
    Drawn with plain bars so each step has its own colour (plotly's waterfall colours by sign only)."""
    unit = measure_unit("co2")
    territorial = ten_thousand(row["co2_t"])
    adjustment = ten_thousand(row["co2_net_electricity_import_t"])
    adjusted = ten_thousand(row["co2_for_intensity_t"])
    fields = ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t")
    adjustment_colour = ADJUSTMENT_COLOURS["export" if not is_missing(adjustment) and adjustment < 0 else "import"]
    figure = go.Figure(go.Bar(
        x=[chart_text(t(f"structure_series_{field}")) for field in fields],
        y=[territorial, abs(adjustment), adjusted],
        base=[0, min(territorial, adjusted), 0],
        text=[number_text(territorial), signed_text(adjustment), number_text(adjusted)],
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
    unit = measure_unit("co2")
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


def trend_figure(frame: pd.DataFrame, measure: str) -> go.Figure:
    """Stacked bars by year: the largest sectors by name, the rest as one band, process on top."""
    unit = measure_unit(measure)
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
    _mark_process_break(figure, shown)
    figure.update_layout(
        barmode="stack",
        xaxis={"title": {"text": chart_text(t("chart_axis_year"))}, "type": "category"},
        yaxis={"title": {"text": chart_text(unit)}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        margin={"l": 8, "r": 8, "t": 72, "b": 8}, height=460,
    )
    return figure


def process_break_year(shown: pd.DataFrame) -> int | None:
    """The first year with process emissions when earlier years of the chart have none: the series
    changes coverage there (enterprise reports start in 2015), so the total jumps by construction."""
    process = shown[(shown["sector_code"] == PROCESS_GROUP) & shown["value"].notna()]
    if process.empty:
        return None
    first = int(process["year"].min())
    return first if (shown["year"].astype(int) < first).any() else None


def _mark_process_break(figure: go.Figure, shown: pd.DataFrame) -> None:
    """A dashed line before the first year with process emissions, with a note saying why the bars
    step up there (years are categories, so the line sits half a step before that year's bar)."""
    first = process_break_year(shown)
    if first is None:
        return
    years = sorted({int(year) for year in shown["year"]})
    position = years.index(first) - 0.5
    figure.add_vline(x=position, line_dash="dash", line_color="#555555")
    figure.add_annotation(
        x=position, y=1, yref="paper", xanchor="left", yanchor="bottom", showarrow=False,
        text=chart_text(t("structure_series_break_process", year=first)), font={"size": 11, "color": "#555555"},
    )
