"""The public warehouse the nightly build publishes beside the full one: aggregates only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import query, run_nightly_build

pytestmark = pytest.mark.integration

AGGREGATE_TABLES = {
    "agg_enterprise_sector_year", "dim_region", "fct_energy_emissions", "fct_market_coverage", "fct_market_daily",
    "fct_market_monthly", "fct_market_yearly", "fct_recalculation", "fct_region_year", "fct_target_progress",
}
XSS_NAME = "<script>alert(1)</script>某化工厂"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warehouse")
    result = run_nightly_build(SAMPLE_DIR, folder)
    assert result.success, "the nightly build failed on the bundled sample"
    return folder


def test_public_file_beside_the_full_one(warehouse):
    assert (warehouse / "ghg.duckdb").exists()
    assert (warehouse / "ghg_public.duckdb").exists()
    assert not (warehouse / "ghg_public.duckdb.wal").exists()
    assert not [p for p in warehouse.iterdir() if "tmp" in p.name]


def test_only_aggregate_marts(warehouse):
    tables = query(warehouse / "ghg_public.duckdb", "select table_schema, table_name from information_schema.tables")
    assert {schema for schema, _ in tables} == {"marts"}
    assert {table for _, table in tables} == AGGREGATE_TABLES
    columns = {c for (c,) in query(warehouse / "ghg_public.duckdb", "select column_name from information_schema.columns")}
    assert not columns & {"credit_code", "enterprise_name"}


def test_no_credit_code_or_enterprise_name_anywhere(warehouse):
    secrets = {
        value
        for row in query(warehouse / "ghg.duckdb", "select distinct credit_code, enterprise_name from raw.enterprise_report_lines")
        for value in row
        if value
    }
    assert XSS_NAME in secrets and len(secrets) > 100
    with duckdb.connect(str(warehouse / "ghg_public.duckdb"), read_only=True) as con:
        con.execute("create temp table secrets (v varchar)")
        con.executemany("insert into secrets values (?)", [[s] for s in sorted(secrets)])
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and (data_type like 'VARCHAR%')"
        ).fetchall()
        assert columns
        for schema, table, column in columns:
            hits = con.execute(
                f'select distinct v from (select distinct cast("{column}" as varchar) as x from "{schema}"."{table}") '
                "join secrets on contains(x, v)"
            ).fetchall()
            assert hits == [], (table, column, hits[:3])


def test_small_cells_are_suppressed_with_a_reason(warehouse):
    rows = query(warehouse / "ghg_public.duckdb", """
        select suppression_reason, count(*), count(co2_t) from marts.fct_energy_emissions
        where is_process and suppressed group by all""")
    reasons = {reason for reason, _, _ in rows}
    assert reasons <= {"fewer_than_3_enterprises", "dominant_enterprise_over_80pct"} and reasons
    assert all(non_null == 0 for _, _, non_null in rows)
    assert query(warehouse / "ghg_public.duckdb",
                 "select count(*) from marts.fct_energy_emissions where not is_process and suppressed") == [(0,)]
    assert query(warehouse / "ghg_public.duckdb", """
        select count(*) from marts.agg_enterprise_sector_year
        where not suppressed and (enterprise_count < 3 or co2_t is null)""") == [(0,)]


def test_target_progress_equals_the_full_one(warehouse):
    sql = "select * from marts.fct_target_progress order by all"
    full = query(warehouse / "ghg.duckdb", sql)
    assert full and query(warehouse / "ghg_public.duckdb", sql) == full
