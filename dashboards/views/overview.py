"""目标进展总览 / Target progress: the headline five-year-plan indicators against the even-pace path.

What a leader sees first in the morning: for each headline indicator, the reduction achieved
by the chosen year, how far ahead of or behind the even-pace path that is, and the 晴雨表 status;
then the path over the plan period and the yearly figures (downloadable).

Ratios are fractions in the warehouse and percent on screen; a missing value stays missing
("—"), never 0. Labels come from i18n.csv, indicator names from the data (name_zh / name_en).
Data strings only ever reach Markdown-rendering elements escaped, and nothing is rendered as HTML.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import queries, warehouse
from dashboards.i18n import code_label, current_language, is_missing, percent, percentage_points, t, text

REGION_CODE = "620000"  # Gansu
PLAN_PERIOD = "13th_fyp_2016_2020"
HEADLINE_INDICATORS = ("energy_intensity_reduction", "co2_intensity_reduction")

STATUSES = ("green", "yellow", "red", "no_data")
BADGE_COLOURS = {"green": "green", "yellow": "yellow", "red": "red", "no_data": "gray"}
# Yellow text on a white page cannot be read; the metric's delta uses orange for the yellow state.
DELTA_COLOURS = {"green": "green", "yellow": "orange", "red": "red", "no_data": "gray"}
# Shapes as well as colours, for readers who cannot tell green from red.
STATUS_ICONS = {
    "green": ":material/check_circle:",
    "yellow": ":material/schedule:",
    "red": ":material/error:",
    "no_data": ":material/help:",
}
CHART_STATUS_COLOURS = {"green": "#1e8e3e", "yellow": "#f2b705", "red": "#d93025", "no_data": "#9aa0a6"}
ACTUAL_COLOUR, EXPECTED_COLOUR, TARGET_COLOUR, SELECTED_YEAR_COLOUR = "#1f4e79", "#8c8c8c", "#444444", "#9aa0a6"

YEAR_KEY = "overview_year"

# Characters that Markdown (and Streamlit's :colour[...] directives) would interpret.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|:~$])")


def _plain(value: object) -> str:
    """A data string made safe for elements that render Markdown (titles, metric labels)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(value))


def render() -> None:
    try:
        region = _region_name(REGION_CODE)
        progress = warehouse.query(queries.TARGET_PROGRESS, (REGION_CODE, PLAN_PERIOD, HEADLINE_INDICATORS))
        published = warehouse.published_at()
    except warehouse.WarehouseMissing as error:
        st.warning(t("warehouse_missing", path=error.path), icon=":material/database:")
        return
    except warehouse.WarehouseTableMissing as error:
        st.warning(t("table_missing", detail=error.detail.replace("`", "'")), icon=":material/database:")
        return
    except warehouse.WarehouseUnreadable as error:
        st.error(t("warehouse_unreadable", path=error.path), icon=":material/database:")
        return

    plan = code_label("plan", PLAN_PERIOD)
    st.title(t("overview_title", region=_plain(region), plan=plan))
    if progress.empty:
        st.info(t("no_rows", region=_plain(region), plan=plan))
        return
    st.caption(t("published_at", time=published.strftime("%Y-%m-%d %H:%M")))

    year_column, legend_column = st.columns([1, 5], vertical_alignment="bottom")
    with year_column:
        year = _year_selector(progress)
    with legend_column:
        st.markdown(_legend())

    for column, code in zip(st.columns(len(HEADLINE_INDICATORS), gap="large"), HEADLINE_INDICATORS):
        with column:
            _indicator(code, progress[progress["indicator_code"] == code].sort_values("year"), year)


def _region_name(region_code: str) -> str:
    regions = warehouse.query(queries.REGION, (region_code,))
    if regions.empty or is_missing(regions["name_zh"].iat[0]):
        return region_code
    return str(regions["name_zh"].iat[0])


def _year_selector(progress: pd.DataFrame) -> int:
    """Choose the year the cards show; by default the latest year any indicator has data for."""
    years = sorted(int(year) for year in progress["year"].unique())
    reported = progress.loc[progress["status"].ne("no_data") & progress["actual_value"].notna(), "year"]
    latest = int(reported.max()) if not reported.empty else years[-1]
    if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in years:
        del st.session_state[YEAR_KEY]  # a republished warehouse no longer has the year chosen earlier
    # Years are shown as plain numbers in both languages: the label says what they are.
    return st.selectbox(t("year_select"), years, index=years.index(latest), key=YEAR_KEY)


