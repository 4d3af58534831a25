"""地区下钻 / Regional drill-down: province → city → county.

Pick a region (the shared picker, or a click on the map): the map colours its direct children by
a metric for a year, the ranking table lists them (the provinces of China when "show all provinces"
is on: then bars in ranking order instead of a map, because a national map must follow the
standard-map rules, 南海诸岛 inset included, and no redistributable outline that does can be shipped), and the residual check compares the region's own CO2 with the sum of its children.
A region without subdivisions (a county, or 嘉峪关 which has no counties) is shown among the
regions at its level, outlined.

The default metric is the reduction in CO2 per unit of GDP vs the base year of the five-year
plan the year falls in (2016–2020 → 2015), read from marts.fct_region_intensity_progress: dbt
computes it for every region with data, counties without targets included, with the assessment's
own formula (fct_target_progress.actual_value gives the same figure where a target exists), and
takes the plan's base year from the seed ref_plan_periods. The target status comes from
fct_target_progress where a target exists.

Outlines come from dashboards/maps through dashboards.geo (offline; no map tiles). Every table
used here is in both warehouse files, so leaders and officers see the same page; authorised roles
also get key-emitter totals per region (counts and sums, never a name). Missing values are grey on
the map, "—" in tables, never 0. Data strings reach Markdown elements only through plain().
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import auth, components, geo, queries, warehouse
from dashboards.components import PER_TEN_THOUSAND, plain
from dashboards.i18n import code_label, current_language, is_missing, percent, t, text

PICKER_KEY = "regions_picker"
NATIONAL_KEY = "regions_national"
METRIC_KEY = "regions_metric"
YEAR_KEY = "regions_year"
MAP_KEY = "regions_map"
# Two click selections: one on the coloured regions, one on the grey (no data) regions drawn below them.
PICK_WITH_DATA, PICK_WITHOUT_DATA = "regions_pick_data", "regions_pick_missing"

# The base year of the plan a year falls in (marts.fct_region_intensity_progress.plan_base_year),
# or the missing-value dash where dbt has none for the year.
BaseYear = int | str

MISSING_COLOUR = "#d9d9d9"
BORDER_COLOUR, PICKED_BORDER_COLOUR = "#ffffff", "#000000"


@dataclass(frozen=True)
class Metric:
    """One colouring of the map: which column of queries.REGIONS_CHILDREN, in which unit."""

    code: str
    column: str
    scale: float  # warehouse unit → unit on screen (fraction → %, t → 万吨)
    unit_key: str
    decimals: int
    descending: bool  # ranking order: the better (or bigger) first
    diverging: bool  # a reduction can be negative (intensity rose): colours diverge at 0
    level_metric: str  # the quantity behind it (a reduction's intensity; a level metric itself)
    target: str | None  # prefix of the target columns (co2_target_*, energy_target_*), if any
    indicator: str | None  # the fct_target_progress indicator those columns come from
    # a reduction's reduction_status column (dbt: not_meaningful where a level is not positive)
    status_column: str | None = None


METRICS = {
    metric.code: metric
    for metric in (
        Metric("co2_intensity_reduction", "co2_intensity_reduction", 100, "regions_unit_reduction", 1, True, True,
               "carbon_intensity", "co2_target", "co2_intensity_reduction", "co2_intensity_reduction_status"),
        Metric("energy_intensity_reduction", "energy_intensity_reduction", 100, "regions_unit_reduction", 1, True, True,
               "energy_intensity", "energy_target", "energy_intensity_reduction", "energy_intensity_reduction_status"),
        Metric("carbon_intensity", "carbon_intensity", 1, "regions_unit_carbon_intensity", 3, False, False,
               "carbon_intensity", "co2_target", "co2_intensity_reduction"),
        Metric("energy_intensity", "energy_intensity", 1, "regions_unit_energy_intensity", 3, False, False,
               "energy_intensity", "energy_target", "energy_intensity_reduction"),
        Metric("co2_total", "co2_t", 1 / PER_TEN_THOUSAND, "regions_unit_co2_total", 1, True, False,
               "co2_total", None, None),
    )
}
DEFINITION_KEYS = {
    "co2_intensity_reduction": "regions_definition_reduction",
    "energy_intensity_reduction": "regions_definition_reduction",
    "carbon_intensity": "regions_definition_carbon_intensity",
    "energy_intensity": "regions_definition_energy_intensity",
    "co2_total": "regions_definition_co2_total",
}
# The warehouse columns holding a level metric in the year and in the base year.
LEVEL_COLUMNS = {
    "carbon_intensity": ("carbon_intensity", "base_carbon_intensity"),
    "energy_intensity": ("energy_intensity", "base_energy_intensity"),
    "co2_total": ("co2_t", "base_co2_t"),
}


def metric_name(code: str) -> str:
    return t(f"regions_metric_{code}")


def unit(metric: Metric, base_year: BaseYear) -> str:
    return t(metric.unit_key, base_year=base_year)


def with_unit(code: str, base_year: BaseYear) -> str:
    """A metric's name with its unit: "单位地区生产总值二氧化碳排放降低率（较2015年，%）"."""
    return t("regions_with_unit", label=metric_name(code), unit=unit(METRICS[code], base_year))


