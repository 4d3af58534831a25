"""The public warehouse the nightly build publishes beside the full one: aggregates only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.public_warehouse import COPIED_REFERENCE_TABLES
from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

AGGREGATE_TABLES = {
    "agg_enterprise_sector_year", "dim_region", "fct_energy_emissions", "fct_market_coverage", "fct_market_daily",
    "fct_market_monthly", "fct_market_yearly", "fct_recalculation", "fct_region_year", "fct_target_progress",
}
XSS_NAME = "<script>alert(1)</script>某化工厂"


@pytest.fixture(scope="module")
def warehouse(sample_warehouse) -> Path:
    return sample_warehouse


def test_public_file_beside_the_full_one(warehouse):
    assert (warehouse / "ghg.duckdb").exists()
    assert (warehouse / "ghg_public.duckdb").exists()
    assert not (warehouse / "ghg_public.duckdb.wal").exists()
    assert not [p for p in warehouse.iterdir() if "tmp" in p.name]


def test_only_aggregate_marts(warehouse):
    tables = query(warehouse / "ghg_public.duckdb", "select table_schema, table_name from information_schema.tables")
    assert {schema for schema, _ in tables} == {"marts", "reference"}
    assert {table for schema, table in tables if schema == "marts"} == AGGREGATE_TABLES
    assert {table for schema, table in tables if schema == "reference"} == set(COPIED_REFERENCE_TABLES)
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
    assert reasons <= {"fewer_than_3_enterprises", "dominant_enterprise_over_80pct", "secondary_to_protect_a_suppressed_cell"}
    assert {"fewer_than_3_enterprises", "dominant_enterprise_over_80pct"} <= reasons
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


def test_no_published_process_total_gives_away_a_suppressed_one(warehouse):
    """A parent's process CO2 minus its visible children never equals one hidden child."""
    public = warehouse / "ghg_public.duckdb"
    rows = query(public, """
        select r.year, d.parent_code, count(*) filter (where r.process_suppressed) as hidden,
               bool_or(p.process_suppressed) as parent_hidden
        from marts.fct_region_year r
        join marts.dim_region d using (region_code)
        join marts.fct_region_year p on p.region_code = d.parent_code and p.year = r.year
        where coalesce(r.co2_process_t, 0) > 0 or r.process_suppressed
        group by all
    """)
    assert rows
    assert [row for row in rows if row[2] == 1 and not row[3]] == []
    # and the hidden totals are NULL, never 0
    assert query(public, "select count(*) from marts.fct_region_year where process_suppressed and "
                         "(co2_process_t is not null or co2_with_process_t is not null or co2e_t is not null)") == [(0,)]
