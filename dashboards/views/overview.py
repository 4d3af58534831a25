"""晴雨表 / Target dashboard: every indicator of a region's plan, as a card, for one year.

What a leader sees first in the morning. For the chosen region (province → city → county), plan
period and year (by default the latest year with data), each indicator of the plan shows its value
in its own unit, the target, where the even-pace path says it should be by now, the gap to that
path and the status (green, yellow, red, missed, not meaningful, no data: seed ref_target_statuses,
words in i18n.csv); a one-line count summary says how many are on track;
a table lists them all (CSV/Excel), and each card leads to the indicator's detail page.
The two headline intensity indicators also get their path over the plan period.

Only marts.fct_target_progress and marts.dim_region are read (both in the leader's public file);
no query touches enterprise data. The indicators' categories, display units and the plan's order
are columns of fct_target_progress (dbt seeds), never restated here. Ratios are fractions in the
warehouse and percent on screen, gaps of ratios are percentage points, absolute quantities are
scaled to the unit the plan states them in (万吨标准煤, 万公顷, 万立方米). Missing stays missing
("—"), never 0. Data strings reach Markdown-rendering elements only through components.plain()
(codes through components.code_text()), select-box options through components.name_text().
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import components, queries, warehouse
from dashboards.components import (
    CHART_STATUS_COLOURS,
    DELTA_COLOURS,
    REGION_KEY,
    STATUSES,
    code_text,
    name_text,
    plain,
    unit_label,
)
from dashboards.i18n import code_label, is_missing, percent, percentage_points, t, text
from dashboards.i18n import table as label_table
from dashboards.views import target_uncertainty
from pipelines import paths
from pipelines.reporting import briefing

HEADLINE_INDICATORS = ("energy_intensity_reduction", "co2_intensity_reduction")
CARDS_PER_ROW = 3
DETAIL_PAGE = "page_scripts/indicator.py"
INDICATOR_KEY = "indicator_code"  # read by the indicator detail page

PLAN_KEY = "overview_plan"
YEAR_KEY = "overview_year"

ACTUAL_COLOUR, EXPECTED_COLOUR, TARGET_COLOUR, SELECTED_YEAR_COLOUR = "#1f4e79", "#8c8c8c", "#444444", "#9aa0a6"

# Internal column -> label key of the all-indicators table (on screen and in the downloads).
TABLE_HEADERS = {
    "indicator": "overview_col_indicator",
    "category": "overview_col_category",
    "status": "overview_col_status",
    "unit": "overview_col_unit",
    "actual": "overview_col_actual",
    "expected": "overview_col_expected",
    "gap": "overview_col_gap",
    "gap_unit": "overview_col_gap_unit",
    "comparison": "overview_col_comparison",
    "target": "overview_col_target",
    "target_year": "overview_col_target_year",
    "base_year": "overview_col_base_year",
}

# Internal column -> label key of a headline path chart's data (the units are in the labels).
PATH_HEADERS = {
    "year": "col_year",
    "actual_pct": "col_actual",
    "expected_pct": "col_expected",
    "gap_pp": "col_gap",
    "status": "col_status",
}


def render() -> None:
    st.title(t("overview_page_title"))
    components.published_caption()
    region = components.region_picker("overview")
    region_name = _region_name(region)

    plans = components.fetch(queries.OVERVIEW_PLAN_PERIODS, (region,))
    if plans.empty:
        _no_targets(region, region_name)
        return

    plan_column, year_column, _ = st.columns([2, 1, 3], vertical_alignment="bottom")
    with plan_column:
        plan_period = _plan_selector(plans)
    progress = components.fetch(queries.OVERVIEW_PROGRESS, (region, plan_period))
    with year_column:
        year = _year_selector(progress)

    plan_label = code_text("plan", plan_period)  # a period without a label is data (the header renders Markdown)
    st.header(t("overview_heading", region=plain(region_name), plan=plan_label, year=year))
    st.markdown(components.status_legend())

    cards = year_cards(progress, year)
    st.markdown(summary_line(cards["status"]))
    _card_grid(cards, region, year, target_uncertainty.load(region, plan_period))

    st.subheader(t("overview_table_title", year=year))
    table = year_table(cards)
    st.dataframe(
        table,
        hide_index=True,
        height="content",  # every indicator at once: a leader should not have to scroll inside the table
        placeholder=t("missing_value"),
        column_config={
            "indicator": st.column_config.TextColumn(t("overview_col_indicator"), pinned=True),
            "category": st.column_config.TextColumn(t("overview_col_category")),
            "status": st.column_config.TextColumn(t("overview_col_status")),
            "unit": st.column_config.TextColumn(t("overview_col_unit")),
            "actual": st.column_config.NumberColumn(t("overview_col_actual"), help=t("overview_col_actual_help"), format="%.2f"),
            "expected": st.column_config.NumberColumn(t("overview_col_expected"), format="%.2f"),
            "gap": st.column_config.NumberColumn(t("overview_col_gap"), help=t("overview_col_gap_help"), format="%+.2f"),
            "gap_unit": st.column_config.TextColumn(t("overview_col_gap_unit")),
            "comparison": st.column_config.TextColumn(t("overview_col_comparison")),
            "target": st.column_config.NumberColumn(t("overview_col_target"), format="%.2f"),
            "target_year": st.column_config.NumberColumn(t("overview_col_target_year"), format="%d"),
            "base_year": st.column_config.NumberColumn(t("overview_col_base_year"), format="%d"),
        },
    )
    components.downloads(table, f"overview_{region}_{plan_period}_{year}", "overview_table", TABLE_HEADERS)
    _briefing_buttons(region, year)

    headline = [code for code in HEADLINE_INDICATORS if code in set(progress["indicator_code"])]
    if headline:
        st.subheader(t("overview_paths_title"))
        paths = [progress[progress["indicator_code"] == code].sort_values("year") for code in headline]
        # Tabs rather than side-by-side columns: each chart and its download buttons get the full width.
        for tab, rows in zip(st.tabs([plain(indicator_name(rows.iloc[0].to_dict())) for rows in paths]), paths):
            with tab:
                _headline_path(rows, year, region, plan_period)


def _briefing_buttons(region: str, year: int) -> None:
    """The leaders' briefing of this region and year, PDF and Excel, made from the PUBLIC file for
    every role (pipelines/reporting/briefing.py, the same as `ghg briefing`). Made on click: the
    PDF's charts take a second or two, which a page that merely shows the barometer should not pay."""
    try:
        loaded = briefing.load(warehouse.public_query, region, year)
    except (briefing.BriefingUnavailable, warehouse.WarehouseError):
        st.caption(t("overview_briefing_unavailable"))
        return
    pdf_column, excel_column, _ = st.columns([1, 1, 2])
    name = f"briefing_{region}_{year}"
    with pdf_column:
        st.download_button(
            t("overview_briefing_pdf"), data=lambda: briefing_file(loaded, "pdf"), file_name=f"{name}.pdf",
            mime="application/pdf", key="overview_briefing_pdf", icon=":material/picture_as_pdf:", on_click="ignore",
        )
    with excel_column:
        st.download_button(
            t("overview_briefing_excel"), data=lambda: briefing_file(loaded, "xlsx"), file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="overview_briefing_excel", icon=":material/summarize:", on_click="ignore",
        )
    st.caption(t("overview_briefing_caption"))


