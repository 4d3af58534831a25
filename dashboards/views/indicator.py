"""指标详情 / Indicator detail: where does this figure come from?

For one region, indicator, plan period and year: the actual series against the even-pace path
(chart and yearly table: level in its unit, cumulative and annual reduction, expected, gap,
status), the base year and value, the target and the document it comes from; then what the
chosen year's figure is built from: the region's direct children with the same quantity and the
residual nobody below accounts for, the sector and fuel sums of the inventory cells, and, for
authorised roles only, the enterprise reports and the files behind them.

Everything a leader sees comes from tables that are in the public file too (fct_target_progress,
fct_region_year, fct_energy_emissions, dim_region, reference.*); the enterprise queries are not
even run for a leader, whatever the query parameters say. Values are fractions and tonnes in the
warehouse and scaled for the screen (%, 万吨, 亿元); missing stays missing ("—"), never 0.
Data strings reach Markdown-rendering elements only through components.plain() (codes through
components.code_text()), select-box options through components.name_text().
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import auth, components, queries
from dashboards.components import CHART_STATUS_COLOURS, STATUSES, code_text, downloads, fetch, localized, name_text, plain, unit_label
from dashboards.i18n import code_label, current_language, is_missing, percent, percentage_points, t, table as label_table

INDICATOR_KEY = "indicator_code"  # shared: the overview page sets it before st.switch_page
# The public file's one process row of a region below the province (its process total): the
# split by process is public at province level only (docs/methodology.md, "The public warehouse").
PROCESS_TOTAL = "process_total"
OVERVIEW_PLAN_KEY, OVERVIEW_YEAR_KEY = "overview_plan", "overview_year"  # soft defaults when coming from there
REGION_PICKER = "indicator"
INDICATOR_WIDGET, PLAN_WIDGET, YEAR_WIDGET, VIEW_WIDGET = "indicator_select", "indicator_plan", "indicator_year", "indicator_view"
# The ?indicator= link is honoured once, like the region picker's ?region= (whose own flag is
# "<picker key>_linked", i.e. "indicator_linked" here: this one must differ).
LINKED_FLAG = "indicator_query_param_used"

ACTUAL_COLOUR, EXPECTED_COLOUR, TARGET_COLOUR, SELECTED_YEAR_COLOUR = "#1f4e79", "#8c8c8c", "#444444", "#9aa0a6"
BAR_COLOUR = "#1f4e79"

TEN_THOUSAND = 1e-4  # t → 万吨, tce → 万吨标准煤, 10k yuan → 亿元


class Quantity(NamedTuple):
    label: str  # i18n key of the quantity's name
    unit: str  # i18n key suffix of its display unit: unit_<unit>
    scale: float  # warehouse value × scale = the value on screen
    digits: int  # decimals on screen
    additive: bool  # children can be summed and a residual taken


# fct_region_year columns the drill-down can show (units: marts/fct_region_year.yml).
REGION_QUANTITIES: dict[str, Quantity] = {
    "energy_intensity": Quantity("indicator_q_energy_intensity", "tce_per_10k_yuan", 1.0, 3, False),
    "carbon_intensity": Quantity("indicator_q_carbon_intensity", "t_co2_per_10k_yuan", 1.0, 3, False),
    "energy_consumption_tce": Quantity("indicator_q_energy", "10k_tce", TEN_THOUSAND, 2, True),
    "co2_t": Quantity("indicator_q_co2_combustion", "10k_t_co2", TEN_THOUSAND, 2, True),
    "co2_net_electricity_import_t": Quantity("indicator_q_co2_electricity", "10k_t_co2", TEN_THOUSAND, 2, True),
    "co2_for_intensity_t": Quantity("indicator_q_co2_for_intensity", "10k_t_co2", TEN_THOUSAND, 2, True),
    "gdp_const_10k_yuan": Quantity("indicator_q_gdp", "100m_yuan", TEN_THOUSAND, 2, True),
}


class Formula(NamedTuple):
    """How a level is built, as far as the inventory tables show it."""

    level_unit: str  # unit of the level (current_value, base_value) of a reduction target
    region_columns: tuple[str, ...]  # fct_region_year columns worth comparing across children
    measure: str  # what the sector/fuel chart shows: "co2_t" or "energy_tce"


# Keyed by the LEVEL the target is judged on: the indicator code without _reduction/_increase
# (dbt stg_reference__indicators). Levels and units from int_indicator_values (inventory) and
# seeds/ref_indicator_statistics.csv (department statistics). Only the GDP intensities and the
# energy total are quantities of fct_region_year; the others have no regional breakdown there.
FORMULAS: dict[str, Formula] = {
    "energy_intensity": Formula("tce_per_10k_yuan", ("energy_intensity", "energy_consumption_tce", "gdp_const_10k_yuan"), "energy_tce"),
    "co2_intensity": Formula(
        "t_co2_per_10k_yuan",
        ("carbon_intensity", "co2_for_intensity_t", "co2_t", "co2_net_electricity_import_t", "gdp_const_10k_yuan"),
        "co2_t",
    ),
    "total_energy_consumption": Formula("tce", ("energy_consumption_tce",), "energy_tce"),
    "non_fossil_share": Formula("fraction", (), "energy_tce"),
    "natural_gas_share": Formula("fraction", (), "energy_tce"),
    "industry_energy_intensity": Formula("tce_per_10k_yuan_industry", (), "energy_tce"),
    "industry_co2_intensity": Formula("t_co2_per_10k_yuan_industry", (), "co2_t"),
    "energy_saving_industry_share": Formula("fraction", (), "co2_t"),
    "public_institution_energy_per_capita": Formula("kgce_per_person", (), "energy_tce"),
    "public_institution_energy_per_area": Formula("kgce_per_m2", (), "energy_tce"),
    "road_passenger_co2_intensity": Formula("kgco2_per_100_pkm", (), "co2_t"),
    "road_freight_co2_intensity": Formula("kgco2_per_100_tkm", (), "co2_t"),
    "railway_co2_intensity": Formula("kgco2_per_10k_converted_tkm", (), "co2_t"),
    "aviation_co2_intensity": Formula("kgco2_per_tkm", (), "co2_t"),
}

def level_code(indicator_code: str) -> str:
    """The level a target is judged on (energy_intensity_reduction → energy_intensity)."""
    for suffix in ("_reduction", "_increase"):
        if indicator_code.endswith(suffix):
            return indicator_code[: -len(suffix)]
    return indicator_code


def header(name_key: str, unit: str) -> str:
    return t("indicator_header", name=t(name_key), unit=unit_label(unit))


# --- the indicator's terms: units and scales ---------------------------------------------------


class Terms(NamedTuple):
    """How one indicator's figures are shown."""

    kind: str  # target_kind
    is_fraction: bool  # actual/expected/target are fractions (percent on screen, gaps in pp)
    scale: float  # canonical → display (100 for fractions, 1e-4 for tce, ha, m3)
    unit: str  # display unit of actual/expected/target
    level_unit: str  # display unit of the level (current_value, base_value)
    level_scale: float
    digits: int


