"""bench/compare_marts.py: the row-for-row comparison that backs "the marts did not change"."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench import compare_marts


def _warehouse(path: Path, sql: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(sql)
    return path


BASE = """
CREATE TABLE marts.fct (region_code VARCHAR, year INTEGER, co2_t DOUBLE);
INSERT INTO marts.fct VALUES ('620100', 2015, 1.0e6), ('620200', 2015, 0.1 + 0.2), ('620100', 2016, NULL);
"""


def test_rows_in_another_order_and_summation_noise_agree(tmp_path):
    before = _warehouse(tmp_path / "a.duckdb", BASE)
    after = _warehouse(tmp_path / "b.duckdb", """
        CREATE TABLE marts.fct (region_code VARCHAR, year INTEGER, co2_t DOUBLE);
        INSERT INTO marts.fct VALUES ('620100', 2016, NULL), ('620200', 2015, 0.3), ('620100', 2015, 1.0e6);
    """)  # 0.1 + 0.2 = 0.30000000000000004: 1.9e-16 relative
    comparison = compare_marts.compare(before, after)
    assert comparison.equal, compare_marts.report(comparison)


@pytest.mark.parametrize(
    ("after_sql", "expected"),
    [
        ("INSERT INTO marts.fct VALUES ('620100', 2015, 1.000001e6), ('620200', 2015, 0.3), ('620100', 2016, NULL)",
         "co2_t 1000000.0 → 1000001.0"),
        ("INSERT INTO marts.fct VALUES ('620100', 2015, 1.0e6), ('620200', 2015, 0.3)", "3 rows before, 2 after"),
        ("INSERT INTO marts.fct VALUES ('620100', 2015, 1.0e6), ('620200', 2014, 0.3), ('620100', 2016, NULL)",
         "year 2015 → 2014"),
        ("INSERT INTO marts.fct VALUES ('620100', 2015, 1.0e6), ('620200', 2015, 0.3), ('620100', 2016, 0.0)",
         "co2_t None → 0.0"),
    ],
)
def test_a_changed_missing_or_nulled_value_is_reported(tmp_path, after_sql, expected):
    before = _warehouse(tmp_path / "a.duckdb", BASE)
    after = _warehouse(tmp_path / "b.duckdb", "CREATE TABLE marts.fct (region_code VARCHAR, year INTEGER, co2_t DOUBLE);" + after_sql)
    comparison = compare_marts.compare(before, after)
    assert not comparison.equal
    assert expected in compare_marts.report(comparison)


def test_an_added_mart_or_column_is_listed_but_a_removed_one_fails(tmp_path):
    before = _warehouse(tmp_path / "a.duckdb", BASE + "CREATE TABLE marts.old (x INTEGER);")
    after = _warehouse(tmp_path / "b.duckdb", BASE + "ALTER TABLE marts.fct ADD COLUMN ch4_t DOUBLE; CREATE TABLE marts.new (x INTEGER);")
    comparison = compare_marts.compare(before, after)
    text = compare_marts.report(comparison)
    assert "column added: ch4_t" in text and "new" in comparison.only_after
    assert comparison.only_before == ["old"] and not comparison.equal
    assert compare_marts.main([str(before), str(before)]) == 0
    assert compare_marts.main([str(before), str(after)]) == 1


def test_an_absolute_tolerance_lets_noise_near_zero_agree_and_nothing_more(tmp_path):
    # A trend share that is a difference of near-equal sums: 5e-17 apart is 1.2e-10 relative.
    table = "CREATE TABLE marts.fct (region_code VARCHAR, share DOUBLE);"
    before = _warehouse(tmp_path / "a.duckdb", table + "INSERT INTO marts.fct VALUES ('620000', 3.83085150500867e-07)")
    after = _warehouse(tmp_path / "b.duckdb", table + "INSERT INTO marts.fct VALUES ('620000', 3.830851504535958e-07)")
    moved = _warehouse(tmp_path / "c.duckdb", table + "INSERT INTO marts.fct VALUES ('620000', 3.9e-07)")
    assert not compare_marts.compare(before, after).equal
    assert compare_marts.compare(before, after, abs_tol=1e-12).equal
    assert not compare_marts.compare(before, moved, abs_tol=1e-12).equal
    assert compare_marts.main([str(before), str(after), "--abs-tol", "1e-12"]) == 0
