"""The regional drill-down page (dashboards/views/regions.py) against one build of the sample,
and the outline loader it draws with (dashboards/geo.py).

Expected figures are computed here straight from the warehouse file with DuckDB, so a wrong
formula, a wrong join or a lost region on the page fails a test.
"""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd
import pytest

from dashboards import geo
from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page

PAGE = "regions.py"
GANSU, PINGLIANG, JIAYUGUAN = "620000", "620800", "620200"
# Electricity exporters whose adjusted CO2 once went negative (issue 13): 临夏, 甘南, 酒泉 and its
# wind counties 瓜州 and 敦煌.
LINXIA, GANNAN, JIUQUAN, GUAZHOU, DUNHUANG = "622900", "623000", "620900", "620922", "620982"
STATUS_WORDS_ZH = {"进度正常", "进度滞后", "差于基年", "未完成", "不适用", "暂无数据"}
STATUS_WORDS_EN = {"on track", "behind pace", "worse than base year", "missed", "not meaningful", "no data"}
HUATING_OLD, HUATING = "620824", "620881"
SICHUAN, HAINAN = "510000", "460000"
GANSU_CITIES = {
    "620100", "620200", "620300", "620400", "620500", "620600", "620700",
    "620800", "620900", "621000", "621100", "621200", "622900", "623000",
}


def chart_spec(app) -> dict:
    """The map's Vega-Lite spec as sent to the browser (AppTest has no altair element of its own)."""
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1, "the page draws one map"
    return json.loads(charts[0].proto.spec)


def map_values(app) -> dict[str, dict]:
    """region_code -> the feature drawn on the map (with its value, label, name)."""
    values = chart_spec(app)["data"]["values"]
    return {feature["region_code"]: feature for feature in values}


def reductions(folder, file_name: str, year: int, base_year: int, parent: str) -> dict[str, float]:
    """1 − carbon_intensity(year) ÷ carbon_intensity(base year) for the children of parent, in %."""
    with duckdb.connect(str(folder / file_name), read_only=True) as con:
        rows = con.execute(
            """
            SELECT now.region_code, 100 * (1 - now.carbon_intensity / base.carbon_intensity)
            FROM marts.fct_region_year AS now
            JOIN marts.fct_region_year AS base ON base.region_code = now.region_code AND base.year = ?
            WHERE now.year = ? AND now.parent_code = ?
            """,
            [base_year, year, parent],
        ).fetchall()
    return dict(rows)


# --- the outline loader (pure functions) --------------------------------------------------------


def test_gansu_has_14_city_outlines_and_there_is_no_national_outline():
    cities = geo.city_features(GANSU)
    assert {feature["id"] for feature in cities} == GANSU_CITIES
    assert all(feature["properties"]["region_code"] == feature["id"] for feature in cities)
    # No national map (standard-map rules: no compliant outline with the 南海诸岛 inset ships).
    assert geo.children_features(None, None) == []
    assert not list(geo.MAPS_DIR.rglob("china*"))
    assert not (geo.MAPS_DIR / "cities" / "100000.geojson").exists()
    # 海南 has no map by design (三沙, the 南海诸岛 inset), and the page can say why.
    assert geo.city_features(HAINAN) == [] and geo.county_features("460100") == []
    assert geo.no_map_reason(HAINAN) == geo.no_map_reason("460100") == "regions_province_no_map_islands"
    assert geo.no_map_reason(GANSU) is None


def test_county_outlines_use_the_current_code_of_huating():
    assert geo.code_changes()[HUATING_OLD] == (HUATING, "华亭市")  # read from the dbt seed
    counties = {feature["id"]: feature for feature in geo.county_features(PINGLIANG)}
    assert len(counties) == 7
    assert HUATING in counties and HUATING_OLD not in counties
    assert counties[HUATING]["properties"]["name"] == "华亭市"
    # 嘉峪关 has no counties: the county file draws it whole, and that is not a county of itself.
    assert geo.county_features(JIAYUGUAN) == []
    # The cached outlines are not changed by what a page adds to its copies.
    counties[HUATING]["value"] = 1.0
    assert "value" not in next(f for f in geo.county_features(PINGLIANG) if f["id"] == HUATING)