# --- the page ---------------------------------------------------------------------------------


def render() -> None:
    st.title(t("regions_title"))
    components.published_caption()
    st.caption(t("regions_intro"))

    dim = components.regions()
    by_code = {row["region_code"]: row for row in dim.to_dict("records")}
    children_of: dict[str, list[str]] = {}
    for row in by_code.values():
        if not is_missing(row["parent_code"]):
            children_of.setdefault(str(row["parent_code"]), []).append(row["region_code"])

    national = st.toggle(t("regions_national_toggle"), key=NATIONAL_KEY)
    picked = None if national else components.region_picker(PICKER_KEY)

    # Each year with the base year of the five-year plan it falls in (from dbt, never computed here).
    year_rows = components.fetch(queries.REGIONS_YEARS)
    years = [int(year) for year in year_rows["year"]]
    base_years = {int(row["year"]): row["plan_base_year"] for row in year_rows.to_dict("records")}
    if not years:
        st.info(t("regions_no_data", scope=t("regions_scope_country"), year=t("missing_value")))
        return
    metric_column, year_column = st.columns([3, 1])
    with metric_column:
        # The language is captured now, so the option labels do not read session state later (pure).
        lang = current_language()
        metric = METRICS[st.selectbox(
            t("regions_metric_select"), list(METRICS), key=METRIC_KEY,
            format_func=lambda code: text(f"regions_metric_{code}", lang),
        )]
    with year_column:
        if YEAR_KEY in st.session_state and st.session_state[YEAR_KEY] not in years:
            del st.session_state[YEAR_KEY]  # a republished warehouse no longer has the year chosen earlier
        year = st.selectbox(t("year_select"), years, index=len(years) - 1, key=YEAR_KEY)
    plan_base_year = None if is_missing(base_years[year]) else int(base_years[year])  # type: ignore[arg-type]
    # As labels say it: a year no plan period covers (nothing in dbt for it) shows "—".
    base_year: BaseYear = t("missing_value") if plan_base_year is None else plan_base_year
    st.caption(t(DEFINITION_KEYS[metric.code], base_year=base_year))

    # Whose children are shown: the country's, the picked region's, or (no subdivisions) its parent's.
    parent = picked
    if picked is not None and not children_of.get(picked):
        st.info(t("regions_no_children", region=plain(components.region_label(by_code[picked]))), icon=":material/info:")
        parent_code = by_code[picked]["parent_code"]
        parent = None if is_missing(parent_code) else str(parent_code)
    scope = scope_label(parent, by_code, children_of)

    table = ranking(child_rows(parent, year, plan_base_year), metric, base_year)

    _map_section(table, metric, base_year, (parent, picked), by_code, (scope, year))

    st.subheader(t("regions_ranking_heading", scope=plain(scope), year=year))
    ranking_section(table, metric, base_year, parent, year)

    st.subheader(t("regions_residual_heading", year=year))
    residual_section(picked, year, by_code, children_of)


