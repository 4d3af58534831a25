"""The GHG inventory page (dashboards/views/inventory.py) on one build of the bundled sample.

The officer's sector totals are checked against direct sums of marts.fct_inventory, the key
categories against marts.fct_key_categories; a leader never gets a key-category table, and a
leader's page works whether or not the public file publishes the inventory (a simulated public
fct_inventory with a suppressed row shows "—" and the reason, never 0).
"""

from __future__ import annotations

import math
import shutil

import duckdb
import pytest

from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "inventory.py"
GANSU = "620000"
SECTOR_NAMES_ZH = {
    "energy": "能源活动", "ippu": "工业生产过程", "agriculture": "农业",
    "lulucf": "土地利用变化和林业（吸收）", "waste": "废弃物处理",
}


def query(folder, sql, params=(), public=False):
    path = folder / ("ghg_public.duckdb" if public else "ghg.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def public_has_inventory(folder) -> bool:
    return bool(query(folder, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                              "AND table_name = 'fct_inventory'", public=True)[0][0])


def choose_year(app, year):
    app.selectbox(key="inventory_year").set_value(year).run()
    assert_no_error(app)
    return app


def frames_with(app, column):
    return [frame.value for frame in app.dataframe if column in frame.value.columns]


def sector_frame(app):
    """The table by sector (raw column names: the headers are column_config labels), indexed by name."""
    frames = [frame.value for frame in app.dataframe
              if {"name", "co2e_10k", "note"} <= set(frame.value.columns) and "category_code" not in frame.value.columns]
    assert len(frames) == 1, [list(frame.value.columns) for frame in app.dataframe]
    return frames[0].set_index("name")


@pytest.mark.parametrize(
    ("role", "lang"),
    [("leader", "zh"), ("leader", "en"), ("officer", "zh"), ("officer", "en"), ("analyst", "zh"), ("analyst", "en")],
)
def test_every_role_renders(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    text = all_text(app)
    if role == "leader" and not public_has_inventory(sample_app):
        # The public file does not publish the inventory yet: one caption says so.
        expected = "尚未发布温室气体清单" if lang == "zh" else "does not publish the GHG inventory yet"
        assert expected in text
        assert not app.dataframe
        return
    assert len(app.metric) == 3
    charts = {element.proto.id.rsplit("-inventory_", 1)[-1] for element in app.get("plotly_chart")}
    assert {"trend", "uncertainty"} <= charts
    assert ("key_level" in charts) == (role != "leader")


def test_officer_sector_totals_equal_the_mart(sample_app):
    app = choose_year(open_page(PAGE, role="officer", lang="zh"), 2015)
    shown = sector_frame(app)
    expected = dict(query(
        sample_app, "SELECT sector, sum(co2e_t) FROM marts.fct_inventory WHERE region_code = ? AND year = 2015 GROUP BY sector",
        (GANSU,),
    ))
    for sector, name in SECTOR_NAMES_ZH.items():
        assert math.isclose(shown.loc[name, "co2e_10k"], expected[sector] / 10_000, rel_tol=1e-9), sector
    assert shown.loc["土地利用变化和林业（吸收）", "co2e_10k"] < 0  # removals are negative
    with_lulucf = sum(expected.values())
    without = with_lulucf - expected["lulucf"]
    assert math.isclose(shown.loc["总量（含土地利用变化和林业）", "co2e_10k"], with_lulucf / 10_000, rel_tol=1e-9)
    assert math.isclose(shown.loc["总量（不含土地利用变化和林业）", "co2e_10k"], without / 10_000, rel_tol=1e-9)
    # The gas columns add up to the total of each row.
    gases = ["co2_co2e_10k", "ch4_co2e_10k", "n2o_co2e_10k", "fgases_co2e_10k"]
    assert math.isclose(shown.loc["工业生产过程", gases].sum(), shown.loc["工业生产过程", "co2e_10k"], rel_tol=1e-9)
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["总量（含土地利用变化和林业）（万吨 CO₂当量）"] == f"{with_lulucf / 10_000:,.2f}"


def test_officer_sees_the_key_categories(sample_app):
    app = choose_year(open_page(PAGE, role="officer", lang="zh"), 2015)
    tables = frames_with(app, "is_key")
    (count,) = query(
        sample_app, "SELECT count(*) FROM marts.fct_key_categories WHERE region_code = ? AND year = 2015 "
                    "AND assessment = 'level' AND is_key", (GANSU,),
    )[0]
    assert tables, "no key-category table"
    level = tables[0]  # the first tab: the level assessment
    assert int(level["is_key"].sum()) == count and count > 0
    assert level["category_code"].iat[0] == "1.A.1.a"  # the largest category ranks first
    assert "95 % 线" in all_text(app)


def test_leader_sees_no_key_category_table(sample_app):
    app = open_page(PAGE, role="leader", lang="zh")
    assert_no_error(app)
    assert not frames_with(app, "is_key")
    if public_has_inventory(sample_app):
        assert "仅对授权用户" in all_text(app)


@pytest.fixture
def public_inventory_app(sample_warehouse, tmp_path, monkeypatch):
    """The leader's file with public versions of fct_inventory, fct_inventory_summary and
    fct_uncertainty as the public file is to publish them: the same columns plus suppressed /
    suppression_reason, Gansu's 2015 bottom-up process rows hidden (NULL emissions) for fewer than
    3 enterprises, and the summary lines containing them hidden."""
    shutil.copy(sample_warehouse / "ghg_public.duckdb", tmp_path / "ghg_public.duckdb")
    with duckdb.connect(str(tmp_path / "ghg_public.duckdb")) as con:
        con.execute(f"ATTACH '{sample_warehouse / 'ghg.duckdb'}' AS full_file (READ_ONLY)")
        con.execute("DROP TABLE IF EXISTS marts.fct_inventory")
        con.execute("DROP TABLE IF EXISTS marts.fct_uncertainty")
        con.execute("DROP TABLE IF EXISTS marts.fct_inventory_summary")
        con.execute(
            "CREATE TABLE marts.fct_inventory AS SELECT * REPLACE ("
            "  CASE WHEN hide THEN NULL ELSE emissions_t END AS emissions_t,"
            "  CASE WHEN hide THEN NULL ELSE co2e_t END AS co2e_t),"
            "  hide AS suppressed, CASE WHEN hide THEN 'fewer_than_3_enterprises' END AS suppression_reason "
            "FROM (SELECT * EXCLUDE (source_files), region_code = ? AND year = 2015 AND method = 'bottom_up' AS hide "
            "      FROM full_file.marts.fct_inventory)",
            [GANSU],
        )
        con.execute("ALTER TABLE marts.fct_inventory DROP COLUMN hide")
        # the summary as pub_fct_inventory_summary publishes it: the lines containing the hidden
        # process rows (industrial processes and both totals) null, with the reason
        con.execute(
            "CREATE TABLE marts.fct_inventory_summary AS SELECT * REPLACE ("
            "  CASE WHEN hide THEN NULL ELSE co2_t END AS co2_t, CASE WHEN hide THEN NULL ELSE ch4_co2e_t END AS ch4_co2e_t,"
            "  CASE WHEN hide THEN NULL ELSE n2o_co2e_t END AS n2o_co2e_t,"
            "  CASE WHEN hide THEN NULL ELSE fgases_co2e_t END AS fgases_co2e_t,"
            "  CASE WHEN hide THEN NULL ELSE total_co2e_t END AS total_co2e_t),"
            "  hide AS suppressed, CASE WHEN hide THEN 'fewer_than_3_enterprises' END AS suppression_reason "
            "FROM (SELECT *, region_code = ? AND year = 2015 AND (sector = 'ippu' OR line_kind = 'total') AS hide "
            "      FROM full_file.marts.fct_inventory_summary)",
            [GANSU],
        )
        con.execute("ALTER TABLE marts.fct_inventory_summary DROP COLUMN hide")
        con.execute("CREATE TABLE marts.fct_uncertainty AS SELECT * FROM full_file.marts.fct_uncertainty")
        hidden = con.execute("SELECT count(*) FROM marts.fct_inventory WHERE suppressed").fetchone()[0]
    assert hidden, "the sample has no bottom-up process row for Gansu 2015 to hide"
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("GHG_DASHBOARD_MODE", "demo")
    return tmp_path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_leader_with_public_inventory_shows_hidden_figures_as_a_dash(public_inventory_app, lang):
    app = choose_year(open_page(PAGE, role="leader", lang=lang), 2015)
    shown = sector_frame(app)
    total = "co2e_10k"
    ippu = "工业生产过程" if lang == "zh" else "Industrial processes"
    note = "note"
    # Hidden: no value (shown as "—" by the table's placeholder), never 0, and the reason beside it.
    assert math.isnan(shown.loc[ippu, total])
    assert ("少于3家" if lang == "zh" else "fewer than 3 enterprises") in shown.loc[ippu, note]
    with_key = "总量（含土地利用变化和林业）" if lang == "zh" else "Total including LULUCF"
    assert math.isnan(shown.loc[with_key, total])  # a total containing a hidden figure is hidden too
    energy = "能源活动" if lang == "zh" else "Energy"
    assert shown.loc[energy, total] > 0
    assert not frames_with(app, "is_key")
    text = all_text(app)
    assert ("仅对授权用户" if lang == "zh" else "authorised users") in text
    assert "—" in {metric.value for metric in app.metric}