def test_code_changes_follow_chains(tmp_path):
    seed = tmp_path / "ref_region_code_changes.csv"
    seed.write_text(
        "old_code,new_code,old_name,new_name,effective_year,source\n"
        "100001,100002,甲县,甲市,2018,test\n100002,100003,甲市,乙市,2020,test\n",
        encoding="utf-8",
    )
    assert geo.code_changes(seed) == {"100001": ("100003", "乙市"), "100002": ("100003", "乙市")}


def test_a_click_names_a_region():
    from dashboards.views import regions

    assert regions.clicked_region({regions.PICK_WITH_DATA: [{"region_code": PINGLIANG}]}) == PINGLIANG
    assert regions.clicked_region({regions.PICK_WITHOUT_DATA: [{"region_code": "110000"}], regions.PICK_WITH_DATA: []}) == "110000"
    assert regions.clicked_region({}) is None
    assert regions.clicked_region(None) is None


def test_the_picker_chain_is_the_warehouse_hierarchy(sample_warehouse):
    """A click sets the picker's three boxes to the clicked region's chain, as dbt's
    dim_region_ancestors gives it (county → city → province; a municipality's district → province)."""
    from dashboards import components, queries

    with duckdb.connect(str(sample_warehouse / "ghg_public.duckdb"), read_only=True) as con:
        by_code = {row["region_code"]: row for row in con.execute(queries.REGIONS).df().to_dict("records")}
    assert components.ancestor_chain(HUATING, by_code) == [GANSU, PINGLIANG, HUATING]
    assert components.ancestor_chain(PINGLIANG, by_code) == [GANSU, PINGLIANG]
    assert components.ancestor_chain(GANSU, by_code) == [GANSU]
    assert components.ancestor_chain("110101", by_code) == ["110000", "110101"]  # 东城区, Beijing
    assert components.ancestor_chain("999999", by_code) == ["999999"]


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("role", ["leader", "officer", "analyst"])
def test_every_role_renders(sample_app, role):
    app = open_page(PAGE, role=role)
    assert_no_error(app)
    assert app.title[0].value == "地区下钻：省 → 市 → 县"
    assert len(app.dataframe) == 1 and len(app.metric) == 4
    assert set(map_values(app)) == GANSU_CITIES
    headers = app.dataframe[0].proto.columns
    # Key-emitter totals (aggregates, no names) only for authorised roles.
    assert ("enterprises_count" in headers) == (role != "leader")


@pytest.mark.e2e
def test_base_year_is_the_plan_s(sample_app):
    """The base year of the plan a year falls in comes from the warehouse (dbt: ref_plan_periods),
    and the page says it: 2015 is in the 12th plan (base 2010), 2016–2020 in the 13th (base 2015)."""
    with duckdb.connect(str(sample_app / "ghg_public.duckdb"), read_only=True) as con:
        base_years = dict(con.execute(
            "SELECT DISTINCT year, plan_base_year FROM marts.fct_region_intensity_progress WHERE year IN (2015, 2016, 2019, 2020)"
        ).fetchall())
    assert base_years == {2015: 2010, 2016: 2015, 2019: 2015, 2020: 2015}
    app = open_page(PAGE)
    app.selectbox(key="regions_year").set_value(2015).run()
    assert_no_error(app)
    assert any("2010年为所在五年规划的基年" in caption.value for caption in app.caption)
    tooltip_titles = {tip["title"] for tip in chart_spec(app)["layer"][1]["encoding"]["tooltip"]}
    assert "单位地区生产总值二氧化碳排放降低率（较2010年，%）" in tooltip_titles
    features = map_values(app)
    expected = reductions(sample_app, "ghg_public.duckdb", 2015, 2010, GANSU)
    for code in GANSU_CITIES:
        assert features[code]["value"] == pytest.approx(expected[code], abs=1e-4), code


