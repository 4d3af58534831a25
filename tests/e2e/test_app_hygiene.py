"""Publish nothing wrong: a hostile enterprise name is shown as one line of plain text (no Markdown
heading, no terminal escape reaching the page), and every CSV offered keeps formulas as text.

The warehouse is a copy of the sample build in which a few enterprises are renamed: one to a
name with a newline, a Markdown heading and an ESC sequence, four to spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit
from google.protobuf.message import Message

from dashboards import i18n
from dashboards.components import csv_bytes, excel_bytes, plain
from pipelines import paths
from tests.e2e.apptest_helpers import assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "enterprises.py"
HOSTILE_NAME = "某化工厂\n# 标题\x1b[2J"
MARKER = "标题"  # the part of the hostile name that a broken page would show as a heading
FORMULA_NAMES = ("=1+1", "+1", "-1", "@SUM(A1)")
# A Markdown ATX heading: up to three spaces, one to six #, then a space or the end of the line.
HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)", re.MULTILINE)


@pytest.fixture(scope="module")
def hostile_warehouse(sample_warehouse, tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """A copy of the sample build with renamed enterprises: (folder, code of the hostile name,
    {code: formula name}). The five are large emitters of the latest year, so the default search
    (the latest year, the whole province) lists them all."""
    folder = tmp_path_factory.mktemp("hostile") / "warehouse"
    shutil.copytree(sample_warehouse, folder, symlinks=True, ignore=shutil.ignore_patterns("*.lock"))
    # The file an officer's session reads, wherever the publication layout puts it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GHG_WAREHOUSE_DIR", str(folder))
        full = paths.published_path()
    con = duckdb.connect(str(full))
    try:
        codes = [row[0] for row in con.execute("""
            SELECT credit_code FROM marts.fct_enterprise_year
            WHERE year = (SELECT max(year) FROM marts.fct_enterprise_year)
            ORDER BY co2_t DESC, credit_code LIMIT 5""").fetchall()]
        names = dict(zip(codes, (HOSTILE_NAME, *FORMULA_NAMES)))
        tables = con.execute("""
            SELECT table_schema, table_name FROM information_schema.tables AS t
            WHERE table_type = 'BASE TABLE'
              AND EXISTS (SELECT 1 FROM information_schema.columns AS c WHERE c.table_schema = t.table_schema
                          AND c.table_name = t.table_name AND c.column_name = 'enterprise_name')
              AND EXISTS (SELECT 1 FROM information_schema.columns AS c WHERE c.table_schema = t.table_schema
                          AND c.table_name = t.table_name AND c.column_name = 'credit_code')""").fetchall()
        for schema, table in tables:
            for code, name in names.items():
                con.execute(f'UPDATE "{schema}"."{table}" SET enterprise_name = ? WHERE credit_code = ?', [name, code])
    finally:
        con.close()
    return folder, codes[0], {code: names[code] for code in codes[1:]}


@pytest.fixture
def hostile_app(hostile_warehouse, monkeypatch):
    folder, _, _ = hostile_warehouse
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(folder))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return hostile_warehouse


@pytest.fixture
def download_data(monkeypatch) -> dict[str, object]:
    """The data of every download button the page offers, by widget key (the callables are what a
    click would run; AppTest itself does not click downloads)."""
    recorded: dict[str, object] = {}
    original = streamlit.download_button

    def recorder(label, data, *args, **kwargs):
        recorded[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recorder)
    return recorded


def rendered_strings(app) -> list[str]:
    """Every string field of every element and block the page sent (text, labels, options after
    format_func, tab titles, help, column settings). Dataframe and chart data are Arrow bytes, not
    strings: their cells are data, shown as text by the grid, and checked separately."""
    found: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, Message):
            for _, field_value in value.ListFields():
                collect(field_value)
        elif isinstance(value, (bytes, bytearray, int, float, bool)):
            return
        elif hasattr(value, "items"):  # a map field
            for key, item in value.items():
                collect(key)
                collect(item)
        else:  # a repeated field
            for item in value:
                collect(item)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            collect(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


def markdown_values(app) -> list[str]:
    """The elements that render Markdown, as AppTest reads them back."""
    values = [element.value for kind in ("title", "header", "subheader", "markdown", "caption") for element in getattr(app, kind)]
    values += [metric.label for metric in app.metric] + [tab.label for tab in app.tabs]
    return values


def csv_rows(data: object) -> list[list[str]]:
    payload = data() if callable(data) else data
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))


# --- the page -------------------------------------------------------------------------------------


def test_hostile_name_is_one_line_of_plain_text(hostile_app):
    _, code, _ = hostile_app
    app = open_page(PAGE, role="officer", query_params={"credit_code": code})
    assert_no_error(app)
    assert app.selectbox(key="enterprises_pick").value == code

    # The name is still data, unchanged, in the results table (a grid cell is never Markdown).
    results = next(frame.value for frame in app.dataframe if "credit_code" in frame.value.columns)
    assert HOSTILE_NAME in set(results["enterprise_name"])

    shown = rendered_strings(app)
    assert any(MARKER in value for value in shown)
    for value in shown:
        assert "\x1b" not in value, value  # no raw ESC anywhere on the page
        if MARKER in value:
            assert "\n" not in value and "\r" not in value, value  # the name stays on one line
            assert not HEADING.search(value), value  # and never opens a heading
    # The select box shows the name as one line too (its options are not Markdown: no escaping).
    option = i18n.text("enterprises_pick_format", "zh", name="某化工厂 # 标题 [2J", code=code)
    assert option in app.selectbox(key="enterprises_pick").options
    for value in markdown_values(app):
        assert not HEADING.search(value), value
    # The enterprise's title: the name on one line, its "#" and "[" escaped, the ESC a space.
    assert plain(HOSTILE_NAME) == "某化工厂 \\# 标题 \\[2J"
    assert plain(HOSTILE_NAME) in [subheader.value for subheader in app.subheader]


def test_page_csv_downloads_keep_formula_names_as_text(hostile_app, download_data):
    _, _, formulas = hostile_app
    app = open_page(PAGE, role="officer")
    assert_no_error(app)
    rows = csv_rows(download_data["enterprises_results_csv"])
    header, body = rows[0], rows[1:]
    name_column = header.index(i18n.text("enterprises_col_name", "zh"))
    code_column = header.index(i18n.text("enterprises_col_code", "zh"))
    year_column = header.index(i18n.text("col_year", "zh"))
    by_code = {row[code_column]: row for row in body}
    for code, name in formulas.items():
        assert by_code[code][name_column] == "'" + name  # Excel shows the text, never runs it
    assert not any(row[name_column].startswith(("=", "+", "-", "@", "\t", "\r")) for row in body)
    assert all(re.fullmatch(r"\d{4}", row[year_column]) for row in body)  # numbers stay numbers


# --- the download helpers -------------------------------------------------------------------------


def test_csv_bytes_neutralises_formulas_and_keeps_numbers():
    frame = pd.DataFrame({
        "name": ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "某化工厂", None],
        "change_t": [-5, -5, 0, 1, 2, 3, 4],
        "share": [-0.5, None, 0.0, 1.5, 2.0, 3.0, 4.0],
    })
    rows = csv_rows(csv_bytes(frame))
    assert rows[0] == ["name", "change_t", "share"]
    assert [row[0] for row in rows[1:]] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "某化工厂", ""]
    assert [row[1] for row in rows[1:]] == ["-5", "-5", "0", "1", "2", "3", "4"]
    assert [row[2] for row in rows[1:]][:2] == ["-0.5", ""]
    assert frame["name"].iat[0] == "=1+1"  # the frame on screen is not changed by its download


def test_excel_download_still_stores_formulas_as_text():
    frame = pd.DataFrame({"name": ["=1+1", "@SUM(A1)"], "change_t": [-5, 1]})
    with zipfile.ZipFile(io.BytesIO(excel_bytes(frame))) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula cell
    assert "=1+1" in strings and "@SUM(A1)" in strings


@pytest.mark.parametrize("value, shown", [
    (HOSTILE_NAME, "某化工厂 \\# 标题 \\[2J"),
    ("某化工厂\n===", "某化工厂 ==="),  # no setext heading without its line break
    ("- 某厂", "\\- 某厂"), ("+ 某厂", "\\+ 某厂"), ("1. 某厂", "1\\. 某厂"), ("-", "\\-"),  # no list item
    ("-0.5 pp", "-0.5 pp"), ("+1.3 %", "+1.3 %"), ("10.9 %", "10.9 %"),  # signed numbers as they are
    ("<script>alert(1)</script>某化工厂", "\\<script\\>alert(1)\\</script\\>某化工厂"),
])
def test_plain_is_one_line_of_literal_markdown(value, shown):
    assert plain(value) == shown


def test_names_and_chart_text_are_one_line():
    from dashboards.components import chart_text, name_text

    assert name_text(HOSTILE_NAME) == "某化工厂 # 标题 [2J"
    assert chart_text("<b>某厂</b>\n第二行") == "&lt;b&gt;某厂&lt;/b&gt; 第二行"


# --- the MRV page ---------------------------------------------------------------------------------


def test_mrv_page_keeps_hostile_names_as_data(hostile_app, download_data):
    """The renamed enterprises are large emitters, so they are on the newest inclusion list: their
    names reach the page only as dataframe cells, and the list's CSV keeps the formulas as text."""
    _, _, formulas = hostile_app
    app = open_page("mrv.py", role="officer")
    assert_no_error(app)
    for value in rendered_strings(app):
        assert "\x1b" not in value, value
        if MARKER in value:
            assert "\n" not in value and "\r" not in value, value
            assert not HEADING.search(value), value
    for value in markdown_values(app):
        assert not HEADING.search(value), value
    rows = csv_rows(download_data["mrv_inclusion_csv"])
    header, body = rows[0], rows[1:]
    names = {row[header.index(i18n.text("mrv_col_enterprise", "zh"))] for row in body}
    assert {"'" + name for name in formulas.values()} & names  # not vacuous: the formula names are listed
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)