def _legend() -> str:
    entries = [
        f":{BADGE_COLOURS[status]}-badge[{STATUS_ICONS[status]} {t(f'status_{status}')}] {t(f'status_{status}_meaning')}"
        for status in STATUSES
    ]
    return f"{t('legend_intro')} {t('legend_separator').join(entries)}"


def _indicator_name(row: pd.Series) -> str:
    preferred, other = ("name_zh", "name_en") if current_language() == "zh" else ("name_en", "name_zh")
    for column in (preferred, other):
        if not is_missing(row[column]) and str(row[column]).strip():
            return str(row[column])
    return str(row["indicator_code"])


def _whole(value: object) -> object:
    return t("missing_value") if is_missing(value) else int(value)  # type: ignore[arg-type]


def _indicator(code: str, rows: pd.DataFrame, year: int) -> None:
    """One indicator: status card for the chosen year, the path over the plan period, the yearly table."""
    if rows.empty:
        st.metric(label=_plain(code), value=t("missing_value"), border=True)
        st.badge(code_label("status", "no_data"), color=BADGE_COLOURS["no_data"], icon=STATUS_ICONS["no_data"])
        return
    plan = rows.iloc[0]
    chosen = rows[rows["year"] == year]
    row = chosen.iloc[0] if not chosen.empty else None
    status = "no_data" if row is None else str(row["status"])
    actual = None if row is None else row["actual_value"]
    gap = None if row is None else row["gap"]
    expected = None if row is None else row["expected_value"]

    # A missing gap is shown as a dash too (not left out), so every card has the same height.
    no_direction = is_missing(gap) or round(float(gap) * 100, 1) == 0
    st.metric(
        label=_plain(_indicator_name(plan)),
        value=percent(actual),
        delta=percentage_points(gap),
        delta_color="gray" if is_missing(gap) else DELTA_COLOURS.get(status, "gray"),
        delta_arrow="off" if no_direction else "auto",
        delta_description=t("metric_delta_description"),
        help=t("metric_help"),
        border=True,
    )
    st.badge(
        code_label("status", status),
        color=BADGE_COLOURS.get(status, "gray"),
        icon=STATUS_ICONS.get(status, STATUS_ICONS["no_data"]),
    )
    st.caption(t(
        "card_caption",
        year=year,
        base_year=_whole(plan["base_year"]),
        expected=percent(expected),
        target_year=_whole(plan["target_year"]),
        comparison=code_label("comparison", plan["comparison"]),
        target=percent(plan["target_value"]),
    ))

    st.altair_chart(_chart(rows, year), width="stretch")

    table = _yearly_table(rows)
    st.dataframe(
        table,
        hide_index=True,
        height="content",
        placeholder=t("missing_value"),
        column_config={
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "actual_pct": st.column_config.NumberColumn(t("col_actual"), help=t("col_actual_help"), format="%.1f"),
            "expected_pct": st.column_config.NumberColumn(t("col_expected"), help=t("col_expected_help"), format="%.1f"),
            "gap_pp": st.column_config.NumberColumn(t("col_gap"), help=t("col_gap_help"), format="%+.1f"),
            "status": st.column_config.TextColumn(t("col_status")),
        },
    )
    st.download_button(
        t("download_csv"),
        data=yearly_csv(table, current_language()),
        file_name=f"{REGION_CODE}_{code}_{PLAN_PERIOD}.csv",
        mime="text/csv",
        key=f"download_{code}",
        icon=":material/download:",
        on_click="ignore",
    )


