"""The enterprises and compliance page (officers and analysts only), rendered by AppTest against
one build of the bundled sample; expected values are read from the same build with DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import i18n
from dashboards.components import plain
from dashboards.views.enterprises import like_pattern
from tests.e2e.apptest_helpers import APP, all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "enterprises.py"
SCRIPT_NAME = "<script>alert(1)</script>某化工厂"


def sample_rows(folder: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(folder / "ghg.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def latest_year(folder: Path) -> int:
    return sample_rows(folder, "SELECT max(year) FROM marts.fct_enterprise_year")[0][0]


def frame_with(app: AppTest, column: str):
    """The first dataframe on the page that has `column` (the page has several tables)."""
    for frame in app.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no dataframe with column {column!r}")


def markdown_values(app: AppTest) -> list[str]:
    """Every element that renders Markdown: titles, headers, subheaders, markdown, captions."""
    return [element.value for kind in ("title", "header", "subheader", "markdown", "caption") for element in getattr(app, kind)]


def charts(app: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each Vega-Lite chart on the page: its spec and its data (AppTest has no accessor for them)."""
    found = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "vega_lite_chart":
            dataset = node.proto.datasets[0].data.data
            found.append((json.loads(node.proto.spec), pa.ipc.open_stream(dataset).read_pandas()))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


def column_labels(app: AppTest) -> set[str]:
    """The on-screen headers of every dataframe (st.column_config labels, JSON in the proto)."""
    return {
        config["label"]
        for frame in app.dataframe
        for config in json.loads(frame.proto.columns).values()
        if config.get("label")
    }


def search(app: AppTest, text: str) -> AppTest:
    app.text_input(key="enterprises_search").input(text).run()
    assert_no_error(app)
    return app


# --- pure helpers ---------------------------------------------------------------------------------


def test_like_pattern_escapes_wildcards():
    assert like_pattern(" 化工 ") == "%化工%"
    assert like_pattern("100%") == "%100\\%%"
    assert like_pattern("a_b") == "%a\\_b%"
    assert like_pattern("a\\b") == "%a\\\\b%"


# --- roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_authorised_roles_see_the_page(sample_app, role):
    app = open_page(PAGE, role=role)
    assert_no_error(app)
    assert app.title[0].value == i18n.text("enterprises_title", "zh")
    assert len(app.metric) == 5
    results = frame_with(app, "credit_code")
    year = latest_year(sample_app)
    assert set(results["year"]) == {year}  # the latest reporting year by default
    expected = sample_rows(sample_app, "SELECT count(*) FROM marts.fct_enterprise_year WHERE year = ?", [year])[0][0]
    assert len(results) == expected


