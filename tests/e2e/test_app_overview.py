"""The overview page (晴雨表), rendered by Streamlit's AppTest.

Most tests read one build of the bundled sample (`sample_app`): Gansu's 17 plan indicators,
its cities' targets, Beijing's three targets without data. A few use the small fixture warehouse
(tests/fixtures/make_marts_fixture.py), which they can republish or remove.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page
from tests.fixtures.make_marts_fixture import make_marts_fixture

pytestmark = pytest.mark.e2e

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
PAGE = "overview.py"
GANSU, LANZHOU, CHENGGUAN, BEIJING = "620000", "620100", "620102", "110000"
PLAN = "13th_fyp_2016_2020"
STATUS_ZH = {
    "green": "进度正常", "yellow": "进度滞后", "red": "差于基年", "missed": "未完成", "not_meaningful": "不适用", "no_data": "暂无数据",
}
LINXIA = "622900"
ENERGY_ZH, CO2_ZH = "单位地区生产总值能耗降低", "单位地区生产总值二氧化碳排放量降低"


def _read(folder: Path, sql: str, params: list | None = None, public: bool = True):
    """A query against the sample build (the leader's public file by default), read-only."""
    name = "ghg_public.duckdb" if public else "ghg.duckdb"
    with duckdb.connect(str(folder / name), read_only=True) as con:
        return con.execute(sql, params or []).df()


def _progress(folder: Path, region: str, year: int):
    return _read(
        folder,
        "SELECT indicator_code, name_zh, name_en, unit, actual_value, gap, status FROM marts.fct_target_progress "
        "WHERE region_code = ? AND plan_period = ? AND year = ? ORDER BY indicator_code",
        [region, PLAN, year],
    )


def card_badges(app) -> list[str]:
    """The status badge under each card (the legend is one Markdown line holding all four)."""
    return [md.value for md in app.markdown if md.value.startswith(":") and "-badge[" in md.value]


def badge_word(badge: str) -> str:
    """":green-badge[:material/check_circle: 进度正常]" -> "进度正常"."""
    match = re.fullmatch(r":[a-z]+-badge\[:material/[a-z_]+: (.+)\]", badge)
    assert match, badge
    return match.group(1)


def summary(app) -> str:
    """The count line above the cards."""
    lines = [md.value for md in app.markdown if re.match(r"\*\*\d+ (项指标|indicators)\*\*", md.value)]
    assert len(lines) == 1, lines
    return lines[0]


# --- the sample build -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "officer", "analyst"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_role_renders_the_cards_legend_and_table(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    assert len(app.metric) == 17
    legend = [md.value for md in app.markdown if md.value.startswith("状态说明" if lang == "zh" else "Status:")]
    assert len(legend) == 1
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == 17
    # CSV and Excel under the table and under each of the two headline path charts, and the
    # leaders' briefing (PDF and Excel, from the public file) for every role.
    assert len(app.download_button) == 8
    briefing_labels = {"zh": ("下载简报（PDF）", "下载简报（Excel）"), "en": ("Download the briefing (PDF)", "Download the briefing (Excel)")}
    assert (app.download_button(key="overview_briefing_pdf").label,
            app.download_button(key="overview_briefing_excel").label) == briefing_labels[lang]
    assert len(app.get("vega_lite_chart")) == 2


def test_gansu_2018_shows_all_17_indicators_with_their_statuses(sample_app):
    """The issue's acceptance point: a leader's overview for Gansu 2018 shows all 17 indicators with statuses."""
    app = open_page(PAGE, role="leader")
    assert app.selectbox(key="overview_year").value == 2020  # default: the latest year with data
    app.selectbox(key="overview_year").set_value(2018).run()
    assert_no_error(app)
    assert "甘肃省" in app.header[0].value and "2018年" in app.header[0].value and "十三五" in app.header[0].value

    expected = _progress(sample_app, GANSU, 2018)
    assert len(expected) == 17
    labels = [metric.label for metric in app.metric]
    badges = card_badges(app)
    assert sorted(labels) == sorted(expected["name_zh"])
    assert len(badges) == 17
    # Each card's badge is its indicator's status of 2018 (badges follow the cards' order).
    status_of = dict(zip(expected["name_zh"], expected["status"]))
    assert [badge_word(badge) for badge in badges] == [STATUS_ZH[status_of[label]] for label in labels]

    counts = Counter(expected["status"])
    assert summary(app) == (
        f"**17 项指标**：{counts['green']} 项进度正常 · {counts['yellow']} 项进度滞后 · "
        f"{counts['red']} 项差于基年 · {counts['no_data']} 项暂无数据"
    )
    assert counts["green"] == 11 and counts["yellow"] == 6

    metrics = {metric.label: metric for metric in app.metric}
    row = expected.set_index("indicator_code")
    energy = row.loc["energy_intensity_reduction"]
    assert metrics[ENERGY_ZH].value == f"{energy.actual_value * 100:.1f} %"
    assert metrics[ENERGY_ZH].delta == f"{energy.gap * 100:+.1f} 个百分点"
    # An absolute indicator in the unit of the plan: tce shown in 万吨标准煤.
    total = row.loc["total_energy_consumption"]
    # The unit is in the card's label (a wrapping line above it), so the figure itself stays short.
    assert metrics["能源消费总量"].value == f"{total.actual_value / 1e4:,.1f}"
    assert "**能源消费总量（万吨标准煤）**" in [md.value for md in app.markdown]
    # A cap's gap is headroom under the path (or how far over it), never a signed "growth".
    words = "余量" if total.gap >= 0 else "超出"
    assert metrics["能源消费总量"].delta == f"{words} {abs(total.gap) / 1e4:,.1f}"
    assert "**森林面积增加（万公顷）**" in [md.value for md in app.markdown]

    table = app.dataframe[0].value
    assert list(table["status"]) == [STATUS_ZH[status_of[name]] for name in table["indicator"]]
    by_name = table.set_index("indicator")
    assert by_name.loc["能源消费总量", "unit"] == "万吨标准煤"
    assert by_name.loc["能源消费总量", "actual"] == pytest.approx(round(total.actual_value / 1e4, 2))
    assert by_name.loc[ENERGY_ZH, "gap_unit"] == "个百分点"


def test_a_target_missed_in_its_final_year_is_red_and_says_so(sample_app):
    """Gansu's natural-gas share (6.5 % in 2020 with LNG and every balance column; 6.3 % before,
    against "> 10 %") was behind pace on the way; in
    2020, the target year, it is missed: a red 未完成 badge, not a yellow "behind pace"."""
    expected = _progress(sample_app, GANSU, 2020).set_index("indicator_code")
    assert expected.at["natural_gas_share", "status"] == "missed"
    assert expected.at["natural_gas_share", "actual_value"] == pytest.approx(0.065, abs=0.0005)
    app = open_page(PAGE, role="leader")  # the latest year: 2020
    assert_no_error(app)
    name = expected.at["natural_gas_share", "name_zh"]
    badges = dict(zip([metric.label for metric in app.metric], card_badges(app)))
    assert badges[name].startswith(":red-badge[") and badge_word(badges[name]) == "未完成"
    counts = Counter(expected["status"])
    assert summary(app) == (
        f"**17 项指标**：{counts['green']} 项进度正常 · {counts['yellow']} 项进度滞后 · "
        f"{counts['red']} 项差于基年 · {counts['missed']} 项未完成 · {counts['no_data']} 项暂无数据"
    )
    assert counts["yellow"] == 0  # in the target year nothing is "behind pace" any more
    table = app.dataframe[0].value.set_index("indicator")
    assert table.at[name, "status"] == "未完成"
    legend = next(md.value for md in app.markdown if md.value.startswith("状态说明"))
    assert "未完成" in legend and "不适用" in legend


def test_a_reduction_that_is_not_meaningful_is_grey_with_the_reason(not_meaningful_app):
    """临夏's CO2 intensity against a base that is not positive: no figure, a grey 不适用 badge whose
    tooltip says why, counted apart in the summary line."""
    app = open_page(PAGE, query_params={"region": LINXIA})
    assert_no_error(app)
    assert app.selectbox(key="overview_year").value == 2020
    values = {metric.label: metric.value for metric in app.metric}
    assert values[CO2_ZH] == "—"
    badges = dict(zip([metric.label for metric in app.metric], card_badges(app)))
    assert badges[CO2_ZH].startswith(":gray-badge[") and badge_word(badges[CO2_ZH]) == "不适用"
    badge = next(md for md in app.markdown if md.value == badges[CO2_ZH])
    assert "不为正" in badge.proto.help
    assert "1 项不适用" in summary(app)
    table = app.dataframe[0].value.set_index("indicator")
    assert table.at[CO2_ZH, "status"] == "不适用" and pd.isna(table.at[CO2_ZH, "actual"])


def test_switching_to_english_changes_labels(sample_app):
    zh = open_page(PAGE, lang="zh")
    en = open_page(PAGE, lang="en")
    assert_no_error(en)
    assert en.title[0].value != zh.title[0].value
    assert "13th Five-Year Plan" in en.header[0].value
    expected = _progress(sample_app, GANSU, 2020)
    assert sorted(metric.label for metric in en.metric) == sorted(expected["name_en"])
    assert summary(en).startswith("**17 indicators**: ")
    words = {badge_word(badge) for badge in card_badges(en)}
    assert words <= {"on track", "behind pace", "worse than base year", "missed", "not meaningful", "no data"}
    assert "missed" in words  # 2020 is the target year: the natural-gas share target was missed
    assert en.selectbox(key="overview_year").label == "Year"
    labels = [md.value for md in en.markdown]
    assert {"**Total energy consumption (10,000 tce)**", "**Forest area increase (10,000 ha)**"} <= set(labels), labels
    assert [button.label for button in en.download_button][:2] == ["Download CSV", "Download Excel"]
    assert en.dataframe[0].value["category"].iloc[0] == "Overall"


def test_choosing_a_city_shows_that_citys_indicators(sample_app):
    app = open_page(PAGE)
    app.selectbox(key="overview_city").set_value(LANZHOU).run()
    assert_no_error(app)
    assert "兰州市" in app.header[0].value
    expected = _progress(sample_app, LANZHOU, 2020)
    assert len(expected) == 2
    metrics = {metric.label: metric for metric in app.metric}
    assert set(metrics) == set(expected["name_zh"])
    for row in expected.itertuples():
        assert metrics[row.name_zh].value == f"{row.actual_value * 100:.1f} %"
    assert app.session_state["region_code"] == LANZHOU


def _uncertainty(folder: Path, region: str, year: int):
    """The CO2-intensity reduction's half-width and robustness as dbt wrote them (leader's file)."""
    return _read(
        folder,
        "SELECT reduction_half_width_pp, status_beyond_uncertainty FROM marts.fct_target_uncertainty "
        "WHERE region_code = ? AND indicator_code = 'co2_intensity_reduction' AND plan_period = ? AND year = ?",
        [region, PLAN, year],
    ).iloc[0]


def test_the_co2_intensity_card_shows_the_uncertainty_and_whether_the_status_is_beyond_it(sample_app):
    """Issue 14: "±x.x 个百分点" beside the intensity reductions; Gansu's 2018 CO2-intensity gap to the
    path (under 1 pp) is inside the half-width, so the card says the status is within the
    uncertainty, as does every other reduction card within its own; 嘉峪关's CO2- and
    energy-intensity gaps (5-9 pp behind) are beyond theirs: no note."""
    app = open_page(PAGE)
    app.selectbox(key="overview_year").set_value(2018).run()
    assert_no_error(app)
    gansu = _uncertainty(sample_app, GANSU, 2018)
    assert not gansu.status_beyond_uncertainty
    captions = [caption.value for caption in app.caption]
    assert f"±{gansu.reduction_half_width_pp:.1f} 个百分点（清单不确定性，95 %）" in captions
    # one note per reduction card whose status is within its half-width (CO2 and energy intensity
    # in 2018; the industry intensities are beyond theirs)
    within = _read(
        sample_app,
        "SELECT count(*) AS n FROM marts.fct_target_uncertainty "
        "WHERE region_code = ? AND plan_period = ? AND year = ? AND NOT status_beyond_uncertainty",
        [GANSU, PLAN, 2018],
    ).iloc[0].n
    assert within >= 2
    assert captions.count("进度判断在不确定性范围内") == within

    app.selectbox(key="overview_city").set_value("620200").run()
    assert_no_error(app)
    jiayuguan = _uncertainty(sample_app, "620200", 2018)
    assert jiayuguan.status_beyond_uncertainty
    captions = [caption.value for caption in app.caption]
    assert f"±{jiayuguan.reduction_half_width_pp:.1f} 个百分点（清单不确定性，95 %）" in captions
    assert "进度判断在不确定性范围内" not in captions


def test_the_uncertainty_note_in_english(sample_app):
    app = open_page(PAGE, lang="en")
    assert_no_error(app)
    half_width = _uncertainty(sample_app, GANSU, 2020).reduction_half_width_pp
    captions = [caption.value for caption in app.caption]
    assert f"±{half_width:.1f} pp (inventory uncertainty, 95 %)" in captions
    assert "The status is within the uncertainty" in captions


def test_a_county_without_targets_says_so_and_points_to_its_city(sample_app):
    app = open_page(PAGE)
    app.selectbox(key="overview_city").set_value(LANZHOU).run()
    app.selectbox(key="overview_county").set_value(CHENGGUAN).run()
    assert_no_error(app)
    assert not app.metric and not app.dataframe
    assert "城关区暂无规划目标数据" in app.info[0].value
    assert any("兰州市" in md.value for md in app.markdown)


def test_beijing_shows_no_data_as_a_dash_not_zero(sample_app):
    app = open_page(PAGE)
    app.selectbox(key="overview_province").set_value(BEIJING).run()
    assert_no_error(app)
    assert "北京市" in app.header[0].value
    assert len(app.metric) == 3
    assert all(metric.value == "—" and metric.delta == "—" for metric in app.metric)
    assert [badge_word(badge) for badge in card_badges(app)] == ["暂无数据"] * 3
    assert summary(app).endswith("0 项差于基年 · 3 项暂无数据")
    table = app.dataframe[0]
    # Missing in the data, missing on screen: NaN cells drawn as the placeholder dash.
    assert table.value[["actual", "gap"]].isna().all().all()
    assert table.proto.placeholder == "—"
    # The target itself is known, and shown in its unit.
    assert "目标（2020年）：不高于 7651.0 万吨标准煤" in [caption.value for caption in app.caption]


def test_table_download_has_the_on_screen_headers_and_empty_missing_cells(sample_app):
    from dashboards.views import overview

    app = open_page(PAGE)
    rows = list(csv.reader(overview.table_csv(app.dataframe[0].value, "zh").decode("utf-8-sig").splitlines()))
    assert rows[0] == ["指标", "类别", "状态", "单位", "实际值", "均衡进度值", "差距", "差距单位", "目标要求", "目标值", "目标年份", "基年"]
    assert len(rows) == 18 and rows[1][0] == ENERGY_ZH
    english = list(csv.reader(overview.table_csv(app.dataframe[0].value, "en").decode("utf-8-sig").splitlines()))
    assert english[0][:4] == ["Indicator", "Category", "Status", "Unit"]

    app.selectbox(key="overview_province").set_value(BEIJING).run()
    beijing = list(csv.reader(overview.table_csv(app.dataframe[0].value, "zh").decode("utf-8-sig").splitlines()))
    assert [row[4] for row in beijing[1:]] == ["", "", ""]  # missing, not 0
    assert [row[2] for row in beijing[1:]] == ["暂无数据"] * 3


def test_a_card_leads_to_the_indicator_detail_page(sample_app):
    app = open_page(PAGE)
    app.selectbox(key="overview_city").set_value(LANZHOU).run()
    app.button(key="overview_detail_co2_intensity_reduction").click().run()
    # The detail page (another page module) reads these keys; whether it renders is its own test.
    assert app.session_state["indicator_code"] == "co2_intensity_reduction"
    assert app.session_state["region_code"] == LANZHOU


@pytest.mark.parametrize(
    "query_params",
    [
        {},
        {"region": CHENGGUAN, "role": "officer", "credit_code": "91620102073024695E", "enterprise": "x", "indicator": "'; DROP TABLE x; --"},
        {"region": "<script>alert(1)</script>", "year": "1900", "credit_code": "*"},
    ],
)
def test_a_leader_receives_no_enterprise_names_or_codes(sample_app, query_params):
    enterprises = _read(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year", public=False)
    assert len(enterprises) > 100
    app = open_page(PAGE, role="leader", query_params=query_params)
    assert_no_error(app)
    shown = all_text(app)
    assert "暂无规划目标数据" in shown if query_params.get("region") == CHENGGUAN else len(app.metric) == 17
    leaked = [value for value in [*enterprises["credit_code"], *enterprises["enterprise_name"]] if value and value in shown]
    assert not leaked, leaked[:5]


# --- the small fixture warehouse: republishing, missing files ---------------------------------


def make_fixture(db_path: Path) -> Path:
    """The small fixture warehouse with the columns fct_target_progress carries since the
    indicators' display and order moved into the mart (dbt seeds ref_indicators,
    ref_indicator_metadata, ref_indicator_categories): category, display unit and multiplier
    from the fixture's reference.ref_indicators, the plan's order from its row order."""
    make_marts_fixture(db_path)
    with duckdb.connect(str(db_path)) as con:
        con.execute("""
            ALTER TABLE marts.fct_target_progress ADD COLUMN category VARCHAR;
            ALTER TABLE marts.fct_target_progress ADD COLUMN category_order INTEGER;
            ALTER TABLE marts.fct_target_progress ADD COLUMN indicator_order INTEGER;
            ALTER TABLE marts.fct_target_progress ADD COLUMN display_unit_zh VARCHAR;
            ALTER TABLE marts.fct_target_progress ADD COLUMN display_multiplier DOUBLE;
            UPDATE marts.fct_target_progress AS p
            SET category = i.category, category_order = 1, indicator_order = i.position,
                display_unit_zh = i.display_unit_zh, display_multiplier = i.display_multiplier
            FROM (SELECT *, row_number() OVER (ORDER BY rowid) AS position FROM reference.ref_indicators) AS i
            WHERE i.indicator_code = p.indicator_code;
            CHECKPOINT;
        """)
    return db_path


@pytest.fixture
def warehouse_dir(tmp_path, monkeypatch):
    """Both published files (the leader reads the public one) from the fixture, in demo mode."""
    make_fixture(tmp_path / "ghg.duckdb")
    make_fixture(tmp_path / "ghg_public.duckdb")
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return tmp_path


def test_fixture_statuses_and_values_follow_the_year(warehouse_dir):
    app = open_page(PAGE)
    assert_no_error(app)
    metrics = {metric.label: metric for metric in app.metric}
    assert set(metrics) == {ENERGY_ZH, CO2_ZH}
    # Default year: the latest with data (2020: energy reported, CO2 not yet).
    assert app.selectbox(key="overview_year").value == 2020
    assert metrics[ENERGY_ZH].value == "15.3 %" and metrics[ENERGY_ZH].delta == "+1.3 个百分点"
    assert metrics[CO2_ZH].value == "—" and metrics[CO2_ZH].delta == "—"
    assert [badge_word(badge) for badge in card_badges(app)] == ["进度正常", "暂无数据"]
    app.selectbox(key="overview_year").set_value(2017).run()
    metrics = {metric.label: metric for metric in app.metric}
    assert metrics[CO2_ZH].value == "6.2 %" and metrics[CO2_ZH].delta == "-1.0 个百分点"
    assert [badge_word(badge) for badge in card_badges(app)] == ["进度正常", "进度滞后"]


def test_a_plan_period_selector_appears_when_a_region_has_two_plans(warehouse_dir):
    # The next plan's targets are set but nothing is reported yet: rows with status no_data.
    with duckdb.connect(str(warehouse_dir / "ghg_public.duckdb")) as con:
        con.execute(
            """
            INSERT INTO marts.fct_target_progress
            SELECT * REPLACE (
                '14th_fyp_2021_2025' AS plan_period, base_year + 5 AS base_year, target_year + 5 AS target_year,
                year + 5 AS year, NULL AS current_value, NULL AS actual_value, NULL AS gap,
                NULL AS annual_reduction, 'no_data' AS status
            )
            FROM marts.fct_target_progress
            """
        )
    app = open_page(PAGE)
    assert_no_error(app)
    plan = app.selectbox(key="overview_plan")
    # Newest first, but the default is the newest plan with reported values.
    assert plan.options == ["“十四五”时期（2021—2025年）", "“十三五”时期（2016—2020年）"]
    assert plan.value == PLAN and app.selectbox(key="overview_year").value == 2020
    plan.set_value("14th_fyp_2021_2025").run()
    assert_no_error(app)
    assert "十四五" in app.header[0].value
    assert app.selectbox(key="overview_year").value == 2025  # no year reported: the plan's last year
    assert [metric.value for metric in app.metric] == ["—", "—"]
    assert summary(app) == "**2 项指标**：0 项进度正常 · 0 项进度滞后 · 0 项差于基年 · 2 项暂无数据"


def test_a_new_publication_is_read_on_the_next_rerun(warehouse_dir):
    app = open_page(PAGE)
    assert {metric.label: metric.value for metric in app.metric}[ENERGY_ZH] == "15.3 %"
    # Publish the way the job does: build a new file beside it, then swap it in with os.replace.
    build = make_fixture(warehouse_dir / "build" / "next.duckdb")
    with duckdb.connect(str(build)) as con:
        con.execute("UPDATE marts.fct_target_progress SET actual_value = 0.16 WHERE indicator_code = 'energy_intensity_reduction' AND year = 2020")
    os.replace(build, warehouse_dir / "ghg_public.duckdb")
    app.run()
    assert_no_error(app)
    assert {metric.label: metric.value for metric in app.metric}[ENERGY_ZH] == "16.0 %"


def test_missing_warehouse_shows_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    app = open_page(PAGE)
    assert not app.exception
    assert len(app.warning) == 1
    assert "make build" in app.warning[0].value
    assert str(tmp_path / "nothing-here" / "ghg_public.duckdb") in app.warning[0].value
    assert not app.metric


def test_warehouse_without_the_table_shows_how_to_rebuild(tmp_path, monkeypatch):
    for name in ("ghg.duckdb", "ghg_public.duckdb"):
        with duckdb.connect(str(tmp_path / name)) as con:
            con.execute("CREATE SCHEMA marts")
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    app = open_page(PAGE, role="officer")
    assert not app.exception
    assert "make build" in app.warning[0].value
    assert not app.metric


# --- every page -------------------------------------------------------------------------------


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
            # Values are bound as parameters, never formatted into the SQL text.
            assert "{" not in sql and "%s" not in sql and "%(" not in sql, name