def _map_section(
    table: pd.DataFrame, metric: Metric, base_year: BaseYear, regions: tuple[str | None, str | None],
    by_code: dict, where: tuple[str, int],
) -> None:
    """The map of the parent's children (regions = (parent, picked)); for the country a ranking
    chart and why there is no map; captions for missing and not meaningful values."""
    parent, picked = regions
    scope, year = where
    st.subheader(t("regions_map_heading", scope=plain(scope), year=year))
    parent_level = None if parent is None else str(by_code[parent]["level"])
    outlines = geo.children_features(parent, parent_level)
    missing = table["value"].isna() & ~table["not_meaningful"]
    if table["value"].isna().all() and not table["not_meaningful"].any():
        st.info(t("regions_no_data", scope=plain(scope), year=year), icon=":material/help:")
    elif missing.any():
        st.caption(t("regions_partial_data", total=len(table), missing=int(missing.sum()), year=year))
    if table["not_meaningful"].any():
        st.caption(t("regions_not_meaningful", count=int(table["not_meaningful"].sum()), year=year))
    if parent is None:
        # No national map: China's standard-map rules require the 南海诸岛 inset, and no
        # redistributable outline that has it can be shipped (dashboards/maps/README.md).
        st.info(t("regions_national_no_map"), icon=":material/map:")
        if table["value"].notna().any():
            st.altair_chart(ranking_chart(table, metric, base_year), width="stretch", key="regions_national_chart")
    elif outlines:
        st.altair_chart(
            map_chart(outlines, table, metric, base_year, picked),
            width="stretch", key=MAP_KEY, on_select=_drill, selection_mode=[PICK_WITH_DATA, PICK_WITHOUT_DATA],
        )
        st.caption(t("regions_map_missing_legend"))
        chart_data = table[["region_code", "name", "value"]].sort_values("region_code")
        components.downloads(
            chart_data.rename(columns={"region_code": t("regions_col_code"), "name": t("regions_col_region"), "value": with_unit(metric.code, base_year)}),
            f"regions_map_{parent or 'china'}_{metric.code}_{year}", "regions_map_download",
        )
    elif (reason := geo.no_map_reason(parent)) is not None:
        # By design (the standard-map rules), not for want of an outline file: the page says so.
        st.info(t(reason), icon=":material/map:")
    else:
        st.info(t("regions_no_outlines", scope=plain(scope)), icon=":material/map:")


def child_rows(parent: str | None, year: int, plan_base_year: int | None) -> pd.DataFrame:
    """The rows of the regions shown (the parent's children; the provinces when parent is None) for
    the year, with their display names, and for authorised roles their key-emitter totals."""
    data = components.fetch(queries.REGIONS_CHILDREN, (parent or "", year, plan_base_year, year, year, year, year))
    data["name"] = [components.region_label(row) for row in data.to_dict("records")]
    if auth.is_authorised():
        enterprises = components.fetch(queries.REGIONS_CHILD_ENTERPRISES, (year, parent or ""))
        data = data.merge(enterprises, on="region_code", how="left")
        if not enterprises.empty:
            # The year has enterprise reports, so a region without any has none: a true 0. A year
            # without reports at all stays missing.
            data[["enterprises_count", "enterprise_co2_t"]] = data[["enterprises_count", "enterprise_co2_t"]].fillna(0)
    return data


def scope_label(parent: str | None, by_code: dict, children_of: dict[str, list[str]]) -> str:
    """"甘肃省各市（州）": the parent's name and the level of its children (a municipality's are counties)."""
    if parent is None:
        return t("regions_scope_country")
    levels = [by_code[code]["level"] for code in children_of.get(parent, [])]
    key = "regions_scope_province" if levels.count("city") >= levels.count("county") else "regions_scope_city"
    return t(key, parent=components.region_label(by_code[parent]))