def briefing_file(loaded: briefing.Briefing, kind: str) -> bytes:
    """The briefing with what changed since the last one, as PDF or Excel; its snapshot is kept for
    the next one (a dashboard that may not write the warehouse folder still hands out the briefing)."""
    root = paths.briefings_dir()
    complete = briefing.with_changes(loaded, root)
    data = briefing.pdf_bytes(complete) if kind == "pdf" else briefing.excel_bytes(complete)
    try:
        briefing.save_snapshot(complete, root)
    except OSError:
        pass
    return data


# --- choices ----------------------------------------------------------------------------------


def _region_name(region_code: str) -> str:
    by_code = {row["region_code"]: row for row in components.regions().to_dict("records")}
    return components.region_label(by_code[region_code]) if region_code in by_code else region_code


def _plan_selector(plans: pd.DataFrame) -> str:
    """The plan period; a selector only when the region has targets in more than one. By default
    the newest period that has any value reported (a plan just begun has none yet)."""
    periods = [str(period) for period in plans["plan_period"]]
    reported = [str(period) for period in plans.loc[plans["reported_values"] > 0, "plan_period"]]
    default = reported[0] if reported else periods[0]
    if len(periods) == 1:
        return periods[0]
    if st.session_state.get(PLAN_KEY) not in periods:
        st.session_state.pop(PLAN_KEY, None)  # another region, other periods
    return st.selectbox(
        t("overview_plan_select"), periods, index=periods.index(default), key=PLAN_KEY,
        format_func=lambda period: name_text(code_label("plan", period)),
    )


