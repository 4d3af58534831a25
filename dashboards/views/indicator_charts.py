"""The indicator page's two progress charts (Altair), with the data and headers of their downloads.

path_chart: the actual series (points coloured by status) against the even-pace path, with the
target as a rule; annual_chart (reduction targets only): each year's reduction on the year before
against the even-pace annual rate. Both mark the chosen year and return (chart, data, headers) for
dashboards.views.indicator to draw and offer as downloads. The colours of the page's series are
here too (BAR_COLOUR is shared with the drill-down bars of indicator_drilldown).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboards.components import CHART_STATUS_COLOURS, STATUSES, unit_label
from dashboards.i18n import code_label, is_missing, t
from dashboards.i18n import table as label_table
from dashboards.views.indicator_format import Terms, target_text

ACTUAL_COLOUR, EXPECTED_COLOUR, TARGET_COLOUR, SELECTED_YEAR_COLOUR = "#1f4e79", "#8c8c8c", "#444444", "#9aa0a6"
BAR_COLOUR = "#1f4e79"


def _status_words() -> dict[str, str]:
    return {status: code_label("status", status) for status in STATUSES}


def path_chart(series: pd.DataFrame, year: int, terms: Terms) -> tuple[alt.LayerChart, pd.DataFrame, dict[str, str]]:
    """Actual (points coloured by status) against the even-pace path, the target as a rule."""
    first = series.iloc[0]
    words = _status_words()
    frame = pd.DataFrame({
        "year": series["year"].astype(int).to_numpy(),
        "actual": (series["actual_value"] * terms.scale).to_numpy(),
        "expected": (series["expected_value"] * terms.scale).to_numpy(),
        "status": [words.get(str(status), str(status)) for status in series["status"]],
    })
    actual_label, expected_label = t("indicator_series_actual"), t("chart_series_expected")
    lines = frame.melt(id_vars=["year"], value_vars=["actual", "expected"], var_name="series", value_name="value")
    lines["series"] = lines["series"].map({"actual": actual_label, "expected": expected_label})
    y_title = t(f"indicator_axis_{terms.kind}", unit=terms.unit, base_year=int(first["base_year"])) \
        if f"indicator_axis_{terms.kind}" in label_table() else t("indicator_axis_value", unit=terms.unit)
    x = alt.X("year:O", title=t("chart_axis_year"), axis=alt.Axis(labelAngle=0))

    def y(field: str) -> alt.Y:  # one title on every layer, or Vega-Lite joins them
        return alt.Y(f"{field}:Q", title=y_title, scale=alt.Scale(zero=terms.kind != "cap"))

    legend = alt.Legend(title=None, orient="bottom")
    names = [actual_label, expected_label]
    layers = [
        alt.Chart(pd.DataFrame({"year": [int(year)]})).mark_rule(color=SELECTED_YEAR_COLOUR, strokeWidth=28, opacity=0.15).encode(x=x),
        alt.Chart(lines)
        # A missing year breaks the line instead of being drawn as 0 or bridged over.
        .mark_line(strokeWidth=2.5, invalid="break-paths-filter-domains")
        .encode(
            x=x, y=y("value"),
            color=alt.Color("series:N", scale=alt.Scale(domain=names, range=[ACTUAL_COLOUR, EXPECTED_COLOUR]), legend=legend),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 4]]), legend=legend),
        ),
        alt.Chart(frame.dropna(subset=["actual"]))
        .mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=x, y=y("actual"),
            fill=alt.Fill("status:N", scale=alt.Scale(domain=list(words.values()), range=[CHART_STATUS_COLOURS[s] for s in words]), legend=None),
            tooltip=[
                alt.Tooltip("year:O", title=t("col_year")),
                alt.Tooltip("actual:Q", title=t("indicator_col_actual", unit=terms.unit), format=f",.{terms.digits}f"),
                alt.Tooltip("expected:Q", title=t("indicator_col_expected", unit=terms.unit), format=f",.{terms.digits}f"),
                alt.Tooltip("status:N", title=t("col_status")),
            ],
        ),
    ]
    if not is_missing(first["target_value"]):
        target = pd.DataFrame({
            "target": [float(first["target_value"]) * terms.scale],
            "label": [t("chart_target_label", target=target_text(first["target_value"], terms))],
        })
        layers += [
            alt.Chart(target).mark_rule(color=TARGET_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(y=y("target")),
            alt.Chart(target).mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=TARGET_COLOUR)
            .encode(y=y("target"), text="label:N", x=alt.value(0)),
        ]
    headers = {
        "year": t("col_year"),
        "actual": t("indicator_col_actual", unit=terms.unit),
        "expected": t("indicator_col_expected", unit=terms.unit),
        "status": t("col_status"),
    }
    return alt.layer(*layers).properties(height=340), frame, headers  # type: ignore[return-value]


def annual_chart(series: pd.DataFrame, year: int, terms: Terms) -> tuple[alt.LayerChart, pd.DataFrame, dict[str, str]]:
    """Each year's reduction on the year before, against the even-pace annual rate
    (fct_target_progress.even_pace_annual_reduction, computed in dbt)."""
    first = series.iloc[0]
    rate = first.get("even_pace_annual_reduction")
    pace = None if is_missing(rate) else float(rate) * 100  # type: ignore[arg-type]
    words = _status_words()
    frame = pd.DataFrame({
        "year": series["year"].astype(int).to_numpy(),
        "annual": (series["annual_reduction"] * 100).to_numpy(),
        "even_pace": [pace] * len(series),
        "status": [words.get(str(status), str(status)) for status in series["status"]],
    })
    x = alt.X("year:O", title=t("chart_axis_year"), axis=alt.Axis(labelAngle=0))
    y_title = t("indicator_axis_annual", unit=unit_label("fraction"))
    layers = [
        alt.Chart(pd.DataFrame({"year": [int(year)]})).mark_rule(color=SELECTED_YEAR_COLOUR, strokeWidth=28, opacity=0.15).encode(x=x),
        # Missing years have no bar (dropped), never a zero-height one.
        alt.Chart(frame.dropna(subset=["annual"])).mark_bar(color=BAR_COLOUR, size=26).encode(
            x=x, y=alt.Y("annual:Q", title=y_title),
            tooltip=[alt.Tooltip("year:O", title=t("col_year")), alt.Tooltip("annual:Q", title=y_title, format=".2f")],
        ),
    ]
    if pace is not None:
        rule = pd.DataFrame({"pace": [pace], "label": [t("indicator_annual_pace_label", value=f"{pace:.2f}")]})
        layers += [
            alt.Chart(rule).mark_rule(color=TARGET_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(y=alt.Y("pace:Q", title=y_title)),
            alt.Chart(rule).mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=TARGET_COLOUR)
            .encode(y=alt.Y("pace:Q", title=y_title), text="label:N", x=alt.value(0)),
        ]
    headers = {
        "year": t("col_year"),
        "annual": t("indicator_col_annual", unit=unit_label("fraction")),
        "even_pace": t("indicator_col_annual_pace", unit=unit_label("fraction")),
        "status": t("col_status"),
    }
    return alt.layer(*layers).properties(height=340), frame, headers  # type: ignore[return-value]