def ranking(data: pd.DataFrame, metric: Metric, base_year: BaseYear) -> pd.DataFrame:
    """The children with the chosen metric in screen units, ranked; missing values last, unranked.

    Columns: rank, name, region_code, value, level_year / level_base (a reduction's intensity, or
    a level metric in the base year), change_pct, target_pct, gap_pp, status (words), note ("不适用"
    where dbt says a reduction is not meaningful), not_meaningful (flag), and for authorised roles
    enterprises_count, enterprise_co2_10k_t. Missing stays NaN (never 0). A region whose reduction
    is not meaningful has no value (dbt leaves it NULL): it is never ranked nor coloured.
    """
    frame = pd.DataFrame({"region_code": data["region_code"], "name": data["name"]})
    frame["value"] = (data[metric.column].astype("float64") * metric.scale).round(6)
    flagged = data[metric.status_column].eq(components.NOT_MEANINGFUL) if metric.status_column else pd.Series(False, index=data.index)
    frame["not_meaningful"] = flagged.fillna(False).astype(bool)
    frame.loc[frame["not_meaningful"], "value"] = float("nan")
    level = METRICS[metric.level_metric]
    year_column, base_column = LEVEL_COLUMNS[metric.level_metric]
    frame["level_year"] = data[year_column].astype("float64") * level.scale
    frame["level_base"] = data[base_column].astype("float64") * level.scale
    if level.indicator:
        # An intensity changed by minus its reduction vs the base year, which dbt computes
        # (fct_region_intensity_progress.reduction_vs_base): the rule is not restated here.
        change = -data[level.indicator].astype("float64")
    else:  # a total (CO2): the relative change between the two figures shown
        change = frame["level_year"] / frame["level_base"].where(frame["level_base"] != 0) - 1
    frame["change_pct"] = (change * 100).round(2)
    if metric.target:
        # A target only speaks to the year's reduction when it counts from the same base year.
        same_base = data[f"{metric.target}_base_year"].eq(base_year).fillna(False).astype(bool)
        frame["target_pct"] = (data[f"{metric.target}_value"].astype("float64").where(same_base) * 100).round(2)
        frame["gap_pp"] = (data[f"{metric.target}_gap"].astype("float64").where(same_base) * 100).round(2)
        frame["status"] = [
            code_label("status", str(status)) if same and not is_missing(status) else None
            for status, same in zip(data[f"{metric.target}_status"], same_base)
        ]
    if metric.status_column:
        frame["note"] = [code_label("status", components.NOT_MEANINGFUL) if flag else None for flag in frame["not_meaningful"]]
    if "enterprises_count" in data:
        frame["enterprises_count"] = data["enterprises_count"].astype("Int64")
        frame["enterprise_co2_10k_t"] = (data["enterprise_co2_t"] / PER_TEN_THOUSAND).round(2)
    frame = frame.sort_values(["value", "region_code"], ascending=[not metric.descending, True], na_position="last")
    ranks = frame["value"].rank(method="min", ascending=not metric.descending)
    frame.insert(0, "rank", ranks.astype("Int64"))
    return frame.reset_index(drop=True)


def ranking_headers(table: pd.DataFrame, metric: Metric, base_year: BaseYear, year: int) -> dict[str, str]:
    """On-screen (and download) headers of the ranking table, each with its unit."""
    level = METRICS[metric.level_metric]
    level_label = with_unit(level.code, base_year)
    headers = {
        "rank": t("regions_col_rank"),
        "name": t("regions_col_region"),
        "region_code": t("regions_col_code"),
        "value": t("regions_col_in_year", year=year, label=with_unit(metric.code, base_year)),
        "level_year": t("regions_col_in_year", year=year, label=level_label),
        "level_base": t("regions_col_in_year", year=base_year, label=level_label),
        "change_pct": t("regions_col_change", base_year=base_year),
        "target_pct": t("regions_col_target"),
        "gap_pp": t("col_gap"),
        "status": t("col_status"),
        "note": t("regions_col_note"),
        "enterprises_count": t("regions_col_enterprises"),
        "enterprise_co2_10k_t": t("regions_col_enterprise_co2"),
    }
    return {column: label for column, label in headers.items() if column in table.columns}