def terms_of(first: Mapping[str, object]) -> Terms:
    kind = str(first["target_kind"])
    unit_code = str(first["unit"])
    multiplier = first.get("display_multiplier")
    scale = float(multiplier) if not is_missing(multiplier) else (100.0 if unit_code == "fraction" else 1.0)
    unit = unit_label(unit_code, first.get("display_unit_zh"))
    is_fraction = unit_code == "fraction"
    if kind == "reduction_vs_base":
        # The level of a reduction target is the intensity itself, shown in its own unit.
        formula = FORMULAS.get(level_code(str(first["indicator_code"])))
        level_unit = unit_label(formula.level_unit) if formula else t("unit_level")
        level_scale = 1.0
    else:  # cap, share, level, increase: the level is in the target's own unit
        level_unit, level_scale = unit, scale
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

    _year_cards(series, year, terms)
    _target_facts(first, terms)
    _progress(series, year, terms, indicator)

    st.divider()
    st.header(t("indicator_drill_title", year=year))
    formula = FORMULAS.get(level_code(indicator))
    formula_key = f"indicator_formula_{level_code(indicator)}"
    if formula_key in label_table():
        st.caption(t(formula_key))
    _child_regions(region, region_name, indicator, plan_period, year, terms, formula)
    inventory_based = str(first.get("source_kind")) == "inventory"
    if not inventory_based:
        st.info(t("indicator_no_inventory_breakdown"), icon=":material/info:")
        return
    _sectors_and_fuels(region, year, formula)
    # Enterprise rows and their files only for authorised roles: for a leader these sections
    # are not rendered and their queries never run (the leader's file has no such tables anyway).
    if auth.is_authorised():
        _enterprises(region, year)
        _source_files(region, year)


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


