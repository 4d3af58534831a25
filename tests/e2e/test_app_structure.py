"""The emissions structure page (dashboards/views/structure.py) on one build of the bundled sample.

Totals are checked against direct queries of the same build, the electricity adjustment's sign
against Gansu being a net exporter, suppressed process cells against the public file, and a
leader's page against every enterprise name and credit code in the sample.
"""

from __future__ import annotations

import json
import math
import re

import duckdb
import pytest

from tests.e2e.apptest_helpers import all_text, assert_no_error, frame_with, metric_values, open_page

pytestmark = pytest.mark.e2e

PAGE = "structure.py"
GANSU = "620000"
CJK = re.compile(r"[\u4e00-\u9fff]")


def query(folder, sql, params=(), public=False):
    path = folder / ("ghg_public.duckdb" if public else "ghg.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def choose_year(app, year):
    app.selectbox(key="structure_year").set_value(year).run()
    assert_no_error(app)
    return app


def charts(app) -> dict[str, dict]:
    """The page's plotly figures (their spec JSON) by the key the page gives them (structure_<name>):
    treemap, sankey, waterfall, grouped, trend. The key ends the element id."""
    figures = {}
    for element in app.get("plotly_chart"):
        name = element.proto.id.rsplit("-structure_", 1)[-1]
        figures[name] = json.loads(element.proto.spec)
    assert set(figures) == {"treemap", "sankey", "waterfall", "grouped", "trend"}, set(figures)
    return figures




def tenk(value_t) -> str:
    return f"{value_t / 10_000:,.2f}"


@pytest.mark.parametrize(
    ("role", "lang"),
    [("leader", "zh"), ("leader", "en"), ("officer", "zh"), ("officer", "en"), ("analyst", "zh")],
)
def test_every_role_renders(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    assert len(app.metric) == 5
    assert len(app.get("plotly_chart")) == 5  # treemap, sankey, waterfall, grouped bars, trend
    cells = frame_with(app, "note")
    # Officers and analysts read the full file and see where each figure comes from; a leader does not.
    assert ("source_files" in cells.columns) == (role != "leader")
    # Every table and chart has its download (CSV + Excel): 3 tables + 5 charts.
    assert len(app.get("download_button")) == 2 * 8


def test_gansu_2018_totals_match_the_warehouse(sample_app):
    # Each role's page matches the file it reads; both files hold the inventory's process figure
    # (statistics where the rule takes them, enterprise lines elsewhere; docs/methodology.md
    # "Industrial process emissions", "Publication").
    for role in ("leader", "officer"):
        public = role == "leader"
        (co2, adjustment, for_intensity, process, with_process) = query(
            sample_app,
            "SELECT co2_t, co2_net_electricity_import_t, co2_for_intensity_t, co2_process_t, co2_with_process_t "
            "FROM marts.fct_region_year WHERE region_code = ? AND year = 2018",
            (GANSU,),
            public=public,
        )[0]
        (combustion_sum, process_sum) = query(
            sample_app,
            "SELECT sum(co2_t) FILTER (WHERE NOT is_process), sum(co2_t) FILTER (WHERE is_process) "
            "FROM marts.fct_energy_emissions WHERE region_code = ? AND year = 2018",
            (GANSU,),
            public=public,
        )[0]
        app = choose_year(open_page(PAGE, role=role, lang="zh"), 2018)
        shown = metric_values(app)
        assert shown["属地化石燃料燃烧排放（万吨 CO₂）"] == tenk(co2) == "16,540.31"
        # Gansu exports electricity on balance: the card names a deduction for exports, not a negative import.
        assert "净调入电力隐含排放（万吨 CO₂）" not in shown
        assert shown["净调出电力隐含排放扣减（万吨 CO₂）"] == f"{adjustment / 10_000:+,.2f}" == "-1,327.53"
        assert shown["电力调整后排放（万吨 CO₂）"] == tenk(for_intensity)
        assert shown["工业生产过程排放（万吨 CO₂）"] == tenk(process)
        assert shown["属地排放合计（含工业过程，万吨 CO₂）"] == tenk(with_process)
        # The check line states the sector sums and the region totals, and that they agree.
        check = next(md.value for md in app.markdown if "核对" in md.value)
        assert f"各行业燃烧排放合计 {tenk(combustion_sum)} 万吨，地区属地燃烧排放 {tenk(co2)} 万吨，二者一致" in check
        assert f"各工业过程合计 {tenk(process_sum)} 万吨，地区工业过程排放 {tenk(process)} 万吨" in check
        # The treemap's leaves add up to combustion + process CO2 of the year (nothing lost to "top N").
        treemap = charts(app)["treemap"]["data"][0]
        leaves = [value for value, parent in zip(treemap["values"], treemap["parents"]) if parent]
        assert math.isclose(sum(leaves), (combustion_sum + process_sum) / 10_000, rel_tol=1e-9)
        assert "其余品种" in treemap["labels"] and "工业生产过程" in treemap["labels"]
        # The sankey carries the same total; industrial processes flow into industry.
        sankey = charts(app)["sankey"]["data"][0]
        assert math.isclose(sum(sankey["link"]["value"]), (combustion_sum + process_sum) / 10_000, rel_tol=1e-9)
        labels = sankey["node"]["label"]
        process_links = [
            (labels[target], value)
            for source, target, value in zip(sankey["link"]["source"], sankey["link"]["target"], sankey["link"]["value"])
            if labels[source] == "工业生产过程"
        ]
        assert len(process_links) == 1 and process_links[0][0] == "工业"
        assert math.isclose(process_links[0][1], process_sum / 10_000, rel_tol=1e-9)


def test_territorial_versus_adjusted_has_the_exporters_sign(sample_app):
    expected = dict(query(
        sample_app,
        "SELECT year, co2_net_electricity_import_t FROM marts.fct_region_year WHERE region_code = ? AND co2_t IS NOT NULL",
        (GANSU,),
        public=True,
    ))
    app = choose_year(open_page(PAGE, role="leader", lang="zh"), 2018)
    table = frame_with(app, "co2_net_electricity_import_10k_t")
    assert set(table["year"]) == set(expected)
    for row in table.itertuples():
        # Gansu exports electricity every year: the adjustment is negative and the adjusted total lower.
        assert row.co2_net_electricity_import_10k_t < 0
        assert math.isclose(row.co2_net_electricity_import_10k_t, expected[row.year] / 10_000)
        assert row.net_electricity_import_100m_kwh < 0
        assert row.co2_for_intensity_10k_t < row.co2_10k_t
        assert math.isclose(row.co2_10k_t + row.co2_net_electricity_import_10k_t, row.co2_for_intensity_10k_t)
    grouped = charts(app)["grouped"]["data"]  # territorial above electricity-adjusted in every year
    for territorial, adjusted in zip(grouped[0]["y"], grouped[1]["y"]):
        assert adjusted < territorial
    step = charts(app)["waterfall"]["data"][0]
    # The adjustment bar floats down from the territorial total to the adjusted one and says "-".
    assert step["text"][1].startswith("-") and step["text"][1] == f"{expected[2018] / 10_000:+,.2f}"
    assert math.isclose(step["base"][1], step["y"][2]) and math.isclose(step["base"][1] + step["y"][1], step["y"][0])
    assert any(md.value.startswith("2018年为电力净调出") for md in app.markdown)


def test_trend_by_sector_adds_up_to_the_region_total(sample_app):
    expected = dict(query(
        sample_app,
        "SELECT year, co2_with_process_t FROM marts.fct_region_year WHERE region_code = ? AND co2_t IS NOT NULL",
        (GANSU,),
        public=True,  # the leader's page reads the public file
    ))
    app = open_page(PAGE, role="leader", lang="zh")
    wide = frame_with(app, "sector")
    total = wide[wide["sector"] == "合计"].iloc[0]
    for year, value_t in expected.items():
        assert math.isclose(total[str(year)], value_t / 10_000, rel_tol=1e-9)
    # The public process figure is the inventory's: production statistics from 2010 on, and the
    # enterprises' lines (reports start in 2015 in the sample) for the processes without statistics.
    process = wide[wide["sector"] == "工业生产过程"].iloc[0]
    public_process = dict(query(sample_app, "SELECT year, co2_process_t FROM marts.fct_region_year WHERE region_code = ?",
                                (GANSU,), public=True))
    assert process["2014"] > 0 and process["2015"] > process["2014"] * 0.5
    assert math.isclose(process["2014"], public_process[2014] / 10_000, rel_tol=1e-9)
    assert any(caption.value.startswith(f"核对：{len(expected)} 个年份的分行业合计均与地区排放总量一致") for caption in app.caption)
    trend = [trace for trace in charts(app)["trend"]["data"]]
    assert [trace["name"] for trace in trend][-2:] == ["其余行业合计", "工业生产过程"]


def test_suppressed_process_cells_are_marked_not_zero(sample_app):
    # Below the province the public file has one enterprise process row per region (process_bottom_up).
    hidden = query(
        sample_app,
        "SELECT region_code, suppression_reason FROM marts.fct_energy_emissions "
        "WHERE year = 2018 AND sector_code = 'process_bottom_up' AND suppressed ORDER BY region_code LIMIT 1",
        (),
        public=True,
    )
    assert hidden, "the sample should suppress some region's 2018 process total in the public file"
    county = hidden[0][0]
    leader = choose_year(open_page(PAGE, role="leader", lang="zh", query_params={"region": county}), 2018)
    cells = frame_with(leader, "note")
    marked = cells[cells["note"].notna()]
    assert len(marked) == 1
    assert set(marked["note"]) <= {"已保密（涉及企业少于3家）", "已保密（单一企业占比超过80%）", "已保密（防止由合计反推其他保密数据）"}
    assert marked[["co2_10k_t", "co2e_10k_t", "activity_value"]].isna().all().all()  # missing, never 0
    assert any("1 个工业生产过程单元格已按保密规定不予显示" in caption.value for caption in leader.caption)
    assert any("按工艺的分项只在省级公开" in caption.value for caption in leader.caption)
    treemap_labels = charts(leader)["treemap"]["data"][0]["labels"]
    assert "工业生产过程（合计）" not in treemap_labels  # the suppressed total is not drawn
    # An officer reads the full file: the process cells by process, with their values.
    officer = choose_year(open_page(PAGE, role="officer", lang="zh", query_params={"region": county}), 2018)
    full = frame_with(officer, "note")
    assert full["note"].isna().all()
    process = full.loc[full["kind"] == "工业生产过程"]
    assert len(process) >= 1 and process["co2_10k_t"].notna().all()
    assert "工业生产过程（合计）" not in set(full["sector_name"])


def test_a_leader_sees_the_process_split_of_the_province_and_only_totals_below(sample_app):
    province = choose_year(open_page(PAGE, role="leader", lang="zh", query_params={"region": "620000"}), 2018)
    rows = frame_with(province, "note")
    assert (rows["kind"] == "工业生产过程").sum() >= 5  # one row per process at province level
    city = choose_year(open_page(PAGE, role="leader", lang="zh", query_params={"region": "620100"}), 2018)
    rows = frame_with(city, "note")
    process = rows[rows["kind"] == "工业生产过程"]
    # statistics by process, and the enterprises' part as one row
    statistics = query(sample_app, "SELECT count(*) FROM marts.fct_energy_emissions WHERE region_code = '620100' "
                                   "AND year = 2018 AND process_method = 'top_down'", (), public=True)[0][0]
    assert statistics >= 1 and len(process) == statistics + 1
    assert (process["sector_name"] == "工业生产过程（企业报告合计）").sum() == 1
    total = query(sample_app, "SELECT co2_process_t FROM marts.fct_region_year WHERE region_code = '620100' AND year = 2018",
                  (), public=True)[0][0]
    assert process["co2_10k_t"].sum() == pytest.approx(total / 1e4)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_leader_receives_no_enterprise_names_or_codes(sample_app, lang):
    enterprises = query(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year")
    assert enterprises
    codes = {code for code, _ in enterprises}
    names = {name for _, name in enterprises}
    assert any("<script>" in name for name in names)  # the hostile name is in the sample
    hostile = {
        "credit_code": sorted(codes)[0],
        "region": "620102",
        "enterprise": "<script>alert(1)</script>某化工厂",
        "role": "officer",
        "year": "2018",
    }
    for params in (hostile, {"region": sorted(codes)[0]}):
        app = open_page(PAGE, role="leader", lang=lang, query_params=params)
        assert_no_error(app)
        text = all_text(app)
        leaked = [value for value in codes | names if value in text]
        assert not leaked, leaked
        assert "<script>" not in text
        assert "enterprise_reports/" not in text  # no source file names for a leader either
        assert "source_files" not in frame_with(app, "note").columns


def test_english_labels(sample_app):
    app = choose_year(open_page(PAGE, role="leader", lang="en"), 2018)
    assert app.title[0].value == "Emissions structure"
    assert "Territorial fuel combustion (10,000 t CO₂)" in metric_values(app)
    assert "Deduction for net electricity exports (10,000 t CO₂)" in metric_values(app)  # Gansu exports
    figures = charts(app)
    treemap = figures["treemap"]["data"][0]
    assert {"Thermal power generation", "Raw coal", "Industrial processes", "All other fuels"} <= set(treemap["labels"])
    # Gansu 2018 has an industry table: industry by division, and the rest the table does not cover
    assert {"Smelting and pressing of ferrous metals", "Industry (not allocated to a division)"} <= set(treemap["labels"])
    assert "Industry" in set(figures["trend"]["data"][i]["name"] for i in range(len(figures["trend"]["data"])))
    markdown = [md.value for md in app.markdown]
    assert "**Sector → fuel (10,000 t CO₂)**" in markdown and "**Fuel → sector (10,000 t CO₂)**" in markdown
    assert figures["grouped"]["layout"]["yaxis"]["title"]["text"] == "10,000 t CO₂"
    assert figures["trend"]["layout"]["xaxis"]["title"]["text"] == "Year"
    # No Chinese in any chart (names, axis titles, legends) nor in the metric labels.
    for name, spec in figures.items():
        assert not CJK.search(json.dumps(spec["data"], ensure_ascii=False) + json.dumps(spec["layout"], ensure_ascii=False)), name
    assert not any(CJK.search(label) for label in metric_values(app))
    assert any(md.value.startswith("In 2018 the region was a net electricity exporter") for md in app.markdown)
    wide = frame_with(app, "sector")
    assert "Total" in set(wide["sector"]) and "Rural households" in set(wide["sector"])


def test_co2e_measure_switches_every_chart(sample_app):
    app = choose_year(open_page(PAGE, role="officer", lang="zh"), 2018)
    app.radio(key="structure_measure").set_value("co2e").run()
    assert_no_error(app)
    figures = charts(app)
    assert "**行业 → 能源品种（万吨 CO₂当量）**" in [md.value for md in app.markdown]
    assert figures["trend"]["layout"]["yaxis"]["title"]["text"] == "万吨 CO₂当量"
    (co2e,) = query(sample_app, "SELECT co2e_t FROM marts.fct_region_year WHERE region_code = ? AND year = 2018", (GANSU,))[0]
    leaves = [v for v, parent in zip(figures["treemap"]["data"][0]["values"], figures["treemap"]["data"][0]["parents"]) if parent]
    assert math.isclose(sum(leaves), co2e / 10_000, rel_tol=1e-9)
    # The heading and the cards follow the switch too (issue 15): greenhouse gases, in CO₂e.
    assert any(header.value.endswith("2018年温室气体排放总量") for header in app.header)
    shown = metric_values(app)
    assert shown["温室气体排放总量（万吨 CO₂当量）"] == f"{co2e / 10_000:,.2f}"
    assert not any(label.startswith("净调") for label in shown)  # the electricity chain is a CO₂ concept


def test_chart_text_keeps_markup_as_text():
    from dashboards.views.structure import chart_text

    assert chart_text("<script>alert(1)</script>某化工厂") == "&lt;script&gt;alert(1)&lt;/script&gt;某化工厂"
    assert chart_text("A & B") == "A &amp; B"