@pytest.mark.e2e
def test_city_map_is_coloured_by_co2_intensity_reduction(sample_app):
    app = open_page(PAGE)
    app.selectbox(key="regions_year").set_value(2019).run()
    assert_no_error(app)
    assert app.selectbox(key="regions_metric").value == "co2_intensity_reduction"
    features = map_values(app)
    expected = reductions(sample_app, "ghg_public.duckdb", 2019, 2015, GANSU)  # a leader's file
    assert set(features) == GANSU_CITIES == set(expected)
    for code, feature in features.items():
        assert feature["value"] is not None, code
        assert feature["value"] == pytest.approx(expected[code], abs=1e-4), code
        assert feature["type"] == "Feature" and feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    # The same figure as the target assessment's own (fct_target_progress.actual_value).
    with duckdb.connect(str(sample_app / "ghg_public.duckdb"), read_only=True) as con:
        actual = dict(con.execute(
            "SELECT region_code, 100 * actual_value FROM marts.fct_target_progress "
            "WHERE indicator_code = 'co2_intensity_reduction' AND year = 2019 AND region_code <> ?",
            [GANSU],
        ).fetchall())
    for code in GANSU_CITIES & set(actual):
        assert features[code]["value"] == pytest.approx(actual[code], abs=1e-4)
    # The tooltip's title carries the unit.
    tooltip_titles = {tip["title"] for tip in chart_spec(app)["layer"][1]["encoding"]["tooltip"]}
    assert "单位地区生产总值二氧化碳排放降低率（较2015年，%）" in tooltip_titles


@pytest.mark.e2e
def test_huating_is_on_pingliang_s_county_map_under_its_current_code(sample_app):
    app = open_page(PAGE, query_params={"region": PINGLIANG})
    assert_no_error(app)
    assert "平凉市各县（市、区）" in app.subheader[0].value
    features = map_values(app)
    assert len(features) == 7 and HUATING in features and HUATING_OLD not in features
    expected = reductions(sample_app, "ghg_public.duckdb", 2020, 2015, PINGLIANG)
    assert features[HUATING]["name"] == "华亭市"
    assert features[HUATING]["value"] == pytest.approx(expected[HUATING], abs=1e-4)
    table = app.dataframe[0].value
    assert HUATING in set(table["region_code"])


@pytest.mark.e2e
def test_another_province_draws_its_prefectures(sample_app):
    """四川 has no data in the sample, yet its map is drawn (grey, no data) with its 21
    prefecture-level units, as the warehouse lists them; 海南 has no map and the page says why."""
    with duckdb.connect(str(sample_app / "ghg_public.duckdb"), read_only=True) as con:
        children = {code for (code,) in con.execute(
            "SELECT region_code FROM marts.dim_region WHERE parent_code = ?", [SICHUAN]
        ).fetchall()}
    assert len(children) == 21
    app = open_page(PAGE, query_params={"region": SICHUAN})
    assert_no_error(app)
    features = map_values(app)
    assert set(features) == children
    assert all(feature["value"] is None for feature in features.values())
    assert features["510100"]["name"].startswith("成都")
    # A county map of a Sichuan city with a code change since the outlines' vintage (郫县 → 郫都区 510117).
    app = open_page(PAGE, query_params={"region": "510100"})
    assert_no_error(app)
    assert "510117" in map_values(app)
    app = open_page(PAGE, query_params={"region": HAINAN})
    assert_no_error(app)
    assert not app.get("vega_lite_chart")
    assert any("三沙" in info.value and "南海诸岛" in info.value for info in app.info)