def _year_cards(series: pd.DataFrame, year: int, terms: Terms) -> None:
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
        st.metric(
            t("indicator_card_actual", year=year), plain(target_text(row.get("actual_value"), terms)),
            delta=plain(gap_text(gap, terms)), delta_color="gray" if is_missing(gap) else components.DELTA_COLOURS.get(status, "gray"),
            delta_arrow="off" if no_direction else "auto", delta_description=t("metric_delta_description"),
            help=t(help_key) if help_key in label_table() else None, border=True,
        )
        components.status_badge(status)
    with columns[1]:
        st.metric(t("indicator_card_expected", year=year), plain(target_text(row.get("expected_value"), terms)), border=True,
                  help=t("indicator_gap_help"))
    with columns[2]:
        digits = 3 if terms.level_scale == 1.0 else terms.digits
        value = row.get("current_value")
        st.metric(t("indicator_card_level", year=year, unit=plain(terms.level_unit)),
                  t("missing_value") if is_missing(value) else f"{float(value) * terms.level_scale:,.{digits}f}",  # type: ignore[arg-type]
                  border=True)


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
    source = first.get("target_source")
    st.caption(t("indicator_target_source", source=plain(t("missing_value") if is_missing(source) else source)))


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
        chart, chart_data, chart_headers = _annual_chart(series, year, terms)
    else:
        chart, chart_data, chart_headers = _path_chart(series, year, terms)
    st.altair_chart(chart, width="stretch")
    st.markdown(components.status_legend())
    _download(chart_data, f"{indicator}_{view}_chart", f"indicator_chart_{view}", chart_headers)

    table, headers, config = _yearly_table(series, terms)
    st.dataframe(table, hide_index=True, column_config=config, placeholder=t("missing_value"), height="content")
    _download(table, f"{indicator}_yearly", "indicator_yearly", headers)


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