def default_year(progress: pd.DataFrame) -> int:
    """The latest year any indicator has a reported value for; the plan's last year when none has."""
    reported = progress.loc[progress["status"].ne("no_data") & progress["actual_value"].notna(), "year"]
    return int(reported.max()) if not reported.empty else int(progress["year"].max())


def _year_selector(progress: pd.DataFrame) -> int:
    years = sorted(int(year) for year in progress["year"].unique())
    if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in years:
        del st.session_state[YEAR_KEY]  # another region or plan, or a republished warehouse
    # Years are plain numbers in both languages: the label says what they are.
    return st.selectbox(t("year_select"), years, index=years.index(default_year(progress)), key=YEAR_KEY)


def _no_targets(region: str, region_name: str) -> None:
    """Say plainly that the region has no targets, and point at the nearest region that has."""
    st.info(t("overview_no_targets", region=plain(region_name)), icon=":material/info:")
    with_targets = set(components.fetch(queries.OVERVIEW_TARGET_REGIONS)["region_code"])
    regions = components.regions()
    by_code = {row["region_code"]: row for row in regions.to_dict("records")}
    suggestions = suggested_regions(region, by_code, with_targets)
    if suggestions:
        names = t("overview_list_separator").join(plain(components.region_label(by_code[code])) for code in suggestions)
        st.markdown(t("overview_no_targets_try", other=names))


def suggested_regions(region: str, by_code: Mapping[str, Mapping[str, object]], with_targets: set[str]) -> list[str]:
    """The nearest ancestor of region with targets (a county's city, a city's province); failing
    that, the provinces with targets."""
    chain = by_code.get(region, {}).get("ancestor_codes")  # province … region (marts.dim_region_ancestors)
    for ancestor in reversed(list(chain)[:-1] if chain is not None else []):
        if ancestor in with_targets:
            return [str(ancestor)]
    return sorted(code for code in with_targets if code in by_code and by_code[code].get("level") == "province")


# --- values in their units --------------------------------------------------------------------


def scale(unit: object, multiplier: object) -> float:
    """Warehouse value × scale = displayed value (fractions → %, tce → 万吨标准煤 ...)."""
    if not is_missing(multiplier):
        return float(multiplier)  # type: ignore[arg-type]
    return 100.0 if unit == "fraction" else 1.0


def format_value(value: object, unit: object, multiplier: object = None, display_unit_zh: object = None) -> str:
    """"10.9 %", "7944.6 万吨标准煤"; missing → "—"."""
    if is_missing(value):
        return t("missing_value")
    if unit == "fraction":
        return percent(value)
    shown = float(value) * scale(unit, multiplier)  # type: ignore[arg-type]
    return t("overview_fmt_quantity", value=f"{shown:.1f}", unit=_quantity_unit(unit, display_unit_zh))


def format_gap(gap: object, unit: object, multiplier: object = None, display_unit_zh: object = None) -> str:
    """The gap to the even-pace path, signed: percentage points for ratios, else the indicator's unit."""
    if is_missing(gap):
        return t("missing_value")
    if unit == "fraction":
        return percentage_points(gap)
    shown = round(float(gap) * scale(unit, multiplier), 1)  # type: ignore[arg-type]
    # A gap that rounds to zero is unsigned: "-0.0" would read as behind, "+0.0" as ahead.
    return t("overview_fmt_quantity", value="0.0" if shown == 0 else f"{shown:+.1f}", unit=_quantity_unit(unit, display_unit_zh))


def _quantity_unit(unit: object, display_unit_zh: object) -> str:
    """The unit after a number: a unit that starts with its own number (English "10,000 tce") gets
    a "×", so that "7,523.0 × 10,000 tce" never reads as two numbers side by side."""
    label = unit_label(unit, display_unit_zh)
    return f"× {label}" if label[:1].isdigit() else label


# --- the year's cards, summary and table ------------------------------------------------------