@pytest.mark.e2e
def test_ranking_is_sorted_with_missing_values_last(sample_app):
    app = open_page(PAGE)
    table = app.dataframe[0].value
    values = list(table["value"])
    assert values == sorted(values, reverse=True)  # larger reduction first
    assert list(table["rank"]) == list(range(1, 15))
    # Status words where the city has a target; the legend explains them. 2020 is the 13th plan's
    # target year: a city target not met there is missed (未完成), not "behind pace".
    assert set(table["status"]) <= STATUS_WORDS_ZH and "未完成" in set(table["status"])
    assert "进度滞后" not in set(table["status"])
    assert any(md.value.startswith("状态说明") for md in app.markdown)
    # Intensity: lower first.
    app.selectbox(key="regions_metric").set_value("carbon_intensity").run()
    values = list(app.dataframe[0].value["value"])
    assert values == sorted(values)
    # National: only Gansu has data in the sample; the rest are grey, unranked, last, never 0.
    app.toggle(key="regions_national").set_value(True).run()
    assert_no_error(app)
    table = app.dataframe[0].value
    assert table["region_code"].iat[0] == GANSU and table["rank"].iat[0] == 1
    assert table["value"].iloc[1:].isna().all() and table["rank"].iloc[1:].isna().all()
    assert any("暂无数据" in caption.value and "33" in caption.value for caption in app.caption)
    # No national map: the page says why (standard-map rules), and ranks the provinces with data as bars.
    assert any("南海诸岛" in info.value and "标准地图" in info.value for info in app.info)
    spec = chart_spec(app)
    assert spec["mark"]["type"] == "bar"  # a ranking, not a map


@pytest.mark.e2e
def test_residual_between_gansu_and_its_cities(sample_app):
    app = open_page(PAGE)
    with duckdb.connect(str(sample_app / "ghg_public.duckdb"), read_only=True) as con:
        own_t, children_t, residual_t, fraction = con.execute(
            "SELECT co2_t, children_sum_co2_t, residual_co2_t, residual_fraction FROM marts.fct_region_year "
            "WHERE region_code = ? AND year = 2020",
            [GANSU],
        ).fetchone()
    cards = [metric.value for metric in app.metric]
    assert cards == [f"{own_t / 1e4:,.1f}", f"{children_t / 1e4:,.1f}", f"{residual_t / 1e4:+,.1f}", f"{fraction * 100:.1f} %"]
    assert not math.isnan(residual_t) and residual_t != 0


@pytest.mark.e2e
def test_jiayuguan_has_no_counties_so_its_residual_is_a_dash(sample_app):
    app = open_page(PAGE, query_params={"region": JIAYUGUAN})
    assert_no_error(app)
    cards = [metric.value for metric in app.metric]
    assert cards[0] != "—" and cards[1:] == ["—", "—", "—"]
    assert any("嘉峪关市不辖县级行政区" in caption.value for caption in app.caption)
    # Shown among the cities, outlined.
    features = map_values(app)
    assert set(features) == GANSU_CITIES
    assert [code for code, feature in features.items() if feature["picked"]] == [JIAYUGUAN]


@pytest.mark.e2e
def test_english_labels(sample_app):
    app = open_page(PAGE, lang="en")
    assert_no_error(app)
    assert app.title[0].value == "Regional drill-down: province → city → county"
    assert app.subheader[0].value == "Cities (prefectures) of Gansu, 2020"
    headers = {column: spec.get("label") for column, spec in json.loads(app.dataframe[0].proto.columns).items()}
    assert headers["value"] == "Reduction in CO₂ per unit of GDP (% vs 2015), 2020"
    assert headers["level_year"] == "CO₂ per unit of GDP (t CO₂ per 10,000 yuan), 2020"
    assert set(app.dataframe[0].value["status"]) <= STATUS_WORDS_EN
    assert {button.label for button in app.get("download_button")} == {"Download CSV", "Download Excel"}
    # Switching the metric and the year works in English too (the option labels are in English).
    app.selectbox(key="regions_metric").set_value("energy_intensity").run()
    app.selectbox(key="regions_year").set_value(2012).run()
    assert_no_error(app)
    assert app.selectbox(key="regions_metric").options[0] == "Reduction in CO₂ per unit of GDP"
    headers = {column: spec.get("label") for column, spec in json.loads(app.dataframe[0].proto.columns).items()}
    assert headers["value"] == "Energy use per unit of GDP (tce per 10,000 yuan), 2012"
    assert headers["change_pct"] == "Change vs 2010 (%)"
    assert [metric.label for metric in app.metric][1:] == [
        "Subdivisions' sum (10,000 t CO₂)", "Unallocated (10,000 t CO₂)", "Unallocated share of the region's CO₂",
    ]