def test_leader_cannot_switch_to_the_page_even_with_hostile_links(sample_app):
    everyone = sample_rows(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year")
    code, _ = next(row for row in everyone if row[1] == SCRIPT_NAME)
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state["role"] = "leader"
    app.query_params["credit_code"] = code
    app.query_params["region"] = "620402"
    app.run()
    assert_no_error(app)
    with pytest.raises(ValueError):
        app.switch_page(f"page_scripts/{PAGE}")
    shown = all_text(app)
    for credit_code, name in everyone:
        assert credit_code not in shown
        assert name not in shown


def _render_enterprises_page() -> None:
    """An AppTest script: the view's render() on its own, without app.py's navigation."""
    from dashboards.views import enterprises

    enterprises.render()


@pytest.fixture
def recorded_queries(monkeypatch):
    """Every query the pages send to the warehouse or the operations store in this test."""
    from dashboards import warehouse

    calls: list[str] = []
    original_query, original_ops = warehouse.query, warehouse.ops_query

    def query(sql, params=()):
        calls.append(sql)
        return original_query(sql, params)

    def ops_query(sql, params=()):
        calls.append(sql)
        return original_ops(sql, params)

    monkeypatch.setattr(warehouse, "query", query)
    monkeypatch.setattr(warehouse, "ops_query", ops_query)
    return calls


def test_render_refuses_a_leader_before_any_query(sample_app, recorded_queries):
    everyone = sample_rows(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year")
    app = AppTest.from_function(_render_enterprises_page, default_timeout=90)
    app.session_state["role"] = "leader"
    app.query_params["credit_code"] = everyone[0][0]
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert [error.value for error in app.error] == [i18n.text("not_authorised", "zh")]
    assert recorded_queries == []
    assert not app.dataframe and not app.metric
    shown = all_text(app)
    for credit_code, name in everyone:
        assert credit_code not in shown and name not in shown

    # The same script in an officer's session does query: the recorder above would have seen it.
    officer = AppTest.from_function(_render_enterprises_page, default_timeout=90)
    officer.session_state["role"] = "officer"
    officer.run()
    assert_no_error(officer)
    assert recorded_queries


# --- search ---------------------------------------------------------------------------------------


def test_search_finds_known_enterprises_by_name_and_code(sample_app):
    year = latest_year(sample_app)
    # The largest emitter of the latest year, and one with letters in its code (searched in lower case).
    (big_code, big_name), = sample_rows(sample_app, """
        SELECT credit_code, enterprise_name FROM marts.fct_enterprise_year
        WHERE year = ? ORDER BY co2_t DESC LIMIT 1""", [year])
    (lettered_code, lettered_name), = sample_rows(sample_app, """
        SELECT credit_code, enterprise_name FROM marts.fct_enterprise_year
        WHERE year = ? AND regexp_matches(credit_code, '[A-Z]{3}') ORDER BY credit_code LIMIT 1""", [year])

    app = search(open_page(PAGE, role="officer"), big_name[2:-2])
    results = frame_with(app, "credit_code")
    assert big_code in set(results["credit_code"])
    assert all(big_name[2:-2] in name for name in results["enterprise_name"])

    search(app, lettered_code.lower())
    results = frame_with(app, "credit_code")
    assert list(results["credit_code"]) == [lettered_code]
    assert list(results["enterprise_name"]) == [lettered_name]


def test_search_wildcards_match_literally(sample_app):
    # No name or code contains % or _: an unescaped pattern would match every enterprise instead.
    literal = sample_rows(sample_app, """
        SELECT count(*) FROM marts.fct_enterprise_year
        WHERE contains(enterprise_name, '%') OR contains(enterprise_name, '_') OR contains(credit_code, '_')""")[0][0]
    assert literal == 0
    app = open_page(PAGE, role="officer")
    for text in ("%", "_", "%%"):
        search(app, text)
        assert not any("credit_code" in frame.value.columns for frame in app.dataframe)
        assert i18n.text("enterprises_no_results", "zh") in [info.value for info in app.info]


def test_filters_match_the_marts(sample_app):
    year = latest_year(sample_app)
    expected = {row[0] for row in sample_rows(sample_app, """
        SELECT DISTINCT e.credit_code
        FROM marts.fct_enterprise_year AS e
        JOIN marts.fct_ets_compliance AS c ON c.credit_code = e.credit_code AND c.compliance_year = e.year
        WHERE e.year = ? AND e.in_ets AND e.review_flag_count > 0 AND c.status = 'shortfall'""", [year])}
    assert expected  # the sample has flagged enterprises with a shortfall
    app = open_page(PAGE, role="officer")
    app.checkbox(key="enterprises_flagged").check()
    app.checkbox(key="enterprises_ets").check()
    app.selectbox(key="enterprises_compliance").set_value("shortfall")
    app.run()
    assert_no_error(app)
    results = frame_with(app, "credit_code")
    assert set(results["credit_code"]) == expected
    assert set(results["compliance_status"]) == {i18n.text("enterprises_compliance_shortfall", "zh")}
    assert (results["review_flag_count"] > 0).all()


def test_script_named_enterprise_is_shown_as_text(sample_app):
    (code,), = sample_rows(sample_app, "SELECT DISTINCT credit_code FROM marts.fct_enterprise_year WHERE enterprise_name = ?", [SCRIPT_NAME])
    app = search(open_page(PAGE, role="officer"), "化工")
    results = frame_with(app, "credit_code")
    assert SCRIPT_NAME in set(results["enterprise_name"])  # a dataframe cell: text, never HTML

    app.selectbox(key="enterprises_pick").set_value(code).run()
    assert_no_error(app)
    assert plain(SCRIPT_NAME) in [subheader.value for subheader in app.subheader]
    assert "\\<script\\>" in plain(SCRIPT_NAME)
    for value in markdown_values(app):
        assert "<script>" not in value


# --- one enterprise -------------------------------------------------------------------------------


def test_report_history_of_a_rechecked_enterprise_in_order(sample_app):
    (code, year), = sample_rows(sample_app, """
        SELECT credit_code, year FROM marts.fct_enterprise_report_version
        GROUP BY credit_code, year HAVING count(*) = 3 ORDER BY credit_code, year LIMIT 1""")
    versions = sample_rows(sample_app, """
        SELECT data_status, submitted_on, co2_t, is_authoritative FROM marts.fct_enterprise_report_version
        WHERE credit_code = ? AND year = ?""", [code, year])
    by_status = {row[0]: row for row in versions}
    app = open_page(PAGE, role="officer", query_params={"credit_code": code})
    assert_no_error(app)
    assert app.selectbox(key="enterprises_pick").value == code

    history = frame_with(app, "submitted_on")
    assert list(history["year"]) == sorted(history["year"])
    rows = history[history["year"] == year]
    labels = {status: i18n.text(f"enterprises_data_status_{status}", "zh") for status in ("reported", "verified", "rechecked")}
    assert list(rows["data_status"]) == [labels["reported"], labels["verified"], labels["rechecked"]]
    assert list(rows["submitted_on"]) == [by_status[status][1] for status in ("reported", "verified", "rechecked")]
    assert list(rows["is_authoritative"]) == [by_status[status][3] for status in ("reported", "verified", "rechecked")]
    assert list(rows["is_authoritative"]) == [False, False, True]  # the re-check wins
    assert list(rows["co2_t"]) == [round(by_status[status][2], 1) for status in ("reported", "verified", "rechecked")]
    # The differences between versions: none for the first, then each against the one before.
    changes = list(rows["change_t"])
    assert changes[0] != changes[0]  # NaN: the first version has nothing to differ from
    assert changes[1] == pytest.approx(by_status["verified"][2] - by_status["reported"][2], abs=0.06)
    assert changes[2] == pytest.approx(by_status["rechecked"][2] - by_status["verified"][2], abs=0.06)
    # The chart: every version's CO2 in 万吨, with the unit on the axis.
    (spec, data), = charts(app)
    assert spec["encoding"]["y"]["title"] == i18n.text("enterprises_chart_axis_co2", "zh")
    chart_rows = data[data["year"] == year]
    assert list(chart_rows["version"]) == list(rows["data_status"])
    assert list(chart_rows["co2_10kt"]) == pytest.approx([by_status[s][2] / 10_000 for s in ("reported", "verified", "rechecked")], abs=1e-4)
    assert len(data) == len(history)


def test_compliance_numbers_match_the_mart(sample_app):
    # The enterprise-year with the largest shortfall.
    (code, year, shortfall_t, low_yuan, high_yuan, verified_t, allowances_t, offsets_t), = sample_rows(sample_app, """
        SELECT credit_code, compliance_year, shortfall_t, penalty_low_yuan, penalty_high_yuan,
               verified_emissions_t, allowances_t, offsets_t
        FROM marts.fct_ets_compliance WHERE status = 'shortfall' ORDER BY shortfall_t DESC LIMIT 1""")
    statuses = dict(sample_rows(sample_app, """
        SELECT compliance_year, status FROM marts.fct_ets_compliance WHERE credit_code = ?""", [code]))
    app = open_page(PAGE, role="officer", query_params={"credit_code": code})
    assert_no_error(app)
    compliance = frame_with(app, "penalty_low_yuan")
    row = compliance[compliance["compliance_year"] == year].iloc[0]
    assert row["shortfall_t"] == round(shortfall_t, 1)
    assert row["penalty_low_yuan"] == round(low_yuan)
    assert row["penalty_high_yuan"] == round(high_yuan)
    assert row["verified_emissions_t"] == round(verified_t, 1)
    assert row["allowances_t"] == round(allowances_t, 1)
    assert row["offsets_t"] == round(offsets_t, 1)
    assert row["status"] == i18n.text("enterprises_compliance_shortfall", "zh")
    assert len(compliance) == len(statuses)

    markdown = [md.value for md in app.markdown]
    for compliance_year, status in statuses.items():
        label = i18n.text("enterprises_compliance_badge", "zh", year=compliance_year, status=i18n.text(f"enterprises_compliance_{status}", "zh"))
        assert any(label in value and value.startswith(f":{'red' if status == 'shortfall' else 'green' if status == 'compliant' else 'gray'}-badge[") for value in markdown)
    legend = [value for value in markdown if value.startswith(i18n.text("enterprises_compliance_legend_intro", "zh"))]
    assert legend
    for status in ("compliant", "shortfall", "no_data"):
        assert i18n.text(f"enterprises_compliance_{status}_meaning", "zh") in legend[0]
    penalty = i18n.text("enterprises_penalty_range", "zh", shortfall=f"{shortfall_t:,.0f}", low=f"{low_yuan:,.0f}", high=f"{high_yuan:,.0f}")
    assert penalty in [caption.value for caption in app.caption]


def test_overview_cards_match_the_mart(sample_app):
    year = latest_year(sample_app)
    enterprises, flagged = sample_rows(sample_app, """
        SELECT count(DISTINCT credit_code), count(DISTINCT credit_code) FILTER (WHERE review_flag_count > 0)
        FROM marts.fct_enterprise_year WHERE year = ?""", [year])[0]
    in_shortfall, shortfall_t, low_yuan, high_yuan = sample_rows(sample_app, """
        SELECT count(DISTINCT credit_code) FILTER (WHERE status = 'shortfall'), sum(shortfall_t),
               sum(penalty_low_yuan), sum(penalty_high_yuan)
        FROM marts.fct_ets_compliance WHERE compliance_year = ?""", [year])[0]
    app = open_page(PAGE, role="officer")
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards[i18n.text("enterprises_metric_enterprises", "zh")] == f"{enterprises:,}"
    assert cards[i18n.text("enterprises_metric_flagged", "zh")] == f"{flagged:,}"
    assert cards[i18n.text("enterprises_metric_shortfall", "zh")] == f"{in_shortfall:,}"
    assert cards[i18n.text("enterprises_metric_shortfall_total", "zh")] == f"{shortfall_t / 10_000:,.2f}"
    assert cards[i18n.text("enterprises_metric_penalty", "zh")] == f"{low_yuan / 10_000:,.1f}～{high_yuan / 10_000:,.1f}"


def test_english_labels_and_downloads(sample_app):
    (code,), = sample_rows(sample_app, """
        SELECT credit_code FROM marts.fct_ets_compliance WHERE status = 'shortfall'
        ORDER BY shortfall_t DESC LIMIT 1""")
    app = open_page(PAGE, role="analyst", lang="en", query_params={"credit_code": code})
    assert_no_error(app)
    assert app.title[0].value == "Key emitters and carbon-market compliance"
    assert {metric.label for metric in app.metric} == {
        "Enterprises (count)", "With review flags (enterprises)", "With a shortfall (enterprises)",
        "Total shortfall (10,000 t CO₂)", "Estimated penalties (10,000 yuan)",
    }
    assert app.text_input(key="enterprises_search").label == "Enterprise name or unified social credit code"
    assert [tab.label for tab in app.tabs] == ["Report versions", "Review flags", "Source files", "Carbon-market compliance"]
    headers = column_labels(app)
    for label in ("Enterprise", "Emissions (10,000 t CO₂)", "Emissions (t CO₂)", "Shortfall (t CO₂)", "Penalty, low (yuan)", "Penalty price (yuan/t)", "Submitted on"):
        assert label in headers
    assert not any("\u4e00" <= character <= "\u9fff" for label in headers for character in label)  # no Chinese header left
    (spec, _), = charts(app)
    assert spec["encoding"]["y"]["title"] == "Emissions (10,000 t CO₂)"
    shown = all_text(app)
    for chinese in ("报告年度", "履约状态", "罚款估算"):
        assert chinese not in shown
    assert frame_with(app, "penalty_low_yuan")["status"].isin(["compliant", "shortfall", "no verified data"]).all()

    keys = {button.key for button in app.get("download_button")}
    for table in ("enterprises_results", "enterprises_versions", "enterprises_chart", "enterprises_sources", "enterprises_compliance_table"):
        assert {f"{table}_csv", f"{table}_xlsx"} <= keys
    labels = {button.label for button in app.get("download_button")}
    assert labels == {"Download CSV", "Download Excel"}


def test_review_flags_are_listed_with_their_meaning(sample_app):
    (code,), = sample_rows(sample_app, """
        SELECT credit_code FROM marts.fct_enterprise_report_version
        WHERE review_flags LIKE '%unit_slip_x1000%' ORDER BY credit_code LIMIT 1""")
    flagged = sample_rows(sample_app, """
        SELECT year, data_status, unnest(string_split(review_flags, '|')) AS flag
        FROM marts.fct_enterprise_report_version WHERE credit_code = ? AND review_flags <> ''
        ORDER BY year, CASE data_status WHEN 'reported' THEN 1 WHEN 'verified' THEN 2 ELSE 3 END""", [code])
    app = open_page(PAGE, role="officer", query_params={"credit_code": code})
    assert_no_error(app)
    table = frame_with(app, "meaning")
    zh = lambda key: i18n.text(key, "zh")  # noqa: E731
    assert [tuple(row) for row in table[["year", "data_status", "flag", "meaning"]].itertuples(index=False)] == [
        (year, zh(f"enterprises_data_status_{status}"), zh(f"enterprises_flag_{flag}"), zh(f"enterprises_flag_{flag}_meaning"))
        for year, status, flag in flagged
    ]
    assert {f"enterprises_flags_{kind}" for kind in ("csv", "xlsx")} <= {button.key for button in app.get("download_button")}
