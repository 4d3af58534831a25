"""What every page shares: loading with a spinner and a message instead of a traceback, the
status vocabulary (colours, icons, the one-line meaning), downloads of every table (CSV and
Excel) and chart data, the region picker, and text made safe for Markdown.

Nothing here renders HTML. A data string (a name, a code, a file or sheet name, a reason) is
shown as one line of plain text: through plain() in elements that render Markdown (titles,
headers, captions, st.markdown, metric labels and values, tab and expander labels, radio
options, badges, alerts), name_text() where text is shown as it is (select-box options, column
headers), chart_text() in plotly figures. Every CSV offered neutralises spreadsheet formulas.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboards import queries, warehouse
from dashboards.i18n import code_label, current_language, is_missing, t
from dashboards.i18n import table as i18n_table
from pipelines import paths
from pipelines.safe_text import neutralise_frame_formulas, one_line



def _status_vocabulary() -> list[dict[str, str]]:
    """The barometer's statuses in display order, from their one home, the dbt seed
    ref_target_statuses (code, order, colours, icon); their words are i18n labels status_<code>."""
    with (paths.SEEDS_DIR / "ref_target_statuses.csv").open(encoding="utf-8", newline="") as handle:
        return sorted(csv.DictReader(handle), key=lambda row: int(row["display_order"]))


_VOCABULARY = _status_vocabulary()
STATUSES = tuple(row["status_code"] for row in _VOCABULARY)
# Counted in the overview's summary line even at 0 (the others only when they occur).
ALWAYS_COUNTED = tuple(row["status_code"] for row in _VOCABULARY if row["always_counted"] == "true")
BADGE_COLOURS = {row["status_code"]: row["badge_colour"] for row in _VOCABULARY}
# Yellow text on a white page cannot be read; a metric's delta uses orange for the yellow state.
DELTA_COLOURS = {code: "orange" if colour == "yellow" else colour for code, colour in BADGE_COLOURS.items()}
# Shapes as well as colours, for readers who cannot tell green from red.
STATUS_ICONS = {row["status_code"]: f":material/{row['icon']}:" for row in _VOCABULARY}
CHART_STATUS_COLOURS = {row["status_code"]: row["chart_colour"] for row in _VOCABULARY}
# A cap target's gap (expected − actual) is headroom under the even-pace path, not growth: its
# delta reads "余量 846.8 万吨标准煤" / "超出 …" with no arrow (an ↑ beside a green figure read as
# consumption rising). Which words: cap_delta_text.
CAP_KIND = "cap"
# A reduction against a level that is not positive (dbt: reduction_is_meaningful): never ranked or coloured.
NOT_MEANINGFUL = "not_meaningful"

# 万 (10⁴), the one display scale of every page: the warehouse stores t, tce, yuan and 10k yuan;
# pages show 万吨 (t / PER_TEN_THOUSAND), 万吨标准煤, 万元 and 亿元 (10k yuan / PER_TEN_THOUSAND).
PER_TEN_THOUSAND = 10_000

REGION_KEY = "region_code"  # shared by every page: a city picked on one page stays picked on the next
PROVINCE_DEFAULT = "620000"  # Gansu, the province this deployment serves first

# Characters that Markdown (and Streamlit's :colour[...] directives) would interpret.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|:~$])")
# What starts a list item when it opens a line ("- a", "+ a", "1. a", "2) a"): plain() text often
# opens a label or a caption. A sign before a digit ("-0.5 pp", "+1.3 %") is a number and stays as
# it is (st.metric reads the sign of its delta).
_LIST_BULLET = re.compile(r"^(\s*)([-+])(?!\d)")
_LIST_NUMBER = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")


def name_text(value: object) -> str:
    """A data string for places that show text as it is (select-box options, column headers): one
    line, control characters and line breaks as spaces (pipelines.safe_text.one_line)."""
    return one_line(value)


def plain(value: object) -> str:
    """A data string made safe for elements that render Markdown (titles, labels, captions,
    metrics, tabs): one line first (so a newline and "# " cannot start a heading and an ESC never
    reaches the page), then every Markdown special character escaped: it shows exactly as written."""
    text = _MARKDOWN_SPECIALS.sub(r"\\\1", one_line(value))
    return _LIST_NUMBER.sub(r"\1\\\2", _LIST_BULLET.sub(r"\1\\\2", text))


def code_text(prefix: str, code: object) -> str:
    """A code from the data for a Markdown element: its label (i18n.code_label) when it has one,
    else the code itself through plain(): an unknown code is data, a label is ours."""
    return code_label(prefix, str(code)) if f"{prefix}_{code}" in i18n_table() else plain(code)


def chart_text(value: object) -> str:
    """A data string for plotly text (legends, labels, hover): one line, and since plotly reads a
    subset of HTML tags there, < > & are written as entities, which it shows as the characters."""
    return html.escape(one_line(value), quote=False)


# --- loading ----------------------------------------------------------------------------------


def fetch(sql: str, params: tuple = (), *, ops: bool = False) -> pd.DataFrame:
    """Run a query from dashboards.queries with a spinner; on a warehouse problem show what to do
    and stop the page (st.stop), so a page never shows a traceback or half its content."""
    try:
        with st.spinner(t("loading")):
            return warehouse.ops_query(sql, params) if ops else warehouse.query(sql, params)
    except warehouse.WarehouseMissing as error:
        if ops:
            st.info(t("ops_missing", path=error.path), icon=":material/database:")
        else:
            st.warning(t("warehouse_missing", path=error.path), icon=":material/database:")
    except warehouse.WarehouseTableMissing as error:
        st.warning(t("table_missing", detail=error.detail.replace("`", "'")), icon=":material/database:")
    except warehouse.WarehouseUnreadable as error:
        st.error(t("warehouse_unreadable", path=error.path), icon=":material/database:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises; this keeps type checkers honest


def published_caption() -> None:
    try:
        st.caption(t("published_at", time=warehouse.published_at().strftime("%Y-%m-%d %H:%M")))
    except warehouse.WarehouseError:
        pass


# --- statuses ---------------------------------------------------------------------------------


def status_legend() -> str:
    """The one line that says what each status means (Markdown; labels only, no data)."""
    entries = [
        f":{BADGE_COLOURS[status]}-badge[{STATUS_ICONS[status]} {t(f'status_{status}')}] {t(f'status_{status}_meaning')}"
        for status in STATUSES
    ]
    return f"{t('legend_intro')} {t('legend_separator').join(entries)}"


def status_badge(status: object) -> None:
    """The status as a coloured badge, its one-line meaning as the tooltip (why "不适用", …)."""
    code = "no_data" if is_missing(status) else str(status)
    meaning = f"status_{code}_meaning"
    # A badge's label renders Markdown: a status the vocabulary does not know is data.
    st.badge(
        code_text("status", code), color=BADGE_COLOURS.get(code, "gray"), icon=STATUS_ICONS.get(code, STATUS_ICONS["no_data"]),
        help=t(meaning) if meaning in i18n_table() else None,
    )


def localized(row: Mapping[str, object], zh: str = "name_zh", en: str = "name_en", fallback: str | None = None) -> str:
    """A name from the data in the session's language, the other language if missing, else the code;
    as one line (a name is a label: select boxes, chart axes and legends show it as it is), still
    to go through plain() on its way into Markdown."""
    preferred, other = (zh, en) if current_language() == "zh" else (en, zh)
    for column in (preferred, other):
        value = row.get(column)
        if not is_missing(value) and str(value).strip():
            return one_line(value)
    return "" if fallback is None else one_line(row.get(fallback, ""))


def unit_label(unit: object, fallback: object = None) -> str:
    """The words for a unit code (i18n labels unit_<code>: 万吨标准煤, 吨 CO₂/万元 ...); else the
    fallback (e.g. the reference table's Chinese display unit); else the code itself."""
    code = "" if is_missing(unit) else str(unit)
    if f"unit_{code}" in i18n_table():
        return t(f"unit_{code}")
    # The fallbacks are data (a reference table's display unit, a code): one line, and plain() in Markdown.
    if not is_missing(fallback) and str(fallback).strip():
        return one_line(fallback)
    return one_line(code)


# --- downloads --------------------------------------------------------------------------------


def labelled(frame: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    """The frame with on-screen headers (label keys looked up in i18n; other columns unchanged)."""
    return frame.rename(columns={column: t(key) for column, key in headers.items() if column in frame.columns})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with empty cells for missing values and a BOM so Excel opens the Chinese correctly.

    A text cell (or header) starting with = + - @ TAB or CR gets a leading apostrophe: opened in
    Excel it would otherwise be a formula (OWASP CSV injection). Numbers stay numbers (-5 is -5).
    """
    return neutralise_frame_formulas(frame).to_csv(index=False, na_rep="").encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    # Excel forbids some characters in sheet names and caps them at 31 characters.
    safe_sheet = re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "data"
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        # strings_to_formulas off: a value like "=HYPERLINK(...)" from a file stays text.
        writer.book.strings_to_formulas = False
        writer.book.strings_to_urls = False
        frame.to_excel(writer, index=False, sheet_name=safe_sheet)
    return buffer.getvalue()


def downloads(frame: pd.DataFrame, name: str, key: str, headers: Mapping[str, str] | None = None) -> None:
    """CSV and Excel buttons for a table (or for the data behind a chart), with on-screen headers.

    The files are built when a button is clicked, not on every rerun (an Excel file of a
    10,000-row table takes seconds). Headers are translated here, in the page's run: the
    callables run later, without the session's language.
    """
    shown = labelled(frame, headers or {})
    # Side by side, each as wide as its label: fits half- and third-width columns too.
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("download_csv"), data=lambda: csv_bytes(shown), file_name=f"{name}.csv", mime="text/csv",
            key=f"{key}_csv", icon=":material/download:", on_click="ignore", width="content",
        )
        st.download_button(
            t("download_excel"), data=lambda: excel_bytes(shown, sheet=name),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx", icon=":material/table:", on_click="ignore", width="content",
        )


# --- region picker ----------------------------------------------------------------------------


def regions() -> pd.DataFrame:
    """Every region of the warehouse: code, names, level, parent, province and the chain of
    ancestors from its province (marts.dim_region, marts.dim_region_ancestors)."""
    return fetch(queries.REGIONS)


def region_label(row: Mapping[str, object]) -> str:
    return localized(row, fallback="region_code") or name_text(row.get("region_code"))


def region_picker(key: str, default: str = PROVINCE_DEFAULT, provinces: tuple[str, ...] | None = None) -> str:
    """Province → city → county select boxes; returns the deepest region chosen.

    The choice is kept under one session key for every page. A `?region=` query parameter
    (a link someone shared) is honoured only when the code exists in the warehouse.
    """
    table = regions()
    by_code = {row["region_code"]: row for row in table.to_dict("records")}
    wanted = st.session_state.get(REGION_KEY)
    linked = st.query_params.get("region")
    if linked in by_code and f"{key}_linked" not in st.session_state:
        wanted = linked
        st.session_state[f"{key}_linked"] = True
    if wanted not in by_code:
        wanted = default if default in by_code else (table["region_code"].iat[0] if not table.empty else None)
    if wanted is None:
        st.info(t("no_regions"))
        st.stop()

    chain = ancestor_chain(wanted, by_code)  # [province, city?, county?]
    province_options = sorted(
        code for code, row in by_code.items()
        if row["level"] == "province" and (provinces is None or code in provinces)
    )
    # Labels computed now: format functions must not read session state (AppTest calls them later).
    labels = {code: region_label(row) for code, row in by_code.items()}
    whole = t("region_whole", name="{name}")
    columns = st.columns(3)
    with columns[0]:
        province = st.selectbox(
            t("region_province"), province_options,
            index=province_options.index(chain[0]) if chain[0] in province_options else 0,
            format_func=lambda code: labels[code], key=f"{key}_province",
        )
    chosen = province
    cities = sorted(code for code, row in by_code.items() if row["parent_code"] == province and row["level"] != "province")
    with columns[1]:
        city = st.selectbox(
            t("region_city"), [None, *cities],
            index=(cities.index(chain[1]) + 1) if len(chain) > 1 and chain[1] in cities else 0,
            format_func=lambda code: whole.format(name=labels[province]) if code is None else labels[code],
            key=f"{key}_city",
        )
    if city is not None:
        chosen = city
        counties = sorted(code for code, row in by_code.items() if row["parent_code"] == city)
        with columns[2]:
            county = st.selectbox(
                t("region_county"), [None, *counties],
                index=(counties.index(chain[2]) + 1) if len(chain) > 2 and chain[2] in counties else 0,
                format_func=lambda code: whole.format(name=labels[city]) if code is None else labels[code],
                key=f"{key}_county",
                disabled=not counties,
            )
        if county is not None:
            chosen = county
    st.session_state[REGION_KEY] = chosen
    return chosen


def ancestor_chain(code: str, by_code: Mapping[str, Mapping[str, object]]) -> list[str]:
    """[province, city?, county?] down to code (REGIONS.ancestor_codes: marts.dim_region_ancestors,
    the hierarchy as dbt walks it); [code] when the code is unknown."""
    chain = by_code.get(code, {}).get("ancestor_codes")
    return [str(c) for c in chain] if chain is not None and len(chain) else [code]


def cap_delta_text(gap: float, quantity: str) -> str:
    """The delta of a cap target: headroom under the even-pace path when gap ≥ 0, else how far over
    it; `quantity` is the gap's size as shown (no sign), e.g. "846.8 万吨标准煤"."""
    return t("delta_cap_headroom" if gap >= 0 else "delta_cap_over", quantity=quantity)


def card(label: str, value: str, *, help: str | None = None, **metric: object) -> None:
    """A bordered card whose label wraps: Streamlit cuts a metric's own label off at one line
    ("总量（不含土地利用变化…"), so the label is a bold Markdown line above the figure, and the metric
    keeps it, collapsed, for screen readers and tests. `label` is Markdown: pass data through plain()."""
    with st.container(border=True):
        st.markdown(f"**{label}**", help=help)
        st.metric(label, value, label_visibility="collapsed", **metric)  # type: ignore[arg-type]