def shown_columns(table: pd.DataFrame, metric: Metric) -> list[str]:
    """The table's columns for this metric: a reduction shows its intensity in both years; a
    level metric its base-year value and the change (its own value already is the year's)."""
    columns = ["rank", "name", "region_code", "value"]
    columns += ["level_year", "level_base"] if metric.level_metric != metric.code else ["level_base", "change_pct"]
    columns += [column for column in ("target_pct", "gap_pp", "status", "note", "enterprises_count", "enterprise_co2_10k_t") if column in table.columns]
    return columns


def ranking_section(table: pd.DataFrame, metric: Metric, base_year: BaseYear, parent: str | None, year: int) -> None:
    order = "regions_order_descending" if metric.descending else "regions_order_ascending"
    st.caption(t(order, metric=metric_name(metric.code)))
    columns = shown_columns(table, metric)
    shown = table[columns]
    headers = ranking_headers(shown, metric, base_year, year)
    level_decimals = METRICS[metric.level_metric].decimals
    formats = {
        "value": f"%.{metric.decimals}f", "level_year": f"%.{level_decimals}f", "level_base": f"%.{level_decimals}f",
        "change_pct": "%+.1f", "target_pct": "%.1f", "gap_pp": "%+.1f", "enterprises_count": "%d", "enterprise_co2_10k_t": "%.1f",
    }
    helps = {
        "change_pct": t("regions_col_change_help"),
        "target_pct": t("regions_col_target_help"),
        "gap_pp": t("col_gap_help"),
        "status": t("regions_col_status_help", indicator=metric_name(metric.indicator)) if metric.indicator else None,
        "note": t("status_not_meaningful_meaning"),
    }
    config = {}
    for column, label in headers.items():
        if column in ("name", "region_code", "status", "note"):
            config[column] = st.column_config.TextColumn(label, help=helps.get(column))
        elif column == "rank":
            config[column] = st.column_config.NumberColumn(label, format="%d")
        else:
            config[column] = st.column_config.NumberColumn(label, help=helps.get(column), format=formats[column])
    st.dataframe(shown, hide_index=True, placeholder=t("missing_value"), column_config=config, key="regions_ranking")
    if "status" in shown.columns:
        st.markdown(components.status_legend())
    if "enterprises_count" in shown.columns:
        st.caption(t("regions_enterprise_note"))
    components.downloads(
        shown.rename(columns=headers), f"regions_ranking_{parent or 'china'}_{metric.code}_{year}", "regions_ranking_download",
    )


