"""The inventory's uncertainty beside a CO2-intensity reduction (overview cards, indicator page):
"±x.x 个百分点" and, when the gap to the even-pace path is smaller than that, a note that the status
is within the uncertainty. dbt computes both (marts.fct_target_uncertainty); the page only shows them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboards import queries, warehouse
from dashboards.i18n import t


def load(region: str, plan_period: str) -> pd.DataFrame:
    """The region's half-widths by indicator and year; empty from a warehouse built before the mart
    (the cards still render, without the note) — the other problems stop the page as fetch does."""
    try:
        return warehouse.query(queries.TARGET_UNCERTAINTY, (region, plan_period))
    except warehouse.WarehouseTableMissing:
        return pd.DataFrame(columns=["indicator_code", "year", "reduction_half_width_pp", "status_beyond_uncertainty"])


def row_for(frame: pd.DataFrame, indicator: str, year: int) -> Mapping[str, object]:
    match = frame[(frame["indicator_code"] == indicator) & (frame["year"] == year)]
    return match.iloc[0].to_dict() if not match.empty else {}


def lines(row: Mapping[str, object]) -> list[str]:
    """The caption lines: none without a half-width; the note only when the status is known not robust."""
    half_width = row.get("reduction_half_width_pp")
    if pd.isna(half_width):
        return []
    shown = [t("target_uncertainty_half_width", half_width=f"{float(half_width):.1f}")]  # type: ignore[arg-type]
    beyond = row.get("status_beyond_uncertainty")
    if not pd.isna(beyond) and not bool(beyond):  # null (no gap) says nothing either way
        shown.append(t("target_uncertainty_within"))
    return shown


def caption(frame: pd.DataFrame, indicator: str, year: int) -> None:
    for line in lines(row_for(frame, indicator, year)):
        st.caption(line)
