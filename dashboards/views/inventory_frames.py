"""The inventory page's frames and figures (dashboards/views/inventory.py draws them).

Values arrive in t CO2e from the warehouse and are shown in 万吨 CO₂当量 (components.PER_TEN_THOUSAND).
A hidden figure (public file, enterprise part confidential) stays NaN — shown as "—" with its
reason in the note column, never 0 — and a total containing one is hidden too.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import plotly.graph_objects as go
import yaml

from dashboards.components import PER_TEN_THOUSAND, chart_text, localized
from dashboards.i18n import is_missing, t
from pipelines import paths

SECTORS = ("energy", "ippu", "agriculture", "lulucf", "waste")
REMOVALS_SECTOR = "lulucf"  # its CO2 removals are negative (fct_inventory: removals only in 4.*)
GAS_COLUMNS = ("co2_co2e_t", "ch4_co2e_t", "n2o_co2e_t", "fgases_co2e_t", "co2e_t")
# On-screen column → its label key; the value columns are in 万吨 CO₂当量.
TABLE_HEADERS = {
    "name": "inventory_col_name",
    "category_code": "inventory_col_code",
    "co2_co2e_10k": "inventory_col_co2",
    "ch4_co2e_10k": "inventory_col_ch4",
    "n2o_co2e_10k": "inventory_col_n2o",
    "fgases_co2e_10k": "inventory_col_fgases",
    "co2e_10k": "inventory_col_co2e",
    "note": "inventory_col_note",
}
SECTOR_COLOURS = {"energy": "#d62728", "ippu": "#9467bd", "agriculture": "#2ca02c", "lulucf": "#17becf", "waste": "#8c564b"}
APPROACH_COLOURS = {"approach_1": "#1f77b4", "approach_2": "#ff7f0e"}


@cache
def key_category_threshold() -> float:
    """The cumulative share that makes a category key: the dbt var key_category_threshold, its one home."""
    with (paths.DBT_PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as handle:
        return float(yaml.safe_load(handle)["vars"]["key_category_threshold"])


def sector_label(sector: str) -> str:
    return t(f"inventory_sector_{sector}") if sector in SECTORS else str(sector)


def note_text(suppressed: object, reason: object) -> str:
    if is_missing(suppressed) or not bool(suppressed):
        return ""
    key = f"structure_suppressed_{reason}"
    from dashboards.i18n import table

    return t(key) if key in table() else t("structure_suppressed")


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Values in 万吨 CO₂当量, NaN where hidden, and the note."""
    shown = frame.copy()
    hidden = shown["suppressed"].fillna(False).astype(bool)
    for column in GAS_COLUMNS:
        shown[f"{column[:-2]}_10k"] = (shown[column] / PER_TEN_THOUSAND).where(~hidden)
    shown["note"] = [note_text(flag, reason) for flag, reason in zip(hidden, shown["suppression_reason"])]
    return shown


def _line_key(row: dict) -> str:
    """A summary line's key on the page: its sector, or the total's label key."""
    if row["line_kind"] == "sector":
        return str(row["sector"])
    return "inventory_total_with_lulucf" if bool(row["includes_removals"]) else "inventory_total_without_lulucf"


def _line_name(key: str) -> str:
    if key == REMOVALS_SECTOR:
        return t("inventory_sector_lulucf_removals")
    return t(key) if key.startswith("inventory_total") else sector_label(key)