def _yearly_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Year, actual %, expected %, gap in percentage points, status in words; missing stays NaN."""
    gap_pp = (rows["gap"] * 100).round(1)
    return pd.DataFrame({
        "year": rows["year"].astype(int).to_numpy(),
        "actual_pct": (rows["actual_value"] * 100).round(2).to_numpy(),
        "expected_pct": (rows["expected_value"] * 100).round(2).to_numpy(),
        "gap_pp": gap_pp.mask(gap_pp == 0, 0.0).to_numpy(),  # no "-0.0"
        "status": [code_label("status", status) for status in rows["status"]],
    })


def yearly_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The yearly table with the on-screen headers, empty cells for missing values, and a BOM so Excel reads the Chinese."""
    headers = {"year": "col_year", "actual_pct": "col_actual", "expected_pct": "col_expected", "gap_pp": "col_gap", "status": "col_status"}
    labelled = table.rename(columns={column: text(key, lang) for column, key in headers.items()})
    return labelled.to_csv(index=False, na_rep="").encode("utf-8-sig")


def _chart(rows: pd.DataFrame, selected_year: int) -> alt.LayerChart:
    """Actual reduction (points coloured by status) against the even-pace path, with the target as a rule."""
    plan = rows.iloc[0]
    actual_label, expected_label = t("chart_series_actual"), t("chart_series_expected")
    status_words = {status: code_label("status", status) for status in STATUSES}
    for status in rows["status"].unique():
        status_words.setdefault(str(status), code_label("status", str(status)))
    frame = pd.DataFrame({
        "year": rows["year"].astype(int).to_numpy(),
        "actual": (rows["actual_value"] * 100).to_numpy(),
        "expected": (rows["expected_value"] * 100).to_numpy(),
        "gap": (rows["gap"] * 100).to_numpy(),
        "status": [status_words[str(status)] for status in rows["status"]],
    })
    lines = frame.melt(id_vars=["year"], value_vars=["actual", "expected"], var_name="series", value_name="value")
    lines["series"] = lines["series"].map({"actual": actual_label, "expected": expected_label})

    x = alt.X("year:O", title=t("chart_axis_year"), axis=alt.Axis(labelAngle=0))
    y_title = t("chart_axis_reduction", base_year=_whole(plan["base_year"]))

    def y(field: str) -> alt.Y:  # one title on every layer, or Vega-Lite joins the layers' titles
        return alt.Y(f"{field}:Q", title=y_title)

    series = [actual_label, expected_label]
    series_legend = alt.Legend(title=None, orient="bottom")
    layers = [
        alt.Chart(pd.DataFrame({"year": [int(selected_year)]}))
        .mark_rule(color=SELECTED_YEAR_COLOUR, strokeWidth=28, opacity=0.15)
        .encode(x=x),
        alt.Chart(lines)
        # A missing year breaks the line instead of being drawn as 0 or bridged over.
        .mark_line(strokeWidth=2.5, invalid="break-paths-filter-domains")
        .encode(
            x=x,
            y=y("value"),
            color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[ACTUAL_COLOUR, EXPECTED_COLOUR]), legend=series_legend),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0], [6, 4]]), legend=series_legend),
        ),
        alt.Chart(frame.dropna(subset=["actual"]))
        .mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y("actual"),
            fill=alt.Fill(
                "status:N",
                scale=alt.Scale(domain=list(status_words.values()), range=[CHART_STATUS_COLOURS.get(s, "#9aa0a6") for s in status_words]),
                legend=None,  # the status line above the cards explains the colours
            ),
            tooltip=[
                alt.Tooltip("year:O", title=t("col_year")),
                alt.Tooltip("actual:Q", title=t("col_actual"), format=".1f"),
                alt.Tooltip("expected:Q", title=t("col_expected"), format=".1f"),
                alt.Tooltip("gap:Q", title=t("col_gap"), format="+.1f"),
                alt.Tooltip("status:N", title=t("col_status")),
            ],
        ),
    ]
    if not is_missing(plan["target_value"]):
        target = pd.DataFrame({
            "target": [float(plan["target_value"]) * 100],
            "label": [t("chart_target_label", target=percent(plan["target_value"]))],
        })
        layers += [
            alt.Chart(target).mark_rule(color=TARGET_COLOUR, strokeDash=[2, 3], strokeWidth=1.5).encode(y=y("target")),
            alt.Chart(target)
            .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=TARGET_COLOUR)
            .encode(y=y("target"), text="label:N", x=alt.value(0)),
        ]
    return alt.layer(*layers).properties(height=320)