def residual_section(picked: str | None, year: int, by_code: dict, children_of: dict[str, list[str]]) -> None:
    """The picked region's own CO2 against its children's sum; "—" with the reason when there is none."""
    st.caption(t("regions_residual_explain"))
    if picked is None:
        st.info(t("regions_residual_country"), icon=":material/info:")
        return
    name = components.region_label(by_code[picked])
    rows = components.fetch(queries.REGIONS_RESIDUAL, (picked, year))
    row = rows.iloc[0] if not rows.empty else pd.Series(dtype="object")

    def value(column: str) -> object:
        found = row.get(column) if not rows.empty else None
        return None if found is None or pd.isna(found) else found  # pandas' NA as well as NaN

    def tonnes(column: str) -> object:
        amount = value(column)
        return None if is_missing(amount) else float(amount) / PER_TEN_THOUSAND  # type: ignore[arg-type]

    def shown(amount: object, pattern: str = "{:,.1f}") -> str:
        return t("missing_value") if is_missing(amount) else pattern.format(amount)

    own, children_sum, residual = tonnes("co2_t"), tonnes("children_sum_co2_t"), tonnes("residual_co2_t")
    fraction = value("residual_fraction")
    cards = [
        (t("regions_residual_own", region=name), shown(own)),
        (t("regions_residual_children"), shown(children_sum)),
        (t("regions_residual_value"), shown(residual, "{:+,.1f}")),
        (t("regions_residual_fraction"), percent(fraction)),
    ]
    for column, (label, figure) in zip(st.columns(len(cards)), cards):
        with column:
            components.card(plain(label), figure)  # a label renders Markdown; the name is data

    if is_missing(own):
        st.caption(t("regions_residual_no_own_data", region=plain(name), year=year))
    elif not children_of.get(picked):
        st.caption(t("regions_residual_no_subdivisions", region=plain(name)))
    elif is_missing(residual):
        st.caption(t("regions_residual_no_child_data", region=plain(name), year=year))
    else:
        count = value("children_with_data_count")
        st.caption(t("regions_residual_count", count=t("missing_value") if is_missing(count) else int(count)))  # type: ignore[arg-type]
        flag = value("residual_flag")
        if not is_missing(flag) and bool(flag):
            st.warning(t("regions_residual_flagged"), icon=":material/warning:")
        elif not is_missing(flag):
            st.success(t("regions_residual_ok"), icon=":material/check_circle:")
    items = pd.DataFrame({
        t("regions_col_item"): [label for label, _ in cards[:3]] + [t("regions_with_unit", label=cards[3][0], unit="%")],
        t("regions_col_amount"): [own, children_sum, residual, None if is_missing(fraction) else float(fraction) * 100],  # type: ignore[arg-type]
    })
    components.downloads(items, f"regions_residual_{picked}_{year}", "regions_residual_download")


# --- the map ----------------------------------------------------------------------------------


def map_features(outlines: list[dict], table: pd.DataFrame, metric: Metric, picked: str | None) -> list[dict]:
    """The outlines with what the map shows as top-level members: region_code, name (from the
    data, else the outline's), value (screen units; None when missing, never 0), value_label
    (the tooltip text, "— 暂无数据" when missing, "不适用" with the reason when dbt says the
    reduction is not meaningful: grey too, never coloured) and picked (outlined)."""
    rows = {row["region_code"]: row for row in table.to_dict("records")}
    result = []
    for outline in outlines:
        code = outline["id"]
        row = rows.get(code, {})
        value = row.get("value")
        missing = is_missing(value)
        if row.get("not_meaningful"):
            label = t("regions_tooltip_not_meaningful")
        else:
            label = t("regions_tooltip_missing") if missing else f"{float(value):,.{metric.decimals}f}"
        result.append({
            **outline,
            # The outline file's own name (Chinese) stays out of what the browser receives.
            "properties": {"region_code": code},
            "region_code": code,
            # An outline the warehouse does not list keeps the file's (Chinese) name in Chinese only.
            "name": row.get("name") or (outline["properties"]["name"] if current_language() == "zh" else code),
            "value": None if missing else float(value),
            "value_label": label,
            "picked": code == picked,
        })
    return result


def map_chart(outlines: list[dict], table: pd.DataFrame, metric: Metric, base_year: BaseYear, picked: str | None) -> alt.LayerChart:
    """A choropleth: regions with a value coloured, regions without one grey (and labelled so)."""
    label = with_unit(metric.code, base_year)
    data = alt.Data(values=map_features(outlines, table, metric, picked))
    tooltip = [
        alt.Tooltip("name:N", title=t("regions_tooltip_region")),
        alt.Tooltip("region_code:N", title=t("regions_tooltip_code")),
        alt.Tooltip("value_label:N", title=label),
    ]
    border = {
        "stroke": alt.condition("datum.picked", alt.value(PICKED_BORDER_COLOUR), alt.value(BORDER_COLOUR)),
        "strokeWidth": alt.condition("datum.picked", alt.value(2.5), alt.value(0.6)),
    }
    if metric.diverging:
        # Symmetric around 0 so the colour keeps its meaning whatever the data: green = reduced,
        # yellow = about unchanged, red = intensity rose (even when one region alone has a value).
        largest = table["value"].abs().max()
        bound = float(largest) if not is_missing(largest) and largest > 0 else 1.0
        scale = alt.Scale(scheme="redyellowgreen", domain=[-bound, bound])
    else:  # darker = more energy or CO2
        scale = alt.Scale(scheme="orangered")
    # Two layers rather than a conditional colour: Vega-Lite may drop marks whose colour field is
    # null, and a region without data must still be drawn (grey) and clickable.
    missing = (
        alt.Chart(data)
        .mark_geoshape(fill=MISSING_COLOUR)
        .encode(tooltip=tooltip, **border)
        .add_params(alt.selection_point(name=PICK_WITHOUT_DATA, fields=["region_code"], on="click", clear=False))
    )
    coloured = (
        alt.Chart(data)
        .transform_filter("isValid(datum.value)")
        .mark_geoshape()
        .encode(
            color=alt.Color("value:Q", title=label, scale=scale, legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=320, titleLimit=640)),
            tooltip=tooltip,
            **border,
        )
        .add_params(alt.selection_point(name=PICK_WITH_DATA, fields=["region_code"], on="click", clear=False))
    )
    return alt.layer(missing, coloured).project(type="mercator").properties(height=460)


