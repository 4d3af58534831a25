"""The indicator detail page, rendered by AppTest against one build of the bundled sample.

Figures on screen are checked against direct DuckDB queries of the same build (the leader's
public file or the full one), and a leader's page is scanned for every enterprise name and
credit code of the sample, whatever the query parameters say.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.apptest_helpers import APP, all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "indicator.py"
GANSU, LANZHOU = "620000", "620100"
CO2 = "co2_intensity_reduction"
PLAN = "13th_fyp_2016_2020"


def sample_query(folder: Path, sql: str, params: list | None = None, public: bool = False) -> pd.DataFrame:
    name = "ghg_public.duckdb" if public else "ghg.duckdb"
    with duckdb.connect(str(folder / name), read_only=True) as con:
        return con.execute(sql, params or []).df()


def frame_with(app: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe on the page that has `column` (the page's tables have distinct columns)."""
    frames = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert len(frames) == 1, [list(frame.value.columns) for frame in app.dataframe]
    return frames[0]


def at_year(app: AppTest, year: int) -> AppTest:
    app.selectbox(key="indicator_year").set_value(year).run()
    assert_no_error(app)
    return app


@pytest.mark.parametrize("role", ["leader", "officer", "analyst"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_role_renders(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    assert app.selectbox(key="indicator_select").value == CO2  # the first headline indicator
    assert app.metric and app.dataframe
    assert app.title[0].value == ("指标详情：数据从何而来" if lang == "zh" else "Indicator detail: where the figure comes from")


def test_gansu_co2_series_and_sector_fuel_tables_match_the_warehouse(sample_app):
    app = at_year(open_page(PAGE, role="officer"), 2018)
    progress = sample_query(sample_app, """
        SELECT year, current_value, cumulative_reduction, annual_reduction, expected_value, gap, status
        FROM marts.fct_target_progress
        WHERE region_code = ? AND indicator_code = ? AND plan_period = ? ORDER BY year""", [GANSU, CO2, PLAN])
    yearly = frame_with(app, "annual")
    assert list(yearly["year"]) == [2016, 2017, 2018, 2019, 2020]
    assert yearly["level"].to_numpy() == pytest.approx(progress["current_value"].to_numpy(), rel=1e-9)
    assert yearly["actual"].to_numpy() == pytest.approx(progress["cumulative_reduction"].to_numpy() * 100, rel=1e-9)
    assert yearly["annual"].to_numpy() == pytest.approx(progress["annual_reduction"].to_numpy() * 100, rel=1e-9)
    assert yearly["expected"].to_numpy() == pytest.approx(progress["expected_value"].to_numpy() * 100, rel=1e-9)
    assert list(yearly["status"]) == ["进度滞后", "进度滞后", "进度滞后", "进度滞后", "进度正常"]

    cards = {metric.label: metric.value for metric in app.metric}
    actual_2018 = progress.loc[progress["year"] == 2018, "cumulative_reduction"].iat[0]
    assert cards["2018年实际"] == f"{actual_2018 * 100:.1f} %"

    # Sector and fuel sums of the 2018 inventory cells (t → 万吨); industry's cells by division
    # are one 工业 sector here (balance_item_code).
    sectors = sample_query(sample_app, """
        SELECT coalesce(balance_item_code, sector_code) AS sector_code, sum(co2_t) AS co2_t, sum(energy_tce) AS energy_tce
        FROM marts.fct_energy_emissions WHERE region_code = ? AND year = ? GROUP BY 1""", [GANSU, 2018])
    shown = frame_with(app, "sector_code").set_index("sector_code")
    assert set(shown.index) == set(sectors["sector_code"])
    for row in sectors.itertuples():
        assert shown.at[row.sector_code, "co2"] == pytest.approx(row.co2_t / 1e4, rel=1e-9)
        if pd.isna(row.energy_tce):  # process cells burn no fuel: missing, not 0
            assert pd.isna(shown.at[row.sector_code, "energy"])
        else:
            assert shown.at[row.sector_code, "energy"] == pytest.approx(row.energy_tce / 1e4, rel=1e-9)
    assert shown.at["final_industry", "name"] == "工业"
    fuels = sample_query(sample_app, """
        SELECT fuel_code, sum(co2_t) AS co2_t FROM marts.fct_energy_emissions
        WHERE region_code = ? AND year = ? GROUP BY fuel_code""", [GANSU, 2018])
    shown_fuels = frame_with(app, "fuel_code").set_index("fuel_code")
    assert set(shown_fuels.index) == set(fuels["fuel_code"])
    for row in fuels.itertuples():
        assert shown_fuels.at[row.fuel_code, "co2"] == pytest.approx(row.co2_t / 1e4, rel=1e-9)
    assert shown_fuels.at["raw_coal", "name"] == "原煤"


def test_child_regions_and_residual_match_the_warehouse(sample_app):
    app = at_year(open_page(PAGE, role="leader"), 2018)
    inventory = sample_query(sample_app, """
        SELECT region_code, parent_code, co2_t, carbon_intensity, residual_co2_t
        FROM marts.fct_region_year WHERE year = 2018 AND (region_code = ? OR parent_code = ?)""", [GANSU, GANSU], public=True)
    children = inventory[inventory["parent_code"] == GANSU]
    parent = inventory[inventory["region_code"] == GANSU].iloc[0]
    table = frame_with(app, "row_kind")
    assert list(table["row_kind"]) == ["本级"] + ["下级"] * len(children) + ["下级合计", "未分配"]
    assert table["carbon_intensity"].iat[0] == pytest.approx(parent["carbon_intensity"], rel=1e-9)
    sum_row, residual_row = table.iloc[-2], table.iloc[-1]
    assert sum_row["co2_t"] == pytest.approx(children["co2_t"].sum() / 1e4, rel=1e-9)
    assert residual_row["co2_t"] == pytest.approx(parent["residual_co2_t"] / 1e4, rel=1e-9)
    assert pd.isna(residual_row["carbon_intensity"])  # intensities do not add up: left missing


def test_electricity_adjusted_co2_is_not_summed_over_children(sample_app):
    """Exports are deducted at each region's own generation factor (the province's at the grid
    factor), so the children's adjusted CO2 does not add up to the province's: no sum, no residual."""
    table = frame_with(at_year(open_page(PAGE, role="leader"), 2018), "row_kind")
    sum_row, residual_row = table.iloc[-2], table.iloc[-1]
    for column in ("co2_for_intensity_t", "co2_net_electricity_import_t"):
        assert pd.isna(sum_row[column]) and pd.isna(residual_row[column]), column
    assert (table["co2_for_intensity_t"].dropna() > 0).all()  # never negative, exporters included


def test_a_target_missed_in_its_final_year_shows_missed(sample_app):
    app = open_page(PAGE, query_params={"indicator": "natural_gas_share"})
    assert_no_error(app)
    assert app.selectbox(key="indicator_year").value == 2020
    statuses = list(frame_with(app, "level")["status"])
    assert statuses[-1] == "未完成" and "未完成" not in statuses[:-1]
    assert any(md.value.startswith(":red-badge[") and "未完成" in md.value for md in app.markdown)


def test_a_child_whose_reduction_is_not_meaningful_says_so(not_meaningful_app):
    app = open_page(PAGE)  # Gansu, CO2 intensity reduction, 2020
    assert_no_error(app)
    table = frame_with(app, "row_kind").set_index("region")
    assert table.at["临夏回族自治州", "status"] == "不适用"
    assert pd.isna(table.at["临夏回族自治州", "actual"])
    assert any("不为正" in caption.value for caption in app.caption)


def test_officer_sees_the_enterprise_reports_behind_the_figure(sample_app):
    app = at_year(open_page(PAGE, role="officer"), 2018)
    expected = sample_query(sample_app, """
        SELECT e.credit_code FROM marts.fct_enterprise_year AS e
        JOIN marts.dim_region AS d ON d.region_code = e.region_code
        WHERE e.year = 2018 AND d.province_code = ?""", [GANSU])
    reports = frame_with(app, "credit_code")
    assert len(reports) == len(expected) > 0
    assert set(reports["credit_code"]) == set(expected["credit_code"])
    files = frame_with(app, "used_by_inventory")
    assert any("能源平衡表_620000_2018" in name for name in files["source_file"])
    assert "重点排放单位报告" in [header.value for header in app.subheader]


def test_hostile_enterprise_name_is_shown_as_text(sample_app):
    named = sample_query(sample_app, """
        SELECT e.year, e.region_code FROM marts.fct_enterprise_year AS e
        WHERE e.enterprise_name LIKE '<script>%' AND e.year BETWEEN 2016 AND 2020 ORDER BY e.year LIMIT 1""")
    assert not named.empty, "the sample should hold the enterprise with a markup name"
    year = int(named["year"].iat[0])
    app = at_year(open_page(PAGE, role="analyst"), year)
    names = frame_with(app, "credit_code")["enterprise"]
    assert names.str.startswith("<script>alert(1)</script>").any()
    assert not app.exception


@pytest.mark.parametrize("query_params", [
    None,
    {"indicator": CO2, "region": LANZHOU, "role": "officer"},
])
def test_leader_receives_no_enterprise_names_or_codes(sample_app, query_params):
    enterprises = sample_query(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year")
    params = dict(query_params or {})
    if params:
        params["credit_code"] = str(enterprises["credit_code"].iat[0])
    app = open_page(PAGE, role="leader", query_params=params)
    assert_no_error(app)
    for year in (2016, 2018, 2020):
        at_year(app, year)
        text = all_text(app)
        headers = [header.value for header in app.subheader]
        assert "重点排放单位报告" not in headers and "来源文件" not in headers
        assert not any("credit_code" in frame.value.columns for frame in app.dataframe)
        leaked = [code for code in enterprises["credit_code"] if code in text]
        leaked += [name for name in enterprises["enterprise_name"] if name and name in text]
        assert not leaked, leaked[:5]
        assert "温室气体排放报告" not in text  # no report file names either
    if params:
        assert app.selectbox(key="indicator_select").value == CO2


def test_leader_sees_withheld_process_cells_as_missing(sample_app):
    # Below the province the public file has one enterprise process row per region; pick a
    # region-year where the confidentiality rule hides it.
    hidden = sample_query(sample_app, """
        SELECT e.region_code FROM marts.fct_energy_emissions AS e JOIN marts.dim_region AS r USING (region_code)
        WHERE e.year = 2018 AND e.sector_code = 'process_bottom_up' AND e.suppressed AND r.level = 'city'
        ORDER BY e.region_code LIMIT 1""", [], public=True)
    assert not hidden.empty
    region = hidden["region_code"].iat[0]
    app = open_page(PAGE, role="leader", query_params={"region": region})
    at_year(app, 2018)
    sectors = frame_with(app, "sector_code").set_index("sector_code")
    assert pd.isna(sectors.at["process_bottom_up", "co2"])  # withheld: "—", never 0
    assert pd.isna(frame_with(app, "fuel_code").set_index("fuel_code").at["none", "co2"])
    assert any("涉及企业保密" in caption.value for caption in app.caption)
    assert any("按工艺的分项只在省级公开" in caption.value for caption in app.caption)


def test_session_indicator_preselects(sample_app):
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state["role"] = "leader"
    app.session_state["lang"] = "zh"
    app.run()
    app.session_state["indicator_code"] = "total_energy_consumption"  # what the overview card sets
    app.switch_page(f"page_scripts/{PAGE}").run()
    assert_no_error(app)
    assert app.selectbox(key="indicator_select").value == "total_energy_consumption"
    yearly = frame_with(app, "level")
    progress = sample_query(sample_app, """
        SELECT current_value FROM marts.fct_target_progress
        WHERE region_code = ? AND indicator_code = 'total_energy_consumption' ORDER BY year""", [GANSU], public=True)
    assert yearly["level"].to_numpy() == pytest.approx(progress["current_value"].to_numpy() / 1e4, rel=1e-9)  # 万吨标准煤
    assert "annual" not in yearly.columns  # a cap has no annual reduction
    # A pick in the select box wins over the shared key, and becomes the shared key.
    app.selectbox(key="indicator_select").set_value("energy_intensity_reduction").run()
    assert_no_error(app)
    assert app.header[0].value == "甘肃省：单位地区生产总值能耗降低"
    assert app.session_state["indicator_code"] == "energy_intensity_reduction"
    assert "annual" in frame_with(app, "level").columns


def chart_titles(app: AppTest) -> str:
    """The axis titles of every chart on the page (from the Vega-Lite specs)."""
    return " | ".join(
        json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in app.get("vega_lite_chart")
    )


def test_annual_view_switches_the_chart(sample_app):
    app = open_page(PAGE)
    assert "较2015年累计降低（%）" in chart_titles(app) and "年度降低率（%）" not in chart_titles(app)
    app.segmented_control(key="indicator_view").set_value("annual").run()
    assert_no_error(app)
    titles = chart_titles(app)
    assert "年度降低率（%）" in titles and "较2015年累计降低（%）" not in titles


def test_query_param_indicator_is_honoured_only_when_known(sample_app):
    app = open_page(PAGE, query_params={"indicator": "forest_stock_increase"})
    assert_no_error(app)
    assert app.selectbox(key="indicator_select").value == "forest_stock_increase"
    # Department statistics: one line instead of empty sector and fuel charts.
    assert any("没有分行业、分品种构成" in info.value for info in app.info)
    assert not any("sector_code" in frame.value.columns for frame in app.dataframe)
    # With a region in the link too (both links are honoured, each once).
    both = open_page(PAGE, query_params={"region": LANZHOU, "indicator": "energy_intensity_reduction"})
    assert_no_error(both)
    assert both.selectbox(key="indicator_select").value == "energy_intensity_reduction"
    assert both.header[0].value == "兰州市：单位地区生产总值能耗降低"
    unknown = open_page(PAGE, query_params={"indicator": "'; DROP TABLE x; --"})
    assert_no_error(unknown)
    assert unknown.selectbox(key="indicator_select").value == CO2


def test_missing_actuals_are_dashes_not_zero(sample_app):
    app = open_page(PAGE, query_params={"region": "110000"})  # Beijing: targets, no inventory in the sample
    assert_no_error(app)
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["2020年实际"] == "—"
    yearly = frame_with(app, "annual")
    assert yearly["actual"].isna().all() and yearly["annual"].isna().all()
    assert yearly["expected"].notna().all()  # the path is known, the figures are not
    assert app.dataframe[0].proto.placeholder == "—"


def test_english(sample_app):
    app = at_year(open_page(PAGE, role="officer", lang="en"), 2018)
    assert app.header[0].value == "Gansu: Reduction in CO2 per unit of GDP"
    assert app.selectbox(key="indicator_year").label == "Year"
    assert [h.value for h in app.subheader][:3] == ["Actual progress against the even-pace path", "Subordinate regions", "By sector and by fuel"]
    sectors = frame_with(app, "sector_code").set_index("sector_code")
    assert sectors.at["final_industry", "name"] == "Industry"
    assert frame_with(app, "fuel_code").set_index("fuel_code").at["raw_coal", "name"] == "Raw coal"
    assert list(frame_with(app, "annual")["status"]) == ["behind pace"] * 4 + ["on track"]
    assert "Download CSV" in [button.label for button in app.download_button]
    text = all_text(app)
    assert "10,000 t CO₂" in text and "t CO₂ per 10,000 yuan" in text


def test_the_co2_intensity_reduction_shows_its_uncertainty(sample_app):
    """Issue 14: the year's CO2-intensity reduction with "±x.x 个百分点" from
    marts.fct_target_uncertainty, and the note when the gap to the path is inside it (Gansu 2020)."""
    app = open_page(PAGE)  # Gansu, CO2 intensity reduction, 2020
    assert_no_error(app)
    row = sample_query(sample_app, """
        SELECT reduction_half_width_pp, status_beyond_uncertainty FROM marts.fct_target_uncertainty
        WHERE region_code = ? AND indicator_code = ? AND plan_period = ? AND year = 2020""", [GANSU, CO2, PLAN], public=True).iloc[0]
    captions = [caption.value for caption in app.caption]
    assert f"±{row.reduction_half_width_pp:.1f} 个百分点（清单不确定性，95 %）" in captions
    assert ("进度判断在不确定性范围内" in captions) == (not row.status_beyond_uncertainty)
    # An indicator without an uncertainty in the mart shows neither line.
    app.selectbox(key="indicator_select").set_value("natural_gas_share").run()
    assert_no_error(app)
    assert not [caption.value for caption in app.caption if "个百分点（清单不确定性" in caption.value]

