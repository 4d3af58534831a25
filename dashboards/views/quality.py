"""数据质量与时效 / Data quality and freshness: is the data served fresh, how did the last build go,
which rows were set aside and why.

Sources: the operations store (warehouse/operations.duckdb: ops.run_summary, ops.run_summary_detail,
and when they exist ops.alerts and ops.build_runs; see pipelines/run_summary.py, alerts.py, cli/build.py)
and, for authorised roles only, the published warehouse's review flags (audit.audit_review_flags:
unusual but possible figures, never blocking) and quarantine register (raw.quarantine).

Confidentiality: the operations store is read in every role, but its quarantine reasons and run
messages quote cell values and file names (an enterprise's workbook is often named after it, and
"duplicate report … already delivered in <file>" names one). So a leader sees quarantined rows only
as counts by source family and by reason *category* (REASON_CATEGORIES below: a fixed vocabulary
derived from the reason text, never the text itself), and no run or alert message. File, sheet, row,
value and reason appear only in an authorised role's session.
"""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import auth, components, queries, warehouse
from dashboards.i18n import code_label, current_language, is_missing, t

# Freshness of the data served, in hours since the last successful publication. The nightly job
# runs every 24 h: under 26 h means last night's build published (2 h of slack for a slow run),
# under 50 h that one night was missed, beyond that something needs fixing.
FRESH_HOURS = 26
LATE_HOURS = 50

HISTORY_RUNS = 60  # builds shown in the history: two months of nightly runs
ALERTS_SHOWN = 50

# How a quarantine reason (pipelines/ingest/*: the clerk's sentence) maps to a category a leader
# may see. Ordered: the first pattern found in the lower-cased reason wins, so the specific ones
# come first (a "unit … looks like tonnes (×10⁴ too large)" is a scale error, not an unknown unit;
# "year 1999 is outside 2000–2035" is a year problem, not a range one). Reasons no pattern knows
# count as "other", so a new reader's message still adds up but shows nothing of itself.
REASON_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("held", r"^held:"),  # a re-delivery with invalid lines, or two different copies in one file
        ("superseded", r"^superseded"),  # an older delivery replaced by a corrected one
        ("total_row", r"^total row"),  # a 合计 row of an export: compared with the lines, not loaded
        ("duplicate", r"^duplicate|\brepeats\b"),  # the same report / line / fuel column twice
        ("formula", r"formula without a saved value"),
        ("unit_scale", r"looks like .*too large"),  # 万t written for t, etc.
        ("year_date", r"^year\b|is not a date"),
        ("not_number", r"is not a number"),
        ("required_missing", r"is empty; this field is required|no item name"),
        ("inconsistent", r" is above |does not match"),  # low > high, vwap ≠ turnover ÷ volume
        ("out_of_range", r"cannot be negative|is outside"),
        ("unit_unknown", r"\bunit\b"),  # unknown, inconvertible or per the wrong kind of unit
        ("unknown_code", r"not recognised|does not exist|is not a known|credit code|cannot tell the exchange"),
        ("file_structure", r"^file |workbook|sheet|header|column|both mean"),
    )
)
OTHER_CATEGORY = "other"
CATEGORY_CODES = tuple(code for code, _ in REASON_CATEGORIES) + (OTHER_CATEGORY,)

STATUS_BADGES = {  # build status: colour and icon of the shared status vocabulary
    "published": ("green", components.STATUS_ICONS["green"]),
    "failed": ("red", components.STATUS_ICONS["red"]),
}
LOADED_COLOUR, QUARANTINED_COLOUR = "#1f4e79", "#d93025"

SEARCH_KEY = "quality_search"
FAMILIES_KEY = "quality_families"


def reason_category(reason: object) -> str:
    """The category code of a quarantine reason (see REASON_CATEGORIES); 'other' when none fits."""
    if is_missing(reason):
        return OTHER_CATEGORY
    text = str(reason).strip().lower()
    for code, pattern in REASON_CATEGORIES:
        if pattern.search(text):
            return code
    return OTHER_CATEGORY


