"""The overview page, rendered by Streamlit's AppTest against a small fixture warehouse."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures.make_marts_fixture import make_marts_fixture

pytestmark = pytest.mark.e2e

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
APP = DASHBOARDS / "app.py"
ENERGY_ZH, CO2_ZH = "单位地区生产总值能耗降低", "单位地区生产总值二氧化碳排放量降低"
ENERGY_EN, CO2_EN = "reduction in energy use per unit of GDP", "reduction in CO2 per unit of GDP"


@pytest.fixture
def warehouse_dir(tmp_path, monkeypatch):
    make_marts_fixture(tmp_path / "ghg.duckdb")
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    return tmp_path


def run_app() -> AppTest:
    # The first run imports altair, pandas and duckdb: more than AppTest's default 3 s on a cold machine.
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics_by_label(app: AppTest) -> dict[str, object]:
    return {metric.label: metric for metric in app.metric}


def badges(app: AppTest) -> list[str]:
    """The status badges under the cards (the legend is one Markdown line holding all four)."""
    return [md.value for md in app.markdown if md.value.startswith(":") and "-badge[" in md.value]


def test_renders_in_chinese_with_both_indicators(warehouse_dir):
    app = run_app()
    assert app.sidebar.radio(key="lang").value == "zh"
    assert "甘肃省" in app.title[0].value and "十三五" in app.title[0].value
    metrics = metrics_by_label(app)
    assert set(metrics) == {ENERGY_ZH, CO2_ZH}
    # Default year: the latest with data (2020: energy reported, CO2 not yet).
    assert app.selectbox(key="overview_year").value == 2020
    assert metrics[ENERGY_ZH].value == "15.3 %"
    assert metrics[ENERGY_ZH].delta == "+1.3 个百分点"
    assert badges(app) == [":green-badge[:material/check_circle: 进度正常]", ":gray-badge[:material/help: 暂无数据]"]
    legend = [md.value for md in app.markdown if md.value.startswith("状态说明")]
    assert len(legend) == 1
    for meaning in ("达到或快于均衡进度", "慢于均衡进度，但好于基年", "差于基年水平", "尚未上报"):
        assert meaning in legend[0]


def test_statuses_appear_per_year(warehouse_dir):
    app = run_app()
    energy, co2 = (frame.value for frame in app.dataframe)
    assert list(energy["year"]) == [2016, 2017, 2018, 2019, 2020]
    assert list(energy["status"]) == ["进度正常", "进度正常", "进度正常", "进度滞后", "进度正常"]
    assert list(co2["status"]) == ["进度正常", "进度滞后", "进度滞后", "进度正常", "暂无数据"]
    app.selectbox(key="overview_year").set_value(2017).run()
    assert not app.exception
    metrics = metrics_by_label(app)
    assert metrics[CO2_ZH].value == "6.2 %"
    assert metrics[CO2_ZH].delta == "-1.0 个百分点"
    assert ":yellow-badge[:material/schedule: 进度滞后]" in badges(app)


def test_no_data_is_a_dash_not_zero(warehouse_dir):
    app = run_app()
    co2_card = metrics_by_label(app)[CO2_ZH]
    assert co2_card.value == "—"
    assert co2_card.delta == "—"
    co2_table = app.dataframe[1]
    last = co2_table.value.iloc[-1]
    assert last["year"] == 2020
    # Missing in the data, missing on screen: NaN in the frame, drawn as the placeholder dash.
    assert last[["actual_pct", "gap_pp"]].isna().all()
    assert co2_table.proto.placeholder == "—"


def test_switching_to_english_changes_labels_and_keeps_the_year(warehouse_dir):
    app = run_app()
    app.selectbox(key="overview_year").set_value(2018).run()
    zh_title = app.title[0].value
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value != zh_title
    assert "13th Five-Year Plan" in app.title[0].value
    assert set(metrics_by_label(app)) == {ENERGY_EN, CO2_EN}
    assert metrics_by_label(app)[ENERGY_EN].delta == "+2.0 pp"
    assert app.selectbox(key="overview_year").label == "Year"
    assert app.selectbox(key="overview_year").value == 2018
    assert list(app.dataframe[1].value["status"]) == ["on track", "behind pace", "behind pace", "on track", "no data"]
    assert [button.label for button in app.download_button] == ["Download CSV", "Download CSV"]
    # And back.
    app.sidebar.radio(key="lang").set_value("zh").run()
    assert app.title[0].value == zh_title


def test_a_new_publication_is_read_on_the_next_rerun(warehouse_dir):
    import duckdb

    app = run_app()
    assert metrics_by_label(app)[ENERGY_ZH].value == "15.3 %"
    # Publish the way the job does: build a new file beside it, then swap it in with os.replace.
    build = make_marts_fixture(warehouse_dir / "build" / "next.duckdb")
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE marts.fct_target_progress SET actual_value = 0.16 WHERE indicator_code = 'energy_intensity_reduction' AND year = 2020")
    os.replace(build, warehouse_dir / "ghg.duckdb")
    app.run()
    assert not app.exception
    assert metrics_by_label(app)[ENERGY_ZH].value == "16.0 %"


def test_missing_warehouse_shows_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path / "nothing-here"))
    app = run_app()
    assert len(app.warning) == 1
    assert "make build" in app.warning[0].value
    assert str(tmp_path / "nothing-here" / "ghg.duckdb") in app.warning[0].value
    assert not app.metric


def test_warehouse_without_the_table_shows_how_to_rebuild(tmp_path, monkeypatch):
    import duckdb

    with duckdb.connect(str(tmp_path / "ghg.duckdb")) as con:
        con.execute("CREATE SCHEMA marts")
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    app = run_app()
    assert "make build" in app.warning[0].value


def test_download_is_the_yearly_table_as_csv(warehouse_dir):
    # The download button's payload is not exposed by AppTest; check the function that builds it.
    app = run_app()
    from dashboards.views import overview

    table = app.dataframe[1].value
    data = overview.yearly_csv(table, "zh").decode("utf-8-sig").splitlines()
    rows = list(csv.reader(data))
    assert rows[0] == ["年份", "实际（%）", "均衡进度（%）", "差距（百分点）", "状态"]
    assert rows[-1][0] == "2020" and rows[-1][1] == "" and rows[-1][3] == "" and rows[-1][4] == "暂无数据"


def test_every_label_is_in_both_languages_and_every_used_label_exists():
    from dashboards import i18n

    labels = i18n.table()
    assert all(entry["zh"] and entry["en"] for entry in labels.values())
    used = set()
    for source in DASHBOARDS.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']""", source.read_text(encoding="utf-8")))
    assert used and used <= set(labels), sorted(used - set(labels))


def test_page_code_never_renders_html_nor_formats_sql():
    for source in DASHBOARDS.rglob("*.py"):
        code = source.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in code, source
        assert "st.html" not in code, source
    from dashboards import queries

    for name in dir(queries):
        if name.isupper():
            sql = getattr(queries, name)
            assert "{" not in sql and "%s" not in sql and "?" in sql, name
