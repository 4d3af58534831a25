"""The MRV page's time views (officers and analysts): the verifiers' workload by month with the
conflicted verifications, and the compliance calendar by sector. Reached through
dashboards.views.mrv.render(), which refuses other roles before any of these queries runs.

Verifier and enterprise names are data: in plotly through components.chart_text(), in dataframe
cells as they are. The calendar's dates are the mart's (marts.fct_compliance_calendar: dbt applies
the annual or rolling rule); the timeline draws each stretch between two consecutive deadlines.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards import queries
from dashboards.components import chart_text, downloads, fetch, localized, name_text
from dashboards.i18n import code_label, current_language, t, text
from dashboards.views.enterprises_format import code_words

PLOTLY_CONFIG = {"displaylogo": False}
TASK_TYPES = ("verification", "recheck")
TASK_KEY, CALENDAR_YEAR_KEY = "mrv_task_type", "mrv_calendar_year"
HEATMAP_SCALE = "Blues"
# The timeline's stretches: (phase, start column, end column), each from one deadline to the next.
PHASES = (
    ("allocation_period", "period_start_on", "period_end_on"),
    ("reporting", "period_end_on", "report_due_on"),
    ("verification", "report_due_on", "verification_due_on"),
    ("approval", "verification_due_on", "approval_due_on"),
    ("compliance", "compliance_month", "compliance_due_on"),
)
PHASE_COLOURS = ("#9aa0a6", "#7f9cbf", "#1f4e79", "#c26a00", "#d93025")
DATE_COLUMNS = (
    "compliance_month", "period_start_on", "period_end_on", "monitoring_plan_due_on", "report_due_on",
    "verification_due_on", "approval_due_on", "compliance_due_on",
)


# --- verifiers ------------------------------------------------------------------------------------

WORKLOAD_HEADERS = {
    "verifier_name": "mrv_col_verifier", "verifier_code": "mrv_col_verifier_code", "tasks_count": "mrv_col_tasks",
    "delivered_count": "mrv_col_delivered", "late_count": "mrv_col_late", "conflict_count": "mrv_col_conflicts",
}
CONFLICT_HEADERS = {
    "enterprise_name": "mrv_col_enterprise", "credit_code": "mrv_col_credit_code", "conflict_reason": "mrv_col_conflict_reason",
    "verifier_code": "mrv_col_verifier_code", "recheck_verifier_code": "mrv_col_recheck_verifier_code",
    "verification_status": "mrv_col_verification_status", "recheck_status": "mrv_col_recheck_status",
}


def verifier_label(row: dict) -> str:
    """A verifier's name on one line, its code when it has none."""
    name = row.get("verifier_name")
    return name_text(name) if isinstance(name, str) and name.strip() else name_text(row.get("verifier_code"))


def workload_grid(workload: pd.DataFrame) -> pd.DataFrame:
    """Tasks per verifier (rows, by label) and month (columns, "YYYY-MM"), every month between the
    first and the last; a month without tasks is 0 (the mart has no row: nothing was assigned)."""
    frame = workload.assign(
        verifier=[verifier_label(row) for row in workload.to_dict("records")],
        month=pd.to_datetime(workload["month"]).dt.to_period("M"),
    )
    grid = frame.pivot_table(index="verifier", columns="month", values="tasks_count", aggfunc="sum", fill_value=0)
    months = pd.period_range(grid.columns.min(), grid.columns.max(), freq="M")
    grid = grid.reindex(columns=months, fill_value=0)
    grid.columns = [str(month) for month in grid.columns]
    return grid


def verifiers_tab(year: int, scheme: str) -> None:
    st.caption(t("mrv_verifiers_intro"))
    workload = fetch(queries.MRV_VERIFIER_WORKLOAD)
    lang = current_language()
    task = st.radio(
        t("mrv_task_type"), [None, *TASK_TYPES], key=TASK_KEY, horizontal=True,
        format_func=lambda code: text("mrv_all", lang) if code is None else text(f"mrv_task_{code}", lang),
    )
    chosen = workload if task is None else workload[workload["task_type"] == task]
    if chosen.empty:
        st.info(t("mrv_verifiers_none"))
    else:
        grid = workload_grid(chosen)
        figure = go.Figure(go.Heatmap(
            z=grid.to_numpy(), x=list(grid.columns), y=[chart_text(label) for label in grid.index],
            colorscale=HEATMAP_SCALE, colorbar={"title": {"text": t("mrv_axis_tasks")}},
            hovertemplate=t("mrv_heatmap_hover") + "<extra></extra>",
        ))
        figure.update_layout(height=max(260, 40 * len(grid) + 120), margin={"t": 20}, xaxis={"type": "category", "tickangle": 0, "nticks": 12, "title": {"text": t("mrv_axis_month")}})
        st.plotly_chart(figure, key="mrv_workload_chart", config=PLOTLY_CONFIG)
        totals = chosen.groupby(["verifier_code", "verifier_name"], dropna=False, as_index=False)[
            ["tasks_count", "delivered_count", "late_count", "conflict_count"]].sum()
        totals = totals[["verifier_name", "verifier_code", "tasks_count", "delivered_count", "late_count", "conflict_count"]]
        st.dataframe(
            totals, hide_index=True, placeholder=t("missing_value"), key="mrv_workload_table",
            column_config={column: st.column_config.Column(t(key)) for column, key in WORKLOAD_HEADERS.items()},
        )
        monthly = chosen.assign(
            month=pd.to_datetime(chosen["month"]).dt.strftime("%Y-%m"), task_type=code_words(chosen["task_type"], "mrv_task"),
        )
        downloads(monthly, "mrv_verifier_workload", "mrv_workload", {**WORKLOAD_HEADERS, "month": "mrv_col_month", "task_type": "mrv_col_task_type"})

    st.subheader(t("mrv_conflicts_header", year=year))
    conflicts = fetch(queries.MRV_CONFLICTS, (year, scheme))
    if conflicts.empty:
        st.success(t("mrv_conflicts_none"), icon=":material/task_alt:")
        return
    st.caption(t("mrv_conflicts_intro"))
    table = conflicts.assign(
        conflict_reason=code_words(conflicts["conflict_reason"], "mrv_conflict"),
        verification_status=code_words(conflicts["verification_status"], "mrv_step"),
        recheck_status=code_words(conflicts["recheck_status"], "mrv_step"),
    )
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="mrv_conflicts_table",
        column_config={column: st.column_config.Column(t(key)) for column, key in CONFLICT_HEADERS.items()},
    )
    downloads(table, f"mrv_conflicts_{year}_{scheme}", "mrv_conflicts", CONFLICT_HEADERS)