def sector_table(lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """The year's sector lines (LULUCF labelled as removals), then the totals without and with LULUCF,
    as marts.fct_inventory_summary holds them (a line containing a hidden figure is hidden there)."""
    part = lines[lines["year"] == year].sort_values("row_order")
    rows = [{**row, "sector": _line_key(row)} for row in part.to_dict("records")]
    frame = pd.DataFrame(rows, columns=[*part.columns])
    frame["name"] = [_line_name(key) for key in frame["sector"]]
    shown = _shown(frame)
    return shown[["sector", "name", *[f"{c[:-2]}_10k" for c in GAS_COLUMNS], "note"]].reset_index(drop=True)


def category_table(categories: pd.DataFrame, sector: str) -> pd.DataFrame:
    part = categories[categories["sector"] == sector].copy()
    part["name"] = [localized(row, fallback="category_code") for row in part.to_dict("records")]
    shown = _shown(part)
    return shown[["category_code", "name", *[f"{c[:-2]}_10k" for c in GAS_COLUMNS], "note"]].reset_index(drop=True)


def trend_frame(lines: pd.DataFrame) -> pd.DataFrame:
    """Long frame year, sector, sector name, value (万吨 CO₂当量; NaN where hidden) of the sector
    lines and, as sector key inventory_total_with_lulucf, the net total."""
    frame = lines[(lines["line_kind"] == "sector") | ((lines["line_kind"] == "total") & lines["includes_removals"].astype(bool))].copy()
    frame["sector"] = [_line_key(row) for row in frame.to_dict("records")]
    hidden = frame["suppressed"].fillna(False).astype(bool)
    frame["value"] = (frame["co2e_t"] / PER_TEN_THOUSAND).where(~hidden)
    frame["sector_name"] = [_line_name(key) if key.startswith("inventory_total") else sector_label(key) for key in frame["sector"]]
    return frame.sort_values(["year", "row_order"]).reset_index(drop=True)[["year", "sector", "sector_name", "value"]]


def trend_figure(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars by sector (LULUCF below zero) and the net total (the mart's line) as a line."""
    figure = go.Figure()
    for sector in [s for s in SECTORS if s in set(frame["sector"])]:
        part = frame[frame["sector"] == sector]
        figure.add_bar(x=part["year"], y=part["value"], name=chart_text(sector_label(sector)), marker_color=SECTOR_COLOURS[sector])
    net = frame[frame["sector"] == "inventory_total_with_lulucf"]
    figure.add_scatter(x=net["year"], y=net["value"], name=chart_text(t("inventory_total_with_lulucf")), mode="lines+markers", line={"color": "black"})
    figure.update_layout(barmode="relative", yaxis_title=chart_text(t("inventory_unit")), xaxis={"dtick": 1}, legend={"orientation": "h"})
    return figure


def key_figure(keys: pd.DataFrame, threshold: float) -> go.Figure:
    """Assessment shares as bars in rank order, their cumulative share as a line, and the threshold."""
    labels = [chart_text(f"{code} {gas}") for code, gas in zip(keys["category_code"], keys["gas"])]
    colours = ["#d62728" if bool(flag) else "#aaaaaa" for flag in keys["is_key"]]
    figure = go.Figure()
    figure.add_bar(x=labels, y=keys["share"] * 100, marker_color=colours, name=chart_text(t("inventory_key_share")))
    figure.add_scatter(x=labels, y=keys["cumulative_share"] * 100, mode="lines", name=chart_text(t("inventory_key_cumulative")))
    figure.add_hline(y=threshold * 100, line_dash="dash", annotation_text=chart_text(t("inventory_key_threshold", value=f"{threshold * 100:.0f}")))
    figure.update_layout(yaxis_title="%", legend={"orientation": "h"}, xaxis={"tickangle": -45})
    return figure


def key_table(keys: pd.DataFrame) -> pd.DataFrame:
    frame = keys.copy()
    frame["name"] = [localized(row, fallback="category_code") for row in frame.to_dict("records")]
    frame["co2e_10k"] = frame["co2e_t"] / PER_TEN_THOUSAND
    frame["share_pct"] = frame["share"] * 100
    frame["cumulative_pct"] = frame["cumulative_share"] * 100
    return frame[["rank", "category_code", "name", "gas", "co2e_10k", "share_pct", "cumulative_pct", "is_key"]]


def uncertainty_table(uncertainty: pd.DataFrame) -> pd.DataFrame:
    frame = uncertainty.copy()
    for column in ("co2e_t", "lower_t", "upper_t"):
        frame[f"{column[:-2]}_10k"] = frame[column] / PER_TEN_THOUSAND
    frame["approach_name"] = [t(f"inventory_{approach}") if approach in APPROACH_COLOURS else str(approach) for approach in frame["approach"]]
    return frame[["year", "approach_name", "co2e_10k", "lower_10k", "upper_10k", "uncertainty_pct", "trend_uncertainty_pct"]]


def uncertainty_figure(uncertainty: pd.DataFrame) -> go.Figure:
    """The total per year with each approach's 95 % interval as a band."""
    figure = go.Figure()
    for approach, colour in APPROACH_COLOURS.items():
        part = uncertainty[uncertainty["approach"] == approach]
        if part.empty:
            continue
        name = chart_text(t(f"inventory_{approach}"))
        years = list(part["year"])
        figure.add_scatter(
            x=years + years[::-1], y=list(part["upper_t"] / PER_TEN_THOUSAND) + list(part["lower_t"] / PER_TEN_THOUSAND)[::-1],
            fill="toself", fillcolor=colour, opacity=0.25, line={"width": 0}, name=name, hoverinfo="skip",
        )
    estimate = uncertainty.drop_duplicates("year")
    figure.add_scatter(x=estimate["year"], y=estimate["co2e_t"] / PER_TEN_THOUSAND, mode="lines+markers",
                       name=chart_text(t("inventory_estimate")), line={"color": "black"})
    figure.update_layout(yaxis_title=chart_text(t("inventory_unit")), xaxis={"dtick": 1}, legend={"orientation": "h"})
    return figure