def year_cards(progress: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per indicator of the plan (in plan order) with its values for `year`; an indicator
    without a row that year is kept, with missing values and status no_data (the briefing's rows:
    pipelines/reporting/briefing.year_rows, so page and briefing agree)."""
    return briefing.year_rows(progress, year)


def status_counts(statuses: pd.Series) -> dict[str, int]:
    """Counts in the vocabulary's order (seed ref_target_statuses): the always-counted statuses even
    at 0, the others (missed, not_meaningful) when they occur (briefing.status_counts)."""
    return briefing.status_counts(statuses)


def summary_line(statuses: pd.Series) -> str:
    """"**17 项指标**：11 项进度正常 · 6 项进度滞后 · 0 项差于基年 · 0 项暂无数据" (labels and numbers
    only; "· 3 项未完成" between red and no data when targets were missed)."""
    counts = status_counts(statuses)
    items = [t("overview_summary_item", count=count, status=code_text("status", status)) for status, count in counts.items()]
    return t("overview_summary_total", count=len(statuses)) + t("overview_summary_separator").join(items)


def indicator_name(row: Mapping[str, object]) -> str:
    return components.localized(row, fallback="indicator_code")


def year_table(cards: pd.DataFrame) -> pd.DataFrame:
    """All indicators of the year: values scaled to each row's unit (rounded, missing stays NaN),
    gaps in percentage points for ratios, words for category, status and comparison."""
    scales = [scale(unit, multiplier) for unit, multiplier in zip(cards["unit"], cards["display_multiplier"])]

    def scaled(column: str) -> list[float]:
        return [None if is_missing(value) else round(float(value) * factor, 2) for value, factor in zip(cards[column], scales)]

    gaps = [None if value is None else (0.0 if value == 0 else value) for value in scaled("gap")]  # no "-0.00"
    return pd.DataFrame({
        "indicator": [indicator_name(row) for row in cards.to_dict("records")],
        "category": [_category_label(category) for category in cards["category"]],
        "status": [code_label("status", status) for status in cards["status"]],
        "unit": [unit_label(unit, display) for unit, display in zip(cards["unit"], cards["display_unit_zh"])],
        "actual": pd.array(scaled("actual_value"), dtype="Float64"),
        "expected": pd.array(scaled("expected_value"), dtype="Float64"),
        "gap": pd.array(gaps, dtype="Float64"),
        "gap_unit": [
            t("unit_pp") if unit == "fraction" else unit_label(unit, display)
            for unit, display in zip(cards["unit"], cards["display_unit_zh"])
        ],
        "comparison": [code_label("comparison", comparison) for comparison in cards["comparison"]],
        "target": pd.array(scaled("target_value"), dtype="Float64"),
        "target_year": pd.array(cards["target_year"], dtype="Int64"),
        "base_year": pd.array(cards["base_year"], dtype="Int64"),
    })


def table_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The all-indicators table as downloaded: headers in `lang`, empty cells for missing values,
    a BOM so Excel reads the Chinese (components.csv_bytes)."""
    labelled = table.rename(columns={column: text(key, lang) for column, key in TABLE_HEADERS.items() if column in table.columns})
    return components.csv_bytes(labelled)


def _category_code(category: object) -> str:
    """The category, or "other" for one without a label (the order itself comes with the rows)."""
    return str(category) if f"overview_category_{category}" in label_table() else "other"


def _category_label(category: object) -> str:
    return t(f"overview_category_{_category_code(category)}")


def _card_grid(cards: pd.DataFrame, region: str, year: int, uncertainty: pd.DataFrame) -> None:
    """The cards, grouped by the plan's categories in the order of the rows, CARDS_PER_ROW to a row."""
    categories = [_category_code(category) for category in cards["category"]]
    for category in dict.fromkeys(categories):
        rows = [row for row, cat in zip(cards.to_dict("records"), categories) if cat == category]
        st.subheader(_category_label(category))
        for start in range(0, len(rows), CARDS_PER_ROW):
            for column, row in zip(st.columns(CARDS_PER_ROW), rows[start:start + CARDS_PER_ROW]):
                with column:
                    _card(row, region, year, uncertainty)


def card_figures(row: Mapping[str, object]) -> tuple[str, str, str]:
    """The card's label, value and delta as shown. A quantity's unit goes into the label, so value
    and delta stay short enough for a card in a row of three ("8,104.2" under "能源消费总量（万吨标准煤）"
    rather than "8104.2 万吨标准煤" cut off as "8104.2 万吨标准…"); ratios keep their "%" / "个百分点".
    A cap's delta is the headroom under its path (components.cap_delta_text)."""
    unit, multiplier, display = row["unit"], row["display_multiplier"], row["display_unit_zh"]
    name = indicator_name(row)
    gap = row["gap"]
    if unit == "fraction":
        return name, format_value(row["actual_value"], unit), format_gap(gap, unit)
    label = t("overview_card_label_with_unit", name=name, unit=unit_label(unit, display))
    actual = row["actual_value"]
    factor = scale(unit, multiplier)
    value = t("missing_value") if is_missing(actual) else f"{float(actual) * factor:,.1f}"  # type: ignore[arg-type]
    if is_missing(gap):
        return label, value, t("missing_value")
    shown = round(float(gap) * factor, 1)  # type: ignore[arg-type]
    if row["target_kind"] == components.CAP_KIND and shown != 0:
        return label, value, components.cap_delta_text(shown, f"{abs(shown):,.1f}")
    # A gap that rounds to zero is unsigned: "-0.0" would read as behind, "+0.0" as ahead.
    return label, value, "0.0" if shown == 0 else f"{shown:+,.1f}"


def _card(row: Mapping[str, object], region: str, year: int, uncertainty: pd.DataFrame) -> None:
    unit, multiplier, display = row["unit"], row["display_multiplier"], row["display_unit_zh"]
    status = str(row["status"])
    gap = row["gap"]
    no_direction = is_missing(gap) or round(float(gap) * scale(unit, multiplier), 1) == 0  # type: ignore[arg-type]
    is_cap = row["target_kind"] == components.CAP_KIND
    label, value, delta = card_figures(row)
    with st.container(border=True):
        # The label (a wrapping line above the figure: components.card) and the figure; value and
        # delta render Markdown too, and a unit may come from the data (display_unit_zh).
        st.markdown(f"**{plain(label)}**", help=t("overview_metric_help"))
        st.metric(
            label=plain(indicator_name(row)), value=plain(value), delta=plain(delta),
            delta_color="gray" if is_missing(gap) else DELTA_COLOURS.get(status, "gray"),
            delta_arrow="off" if no_direction or is_cap else "auto",
            delta_description=t("overview_delta_description"), label_visibility="collapsed",
        )
        components.status_badge(status)
        target_uncertainty.caption(uncertainty, str(row["indicator_code"]), year)
        target = format_value(row["target_value"], unit, multiplier, display)
        comparison = code_text("comparison", row["comparison"])
        if row["target_kind"] in ("reduction_vs_base", "increase_vs_base") and not is_missing(row["base_year"]):
            st.caption(t(
                "overview_card_target_vs_base", target_year=_whole(row["target_year"]),
                base_year=_whole(row["base_year"]), comparison=comparison, target=plain(target),
            ))
        else:
            st.caption(t("overview_card_target", target_year=_whole(row["target_year"]), comparison=comparison, target=plain(target)))
        st.caption(t(
            "overview_card_expected", year=year,
            expected=plain(format_value(row["expected_value"], unit, multiplier, display)),
        ))
        code = str(row["indicator_code"])
        if st.button(
            t("overview_card_detail"), key=f"overview_detail_{code}", icon=":material/query_stats:",
            on_click=choose_indicator, args=(code, region),
        ):
            st.switch_page(DETAIL_PAGE)


def choose_indicator(code: str, region: str) -> None:
    """What the detail page reads: which indicator, for which region."""
    st.session_state[INDICATOR_KEY] = code
    st.session_state[REGION_KEY] = region


def _whole(value: object) -> object:
    return t("missing_value") if is_missing(value) else int(value)  # type: ignore[arg-type]


# --- headline paths ---------------------------------------------------------------------------


def path_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Year, actual %, expected %, gap in percentage points, status in words; missing stays NaN."""
    gap_pp = (rows["gap"] * 100).round(1)
    return pd.DataFrame({
        "year": rows["year"].astype(int).to_numpy(),
        "actual_pct": (rows["actual_value"] * 100).round(2).to_numpy(),
        "expected_pct": (rows["expected_value"] * 100).round(2).to_numpy(),
        "gap_pp": gap_pp.mask(gap_pp == 0, 0.0).to_numpy(),  # no "-0.0"
        "status": [code_label("status", status) for status in rows["status"]],
    })


def _headline_path(rows: pd.DataFrame, year: int, region: str, plan_period: str) -> None:
    code = str(rows["indicator_code"].iat[0])
    st.altair_chart(_chart(rows, year), width="stretch")
    components.downloads(path_table(rows), f"overview_{region}_{code}_{plan_period}", f"overview_path_{code}", PATH_HEADERS)


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