def _labelled(frame: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    return frame.rename(columns=dict(headers))


def _download(frame: pd.DataFrame, name: str, key: str, headers: Mapping[str, str]) -> None:
    """components.downloads with headers already filled in: ours carry units ("{name}（{unit}）"),
    which label keys alone cannot, so the frame is renamed to the on-screen words first."""
    downloads(_labelled(frame, headers), name, key)


def _status_words() -> dict[str, str]:
    return {status: code_label("status", status) for status in STATUSES}


def _path_chart(series: pd.DataFrame, year: int, terms: Terms) -> tuple[alt.LayerChart, pd.DataFrame, dict[str, str]]:
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


def _annual_chart(series: pd.DataFrame, year: int, terms: Terms) -> tuple[alt.LayerChart, pd.DataFrame, dict[str, str]]:
    """Each year's reduction on the year before, against the even-pace annual rate 1 − (1 − R)^(1/n)."""
    first = series.iloc[0]
    span = int(first["target_year"]) - int(first["base_year"])
    pace = None
    if span > 0 and not is_missing(first["target_value"]):
        pace = (1 - (1 - float(first["target_value"])) ** (1 / span)) * 100
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


# --- 3. drill-down ----------------------------------------------------------------------------


def _child_regions(region: str, region_name: str, indicator: str, plan_period: str, year: int, terms: Terms, formula: Formula | None) -> None:
    st.subheader(t("indicator_regions_title"))
    if formula is None or not formula.region_columns:
        st.caption(t("indicator_no_region_breakdown"))
        return
    rows = fetch(queries.INDICATOR_REGIONS, (region, year, indicator, plan_period, year, region, region))
    parent = rows[rows["is_parent"]]
    children = rows[~rows["is_parent"]]
    if children.empty or parent.empty:
        st.caption(t("indicator_no_children", region=plain(region_name)))
        return
    columns = list(formula.region_columns)
    parent_row = parent.iloc[0]

    def line(label: str, kind: str, values: Mapping[str, object], actual: object = None, status: object = None) -> dict:
        record = {"region": label, "row_kind": t(f"indicator_row_{kind}")}
        for column in columns:
            value = values.get(column)
            record[column] = None if is_missing(value) else float(value) * REGION_QUANTITIES[column].scale  # type: ignore[arg-type]
        record["actual"] = None if is_missing(actual) else float(actual) * terms.scale  # type: ignore[arg-type]
        record["status"] = None if is_missing(status) else code_label("status", str(status))
        return record

    records = [line(components.region_label(parent_row), "parent", parent_row, parent_row["actual_value"], parent_row["status"])]
    for child in children.to_dict("records"):
        records.append(line(components.region_label(child), "child", child, child["actual_value"], child["status"]))
    with_data = children.dropna(subset=[columns[0]]) if columns else children
    sums = {column: children[column].sum(min_count=1) for column in columns if REGION_QUANTITIES[column].additive}
    records.append(line(t("indicator_row_sum"), "sum", sums))
    residual = {}
    for column in sums:
        if column == "co2_t":
            residual[column] = parent_row["residual_co2_t"]  # as stored by the inventory (fct_region_year)
        elif not is_missing(parent_row[column]) and not is_missing(sums[column]):
            residual[column] = parent_row[column] - sums[column]
    records.append(line(t("indicator_row_residual"), "residual", residual))
    table = pd.DataFrame.from_records(records)

    labels = {"region": t("indicator_col_region"), "row_kind": t("indicator_col_row_kind")}
    config: dict[str, object] = {
        "region": st.column_config.TextColumn(labels["region"], pinned=True),
        "row_kind": st.column_config.TextColumn(labels["row_kind"]),
    }
    for column in columns:
        quantity = REGION_QUANTITIES[column]
        labels[column] = header(quantity.label, quantity.unit)
        config[column] = st.column_config.NumberColumn(labels[column], format=f"%.{quantity.digits}f")
    labels["actual"] = t("indicator_col_child_actual", unit=terms.unit)
    labels["status"] = t("col_status")
    config["actual"] = st.column_config.NumberColumn(labels["actual"], format=f"%.{terms.digits}f")
    config["status"] = st.column_config.TextColumn(labels["status"])
    st.dataframe(table, hide_index=True, column_config=config, placeholder=t("missing_value"), height="content")
    st.caption(t("indicator_children_with_data", count=len(with_data), total=len(children)) + t("indicator_residual_help"))
    _download(table, f"{region}_{year}_{indicator}_regions", "indicator_regions", labels)

    # The children's shares of the first additive quantity, as a chart (with its data).
    measure = next((column for column in columns if REGION_QUANTITIES[column].additive), None)
    if measure is not None:
        quantity = REGION_QUANTITIES[measure]
        chart_rows = table[table["row_kind"].isin([t("indicator_row_child"), t("indicator_row_residual")])][["region", measure]].dropna()
        value_title = header(quantity.label, quantity.unit)
        chart = alt.Chart(chart_rows).mark_bar(color=BAR_COLOUR).encode(
            y=alt.Y("region:N", title=t("indicator_col_region"), sort=None),
            x=alt.X(f"{measure}:Q", title=value_title),
            tooltip=[alt.Tooltip("region:N", title=t("indicator_col_region")), alt.Tooltip(f"{measure}:Q", title=value_title, format=",.2f")],
        )
        st.altair_chart(chart, width="stretch")
        _download(chart_rows, f"{region}_{year}_{indicator}_regions_chart", "indicator_regions_chart", {"region": labels["region"], measure: value_title})


def _sector_name(row: Mapping[str, object]) -> str:
    if row.get("sector_code") == PROCESS_TOTAL:
        return t("indicator_process_total")
    if row.get("is_process"):
        return localized(row, zh="process_name_zh", en="process_name_en", fallback="sector_code")
    code = str(row["sector_code"])
    # ref_energy_balance_items has Chinese names only: English comes from i18n.csv.
    key = f"indicator_item_{code}"
    if current_language() == "en" and key in label_table():
        return t(key)
    name = row.get("item_name_zh")
    return code if is_missing(name) else str(name)


def _fuel_name(row: Mapping[str, object]) -> str:
    if row.get("fuel_code") == "none":
        return t("indicator_fuel_none")
    return localized(row, fallback="fuel_code")


def _sectors_and_fuels(region: str, year: int, formula: Formula | None) -> None:
    st.subheader(t("indicator_cells_title"))
    sectors = fetch(queries.INDICATOR_SECTORS, (region, year))
    fuels = fetch(queries.INDICATOR_FUELS, (region, year))
    if sectors.empty:
        st.info(t("indicator_no_cells", year=year))
        return
    measure = formula.measure if formula else "co2_t"
    withheld = int(sectors["cells_missing_co2"].sum())
    if withheld:
        st.caption(t("indicator_cells_withheld", count=withheld))
    _breakdown(sectors.assign(name=[_sector_name(row) for row in sectors.to_dict("records")]),
               "sector_code", "indicator_col_sector", measure, f"{region}_{year}_sectors", "indicator_sectors")
    _breakdown(fuels.assign(name=[_fuel_name(row) for row in fuels.to_dict("records")]),
               "fuel_code", "indicator_col_fuel", measure, f"{region}_{year}_fuels", "indicator_fuels")
    st.caption(t("indicator_cells_note"))
    if (sectors["sector_code"] == PROCESS_TOTAL).any():
        st.caption(t("process_total_public_note"))


def _breakdown(frame: pd.DataFrame, code_column: str, name_key: str, measure: str, name: str, key: str) -> None:
    co2_total = frame["co2_t"].sum(min_count=1)
    table = pd.DataFrame({
        "name": frame["name"].to_numpy(),
        code_column: frame[code_column].to_numpy(),
        "co2": (frame["co2_t"] * TEN_THOUSAND).to_numpy(),
        "energy": (frame["energy_tce"] * TEN_THOUSAND).to_numpy(),
        "co2_share": (frame["co2_t"] / co2_total * 100).to_numpy() if not is_missing(co2_total) and co2_total else [None] * len(frame),
    })
    labels = {
        "name": t(name_key),
        code_column: t("indicator_col_code"),
        "co2": header("indicator_q_co2", "10k_t_co2"),
        "energy": header("indicator_q_energy_cells", "10k_tce"),
        "co2_share": t("indicator_col_co2_share", unit=unit_label("fraction")),
    }
    table_column, chart_column = st.columns([3, 2], gap="large")  # the table, and its measure as bars
    with table_column:
        _breakdown_table(table, labels, code_column, name, key)
    with chart_column:
        _breakdown_chart(table, labels, "co2" if measure == "co2_t" else "energy", name, key)


def _breakdown_table(table: pd.DataFrame, labels: Mapping[str, str], code_column: str, name: str, key: str) -> None:
    # Figures first, the code last (it is for matching with other tables and downloads).
    order = ["name", "co2", "energy", "co2_share", code_column]
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), height="content", column_order=order, column_config={
        "name": st.column_config.TextColumn(labels["name"], pinned=True),
        code_column: st.column_config.TextColumn(labels[code_column]),
        "co2": st.column_config.NumberColumn(labels["co2"], format="%.2f"),
        "energy": st.column_config.NumberColumn(labels["energy"], format="%.2f"),
        "co2_share": st.column_config.NumberColumn(labels["co2_share"], format="%.1f"),
    })
    _download(table, name, key, labels)