def ranking_chart(table: pd.DataFrame, metric: Metric, base_year: BaseYear) -> alt.Chart:
    """The regions with a value as bars in ranking order (the national view, which has no map):
    the same colours as the map, so a leader reads both views alike."""
    label = with_unit(metric.code, base_year)
    shown = table[table["value"].notna()][["rank", "name", "region_code", "value"]]
    if metric.diverging:
        largest = shown["value"].abs().max()
        bound = float(largest) if not is_missing(largest) and largest > 0 else 1.0
        scale = alt.Scale(scheme="redyellowgreen", domain=[-bound, bound])
    else:
        scale = alt.Scale(scheme="orangered")
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=list(shown["name"]), title=None),
            x=alt.X("value:Q", title=label),
            color=alt.Color("value:Q", scale=scale, legend=None),
            tooltip=[alt.Tooltip("name:N", title=t("regions_tooltip_region")), alt.Tooltip("value:Q", title=label, format=f",.{metric.decimals}f")],
        )
        .properties(height=max(120, 28 * len(shown)))
    )


def _drill() -> None:
    """A click on the map: pick that region (its children are shown next). Runs as the chart's
    callback, before the page, so the picker's boxes can be reset to follow the new region."""
    state = st.session_state.get(MAP_KEY) or {}
    selection = state.get("selection", {}) if hasattr(state, "get") else {}
    code = clicked_region(selection)
    if code is None:
        return
    try:
        dim = warehouse.query(queries.REGIONS)  # cached; no spinner inside a callback
    except warehouse.WarehouseError:
        return  # the page itself will say what is wrong with the warehouse
    by_code = {row["region_code"]: row for row in dim.to_dict("records")}
    if code not in by_code:
        return
    st.session_state[components.REGION_KEY] = code
    # The picker's boxes are set to the new chain: a box whose state is only deleted keeps showing
    # its old choice in the browser. A "whole region" box is cleared instead (a None written to a
    # select box means "nothing chosen"); it only needs clearing where the box was just shown.
    chain = components.ancestor_chain(code, by_code)[:3]
    for level, value in zip(("province", "city", "county"), chain + [None] * (3 - len(chain))):
        if value is None:
            st.session_state.pop(f"{PICKER_KEY}_{level}", None)
        else:
            st.session_state[f"{PICKER_KEY}_{level}"] = value
    st.session_state[NATIONAL_KEY] = False


def clicked_region(selection: object) -> str | None:
    """The region code a map click selected ({param: [{"region_code": ...}]}), if any."""
    if not hasattr(selection, "get"):
        return None
    for param in (PICK_WITH_DATA, PICK_WITHOUT_DATA):
        points = selection.get(param) or []  # type: ignore[union-attr]
        for point in points if isinstance(points, list) else []:
            code = point.get("region_code") if hasattr(point, "get") else None
            if isinstance(code, str) and code:
                return code
    return None
