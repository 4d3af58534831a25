"""The public warehouse on a tiny hand-made full warehouse: suppression and no enterprise data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.public_warehouse import (
    MAX_DOMINANT_SHARE,
    MIN_ENTERPRISES,
    REASON_DOMINANT,
    REASON_FEW,
    REASON_SECONDARY,
    build_public_warehouse,
    publish_public_warehouse,
    secondary_suppression,
)

# county -> [(credit_code, name, process CO2 t)]; all in city 620100, province 620000
CELLS = {
    "620102": [("91620102AAAAAAAA01", "甲水泥厂", 100.0), ("91620102AAAAAAAA02", "乙水泥厂", 120.0)],  # 2 → suppressed
    "620103": [  # 900 of 1000 = 90 % → dominant
        ("91620103BBBBBBBB01", "<script>alert(1)</script>某化工厂", 900.0),
        ("91620103BBBBBBBB02", "丙石灰厂", 50.0),
        ("91620103BBBBBBBB03", "丁石灰厂", 50.0),
    ],
    "620104": [  # 3 balanced → shown
        ("91620104CCCCCCCC01", "戊建材公司", 100.0),
        ("91620104CCCCCCCC02", "己建材公司", 100.0),
        ("91620104CCCCCCCC03", "庚建材公司", 100.0),
    ],
    "620201": [("91620201DDDDDDDD01", "辛钢铁公司", 500.0)],  # alone in city 620200
}
ETS_COUNTIES = {"620102", "620104", "620201"}
YEAR = 2020


def _enterprises():
    for county, members in CELLS.items():
        for code, name, co2 in members:
            yield county, code, name, co2


def _make_full(path: Path, with_lines: bool = True) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("marts", "staging", "reference", "raw"):
            con.execute(f"CREATE SCHEMA {schema}")
        con.execute("CREATE TABLE marts.dim_region (region_code VARCHAR, name_zh VARCHAR, level VARCHAR, parent_code VARCHAR, province_code VARCHAR, city_code VARCHAR)")
        con.execute("INSERT INTO marts.dim_region VALUES ('620000','甘肃省','province',NULL,'620000',NULL), "
                    "('620100','兰州市','city','620000','620000','620100'), ('620200','嘉峪关市','city','620000','620000','620200')")
        for county in CELLS:
            city = county[:4] + "00"
            con.execute("INSERT INTO marts.dim_region VALUES (?, ?, 'county', ?, '620000', ?)", [county, f"县{county}", city, city])
        con.execute("CREATE TABLE marts.fct_region_year (region_code VARCHAR, year INTEGER, co2_t DOUBLE, co2_process_t DOUBLE, "
                    "co2_with_process_t DOUBLE, co2e_t DOUBLE)")
        con.execute("CREATE TABLE marts.fct_target_progress AS SELECT '620000' AS region_code, 2020 AS year, 0.5 AS progress")
        con.execute("CREATE TABLE marts.fct_recalculation AS SELECT '620000' AS region_code, 2020 AS year, 0.0 AS delta_t")
        for grain in ("daily", "monthly", "yearly"):
            con.execute(f"CREATE TABLE marts.fct_market_{grain} AS SELECT 'CEA' AS product, 60.0 AS close_price")
        con.execute("CREATE TABLE marts.fct_enterprise_year (credit_code VARCHAR, enterprise_name VARCHAR, year INTEGER, region_code VARCHAR, "
                    "sector_code VARCHAR, in_ets BOOLEAN, co2_t DOUBLE, co2_combustion_t DOUBLE, co2_process_t DOUBLE, data_status VARCHAR)")
        con.execute("CREATE TABLE marts.fct_enterprise_report_version (credit_code VARCHAR, enterprise_name VARCHAR, year INTEGER, data_status VARCHAR, "
                    "submitted_on DATE, source_file VARCHAR, is_authoritative BOOLEAN)")
        con.execute("CREATE TABLE staging.stg_raw__enterprise_report_lines (credit_code VARCHAR, enterprise_name VARCHAR, region_code VARCHAR, "
                    "report_year INTEGER, data_status VARCHAR, submitted_on DATE, source_file VARCHAR, source_category VARCHAR, "
                    "source_name VARCHAR, activity_value DOUBLE, emission_factor DOUBLE, emission_factor_unit VARCHAR)")
        con.execute("CREATE TABLE reference.ref_industrial_processes AS SELECT 'limestone' AS process_code, '石灰石分解|limestone' AS aliases")
        for table in ("ref_targets", "ref_indicators", "ref_fuels", "ref_enterprise_sectors", "ref_energy_balance_items", "ref_exchanges"):
            con.execute(f"CREATE TABLE reference.{table} AS SELECT 'code' AS code, 'public source' AS source")
        for county, code, name, co2 in _enterprises():
            con.execute("INSERT INTO marts.fct_enterprise_year VALUES (?, ?, ?, ?, 'building_materials', ?, ?, 0, ?, 'verified')",
                        [code, name, YEAR, county, county in ETS_COUNTIES, co2, co2])
            con.execute("INSERT INTO marts.fct_enterprise_report_version VALUES (?, ?, ?, 'verified', ?, 'r.xlsx', true)",
                        [code, name, YEAR, date(2021, 3, 1)])
            # an older self-reported version that must not count
            con.execute("INSERT INTO marts.fct_enterprise_report_version VALUES (?, ?, ?, 'reported', ?, 'old.xlsx', false)",
                        [code, name, YEAR, date(2021, 1, 1)])
            for status, day, source, value in (("verified", date(2021, 3, 1), "r.xlsx", co2), ("reported", date(2021, 1, 1), "old.xlsx", 1e6)):
                con.execute("INSERT INTO staging.stg_raw__enterprise_report_lines VALUES (?, ?, ?, ?, ?, ?, ?, 'process', '石灰石分解', ?, 1.0, 'tCO2/t')",
                            [code, name, county, YEAR, status, day, source, value])
        if not with_lines:
            con.execute("DROP TABLE staging.stg_raw__enterprise_report_lines")
        con.execute("CREATE TABLE marts.fct_energy_emissions (region_code VARCHAR, year INTEGER, sector_code VARCHAR, fuel_code VARCHAR, "
                    "is_process BOOLEAN, activity_value DOUBLE, activity_unit VARCHAR, energy_tce DOUBLE, electricity_method VARCHAR, "
                    "co2_t DOUBLE, ch4_t DOUBLE, n2o_t DOUBLE, co2e_t DOUBLE, factor_set VARCHAR, gwp_set VARCHAR, "
                    "factor_source VARCHAR, source_files VARCHAR[])")
        totals: dict[str, float] = {}
        for county, _, _, co2 in _enterprises():
            for region in (county, county[:4] + "00", "620000"):
                totals[region] = totals.get(region, 0.0) + co2
        for region, co2 in totals.items():
            con.execute("INSERT INTO marts.fct_region_year VALUES (?, ?, 20, ?, ?, ?)", [region, YEAR, co2, 20 + co2, 21 + co2])
            con.execute("INSERT INTO marts.fct_energy_emissions VALUES (?, ?, 'process_limestone', 'none', true, ?, 't', NULL, 'x', ?, NULL, NULL, ?, "
                        "'f', 'AR5', 'enterprise_report_emission_factor', ['r.xlsx'])", [region, YEAR, co2, co2, co2])
            con.execute("INSERT INTO marts.fct_energy_emissions VALUES (?, ?, 'industry', 'coal', false, 10, 't', 7, 'x', 20, 0.1, 0.1, 21, "
                        "'f', 'AR5', 'statistics', ['s.xlsx'])", [region, YEAR])
        con.execute("CREATE TABLE marts.fct_market_coverage (region_code VARCHAR, year INTEGER, level VARCHAR, ets_enterprises_count INTEGER, "
                    "ets_verified_co2_t DOUBLE, ets_verified_direct_co2_t DOUBLE, inventory_co2_t DOUBLE, coverage_share DOUBLE, direct_coverage_share DOUBLE)")
        con.execute("INSERT INTO marts.fct_market_coverage VALUES ('620000', 2020, 'province', 6, 1020, 1020, 5000, 0.204, 0.204), "
                    "('620100', 2020, 'city', 5, 520, 520, 3000, 0.17, 0.17), ('620200', 2020, 'city', 1, 500, 500, 1000, 0.5, 0.5)")


@pytest.fixture(scope="module")
def public_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pub")
    _make_full(folder / "ghg.duckdb")
    publish_public_warehouse(folder / "ghg.duckdb", folder / "ghg_public.duckdb")
    return folder / "ghg_public.duckdb"


def _q(db: Path, sql: str, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_thresholds_follow_domain_md():
    assert (MIN_ENTERPRISES, MAX_DOMINANT_SHARE) == (3, 0.80)


def test_process_cells_suppressed_by_the_rule(public_db):
    rows = {r[0]: r[1:] for r in _q(public_db, "SELECT region_code, co2_t, suppressed, suppression_reason FROM marts.fct_energy_emissions "
                                               "WHERE is_process")}
    assert rows["620102"] == (None, True, REASON_FEW)
    assert rows["620103"] == (None, True, REASON_DOMINANT)
    assert rows["620104"] == (300.0, False, None)
    assert rows["620201"] == (None, True, REASON_FEW)
    # Lanzhou passes the rule (8 enterprises, largest 900 of 1520), but Gansu's total minus
    # Lanzhou's would give Jiayuguan's single plant: Lanzhou is hidden as well.
    assert rows["620100"] == (None, True, REASON_SECONDARY)
    # the old self-reported version (1e6 t) does not count towards dominance
    assert rows["620000"][1] is False
    # statistics-based (combustion) rows are never suppressed and keep their values
    assert _q(public_db, "SELECT DISTINCT co2_t, suppressed FROM marts.fct_energy_emissions WHERE NOT is_process") == [(20.0, False)]


def test_suppressed_values_are_null_never_zero(public_db):
    assert _q(public_db, "SELECT count(*) FROM marts.fct_energy_emissions WHERE suppressed AND "
                         "(co2_t IS NOT NULL OR co2e_t IS NOT NULL OR activity_value IS NOT NULL)") == [(0,)]
    assert _q(public_db, "SELECT count(*) FROM marts.agg_enterprise_sector_year WHERE suppressed AND "
                         "(co2_t IS NOT NULL OR enterprise_count IS NOT NULL)") == [(0,)]


def test_agg_enterprise_sector_year(public_db):
    rows = {r[0]: r[1:] for r in _q(public_db, "SELECT region_code, enterprise_count, co2_t, suppressed, suppression_reason "
                                               "FROM marts.agg_enterprise_sector_year WHERE year = 2020 AND sector_code = 'building_materials'")}
    assert rows["620102"] == (None, None, True, REASON_FEW)
    assert rows["620103"] == (None, None, True, REASON_DOMINANT)
    assert rows["620104"] == (3, 300.0, False, None)
    assert rows["620000"] == (9, 2020.0, False, None)


def test_market_coverage_suppressed(public_db):
    rows = {r[0]: r[1:] for r in _q(public_db, "SELECT region_code, ets_verified_co2_t, coverage_share, suppressed, suppression_reason "
                                               "FROM marts.fct_market_coverage")}
    assert rows["620200"] == (None, None, True, REASON_FEW)
    # Lanzhou alone passes, but Gansu minus Lanzhou would be Jiayuguan's single enterprise.
    assert rows["620100"] == (None, None, True, REASON_SECONDARY)
    assert rows["620000"] == (1020.0, 0.204, False, None)


def test_only_aggregate_marts(public_db):
    tables = _q(public_db, "SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2")
    assert {s for s, _ in tables} == {"marts", "reference"}
    assert {t for s, t in tables if s == "marts"} == {
        "agg_enterprise_sector_year", "dim_region", "fct_energy_emissions", "fct_market_coverage", "fct_market_daily",
        "fct_market_monthly", "fct_market_yearly", "fct_recalculation", "fct_region_year", "fct_target_progress",
    }
    # Public reference data only (names, units, plan sources), no enterprise registry.
    assert {t for s, t in tables if s == "reference"} == {
        "ref_targets", "ref_indicators", "ref_fuels", "ref_enterprise_sectors", "ref_energy_balance_items",
        "ref_industrial_processes", "ref_exchanges",
    }
    columns = {c for (c,) in _q(public_db, "SELECT column_name FROM information_schema.columns")}
    assert not columns & {"credit_code", "enterprise_name"}


def test_no_credit_code_or_name_in_any_varchar(public_db):
    secrets = [value for _, code, name, _ in _enterprises() for value in (code, name)]
    with duckdb.connect(str(public_db), read_only=True) as con:
        cols = con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                           "WHERE data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR%'").fetchall()
        assert cols
        for schema, table, column in cols:
            values = [str(v) for (v,) in con.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"').fetchall()]
            for secret in secrets:
                assert not any(secret in v for v in values), (table, column, secret)


def test_fallback_without_report_lines_is_still_suppressed(tmp_path):
    _make_full(tmp_path / "ghg.duckdb", with_lines=False)
    build_public_warehouse(tmp_path / "ghg.duckdb", tmp_path / "public.duckdb")
    rows = {r[0]: r[1:] for r in _q(tmp_path / "public.duckdb", "SELECT region_code, suppressed, suppression_reason "
                                                                "FROM marts.fct_energy_emissions WHERE is_process")}
    assert rows["620102"] == (True, REASON_FEW)
    assert rows["620103"] == (True, REASON_DOMINANT)
    assert rows["620104"] == (False, None)


def test_publish_replaces_atomically_and_leaves_no_temp(public_db):
    folder = public_db.parent
    assert not [p for p in folder.iterdir() if "tmp" in p.name]
    assert _q(public_db, "SELECT count(*) FROM marts.fct_target_progress") == [(1,)]


def test_region_totals_of_process_emissions_follow_the_rule(public_db):
    rows = {r[0]: r[1:] for r in _q(public_db, "SELECT region_code, co2_t, co2_process_t, co2_with_process_t, co2e_t, "
                                               "process_suppressed, process_suppression_reason FROM marts.fct_region_year")}
    # Combustion CO2 (energy statistics) is never suppressed; what contains process CO2 is.
    assert rows["620102"] == (20.0, None, None, None, True, REASON_FEW)
    assert rows["620103"] == (20.0, None, None, None, True, REASON_DOMINANT)
    assert rows["620104"] == (20.0, 300.0, 320.0, 321.0, False, None)
    assert rows["620200"] == (20.0, None, None, None, True, REASON_FEW)
    assert rows["620100"] == (20.0, None, None, None, True, REASON_SECONDARY)
    assert rows["620000"] == (20.0, 2020.0, 2040.0, 2041.0, False, None)


def test_no_published_sum_gives_away_a_hidden_value(public_db):
    """Every total with its parts (a region and its process cells; a parent and its children)
    has either no hidden non-zero member or at least two."""
    regions = dict(_q(public_db, "SELECT region_code, parent_code FROM marts.dim_region"))
    totals = {r: (v, h) for r, v, h in _q(public_db, "SELECT region_code, co2_process_t, process_suppressed FROM marts.fct_region_year")}
    for parent in {p for p in regions.values() if p}:
        members = [totals[parent]] + [totals[c] for c, p in regions.items() if p == parent and c in totals]
        hidden = sum(1 for value, is_hidden in members if is_hidden)
        assert hidden != 1, parent


def test_secondary_suppression_hides_the_smallest_other_part():
    values = {"T": 100.0, "a": 50.0, "b": 30.0, "c": 20.0, "zero": 0.0}
    # a hidden alone: T - b - c would give it away → the smallest visible part (c) goes too.
    assert secondary_suppression(values, {"a"}, [("T", ["a", "b", "c", "zero"])]) == {"c"}
    # two hidden parts: nothing to add.
    assert secondary_suppression(values, {"a", "b"}, [("T", ["a", "b", "c"])]) == set()
    # the total hidden and every part visible: the parts would sum to it → hide one part.
    assert secondary_suppression(values, {"T"}, [("T", ["a", "b", "c"])]) == {"c"}
    # a hidden part with no other part: the total must go.
    assert secondary_suppression({"T": 5.0, "a": 5.0}, {"a"}, [("T", ["a"])]) == {"T"}
    # chains: hiding c for the first constraint leaks c's own breakdown → one of its parts too.
    values |= {"c1": 12.0, "c2": 8.0}
    assert secondary_suppression(values, {"a"}, [("T", ["a", "b", "c"]), ("c", ["c1", "c2"])]) == {"c", "c2"}