def _breakdown_chart(table: pd.DataFrame, labels: Mapping[str, str], value_column: str, name: str, key: str) -> None:
    chart_rows = table[["name", value_column]].dropna()
    value_title = labels[value_column]
    chart = alt.Chart(chart_rows).mark_bar(color=BAR_COLOUR).encode(
        y=alt.Y("name:N", title=labels["name"], sort="-x"),
        x=alt.X(f"{value_column}:Q", title=value_title),
        tooltip=[alt.Tooltip("name:N", title=labels["name"]), alt.Tooltip(f"{value_column}:Q", title=value_title, format=",.2f")],
    )
    st.altair_chart(chart, width="stretch")
    _download(chart_rows, f"{name}_chart", f"{key}_chart", {"name": labels["name"], value_column: value_title})


def _enterprises(region: str, year: int) -> None:
    """Authorised roles only (render() checks): the enterprise reports of the region and below."""
    st.subheader(t("indicator_enterprises_title"))
    reports = fetch(queries.INDICATOR_ENTERPRISES, (year, region))
    if reports.empty:
        st.info(t("indicator_no_enterprises", year=year))
        return
    table = pd.DataFrame({
        "enterprise": reports["enterprise_name"].to_numpy(),
        "credit_code": reports["credit_code"].to_numpy(),
        "region": reports["region_name_zh"].where(reports["region_name_zh"].notna(), reports["region_code"]).to_numpy(),
        "sector": [localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code") for row in reports.to_dict("records")],
        "co2": reports["co2_t"].to_numpy(),
        "co2_process": reports["co2_process_t"].to_numpy(),
        "data_status": [None if is_missing(status) else code_label("indicator_data_status", str(status)) for status in reports["data_status"]],
        "review_flags": [_flags_text(flags) for flags in reports["review_flags"]],
        "source_file": reports["source_file"].to_numpy(),
    })
    labels = {
        "enterprise": t("indicator_col_enterprise"),
        "credit_code": t("indicator_col_credit_code"),
        "region": t("indicator_col_region"),
        "sector": t("indicator_col_enterprise_sector"),
        "co2": header("indicator_q_enterprise_co2", "t_co2"),
        "co2_process": header("indicator_q_enterprise_process", "t_co2"),
        "data_status": t("indicator_col_data_status"),
        "review_flags": t("indicator_col_review_flags"),
        "source_file": t("indicator_col_source_file"),
    }
    st.caption(t("indicator_enterprises_note", count=len(table), total=f"{reports['co2_t'].sum() * TEN_THOUSAND:,.2f}"))
    # Names and codes are data: st.dataframe shows them as text (a name like "<script>…" stays text).
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), column_config={
        "enterprise": st.column_config.TextColumn(labels["enterprise"], pinned=True),
        "credit_code": st.column_config.TextColumn(labels["credit_code"]),
        "region": st.column_config.TextColumn(labels["region"]),
        "sector": st.column_config.TextColumn(labels["sector"]),
        "co2": st.column_config.NumberColumn(labels["co2"], format="%.0f"),
        "co2_process": st.column_config.NumberColumn(labels["co2_process"], format="%.0f"),
        "data_status": st.column_config.TextColumn(labels["data_status"]),
        "review_flags": st.column_config.TextColumn(labels["review_flags"]),
        "source_file": st.column_config.TextColumn(labels["source_file"]),
    })
    _download(table, f"{region}_{year}_enterprise_reports", "indicator_enterprises", labels)