def freshness_status(age_hours: float | None) -> str:
    """green / yellow / red by hours since the last successful publication; no_data when never."""
    if age_hours is None or is_missing(age_hours):
        return "no_data"
    if age_hours < FRESH_HOURS:
        return "green"
    if age_hours < LATE_HOURS:
        return "yellow"
    return "red"


def quarantine_by_category(detail: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows of one build per source family and reason category (no reason text left)."""
    rows = detail[detail["kind"] == "quarantined"]
    frame = pd.DataFrame({
        "source_family": rows["source_family"].to_numpy(),
        "category": [reason_category(reason) for reason in rows["name"]],
        "rows": rows["rows"].astype("int64").to_numpy(),
    })
    if frame.empty:
        return frame
    return (
        frame.groupby(["source_family", "category"], as_index=False)["rows"].sum()
        .sort_values(["source_family", "rows", "category"], ascending=[True, False, True], ignore_index=True)
    )


# --- time ---------------------------------------------------------------------------------------


def _utc(value: object) -> pd.Timestamp | None:
    """A timestamp from the store as aware UTC (run summaries are TIMESTAMPTZ, alerts naive UTC)."""
    if value is None or is_missing(value) or value is pd.NaT:
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _local(value: object) -> dt.datetime | None:
    """Server-local naive time, like warehouse.published_at(): one clock on the whole page."""
    stamp = _utc(value)
    return None if stamp is None else stamp.to_pydatetime().astimezone().replace(tzinfo=None)


def _local_column(values: pd.Series) -> pd.Series:
    # Naive local datetimes: what the table shows, and what Excel accepts (no time zones there).
    return pd.Series([_local(value) for value in values], index=values.index, dtype="datetime64[us]")


def _time_text(value: dt.datetime | None) -> str:
    return t("missing_value") if value is None else value.strftime("%Y-%m-%d %H:%M")


def _utc_offset() -> str:
    offset = dt.datetime.now().astimezone().utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _hours_since(value: dt.datetime | None) -> float | None:
    return None if value is None else (dt.datetime.now() - value).total_seconds() / 3600


# --- loading ------------------------------------------------------------------------------------


def _ops_optional(sql: str, params: tuple = ()) -> pd.DataFrame | None:
    """An operations-store query whose table may not exist yet (no build, no failure, no CLI build):
    None then, so the page says so in its own words. An unreadable store stops the page."""
    try:
        with st.spinner(t("loading")):
            return warehouse.ops_query(sql, params)
    except (warehouse.WarehouseMissing, warehouse.WarehouseTableMissing):
        return None
    except warehouse.WarehouseUnreadable as error:
        st.error(t("warehouse_unreadable", path=error.path), icon=":material/database:")
        st.stop()
        raise AssertionError("unreachable") from error


def _published_file_time() -> dt.datetime | None:
    try:
        return warehouse.published_at()
    except warehouse.WarehouseError:
        return None


# --- page ---------------------------------------------------------------------------------------


def render() -> None:
    authorised = auth.is_authorised()
    st.title(t("quality_title"))
    st.caption(t("quality_intro"))
    st.caption(t("quality_times_note", offset=_utc_offset()))
    if not authorised:
        st.caption(t("quality_leader_note"))

    runs = _ops_optional(queries.QUALITY_RUN_SUMMARIES, (HISTORY_RUNS,))
    last_published = _ops_optional(queries.QUALITY_LAST_PUBLICATION)
    published_run_time = None if last_published is None or last_published.empty else _local(last_published["recorded_at"].iat[0])

    last = None if runs is None or runs.empty else runs.iloc[0]
    _freshness(last, published_run_time)

    if runs is None or runs.empty:
        if not warehouse.ops_path().exists():
            st.info(t("ops_missing", path=warehouse.ops_path()), icon=":material/database:")
        else:
            st.info(t("quality_no_runs"), icon=":material/database:")
    else:
        detail = _ops_optional(queries.QUALITY_RUN_DETAIL, (str(last["run_id"]),))
        detail = detail if detail is not None else pd.DataFrame(columns=["kind", "source_family", "name", "rows", "passed"])
        st.divider()
        _last_build(last, detail, authorised)
        st.divider()
        _quarantine_summary(last, detail)
        st.divider()
        _history(runs)
        _alerts(authorised)

    if authorised:
        st.divider()
        _review_flags()
        st.divider()
        _quarantine_register()


def _status_badge(status: object) -> None:
    code = str(status)
    colour, icon = STATUS_BADGES.get(code, ("gray", components.STATUS_ICONS["no_data"]))
    st.badge(components.code_text("quality_run_status", code), color=colour, icon=icon)  # a badge renders Markdown


def _freshness(last: pd.Series | None, published_run_time: dt.datetime | None) -> None:
    """Last build, age of the data served with its badge, last successful publication."""
    st.subheader(t("quality_freshness_header"))
    file_time = _published_file_time()
    # The age of what the dashboards serve: the last build that published; without run records,
    # the served file's own publication time.
    publication = published_run_time or file_time
    age = _hours_since(publication)
    status = freshness_status(age)

    # The age is the one number here; the times go beside it as text, where a full date fits.
    age_column, times_column = st.columns([1, 2])
    with age_column:
        components.card(t("quality_data_age"), t("missing_value") if age is None else f"{age:.1f}", help=t("quality_data_age_help"))
        st.badge(
            t(f"quality_fresh_{status}"), color=components.BADGE_COLOURS[status], icon=components.STATUS_ICONS[status],
        )
    with times_column, st.container(border=True):
        build_time = None if last is None else _local(last["recorded_at"])
        ago = "" if build_time is None else t("quality_hours_ago", hours=f"{_hours_since(build_time):.1f}")
        st.markdown(t("quality_last_build_line", time=_time_text(build_time), ago=ago), help=t("quality_last_build_help"))
        if last is not None:
            _status_badge(last["status"])
            st.caption(t("quality_published", answer=t("quality_yes") if bool(last["published"]) else t("quality_no")))
        st.markdown(t("quality_last_publication_line", time=_time_text(publication)))
        components.published_caption()
    st.caption(t("quality_fresh_legend"))
    if published_run_time is None and file_time is not None:
        st.caption(t("quality_age_from_file"))
    if last is not None and not bool(last["published"]) and publication is not None:
        st.warning(t("quality_last_build_failed_note", time=_time_text(publication)), icon=":material/warning:")


def _count(value: object) -> str:
    return t("missing_value") if is_missing(value) else f"{int(value):,}"  # type: ignore[arg-type]


def _last_build(last: pd.Series, detail: pd.DataFrame, authorised: bool) -> None:
    st.subheader(t("quality_last_build_header"))
    st.caption(t("quality_run_id", run_id=components.plain(last["run_id"])))
    cards = (
        ("quality_rows_read", last["rows_read"], t("quality_rows_read_help")),
        ("quality_rows_loaded", last["rows_loaded"], None),
        ("quality_rows_quarantined", last["rows_quarantined"], None),
        ("quality_checks_passed", last["checks_passed"], None),
        ("quality_checks_failed", last["checks_failed"], None),
    )
    # Two rows of cards (rows, then checks): five in one row cut six-digit figures short.
    for row in (cards[:3], cards[3:]):
        for column, (label, value, help_text) in zip(st.columns(3), row):
            with column:
                components.card(t(label), _count(value), help=help_text)

    checks = detail[detail["kind"] == "check"]
    failed = checks[checks["passed"].fillna(False).eq(False)]
    if not is_missing(last["checks_failed"]) and int(last["checks_failed"]) == 0:
        st.success(t("quality_all_checks_passed", count=_count(last["checks_passed"])), icon=":material/check_circle:")
    else:
        st.markdown(f"**{t('quality_failed_checks_header')}**")
        if failed.empty:  # no detail rows: the summary's own list of names
            names = [name.strip() for name in str(last["failed_checks"] or "").split(",") if name.strip()]
            failed_table = pd.DataFrame({"source_family": [None] * len(names), "name": names})
        else:
            failed_table = failed[["source_family", "name"]].reset_index(drop=True)
        _table(failed_table, {"source_family": "quality_col_asset", "name": "quality_col_check"}, "quality_failed_checks")
    flags = detail[detail["kind"] == "review_flag"]  # counts only: every role may see how many
    if not flags.empty:
        st.caption(t("quality_flags_in_build", count=f"{int(flags['rows'].sum()):,}"))
    if not is_missing(last["failed_steps"]) and str(last["failed_steps"]).strip():
        st.caption(t("quality_failed_steps", steps=components.plain(last["failed_steps"])))
    # A run's message quotes exceptions, which can name source files: authorised roles only.
    if authorised and not is_missing(last["message"]) and str(last["message"]).strip():
        st.markdown(f"**{t('quality_message')}**")
        st.code(str(last["message"]), language=None, wrap_lines=True)

    loaded = detail[detail["kind"] == "loaded"]
    if not loaded.empty:
        st.markdown(f"**{t('quality_loaded_by_table')}**")
        table = pd.DataFrame({
            "source_family": [code_label("quality_family", code) for code in loaded["source_family"]],
            "table": [code_label("quality_table", code) for code in loaded["name"]],
            "table_code": loaded["name"].to_numpy(),  # the code a log line or a query uses
            "rows": loaded["rows"].astype("Int64").to_numpy(),
        })
        _table(table, {"source_family": "quality_col_family", "table": "quality_col_table", "table_code": "quality_col_table_code",
                       "rows": "quality_col_rows"}, "quality_loaded_by_table")
    if not checks.empty:
        with st.expander(t("quality_checks_expander", count=len(checks))):
            table = pd.DataFrame({
                "source_family": checks["source_family"].to_numpy(),
                "name": checks["name"].to_numpy(),
                "result": [t("quality_check_passed") if ok is True else t("quality_check_failed") for ok in checks["passed"]],
            })
            _table(table, {"source_family": "quality_col_asset", "name": "quality_col_check", "result": "quality_col_result"}, "quality_checks")


def _table(frame: pd.DataFrame, headers: dict[str, str], name: str, column_config: dict | None = None) -> None:
    """A table with on-screen headers (and units), missing cells as the dash, and its downloads."""
    config: dict[str, object] = {
        # Row counts with thousands separators in the reader's locale; text as it is.
        column: st.column_config.NumberColumn(t(key), format="localized")
        if pd.api.types.is_integer_dtype(frame[column]) else st.column_config.Column(t(key))
        for column, key in headers.items() if column in frame.columns
    }
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, column_config=config, placeholder=t("missing_value"))
    components.downloads(frame, name, key=name, headers=headers)


def _quarantine_summary(last: pd.Series, detail: pd.DataFrame) -> None:
    st.subheader(t("quality_quarantine_header"))
    st.caption(t("quality_quarantine_caption"))
    counts = quarantine_by_category(detail)
    if counts.empty:
        if not is_missing(last["rows_quarantined"]) and int(last["rows_quarantined"]) > 0:
            # The summary counts rows but their detail is missing: say how many, not that there are none.
            st.metric(t("quality_rows_quarantined"), _count(last["rows_quarantined"]))
        else:
            st.success(t("quality_no_quarantine"), icon=":material/check_circle:")
        return
    frame = pd.DataFrame({
        "source_family": [code_label("quality_family", code) for code in counts["source_family"]],
        "category": [code_label("quality_category", code) for code in counts["category"]],
        "rows": counts["rows"].to_numpy(),
    })
    categories = [code_label("quality_category", code) for code in CATEGORY_CODES if code in set(counts["category"])]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("source_family:N", title=t("quality_axis_family")),
            x=alt.X("rows:Q", stack="zero", title=t("quality_axis_rows"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("category:N", title=t("quality_col_category"), sort=categories, legend=alt.Legend(orient="bottom", labelLimit=0)),
            order=alt.Order("rows:Q", sort="descending"),  # the largest category first in each bar
            tooltip=[
                alt.Tooltip("source_family:N", title=t("quality_col_family")),
                alt.Tooltip("category:N", title=t("quality_col_category")),
                alt.Tooltip("rows:Q", title=t("quality_col_rows"), format=","),
            ],
        )
        .properties(height=alt.Step(36))
    )
    st.altair_chart(chart, width="stretch")
    headers = {"source_family": "quality_col_family", "category": "quality_col_category", "rows": "quality_col_rows"}
    components.downloads(frame, "quality_quarantine_chart", key="quality_quarantine_chart", headers=headers)
    _table(frame, headers, "quality_quarantine_by_category",
           {"rows": st.column_config.NumberColumn(t("quality_col_rows"), format="%d")})


def _history(runs: pd.DataFrame) -> None:
    st.subheader(t("quality_history_header"))
    st.caption(t("quality_history_caption", count=len(runs)))
    durations = _ops_optional(queries.QUALITY_BUILD_DURATIONS, (HISTORY_RUNS * 4,))
    seconds = {} if durations is None else dict(zip(durations["run_id"], durations["seconds"]))
    recorded = _local_column(runs["recorded_at"])
    table = pd.DataFrame({
        "recorded_at": recorded.to_numpy(),
        "status": [code_label("quality_run_status", str(code)) for code in runs["status"]],
        "published": [t("quality_yes") if bool(value) else t("quality_no") for value in runs["published"]],
        "rows_read": runs["rows_read"].astype("Int64").to_numpy(),
        "rows_loaded": runs["rows_loaded"].astype("Int64").to_numpy(),
        "rows_quarantined": runs["rows_quarantined"].astype("Int64").to_numpy(),
        "checks_passed": runs["checks_passed"].astype("Int64").to_numpy(),
        "checks_failed": runs["checks_failed"].astype("Int64").to_numpy(),
        "failed_steps": [None if is_missing(v) or not str(v).strip() else str(v) for v in runs["failed_steps"]],
        "duration_s": pd.array([seconds.get(run_id) for run_id in runs["run_id"]], dtype="Float64"),
        "run_id": runs["run_id"].to_numpy(),
    })
    headers = {
        "recorded_at": "quality_col_time", "status": "col_status", "published": "quality_col_published",
        "rows_read": "quality_col_rows_read", "rows_loaded": "quality_col_rows_loaded",
        "rows_quarantined": "quality_col_rows_quarantined", "checks_passed": "quality_col_checks_passed",
        "checks_failed": "quality_col_checks_failed", "failed_steps": "quality_col_failed_steps",
        "duration_s": "quality_col_duration",
    }

    series = {"rows_loaded": t("quality_chart_series_loaded"), "rows_quarantined": t("quality_chart_series_quarantined")}
    long = table.melt(id_vars=["recorded_at"], value_vars=list(series), var_name="series", value_name="rows")
    long["series"] = long["series"].map(series)
    long = long.dropna(subset=["rows"])  # a run without figures is left out, not drawn as 0
    long["rows"] = long["rows"].astype("int64")
    # Loaded rows are in the hundred thousands, quarantined ones in the tens: one panel each.
    panels = [
        _history_panel(long[long["series"] == label], label, colour, _time_domain(long["recorded_at"]))
        for label, colour in zip(series.values(), (LOADED_COLOUR, QUARANTINED_COLOUR))
    ]
    chart = alt.vconcat(*panels, spacing=12)
    st.altair_chart(chart, width="stretch")
    components.downloads(long, "quality_history_chart", key="quality_history_chart",
                         headers={"recorded_at": "quality_col_time", "series": "quality_col_series", "rows": "quality_col_rows"})
    _table(table, headers | {"run_id": "quality_col_run"}, "quality_history", {
        "recorded_at": st.column_config.DatetimeColumn(t("quality_col_time"), format="YYYY-MM-DD HH:mm"),
        "duration_s": st.column_config.NumberColumn(t("quality_col_duration"), format="%.1f"),
    })


def _time_domain(times: pd.Series) -> list[alt.DateTime]:
    """The builds' time span with half a day either side, so a single build is not drawn on an
    axis a millisecond wide, and the first and last points are not on the chart's edge."""
    first, last = times.min() - pd.Timedelta(hours=12), times.max() + pd.Timedelta(hours=12)
    return [
        alt.DateTime(year=stamp.year, month=stamp.month, date=stamp.day, hours=stamp.hour, minutes=stamp.minute)
        for stamp in (first, last)
    ]


def _history_panel(frame: pd.DataFrame, label: str, colour: str, domain: list[alt.DateTime]) -> alt.Chart:
    return (
        alt.Chart(frame, title=alt.Title(label, anchor="start", fontSize=13))
        .mark_line(point=alt.OverlayMarkDef(color=colour), color=colour)
        .encode(
            x=alt.X("recorded_at:T", title=t("quality_axis_time"), scale=alt.Scale(domain=domain),
                    axis=alt.Axis(format="%m-%d %H:%M", labelAngle=0, labelOverlap=True)),
            y=alt.Y("rows:Q", title=t("quality_axis_rows"), axis=alt.Axis(format=",d", tickMinStep=1),
                    scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("recorded_at:T", title=t("quality_col_time"), format="%Y-%m-%d %H:%M"),
                alt.Tooltip("series:N", title=t("quality_col_series")),
                alt.Tooltip("rows:Q", title=t("quality_col_rows"), format=","),
            ],
        )
        .properties(height=150)
    )


def _alerts(authorised: bool) -> None:
    st.subheader(t("quality_alerts_header"))
    alerts = _ops_optional(queries.QUALITY_ALERTS, (ALERTS_SHOWN,))
    if alerts is None or alerts.empty:
        st.success(t("quality_no_alerts"), icon=":material/notifications_off:")
        return
    table = pd.DataFrame({
        "raised_at": _local_column(alerts["raised_at_utc"]).to_numpy(),
        "kind": [code_label("quality_alert_kind", str(kind)) for kind in alerts["kind"]],
        "job_name": alerts["job_name"].to_numpy(),
        "failed_steps": alerts["failed_steps"].to_numpy(),
        "run_id": alerts["run_id"].to_numpy(),
    })
    headers = {"raised_at": "quality_col_raised_at", "kind": "quality_col_kind", "job_name": "quality_col_job",
               "failed_steps": "quality_col_failed_steps", "run_id": "quality_col_run"}
    if authorised:  # messages quote exceptions and notification errors: not for a leader
        table["message"] = alerts["message"].to_numpy()
        table["notified"] = alerts["notified"].to_numpy()
        headers |= {"message": "quality_col_message", "notified": "quality_col_notified"}
    _table(table, headers, "quality_alerts",
           {"raised_at": st.column_config.DatetimeColumn(t("quality_col_raised_at"), format="YYYY-MM-DD HH:mm")})


def _review_flags() -> None:
    """Authorised roles: the review flags of the published build, for the officers who check them."""
    st.subheader(t("quality_flags_header"))
    st.caption(t("quality_flags_caption"))
    try:
        with st.spinner(t("loading")):
            flags = warehouse.query(queries.QUALITY_REVIEW_FLAGS)
    except warehouse.WarehouseTableMissing:  # published before the flags existed: not an error
        st.info(t("quality_flags_absent"), icon=":material/flag:")
        return
    except warehouse.WarehouseError:
        return  # the register below says what is wrong with the warehouse
    if flags.empty:
        st.success(t("quality_flags_none"), icon=":material/check_circle:")
        return
    st.caption(t("quality_flags_count", count=f"{len(flags):,}"))
    english = current_language() == "en"
    table = pd.DataFrame({
        "region": [components.name_text(en if english and not is_missing(en) else zh if not is_missing(zh) else code)
                   for code, zh, en in zip(flags["region_code"], flags["name_zh"], flags["name_en"])],
        "region_code": flags["region_code"].to_numpy(),
        "year": flags["year"].astype("Int64").to_numpy(),
        "rule": [code_label("quality_rule", code) for code in flags["rule_code"]],
        "value": flags["value"].to_numpy(),
        "unit": [code_label("quality_unit", code) for code in flags["indicator"]],  # the unit in the page's language
        "reference_value": flags["reference_value"].to_numpy(),
        "flag_message": flags["message_en" if english else "message_zh"].to_numpy(),
    })
    headers = {"region": "quality_col_region", "region_code": "quality_col_region_code", "year": "quality_col_year",
               "rule": "quality_col_rule", "value": "quality_col_flag_value", "unit": "quality_col_unit",
               "reference_value": "quality_col_reference", "flag_message": "quality_col_flag_message"}
    _table(table, headers, "quality_review_flags", {
        "year": st.column_config.NumberColumn(t("quality_col_year"), format="%d"),
        "value": st.column_config.NumberColumn(t("quality_col_flag_value"), format="%.4g"),
        "reference_value": st.column_config.NumberColumn(t("quality_col_reference"), format="%.4g"),
    })


def _quarantine_register() -> None:
    """Authorised roles: every quarantined row of the published warehouse, searchable."""
    st.subheader(t("quality_register_header"))
    st.caption(t("quality_register_caption"))
    families = components.fetch(queries.QUALITY_QUARANTINE_FAMILIES)
    total = int(families["rows"].sum()) if not families.empty else 0
    codes = [str(code) for code in families["source_family"]]
    search_column, family_column = st.columns([2, 1])
    with search_column:
        search = st.text_input(t("quality_search"), key=SEARCH_KEY).strip()
    with family_column:
        if FAMILIES_KEY in st.session_state and not set(st.session_state[FAMILIES_KEY]) <= set(codes):
            del st.session_state[FAMILIES_KEY]  # a republished warehouse no longer has a family chosen earlier
        chosen = st.multiselect(t("quality_family_filter"), codes, default=codes, key=FAMILIES_KEY,
                                format_func=lambda code: components.name_text(code_label("quality_family", code)))
    rows = components.fetch(queries.QUALITY_QUARANTINE_ROWS, (search, search, tuple(chosen)))
    st.caption(t("quality_register_count", shown=f"{len(rows):,}", total=f"{total:,}"))
    if rows.empty:
        st.info(t("quality_register_empty"))
        return
    table = pd.DataFrame({
        "source_family": [code_label("quality_family", code) for code in rows["source_family"]],
        "source_file": rows["source_file"].to_numpy(),
        "source_sheet": rows["source_sheet"].to_numpy(),
        "source_row": rows["source_row"].astype("Int64").to_numpy(),
        "column_name": rows["column_name"].to_numpy(),
        "value": rows["value"].to_numpy(),
        "category": [code_label("quality_category", reason_category(reason)) for reason in rows["reason"]],
        "reason": rows["reason"].to_numpy(),
    })
    headers = {
        "source_family": "quality_col_family", "source_file": "quality_col_file", "source_sheet": "quality_col_sheet",
        "source_row": "quality_col_row", "column_name": "quality_col_column", "value": "quality_col_value",
        "category": "quality_col_category", "reason": "quality_col_reason",
    }
    _table(table, headers, "quality_quarantine_rows",
           {"source_row": st.column_config.NumberColumn(t("quality_col_row"), format="%d")})
