"""The indicator page's figures in words: how one indicator's values are shown and downloaded.

Terms (from fct_target_progress: the target's unit and display multiplier, its level's unit and
multiplier) and the helpers that turn a warehouse value into the text of a card or a sentence
(shown, target_text, gap_text); header() for a column title with its unit; and download(), the
components.downloads of this page, whose headers carry units. Used by dashboards.views.indicator
and its sibling modules (indicator_charts, indicator_drilldown, indicator_sources).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from dashboards.components import downloads, unit_label
from dashboards.i18n import is_missing, percent, percentage_points, t


def header(name_key: str, unit: str) -> str:
    return t("indicator_header", name=t(name_key), unit=unit_label(unit))


# --- the indicator's terms: units and scales ---------------------------------------------------


class Terms(NamedTuple):
    """How one indicator's figures are shown."""

    kind: str  # target_kind
    is_fraction: bool  # actual/expected/target are fractions (percent on screen, gaps in pp)
    scale: float  # canonical → display (display_multiplier: 100 for fractions, 10⁻⁴ for tce, ha, m3)
    unit: str  # display unit of actual/expected/target
    level_unit: str  # display unit of the level (current_value, base_value)
    level_scale: float
    digits: int


def terms_of(first: Mapping[str, object]) -> Terms:
    """The units and scales of one series, as fct_target_progress states them: the target's terms
    (unit, display_multiplier) and its level's (level_unit, level_display_multiplier: the intensity
    itself for a reduction, the target's own unit otherwise)."""
    kind = str(first["target_kind"])
    unit_code = str(first["unit"])
    multiplier = first.get("display_multiplier")
    scale = float(multiplier) if not is_missing(multiplier) else (100.0 if unit_code == "fraction" else 1.0)  # type: ignore[arg-type]
    unit = unit_label(unit_code, first.get("display_unit_zh"))
    is_fraction = unit_code == "fraction"
    level_unit_code, level_multiplier = first.get("level_unit"), first.get("level_display_multiplier")
    level_unit = t("unit_level") if is_missing(level_unit_code) else unit_label(level_unit_code, first.get("level_display_unit_zh"))
    level_scale = 1.0 if is_missing(level_multiplier) else float(level_multiplier)  # type: ignore[arg-type]
    return Terms(kind, is_fraction, scale, unit, level_unit, level_scale, 1 if is_fraction else 2)


def shown(value: object, scale: float, digits: int, unit: str) -> str:
    if is_missing(value):
        return t("missing_value")
    return t("indicator_value_unit", value=f"{float(value) * scale:,.{digits}f}", unit=unit)  # type: ignore[arg-type]


def target_text(value: object, terms: Terms) -> str:
    return percent(value) if terms.is_fraction else shown(value, terms.scale, terms.digits, terms.unit)


def gap_text(value: object, terms: Terms) -> str:
    if terms.is_fraction:
        return percentage_points(value)
    if is_missing(value):
        return t("missing_value")
    return t("indicator_value_unit", value=f"{float(value) * terms.scale:+,.{terms.digits}f}", unit=terms.unit)  # type: ignore[arg-type]


def _labelled(frame: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    return frame.rename(columns=dict(headers))


def download(frame: pd.DataFrame, name: str, key: str, headers: Mapping[str, str]) -> None:
    """components.downloads with headers already filled in: ours carry units ("{name}（{unit}）"),
    which label keys alone cannot, so the frame is renamed to the on-screen words first."""
    downloads(_labelled(frame, headers), name, key)
