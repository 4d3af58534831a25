"""dbt build on the tiny raw fixture: seeds, models, contracts, data tests and unit tests all
pass, and the public tables hold the figures computed by hand below.

The fixture (tests/fixtures/make_raw_fixture.py) gives every region the same per-unit energy
balance, scaled: province 30,000, 兰州 620100 12,000, 嘉峪关 620200 9,000, 城关 620102 4,500,
七里河 620103 3,000, times a yearly factor (2015 = 1). Per unit, in 2015:

  combustion: raw coal 1650 t (industry 500 − feedstock 100, households 50, thermal power 1000,
              heating 200; coking 300 excluded), natural gas 55 ×10^4 Nm3, diesel 40 t, coke 240 t
  energy:     2060 t coal × 0.7143 + 55 × 12.143 + 40 × 1.4571 + 1600 MWh × 0.1229 = 2394.247 tce
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
FIXTURE_SCRIPT = PROJECT_ROOT / "tests" / "fixtures" / "make_raw_fixture.py"

PROVINCE_SCALE, LANZHOU_SCALE, JIAYUGUAN_SCALE = 30_000, 12_000, 9_000
CHENGGUAN_SCALE, QILIHE_SCALE = 4_500, 3_000


def _co2_per_tonne(ncv: float, carbon_content: float, oxidation: float) -> float:
    """t CO2 per canonical unit: NCV × CC / 1000 × OF × 44/12."""
    return ncv * carbon_content / 1000 * oxidation * 44 / 12


# Hand computation of one unit of scale in 2015 (NDRC 2013 default factors).
CO2_PER_UNIT_2015 = (
    1650 * _co2_per_tonne(20.908, 26.37, 0.94)  # raw coal: 1.9002988 t/t
    + 55 * _co2_per_tonne(389.31, 15.3, 0.99)  # natural gas: 21.621888 t/10^4 Nm3
    + 40 * _co2_per_tonne(42.652, 20.2, 0.98)  # diesel: 3.0959096 t/t
    + 240 * _co2_per_tonne(28.435, 29.5, 0.93)  # coke: 2.8604188 t/t
)  # = 5135.0338 t
ENERGY_PER_UNIT_2015 = 2060 * 0.7143 + 55 * 12.143 + 40 * 1.4571 + 1600 * 0.1229  # = 2394.247 tce
GDP_2015_PER_UNIT = 2000.0  # 10k yuan
NORTHWEST_GRID_FACTOR = 0.6671  # NDRC 2012 西北 regional grid, tCO2/MWh


def _load_fixture_module():
    spec = importlib.util.spec_from_file_location("make_raw_fixture", FIXTURE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the whole dbt project into a fresh DuckDB file; return (db path, run results)."""
    work = tmp_path_factory.mktemp("dbt_fixture")
    # a dashed, digit-led file name like the Dagster run ids the real builds use
    db_path = _load_fixture_module().make_raw_fixture(work / "0f3c-run.duckdb")
    dbt = Path(sys.executable).with_name("dbt")
    env = {
        **os.environ,
        "GHG_DUCKDB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    target_path = work / "target"
    result = subprocess.run(
        [
            str(dbt), "build",
            "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target_path),
            "--log-path", str(work / "logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
    run_results = json.loads((target_path / "run_results.json").read_text())
    return db_path, run_results


def _one(db_path: Path, sql: str, params: list | None = None) -> tuple:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql}"
    return rows[0]


def _all(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_node_passes_including_unit_tests(built):
    _, run_results = built
    statuses = {result["status"] for result in run_results["results"]}
    assert statuses <= {"success", "pass"}, statuses
    unit_tests = [r for r in run_results["results"] if r["unique_id"].startswith("unit_test.")]
    data_tests = [r for r in run_results["results"] if r["unique_id"].startswith("test.")]
    assert len(unit_tests) >= 10
    assert len(data_tests) >= 100


def test_dim_region_holds_every_region_with_text_codes(built):
    db, _ = built
    assert _all(db, "SELECT level, count(*) FROM marts.dim_region GROUP BY 1 ORDER BY 1") == [
        ("city", 333), ("county", 2845), ("province", 34),
    ]
    assert _one(db, "SELECT name_zh, parent_code, city_code FROM marts.dim_region WHERE region_code = '620102'") == (
        "城关区", "620100", "620100",
    )
    # municipalities' districts hang under the province and have no city
    assert _one(db, "SELECT parent_code, city_code FROM marts.dim_region WHERE region_code = '110101'") == ("110000", None)
    assert _one(db, "SELECT data_type FROM information_schema.columns "
                    "WHERE table_schema = 'marts' AND table_name = 'dim_region' AND column_name = 'region_code'") == ("VARCHAR",)


def test_province_2015_inventory_matches_hand_computation(built):
    db, _ = built
    row = _one(db, """
        SELECT energy_consumption_tce, co2_t, net_electricity_import_mwh, grid_factor_tco2_per_mwh,
               co2_net_electricity_import_t, co2_for_intensity_t, gdp_const_10k_yuan, energy_intensity,
               carbon_intensity, children_sum_co2_t, residual_co2_t, factor_set, electricity_method
        FROM marts.fct_region_year WHERE region_code = '620000' AND year = 2015
    """)
    (energy, co2, net_import, factor, co2_import, co2_for_intensity, gdp_const, energy_intensity,
     carbon_intensity, children_co2, residual_co2, factor_set, electricity_method) = row

    assert energy == pytest.approx(ENERGY_PER_UNIT_2015 * PROVINCE_SCALE, rel=1e-12)  # 71,827,410 tce
    assert energy == pytest.approx(71_827_410.0, abs=1e-3)
    assert co2 == pytest.approx(CO2_PER_UNIT_2015 * PROVINCE_SCALE, rel=1e-12)
    assert co2 == pytest.approx(154_051_015.4689, abs=0.01)
    # Gansu exports: 500 − 1500 MWh per unit → −30,000,000 MWh × 0.6671 = −20,013,000 t
    assert net_import == pytest.approx(-30_000_000.0)
    assert factor == NORTHWEST_GRID_FACTOR
    assert co2_import == pytest.approx(-20_013_000.0)
    assert co2_for_intensity == pytest.approx(154_051_015.4689 - 20_013_000.0, abs=0.01)
    assert gdp_const == pytest.approx(GDP_2015_PER_UNIT * PROVINCE_SCALE)  # 60,000,000 (10k yuan)
    assert energy_intensity == pytest.approx(71_827_410.0 / 60_000_000.0)  # 1.1971 tce per 10k yuan
    assert carbon_intensity == pytest.approx(co2_for_intensity / 60_000_000.0)
    # children = the two cities; residual = the province's own figure minus theirs
    assert children_co2 == pytest.approx(CO2_PER_UNIT_2015 * (LANZHOU_SCALE + JIAYUGUAN_SCALE), rel=1e-12)
    assert residual_co2 == pytest.approx(CO2_PER_UNIT_2015 * (PROVINCE_SCALE - LANZHOU_SCALE - JIAYUGUAN_SCALE), rel=1e-9)
    assert (factor_set, electricity_method) == ("ndrc_2013", "calorific_equivalent")


def test_constant_price_gdp_follows_the_volume_index(built):
    db, _ = built
    (gdp_2020,) = _one(db, "SELECT gdp_const_10k_yuan FROM marts.fct_region_year WHERE region_code = '620000' AND year = 2020")
    assert gdp_2020 == pytest.approx(60_000_000.0 * 360 / 260)  # index 2005=100: 360 in 2020, 260 in 2015


def test_city_children_and_missing_data_stay_null(built):
    db, _ = built
    children, residual = _one(db, "SELECT children_sum_co2_t, residual_co2_t FROM marts.fct_region_year "
                                  "WHERE region_code = '620100' AND year = 2015")
    assert children == pytest.approx(CO2_PER_UNIT_2015 * (CHENGGUAN_SCALE + QILIHE_SCALE), rel=1e-12)
    assert residual == pytest.approx(CO2_PER_UNIT_2015 * (LANZHOU_SCALE - CHENGGUAN_SCALE - QILIHE_SCALE), rel=1e-9)
    # 七里河 publishes no electricity flows: no adjusted CO2, no carbon intensity — not zero
    assert _one(db, "SELECT net_electricity_import_mwh, co2_for_intensity_t, carbon_intensity, children_sum_co2_t "
                    "FROM marts.fct_region_year WHERE region_code = '620103' AND year = 2015") == (None, None, None, None)
    # …and no GDP in 2012: no intensity that year
    assert _one(db, "SELECT gdp_const_10k_yuan, energy_intensity FROM marts.fct_region_year "
                    "WHERE region_code = '620103' AND year = 2012") == (None, None)
    # the 2005 base year stays in intermediate; the mart holds the inventory years only
    # 55 Gansu region-years and 宁夏 2015 (the 30-column balance)
    assert _one(db, "SELECT count(*), min(year), max(year) FROM marts.fct_region_year") == (56, 2010, 2020)
    assert _one(db, "SELECT count(*) FROM intermediate.int_region_year_inventory WHERE year = 2005") == (2,)


def test_sector_detail_excludes_coking_and_feedstock(built):
    db, _ = built
    assert _one(db, "SELECT count(*) FROM marts.fct_energy_emissions WHERE sector_code = 'transform_coking'") == (0,)
    (industry_coal,) = _one(db, "SELECT activity_value FROM marts.fct_energy_emissions WHERE region_code = '620000' "
                                "AND year = 2015 AND sector_code = 'final_industry' AND fuel_code = 'raw_coal'")
    assert industry_coal == pytest.approx((500 - 100) * PROVINCE_SCALE)


def test_target_progress_barometer(built):
    db, _ = built
    # 20 provincial targets + 14 Gansu cities × 2 illustrative intensity targets, × 2016–2020
    assert _one(db, "SELECT count(*) FROM marts.fct_target_progress") == (240,)
    rows = {
        year: (actual, expected, status)
        for year, actual, expected, status in _all(db, """
            SELECT year, actual_value, expected_value, status FROM marts.fct_target_progress
            WHERE region_code = '620000' AND indicator_code = 'energy_intensity_reduction' ORDER BY year
        """)
    }
    # energy intensity I_t = I_2015 × energy factor × 260 / index(t): 2020 → 1.10 × 260/360
    assert rows[2020][0] == pytest.approx(1 - 1.10 * 260 / 360)  # 20.56 % ≥ 14 %
    assert rows[2020][1] == pytest.approx(0.14)
    assert rows[2016][1] == pytest.approx(1 - 0.86 ** 0.2)  # even pace: 2.97 %
    assert {year: status for year, (_, _, status) in rows.items()} == {
        2016: "green",  # 1 − 1.02 × 260/280 = 5.29 % ≥ 2.97 %
        2017: "yellow",  # 1 − 1.12 × 260/300 = 2.93 % < 5.85 %, still below the 2015 intensity
        2018: "red",  # 1 − 1.30 × 260/320 = −5.6 %: intensity rose
        2019: "green",
        2020: "green",
    }
    # the cap: 2017 use (80.4 Mtce) is more than 2 % above the even-growth path (78.4 Mtce)
    assert _one(db, "SELECT status FROM marts.fct_target_progress WHERE region_code = '620000' "
                    "AND indicator_code = 'total_energy_consumption' AND year = 2017") == ("red",)
    # Beijing has targets and no data; the fixture's department statistics hold forest coverage
    # and area only, so the 8 other department indicators have no data (inventory ones do)
    assert _one(db, "SELECT count(*) FROM marts.fct_target_progress WHERE region_code = '110000' AND status <> 'no_data'") == (0,)
    assert _one(db, "SELECT count(DISTINCT indicator_code) FROM marts.fct_target_progress "
                    "WHERE region_code = '620000' AND status = 'no_data'") == (8,)
    # cumulative reduction from the annual rates equals the reduction vs the base year
    worst = _one(db, "SELECT max(abs(cumulative_reduction - actual_value)) FROM marts.fct_target_progress "
                     "WHERE target_kind = 'reduction_vs_base'")[0]
    assert worst is not None and worst < 1e-12


def test_process_emissions_top_down_where_statistics_exist_bottom_up_elsewhere(built):
    """2019, guideline factors (ndrc_2013), AR5, figures by hand (tests/fixtures/make_raw_fixture.py):
    province clinker 2,000,000 t × 0.538 = 1,076,000 t CO2 (the statistics win over the enterprise's
    100,000 t × 0.5383 = 53,830 t); aluminium 10,000 t × 1.6 = 16,000 t CO2, CF4 10,000 × 0.0004 =
    4 t × 6,630 = 26,520 t CO2e, C2F6 0.4 t × 11,100 = 4,440 t CO2e; nitric acid 20,000 t × 0.007 =
    140 t N2O × 265 = 37,100 t CO2e; ferrosilicon (rule bottom_up) 4,000 t shown, not counted."""
    db, _ = built
    rows = {
        (process, gas, method): (emissions, co2e, used, difference)
        for process, gas, method, emissions, co2e, used, difference in _all(db, """
            SELECT process_code, gas, method, emissions_t, co2e_t, used_in_inventory, top_down_minus_bottom_up_t
            FROM marts.fct_process_emissions WHERE region_code = '620000' AND year = 2019""")
    }
    assert rows[("cement_clinker", "CO2", "top_down")] == pytest.approx((1_076_000.0, 1_076_000.0, True, 1_022_170.0))
    assert rows[("cement_clinker", "CO2", "bottom_up")] == pytest.approx((53_830.0, 53_830.0, False, 1_022_170.0))
    assert rows[("aluminium_anode", "CF4", "top_down")] == pytest.approx((4.0, 26_520.0, True, None))
    assert rows[("aluminium_anode", "C2F6", "top_down")] == pytest.approx((0.4, 4_440.0, True, None))
    assert rows[("nitric_acid", "N2O", "top_down")] == pytest.approx((140.0, 37_100.0, True, None))
    assert rows[("ferroalloy", "CO2", "top_down")] == pytest.approx((4_000.0, 4_000.0, False, None))
    # the inventory counts the used rows only: CO2 1,076,000 + 16,000; CO2e adds PFCs and N2O
    co2_process, process_co2e = _one(db, """
        SELECT sum(co2_t), sum(co2e_t) FROM marts.fct_energy_emissions
        WHERE region_code = '620000' AND year = 2019 AND is_process""")
    assert co2_process == pytest.approx(1_092_000.0)
    assert process_co2e == pytest.approx(1_076_000.0 + 16_000.0 + 26_520.0 + 4_440.0 + 37_100.0)
    assert _one(db, "SELECT co2_process_t FROM marts.fct_region_year WHERE region_code = '620000' AND year = 2019") == (
        pytest.approx(1_092_000.0),)
    # 兰州 has its own statistics (500,000 t × 0.538); 城关 has none, so its enterprise's line counts
    by_region = dict(_all(db, """
        SELECT region_code, co2_process_t FROM marts.fct_region_year
        WHERE year = 2019 AND region_code IN ('620100', '620102')"""))
    assert by_region == {"620100": pytest.approx(269_000.0), "620102": pytest.approx(53_830.0)}
    # the public file: top-down rows only, no bottom-up figure and no difference
    assert _one(db, "SELECT count(*) FROM public_marts.fct_process_emissions WHERE region_code = '620102'") == (0,)
    assert _one(db, "SELECT co2e_t FROM public_marts.fct_process_emissions WHERE region_code = '620000' "
                    "AND year = 2019 AND process_code = 'nitric_acid'") == (pytest.approx(37_100.0),)


def test_fixture_tables_match_the_readers_schemas(tmp_path):
    """The fixture mimics what pipelines/ingest writes; keep the two in step."""
    import polars as pl

    from pipelines.ingest.schemas import RAW_SCHEMAS

    def utc_named_alike(schema) -> dict:
        # DuckDB hands TIMESTAMPTZ back in its session zone ('Etc/UTC'), the readers write 'UTC'.
        return {name: pl.Datetime(dtype.time_unit, "UTC") if isinstance(dtype, pl.Datetime) and dtype.time_zone in ("UTC", "Etc/UTC")
                else dtype for name, dtype in dict(schema).items()}

    db_path = _load_fixture_module().make_raw_fixture(tmp_path / "schemas.duckdb")
    with duckdb.connect(str(db_path), read_only=True) as con:
        for table, schema in RAW_SCHEMAS.items():
            fixture_schema = pl.from_arrow(con.sql(f"SELECT * FROM raw.{table} LIMIT 0").to_arrow_table()).schema
            assert utc_named_alike(fixture_schema) == utc_named_alike(schema), table


# 宁夏 640000 in 2015: 1 published unit of each of the yearbook's 30 columns burned in 工业, read
# from a real workbook by the real reader (make_raw_fixture.ALL_COLUMNS_BALANCE). One unit is
# 10^4 t (万吨), 10^4 ×10^4 Nm3 (亿立方米), 10^4 GJ (万百万千焦), 10^5 MWh (亿千瓦时) or 10^4 tce.
# energy_tce = amount × tce_per_unit (GB/T 2589-2020); co2_t = amount × NCV × CC / 1000 × OF × 44/12
# (ndrc_2013). fuel → (energy_tce, co2_t) of its combustion row:
ALL_COLUMNS_COMBUSTION = {
    "raw_coal": (7143.0, 19002.988488),  # 10^4 × 0.7143; 10^4 × 20.908 × 26.37/1000 × 0.94 × 44/12
    "cleaned_coal": (9000.0, 22090.23432),  # 10^4 × 0.9000; 10^4 × 26.344 × 25.41/1000 × 0.90 × 44/12
    "other_washed_coal": (2857.0, 7012.62639),  # 10^4 × 0.2857; 10^4 × 8.363 × 25.41/1000 × 0.90 × 44/12
    "briquettes": (5958.0, 19359.648),  # 10^4 × 0.5958; 10^4 × 17.46 × 33.6/1000 × 0.90 × 44/12
    "coal_gangue": (2857.0, 7021.01169),  # 10^4 × 0.2857; 10^4 × 8.373 × 25.41/1000 × 0.90 × 44/12
    "coke": (9714.0, 28604.18825),  # 10^4 × 0.9714; 10^4 × 28.435 × 29.5/1000 × 0.93 × 44/12
    "coke_oven_gas": (61430.0, 88638.05874),  # 10^4 × 6.143; 10^4 × 179.81 × 13.58/1000 × 0.99 × 44/12
    "blast_furnace_gas": (12860.0, 0.0),  # 10^4 × 1.286; carbon of the coke: not counted again
    "converter_gas": (27140.0, 0.0),  # 10^4 × 2.714; carbon of the coke and coal: not counted again
    "other_gas": (17860.0, 23148.2922),  # 10^4 × 1.786; 10^4 × 52.27 × 12.2/1000 × 0.99 × 44/12
    "crude_oil": (14286.0, 30202.02416),  # 10^4 × 1.4286; 10^4 × 41.816 × 20.1/1000 × 0.98 × 44/12
    "gasoline": (14714.0, 29250.5598),  # 10^4 × 1.4714; 10^4 × 43.07 × 18.9/1000 × 0.98 × 44/12
    "kerosene": (14714.0, 30333.9138667),  # 10^4 × 1.4714; 10^4 × 43.07 × 19.6/1000 × 0.98 × 44/12
    "diesel": (14571.0, 30959.0963733),  # 10^4 × 1.4571; 10^4 × 42.652 × 20.2/1000 × 0.98 × 44/12
    "fuel_oil": (14286.0, 31704.6124267),  # 10^4 × 1.4286; 10^4 × 41.816 × 21.1/1000 × 0.98 × 44/12
    "naphtha": (15000.0, 31980.6666667),  # 10^4 × 1.5000; 10^4 × 44.5 × 20.0/1000 × 0.98 × 44/12
    "petroleum_coke": (10918.0, 32115.4166667),  # 10^4 × 1.0918; 10^4 × 32.5 × 27.5/1000 × 0.98 × 44/12
    "lpg": (17143.0, 31013.2982133),  # 10^4 × 1.7143; 10^4 × 50.179 × 17.2/1000 × 0.98 × 44/12
    "refinery_gas": (15714.0, 30389.03868),  # 10^4 × 1.5714; 10^4 × 45.998 × 18.2/1000 × 0.99 × 44/12
    "other_petroleum_products": (14000.0, 29487.612),  # 10^4 × 1.4; 10^4 × 41.031 × 20.0/1000 × 0.98 × 44/12
    "natural_gas": (121430.0, 216218.8809),  # 10^4 × 12.143; 10^4 × 389.31 × 15.3/1000 × 0.99 × 44/12
    "lng": (17572.0, 28312.57044),  # 10^4 × 1.7572; 10^4 × 51.498 × 15.3/1000 × 0.98 × 44/12
}
# No combustion row: non-energy products (carbon stored) and non-fossil columns; energy only.
ALL_COLUMNS_ENERGY_ONLY = {
    "other_coking_products": 11429.0,  # 10^4 × 1.1429
    "lubricants": 14143.0,  # 10^4 × 1.4143
    "paraffin_wax": 13648.0,  # 10^4 × 1.3648
    "solvent_oil": 14672.0,  # 10^4 × 1.4672
    "bitumen": 13307.0,  # 10^4 × 1.3307
    "heat": 341.2,  # 10^4 GJ × 0.03412
    "electricity": 12290.0,  # 10^5 MWh × 0.1229
    "other_energy": 10000.0,  # 10^4 tce × 1
}


def test_every_column_of_the_yearbook_balance_counts_its_energy_and_co2(built):
    db, _ = built
    rows = {fuel: (energy, co2, activity) for fuel, energy, co2, activity in _all(db, """
        SELECT fuel_code, energy_tce, co2_t, activity_value FROM marts.fct_energy_emissions
        WHERE region_code = '640000' AND year = 2015 AND sector_code = 'final_industry'""")}
    assert set(rows) == set(ALL_COLUMNS_COMBUSTION)  # 22 counted + 2 by-product gases; no others
    for fuel, (energy, co2) in ALL_COLUMNS_COMBUSTION.items():
        assert rows[fuel][0] == pytest.approx(energy, rel=1e-9), fuel
        assert rows[fuel][1] == pytest.approx(co2, rel=1e-9, abs=1e-9), fuel
    assert len(ALL_COLUMNS_COMBUSTION) + len(ALL_COLUMNS_ENERGY_ONLY) == 30
    # every column's amount and coefficient as read: 30 flows in 工业
    flows = {fuel: value * tce for fuel, value, tce in _all(db, """
        SELECT fuel_code, value, tce_per_unit FROM intermediate.int_energy_balance_flows
        WHERE region_code = '640000' AND year = 2015 AND item_code = 'final_industry'""")}
    expected = {fuel: energy for fuel, (energy, _) in ALL_COLUMNS_COMBUSTION.items()} | ALL_COLUMNS_ENERGY_ONLY
    assert flows == pytest.approx(expected, rel=1e-9)
    energy, co2 = _one(db, "SELECT energy_consumption_tce, co2_t FROM marts.fct_region_year "
                           "WHERE region_code = '640000' AND year = 2015")
    # Total: all 30 columns' energy, less the blast-furnace and converter gas recovered (回收能 +1
    # each: the coke's energy is not counted twice) = 530,997.2 − 12,860 − 27,140 = 490,997.2 tce
    assert sum(expected.values()) == pytest.approx(530_997.2)
    assert energy == pytest.approx(490_997.2, rel=1e-12)
    # CO2: the 20 counted columns, 766,844.74 t (the by-product gases and non-energy products add none)
    assert co2 == pytest.approx(sum(c for _, c in ALL_COLUMNS_COMBUSTION.values()), rel=1e-9)
    assert co2 == pytest.approx(766_844.738, abs=0.01)
    # the IPCC recalculation leaves the by-product gases out under both sets too
    (co2_recalculated,) = _one(db, "SELECT co2_t FROM marts.fct_recalculation WHERE region_code = '640000' AND year = 2015")
    assert co2_recalculated == pytest.approx(co2, rel=1e-12)


RAW_COAL_CO2_PER_T = _co2_per_tonne(20.908, 26.37, 0.94)  # 1.9002988 t CO2/t
COKE_CO2_PER_T = _co2_per_tonne(28.435, 29.5, 0.93)  # 2.8604188 t CO2/t


def test_industry_table_reconciled_with_the_balance(built):
    """兰州 2015 (fixture INDUSTRY_620100_2015) against its balance 工业 row (12,000 × per unit)."""
    db, _ = built
    rows = {fuel: rest for fuel, *rest in _all(db, """
        SELECT fuel_code, balance_value, industries_value, residual_value, residual_share, allocation_factor
        FROM intermediate.int_industry_energy_reconciliation WHERE region_code = '620100' AND year = 2015""")}
    # raw coal: 6,000,000 t vs 1,550,000 + 3,000,000 + 1,200,000 = 5,750,000 t
    assert rows["raw_coal"] == pytest.approx([6_000_000.0, 5_750_000.0, 250_000.0, 250_000 / 6_000_000, 1.0])
    # natural gas: 240,000 vs 170,000 + 60,000 ×10^4 Nm3; coke 2,880,000 vs 2,750,000 t
    assert rows["natural_gas"][2] == pytest.approx(10_000.0)
    assert rows["coke"][3] == pytest.approx(130_000 / 2_880_000)
    # electricity: 36,000,000 vs 20 + 10 + 5 million MWh
    assert rows["electricity"][2] == pytest.approx(1_000_000.0)
    # diesel is in the industry table only: no balance cell, so no residual (missing is not zero)
    assert rows["diesel"][:3] == [None, 5_000.0, None]
    # other region-years have no industry table and are not reconciled
    assert _all(db, "SELECT DISTINCT region_code, year FROM intermediate.int_industry_energy_reconciliation") == [("620100", 2015)]


def test_industry_subsectors_in_the_sector_detail(built):
    db, _ = built
    co2 = {(sector, fuel): (activity, value, item) for sector, fuel, activity, value, item in _all(db, """
        SELECT sector_code, fuel_code, activity_value, co2_t, balance_item_code FROM marts.fct_energy_emissions
        WHERE region_code = '620100' AND year = 2015 AND balance_item_code = 'final_industry'""")}
    # the balance's final_industry rows are replaced by the rows by division and the rest
    assert ("final_industry", "raw_coal") not in co2
    # ferrous metals (31) burns its 1,550,000 t of raw coal and 2,750,000 t of coke
    assert co2[("industry_31", "raw_coal")][:2] == pytest.approx((1_550_000.0, 1_550_000 * RAW_COAL_CO2_PER_T))  # 2,945,463 t
    assert co2[("industry_31", "coke")][1] == pytest.approx(2_750_000 * COKE_CO2_PER_T)  # 7,866,152 t
    # chemicals (26) uses 1,100,000 t of its 3,000,000 t as raw material: 1,900,000 t burned
    assert co2[("industry_26", "raw_coal")][:2] == pytest.approx((1_900_000.0, 1_900_000 * RAW_COAL_CO2_PER_T))  # 3,610,568 t
    # unallocated: the balance burns 6,000,000 − 1,200,000 = 4,800,000 t; divisions 4,650,000 t
    assert co2[("industry_unallocated", "raw_coal")][:2] == pytest.approx((150_000.0, 150_000 * RAW_COAL_CO2_PER_T))
    # industry still burns what the balance says: 12,000 × (400 t coal, 20 ×10^4 Nm3 gas, 240 t coke)
    industry_co2 = sum(value for _, value, _ in co2.values())
    assert industry_co2 == pytest.approx(12_000 * (400 * RAW_COAL_CO2_PER_T + 20 * _co2_per_tonne(389.31, 15.3, 0.99)
                                                   + 240 * COKE_CO2_PER_T), rel=1e-12)
    # electricity and diesel have no combustion rows; the other sectors keep their balance item
    assert {fuel for _, fuel in co2} == {"raw_coal", "natural_gas", "coke"}
    assert _one(db, "SELECT count(*) FROM marts.fct_energy_emissions WHERE balance_item_code IS DISTINCT FROM sector_code "
                    "AND NOT is_process AND NOT (region_code = '620100' AND year = 2015)") == (0,)
    # …and the public file carries the same rows (statistics, not enterprise data)
    assert _one(db, "SELECT count(*) FROM public_marts.fct_energy_emissions WHERE sector_code LIKE 'industry%'") == (len(co2),)