# --- compliance calendar --------------------------------------------------------------------------


def timeline_frame(calendar: pd.DataFrame) -> pd.DataFrame:
    """One row per sector (and set of dates: enterprises of a sector share them) × phase: its start
    and end (the end day included, so the bar runs to the end of that day); a phase with a missing
    date is left out."""
    sectors = calendar.drop_duplicates(subset=["sector_code", "calendar_mode", *DATE_COLUMNS])
    rows = []
    for row in sectors.to_dict("records"):
        sector = localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code")
        label = t("mrv_calendar_row", sector=sector, mode=code_label("mrv_mode", row["calendar_mode"]))
        for phase, start, end in PHASES:
            if pd.isna(row[start]) or pd.isna(row[end]):
                continue
            rows.append({
                "row": chart_text(label), "phase": t(f"mrv_phase_{phase}"),
                "start": pd.Timestamp(row[start]), "end": pd.Timestamp(row[end]) + dt.timedelta(days=1),
            })
    return pd.DataFrame(rows, columns=["row", "phase", "start", "end"])


def _calendar_year(years: pd.DataFrame, year: int, scheme: str) -> int | None:
    options = sorted({int(value) for value in years.loc[years["scheme_code"] == scheme, "compliance_year"]}, reverse=True)
    if not options:
        return None
    if st.session_state.get(CALENDAR_YEAR_KEY) not in options:
        st.session_state.pop(CALENDAR_YEAR_KEY, None)
    default = options.index(year) if year in options else 0
    column, _ = st.columns([1, 5])
    with column:
        return st.selectbox(t("mrv_calendar_year"), options, index=default, key=CALENDAR_YEAR_KEY, help=t("mrv_calendar_year_help"))


def calendar_tab(year: int, scheme: str) -> None:
    st.caption(t("mrv_calendar_intro"))
    chosen = _calendar_year(fetch(queries.MRV_CALENDAR_YEARS), year, scheme)
    if chosen is None:
        st.info(t("mrv_calendar_none"))
        return
    calendar = fetch(queries.MRV_CALENDAR, (chosen, scheme))
    timeline = timeline_frame(calendar)
    if timeline.empty:
        st.info(t("mrv_calendar_none"))
        return
    phases = [t(f"mrv_phase_{phase}") for phase, _, _ in PHASES]
    figure = px.timeline(
        timeline, x_start="start", x_end="end", y="row", color="phase",
        category_orders={"phase": phases}, color_discrete_sequence=PHASE_COLOURS,
        labels={"row": t("mrv_col_sector"), "phase": t("mrv_col_phase"), "start": t("mrv_col_start"), "end": t("mrv_col_end")},
    )
    figure.update_yaxes(autorange="reversed", title_text="")
    figure.update_layout(height=max(260, 50 * timeline["row"].nunique() + 140), margin={"t": 20}, legend={"orientation": "h", "y": -0.2})
    st.plotly_chart(figure, key="mrv_calendar_chart", config=PLOTLY_CONFIG)

    table = calendar.assign(
        sector=[localized(row, zh="sector_name_zh", en="sector_name_en", fallback="sector_code") for row in calendar.to_dict("records")],
        calendar_mode=code_words(calendar["calendar_mode"], "mrv_mode"),
    )[["enterprise_name", "credit_code", "sector", "calendar_mode", *DATE_COLUMNS]]
    for column in DATE_COLUMNS:
        table[column] = pd.to_datetime(table[column]).dt.date
    headers = {"enterprise_name": "mrv_col_enterprise", "credit_code": "mrv_col_credit_code", "sector": "mrv_col_sector",
               "calendar_mode": "mrv_col_calendar_mode", **{column: f"mrv_col_{column}" for column in DATE_COLUMNS}}
    st.caption(t("mrv_calendar_table_caption", enterprises=len(table)))
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="mrv_calendar_table",
        column_config={
            column: (
                st.column_config.DateColumn(t(key), format="YYYY-MM" if column == "compliance_month" else "YYYY-MM-DD")
                if column in DATE_COLUMNS else st.column_config.TextColumn(t(key))
            )
            for column, key in headers.items()
        },
    )
    downloads(table, f"mrv_compliance_calendar_{chosen}_{scheme}", "mrv_calendar", headers)