def _flags_text(flags: object) -> str | None:
    """Review flags ("peer_outlier|yoy_change") in words, with the enterprises page's labels
    (a flag without a label shows as its code); no flag is missing, not an empty string."""
    if is_missing(flags) or not str(flags).strip():
        return None
    return t("legend_separator").join(code_label("enterprises_flag", code.strip()) for code in str(flags).split("|") if code.strip())


def _source_files(region: str, year: int) -> None:
    """Authorised roles only (render() checks): the files behind the region-year."""
    st.subheader(t("indicator_files_title"))
    files = fetch(queries.INDICATOR_SOURCE_FILES, (region, year, year, region))
    if files.empty:
        st.info(t("indicator_no_files", year=year))
        return
    table = pd.DataFrame({
        "source_file": files["source_file"].to_numpy(),
        "used_by_inventory": [t("indicator_yes") if used else t("indicator_no") for used in files["used_by_inventory"]],
        "report_versions": files["report_versions"].to_numpy(),
        "enterprises": files["enterprises"].to_numpy(),
        "data_statuses": [
            None if is_missing(value) else t("legend_separator").join(code_label("indicator_data_status", part.strip()) for part in str(value).split(","))
            for value in files["data_statuses"]
        ],
    })
    labels = {
        "source_file": t("indicator_col_source_file"),
        "used_by_inventory": t("indicator_col_used_by_inventory"),
        "report_versions": t("indicator_col_report_versions"),
        "enterprises": t("indicator_col_enterprises"),
        "data_statuses": t("indicator_col_data_status"),
    }
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), height="content", column_config={
        "source_file": st.column_config.TextColumn(labels["source_file"], pinned=True),
        "used_by_inventory": st.column_config.TextColumn(labels["used_by_inventory"]),
        "report_versions": st.column_config.NumberColumn(labels["report_versions"], format="%d"),
        "enterprises": st.column_config.NumberColumn(labels["enterprises"], format="%d"),
        "data_statuses": st.column_config.TextColumn(labels["data_statuses"]),
    })
    _download(table, f"{region}_{year}_source_files", "indicator_files", labels)