@pytest.mark.e2e
def test_a_leader_never_receives_enterprise_names_or_codes(sample_app):
    with duckdb.connect(str(sample_app / "ghg.duckdb"), read_only=True) as con:
        enterprises = con.execute("SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year").fetchall()
    assert enterprises
    code = enterprises[0][0]
    hostile = {"credit_code": code, "region": "620100", "role": "officer", "enterprise": code}
    for params in ({}, hostile):
        app = open_page(PAGE, role="leader", query_params=params)
        assert_no_error(app)
        text = all_text(app)
        assert "兰州市" in text  # the page did render the data
        for credit_code, name in enterprises:
            assert credit_code not in text
            assert name not in text
        assert "重点排放单位" not in text
    # Officers get key-emitter totals per region, still without a single enterprise's name or code.
    app = open_page(PAGE, role="officer", query_params=hostile)
    assert_no_error(app)
    text = all_text(app)
    assert "重点排放单位" in text
    for credit_code, name in enterprises:
        assert credit_code not in text
        assert name not in text


# --- electricity exporters and reductions that are not meaningful (issue 13) ----------------------


@pytest.mark.e2e
def test_electricity_exporters_show_sound_reductions(sample_app):
    """临夏, 甘南 and 酒泉's wind counties export electricity: their adjusted CO2 deducts exports at
    their own generation factor and never goes below zero, so the reductions on screen are sound
    (not 临夏 "68.7 %", 敦煌 "150.6 %", 瓜州 "−619 %") and the colour scale stays narrow."""
    with duckdb.connect(str(sample_app / "ghg_public.duckdb"), read_only=True) as con:
        lowest = con.execute(
            "SELECT min(carbon_intensity), min(co2_for_intensity_t) FROM marts.fct_region_year"
        ).fetchone()
    assert lowest[0] > 0 and lowest[1] > 0
    app = open_page(PAGE)
    assert_no_error(app)
    features = map_values(app)
    expected = reductions(sample_app, "ghg_public.duckdb", 2020, 2015, GANSU)
    for code in (LINXIA, GANNAN, JIUQUAN):
        assert features[code]["value"] == pytest.approx(expected[code], abs=1e-4), code
        assert -50 < features[code]["value"] < 50, code  # a plausible five-year reduction, in %
    domain = chart_spec(app)["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert domain[1] == -domain[0] < 50
    app = open_page(PAGE, query_params={"region": JIUQUAN})
    assert_no_error(app)
    counties = map_values(app)
    expected = reductions(sample_app, "ghg_public.duckdb", 2020, 2015, JIUQUAN)
    for code in (GUAZHOU, DUNHUANG):
        assert counties[code]["value"] == pytest.approx(expected[code], abs=1e-4), code
        assert -50 < counties[code]["value"] < 50, code
    table = app.dataframe[0].value
    assert table["rank"].notna().all() and table["note"].isna().all()


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reduction_that_is_not_meaningful_is_grey_unranked_and_says_why(not_meaningful_app, lang):
    app = open_page(PAGE, lang=lang)
    assert_no_error(app)
    words = "不适用" if lang == "zh" else "not meaningful"
    table = app.dataframe[0].value.set_index("region_code")
    assert pd.isna(table.at[LINXIA, "value"]) and pd.isna(table.at[LINXIA, "rank"])
    assert table.at[LINXIA, "note"] == words and table.at[LINXIA, "status"] == words
    assert table["rank"].dropna().tolist() == list(range(1, 14))  # the 13 others, ranked
    assert table.index[-1] == LINXIA  # listed last, like missing values
    feature = map_values(app)[LINXIA]
    assert feature["value"] is None  # drawn grey, never coloured
    assert words in feature["value_label"]
    assert any(words in caption.value and "1" in caption.value for caption in app.caption)
    headers = json.loads(app.dataframe[0].proto.columns)
    assert "note" in headers and headers["note"].get("help")  # the tooltip says why
