"""指标详情 / Indicator detail: where does this figure come from?

For one region, indicator, plan period and year: the actual series against the even-pace path
(chart and yearly table: level in its unit, cumulative and annual reduction, expected, gap,
status), the base year and value, the target and the document it comes from; then what the
chosen year's figure is built from: the region's direct children with the same quantity and the
residual nobody below accounts for, the sector and fuel sums of the inventory cells, and, for
authorised roles only, the enterprise reports and the files behind them.

Everything a leader sees comes from tables that are in the public file too (fct_target_progress,
fct_region_year, fct_energy_emissions, dim_region, reference.*); the enterprise queries are not
even run for a leader, whatever the query parameters say. What an indicator is judged on (its
level, the level's unit and display scale), the even-pace annual rate and the plan's order are
columns of fct_target_progress (dbt: seeds ref_indicators and ref_indicator_metadata), never
restated here. Values are fractions and tonnes in the
warehouse and scaled for the screen (%, 万吨, 亿元); missing stays missing ("—"), never 0.
Data strings reach Markdown-rendering elements only through components.plain() (codes through
components.code_text()), select-box options through components.name_text().

This module keeps render(), the inputs (indicator, plan, year), the chosen year's cards, the
target line and the progress section with its yearly table. Its siblings hold the rest:
indicator_format (Terms: units and scales; value texts; downloads with unit headers),
indicator_charts (the path and annual-reduction charts), indicator_drilldown (child regions and
the sector and fuel sums) and indicator_sources (enterprise reports and source files).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboards import auth, components, queries
from dashboards.components import (
    code_text,
    fetch,
    localized,
    name_text,
    plain,
    unit_label,
)
from dashboards.i18n import code_label, is_missing, t
from dashboards.i18n import table as label_table
from dashboards.views import target_uncertainty
from dashboards.views.indicator_charts import annual_chart, path_chart
from dashboards.views.indicator_drilldown import (
    BREAKDOWNS,
    child_regions,
    sectors_and_fuels,
)
from dashboards.views.indicator_format import (
    Terms,
    download,
    gap_text,
    shown,
    target_text,
    terms_of,
)
from dashboards.views.indicator_sources import enterprise_reports, source_files

INDICATOR_KEY = "indicator_code"  # shared: the overview page sets it before st.switch_page
OVERVIEW_PLAN_KEY, OVERVIEW_YEAR_KEY = "overview_plan", "overview_year"  # soft defaults when coming from there
REGION_PICKER = "indicator"
INDICATOR_WIDGET, PLAN_WIDGET, YEAR_WIDGET, VIEW_WIDGET = "indicator_select", "indicator_plan", "indicator_year", "indicator_view"
# The ?indicator= link is honoured once, like the region picker's ?region= (whose own flag is
# "<picker key>_linked", i.e. "indicator_linked" here: this one must differ).
LINKED_FLAG = "indicator_query_param_used"


# --- page -------------------------------------------------------------------------------------


def render() -> None:
    st.title(t("indicator_page_title"))
    components.published_caption()
    region = components.region_picker(REGION_PICKER)
    regions = components.regions()
    region_row = regions.loc[regions["region_code"] == region].iloc[0].to_dict()
    region_name = components.region_label(region_row)

    choices = fetch(queries.INDICATOR_CHOICES, (region,))
    if choices.empty:
        st.info(t("indicator_no_targets", region=plain(region_name)))
        return

    indicator_column, plan_column, year_column = st.columns([3, 2, 1], vertical_alignment="bottom")
    with indicator_column:
        indicator = _indicator_selector(choices)
    with plan_column:
        plan_period = _plan_selector(choices[choices["indicator_code"] == indicator])
    series = fetch(queries.INDICATOR_SERIES, (region, indicator, plan_period))
    if series.empty:
        st.info(t("indicator_no_rows", region=plain(region_name)))
        return
    with year_column:
        year = _year_selector(series)

    first = series.iloc[0].to_dict()
    terms = terms_of(first)
    name = localized(first, fallback="indicator_code")
    st.header(t("indicator_heading", region=plain(region_name), indicator=plain(name)))

    _year_cards(series, year, terms, target_uncertainty.load(region, plan_period), indicator)
    _target_facts(first, terms)
    _progress(series, year, terms, indicator)

    st.divider()
    st.header(t("indicator_drill_title", year=year))
    level = str(first.get("level_indicator_code"))
    breakdown = BREAKDOWNS.get(level)
    formula_key = f"indicator_formula_{level}"
    if formula_key in label_table():
        st.caption(t(formula_key))
    child_regions(region, region_name, indicator, plan_period, year, terms, breakdown)
    inventory_based = str(first.get("source_kind")) == "inventory"
    if not inventory_based:
        st.info(t("indicator_no_inventory_breakdown"), icon=":material/info:")
        return
    sectors_and_fuels(region, year, breakdown)
    # Enterprise rows and their files only for authorised roles: for a leader these sections
    # are not rendered and their queries never run (the leader's file has no such tables anyway).
    if auth.is_authorised():
        enterprise_reports(region, year)
        source_files(region, year)


# --- inputs -----------------------------------------------------------------------------------


def _indicator_selector(choices: pd.DataFrame) -> str:
    """The indicator, kept under the shared session key: a choice made here, on the overview
    (which sets the key before switching pages) or through a ?indicator= link (once, known codes only)."""
    names = {row["indicator_code"]: localized(row, fallback="indicator_code") for row in choices.to_dict("records")}
    codes = list(dict.fromkeys(choices["indicator_code"]))
    wanted = st.session_state.get(INDICATOR_KEY)
    linked = st.query_params.get("indicator")
    if linked in names and LINKED_FLAG not in st.session_state:
        wanted = linked  # a shared link; an unknown code is ignored
        st.session_state[LINKED_FLAG] = True
    if wanted not in codes:
        wanted = st.session_state.get(INDICATOR_WIDGET)
    if wanted not in codes:
        wanted = codes[0]
    # A pick in this select box reaches the shared key through the callback before the rerun,
    # so a differing shared key here means it was set elsewhere: the widget follows it.
    st.session_state[INDICATOR_WIDGET] = wanted
    chosen = st.selectbox(
        t("indicator_select"), codes, format_func=names.__getitem__, key=INDICATOR_WIDGET,
        on_change=_remember_indicator,
    )
    st.session_state[INDICATOR_KEY] = chosen
    return chosen


def _remember_indicator() -> None:
    st.session_state[INDICATOR_KEY] = st.session_state[INDICATOR_WIDGET]


def _plan_selector(plans: pd.DataFrame) -> str:
    periods = list(plans["plan_period"])
    if st.session_state.get(PLAN_WIDGET) not in periods:
        st.session_state.pop(PLAN_WIDGET, None)
    preferred = st.session_state.get(OVERVIEW_PLAN_KEY)
    default = preferred if preferred in periods else periods[-1]
    # Labels computed now, in the session's language: a format_func may be called outside the run.
    labels = {code: name_text(code_label("plan", code)) for code in periods}
    return st.selectbox(
        t("indicator_plan_select"), periods, index=periods.index(default), format_func=labels.__getitem__, key=PLAN_WIDGET,
    )


def _year_selector(series: pd.DataFrame) -> int:
    years = [int(year) for year in series["year"]]
    if st.session_state.get(YEAR_WIDGET) not in years:
        st.session_state.pop(YEAR_WIDGET, None)
    reported = series.loc[series["actual_value"].notna(), "year"]
    default = int(reported.max()) if not reported.empty else years[-1]
    preferred = st.session_state.get(OVERVIEW_YEAR_KEY)
    if preferred in years:
        default = int(preferred)
    return st.selectbox(t("year_select"), years, index=years.index(default), key=YEAR_WIDGET)


# --- 1. the series against the path ------------------------------------------------------------


def _year_cards(series: pd.DataFrame, year: int, terms: Terms, uncertainty: pd.DataFrame, indicator: str) -> None:
    """The chosen year: actual (with the gap to the path as its delta and the status badge), the
    even-pace value, and the level in its own unit."""
    chosen = series[series["year"] == year]
    row = chosen.iloc[0].to_dict() if not chosen.empty else {}
    status = "no_data" if is_missing(row.get("status")) else str(row.get("status", "no_data"))
    gap = row.get("gap")
    no_direction = is_missing(gap) or round(float(gap) * terms.scale, terms.digits) == 0  # type: ignore[arg-type]
    help_key = f"indicator_actual_help_{terms.kind}"
    columns = st.columns(3)
    with columns[0]:
        # Values and deltas render Markdown, and a unit may come from the data (display_unit_zh).
        is_cap = terms.kind == components.CAP_KIND and not no_direction
        delta = components.cap_delta_text(float(gap), gap_text(abs(float(gap)), terms).lstrip("+")) if is_cap else gap_text(gap, terms)  # type: ignore[arg-type]
        components.card(
            t("indicator_card_actual", year=year), plain(target_text(row.get("actual_value"), terms)),
            delta=plain(delta), delta_color="gray" if is_missing(gap) else components.DELTA_COLOURS.get(status, "gray"),
            delta_arrow="off" if no_direction or is_cap else "auto", delta_description=t("metric_delta_description"),
            help=t(help_key) if help_key in label_table() else None,
        )
        components.status_badge(status)
        target_uncertainty.caption(uncertainty, indicator, year)
    with columns[1]:
        components.card(t("indicator_card_expected", year=year), plain(target_text(row.get("expected_value"), terms)),
                        help=t("indicator_gap_help"))
    with columns[2]:
        digits = 3 if terms.level_scale == 1.0 else terms.digits
        value = row.get("current_value")
        components.card(t("indicator_card_level", year=year, unit=plain(terms.level_unit)),
                        t("missing_value") if is_missing(value) else f"{float(value) * terms.level_scale:,.{digits}f}")  # type: ignore[arg-type]


def _target_facts(first: Mapping[str, object], terms: Terms) -> None:
    """Base year and value, the target, and the document the target comes from."""
    base_year = first.get("base_year")
    target_year = first.get("target_year")
    base_digits = 3 if terms.level_scale == 1.0 else terms.digits
    st.markdown(t(
        "indicator_target_line",
        base_year=t("missing_value") if is_missing(base_year) else int(base_year),  # type: ignore[arg-type]
        base_value=plain(shown(first.get("base_value"), terms.level_scale, base_digits, terms.level_unit)),
        kind=code_text("indicator_kind", first.get("target_kind")),
        target_year=t("missing_value") if is_missing(target_year) else int(target_year),  # type: ignore[arg-type]
        comparison=code_text("comparison", first.get("comparison")),
        target=plain(target_text(first.get("target_value"), terms)),
    ))
    source = localized(first, zh="target_source", en="target_source_en")
    st.caption(t("indicator_target_source", source=plain(source or t("missing_value"))))


def _progress(series: pd.DataFrame, year: int, terms: Terms, indicator: str) -> None:
    st.subheader(t("indicator_progress_title"))
    reduction = terms.kind == "reduction_vs_base"
    view = "cumulative"
    if reduction:
        labels = {code: t(f"indicator_view_{code}") for code in ("cumulative", "annual")}
        view = st.segmented_control(
            t("indicator_view_label"), list(labels), default="cumulative",
            format_func=labels.__getitem__, key=VIEW_WIDGET, required=True,
        ) or "cumulative"
    if view == "annual":
        chart, chart_data, chart_headers = annual_chart(series, year, terms)
    else:
        chart, chart_data, chart_headers = path_chart(series, year, terms)
    st.altair_chart(chart, width="stretch")
    st.markdown(components.status_legend())
    download(chart_data, f"{indicator}_{view}_chart", f"indicator_chart_{view}", chart_headers)

    table, headers, config = _yearly_table(series, terms)
    st.dataframe(table, hide_index=True, column_config=config, placeholder=t("missing_value"), height="content")
    download(table, f"{indicator}_yearly", "indicator_yearly", headers)


def _yearly_table(series: pd.DataFrame, terms: Terms) -> tuple[pd.DataFrame, dict[str, str], dict]:
    """Per year: level in its unit, actual in the target's terms (for reductions: the cumulative
    reduction), annual reduction (reductions only), expected, gap, status. Missing stays NaN."""
    reduction = terms.kind == "reduction_vs_base"
    actual = series["cumulative_reduction"].where(series["cumulative_reduction"].notna(), series["actual_value"]) if reduction else series["actual_value"]
    gap = (series["gap"] * terms.scale).round(terms.digits + 1)
    table = pd.DataFrame({
        "year": series["year"].astype(int).to_numpy(),
        "level": (series["current_value"] * terms.level_scale).to_numpy(),
        "actual": (actual * terms.scale).to_numpy(),
        "annual": (series["annual_reduction"] * 100).to_numpy(),
        "expected": (series["expected_value"] * terms.scale).to_numpy(),
        "gap": gap.mask(gap == 0, 0.0).to_numpy(),  # no "-0.0"
        "status": [code_label("status", str(status)) for status in series["status"]],
    })
    if not reduction:
        table = table.drop(columns=["annual"])
    gap_unit = t("unit_pp") if terms.is_fraction else terms.unit
    labels = {
        "year": t("col_year"),
        "level": t("indicator_col_level", unit=terms.level_unit),
        "actual": t("indicator_col_cumulative" if reduction else "indicator_col_actual", unit=terms.unit),
        "annual": t("indicator_col_annual", unit=unit_label("fraction")),
        "expected": t("indicator_col_expected", unit=terms.unit),
        "gap": t("indicator_col_gap", unit=gap_unit),
        "status": t("col_status"),
    }
    fmt = f"%.{terms.digits}f"
    config = {
        "year": st.column_config.NumberColumn(labels["year"], format="%d"),
        "level": st.column_config.NumberColumn(labels["level"], format="%.3f" if terms.level_scale == 1.0 else fmt),
        "actual": st.column_config.NumberColumn(labels["actual"], format=fmt),
        "annual": st.column_config.NumberColumn(labels["annual"], format="%.1f", help=t("indicator_col_annual_help")),
        "expected": st.column_config.NumberColumn(labels["expected"], format=fmt, help=t("col_expected_help")),
        "gap": st.column_config.NumberColumn(labels["gap"], format=f"%+.{terms.digits}f", help=t("col_gap_help")),
        "status": st.column_config.TextColumn(labels["status"]),
    }
    headers = {column: label for column, label in labels.items() if column in table.columns}
    return table, headers, {column: value for column, value in config.items() if column in table.columns}
