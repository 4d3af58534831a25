"""The public warehouse the nightly build publishes with the full one: the dbt allow-list copied.

The attack on its sums and the scan for identifying text are in test_public_attack.py; here: what
the file holds, and that every copy of an enterprise-derived cell shows exactly what the cell shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import publication
from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

PUBLIC_MARTS = {
    "agg_enterprise_emissions", "dim_region", "dim_region_ancestors", "fct_energy_emissions", "fct_market_coverage", "fct_market_daily",
    "fct_process_emissions", "fct_inventory", "fct_inventory_summary", "fct_uncertainty",
    "fct_market_monthly", "fct_market_yearly", "fct_mrv_funnel", "fct_compliance_month_load", "fct_recalculation", "fct_region_intensity_progress", "fct_region_year", "fct_target_progress", "fct_target_uncertainty",
}
PUBLIC_REFERENCE = {
    "ref_targets", "ref_indicators", "ref_fuels", "ref_enterprise_sectors", "ref_energy_balance_items",
    "ref_industrial_processes", "ref_exchanges", "ref_industry_divisions",
}


@pytest.fixture(scope="module")
def files(sample_warehouse) -> tuple[Path, Path]:
    generation = publication.current_generation(sample_warehouse)
    assert generation is not None, "the sample build publishes a generation"
    return generation.full, generation.public


def test_both_files_come_from_one_publication(files):
    full, public = files
    assert query(full, "select run_id, generation from meta.publication") == query(public, "select run_id, generation from meta.publication")
    # The default engine says so in both files (tests/spark checks 'spark' for the spark target).
    assert query(full, "select dbt_target from meta.publication") == query(public, "select dbt_target from meta.publication") == [("duckdb",)]
    assert not full.with_name(full.name + ".wal").exists() and not public.with_name(public.name + ".wal").exists()


def test_only_the_allow_listed_tables_and_columns(files):
    _, public = files
    tables = query(public, "select table_schema, table_name from information_schema.tables")
    assert {table for schema, table in tables if schema == "marts"} == PUBLIC_MARTS
    assert {table for schema, table in tables if schema == "reference"} == PUBLIC_REFERENCE
    assert {schema for schema, _ in tables} == {"marts", "reference", "meta"}
    columns = {column for (column,) in query(public, "select column_name from information_schema.columns")}
    assert not columns & publication.FORBIDDEN_PUBLIC_COLUMNS


def test_small_cells_are_suppressed_with_a_reason_and_null_values(files):
    _, public = files
    reasons = dict(query(public, """
        select suppression_reason, count(*) from marts.agg_enterprise_emissions where suppressed group by 1"""))
    assert {"fewer_than_3_enterprises", "dominant_enterprise_over_80pct"} <= set(reasons)
    assert query(public, """
        select count(*) from marts.agg_enterprise_emissions
        where suppressed and (co2_t is not null or enterprise_count is not null or incomplete_reports_count is not null)
    """) == [(0,)]
    assert query(public, "select count(*) from marts.agg_enterprise_emissions where not suppressed and co2_t is null") == [(0,)]


def test_every_copy_shows_exactly_what_its_cell_shows(files):
    _, public = files
    # fct_region_year.co2_process_bottom_up_t = the region's bottom-up process cell; the totals
    # containing it are hidden with it, and what is shown is statistics + that cell.
    assert query(public, """
        select count(*) from marts.fct_region_year y
        left join marts.agg_enterprise_emissions c
          on c.measure = 'process_co2' and c.region_code = y.region_code and c.year = y.year
         and c.region_scope = 'total' and c.breakdown_code = 'method_bottom_up'
        where coalesce(c.suppressed, false) <> y.process_suppressed
           or (y.co2_process_bottom_up_t is null) <> (c.co2_t is null)
           or abs(y.co2_process_bottom_up_t - c.co2_t) > 1e-9 * greatest(abs(c.co2_t), 1)  -- summation order
           or (y.process_suppressed and (y.co2_process_t is not null or y.co2_with_process_t is not null
                                         or y.co2e_t is not null))
           or (not y.process_suppressed and abs(coalesce(y.co2_process_t, 0) - coalesce(y.co2_process_top_down_t, 0)
                                                - coalesce(c.co2_t, 0)) > 1e-6)
    """) == [(0,)]
    # Bottom-up process rows of fct_energy_emissions: the province's split by process, and one row
    # 'process_bottom_up' per region below it; top-down rows are statistics.
    assert query(public, """
        select count(*) from marts.fct_energy_emissions e
        left join marts.agg_enterprise_emissions c
          on c.measure = 'process_co2' and c.region_code = e.region_code and c.year = e.year and c.region_scope = 'total'
         and c.breakdown_code = case when e.sector_code = 'process_bottom_up' then 'method_bottom_up' else e.sector_code end
        where e.is_process and e.process_method = 'bottom_up'
          and (c.measure is null or c.suppressed <> e.suppressed or e.co2_t is distinct from c.co2_t)
    """) == [(0,)]
    levels = dict(query(public, """
        select r.level = 'province', count(distinct e.sector_code) from marts.fct_energy_emissions e
        join marts.dim_region r using (region_code) where e.is_process and e.process_method = 'bottom_up' group by 1"""))
    assert levels[True] >= 2 and levels[False] == 1  # by process at the province, 'process_bottom_up' below
    # Market coverage: province rows only, hidden with the market cell.
    assert query(public, "select distinct level from marts.fct_market_coverage") == [("province",)]


def test_public_inventory_is_the_full_one_where_shown(files):
    """Leaders (public file) and officers (full file) see the same inventory: every process figure of the
    public file is the full warehouse's, or null where its enterprise part is hidden."""
    full, public = files
    columns = ("co2_process_t, co2_process_top_down_t, co2_process_bottom_up_t, co2_with_process_t, "
               "ch4_t, n2o_t, co2e_t")
    full_rows = {(r, y): rest for r, y, *rest in query(full, f"select region_code, year, {columns} from marts.fct_region_year")}
    public_rows = query(public, f"select region_code, year, {columns}, process_suppressed from marts.fct_region_year")
    assert len(public_rows) == len(full_rows)
    shown = 0
    for region, year, *values, suppressed in public_rows:
        expected = full_rows[(region, year)]
        for name, got, want in zip(columns.split(", "), values, expected):
            if got is None and suppressed and name in ("co2_process_t", "co2_process_bottom_up_t",
                                                       "co2_with_process_t", "co2e_t"):
                continue
            assert got == pytest.approx(want, rel=1e-9, abs=1e-6) if want is not None else got is None, (
                f"{region} {year}: public {name} {got} ≠ full {want}")
        shown += not suppressed
    assert shown > len(public_rows) // 2
    # the province's process CO2 mixes statistics and enterprise lines in the sample, and is shown
    mixed = query(public, """select count(*) from marts.fct_region_year where level = 'province'
                             and co2_process_top_down_t > 0 and co2_process_bottom_up_t > 0""")
    assert mixed[0][0] >= 1


def test_target_progress_and_statistics_equal_the_full_ones(files):
    full, public = files
    sql = "select * from marts.fct_target_progress order by all"
    assert query(full, sql) == query(public, sql)
    sql = "select region_code, year, co2_t, energy_consumption_tce, gdp_const_10k_yuan from marts.fct_region_year order by all"
    assert query(full, sql) == query(public, sql)


def test_process_emissions_publish_the_top_down_statistics_only(files):
    """The full mart holds the enterprises' (bottom-up) figures and the difference; the public copy
    holds the top-down rows (statistics) and nothing that could give the enterprises' total back."""
    full, public = files
    sql = ("select region_code, year, process_code, gas, emissions_t, co2e_t, used_in_inventory "
           "from marts.fct_process_emissions {} order by all")
    top_down = query(full, sql.format("where method = 'top_down'"))
    assert top_down and query(public, sql.format("")) == top_down
    columns = {c for (c,) in query(public, "select column_name from information_schema.columns "
                                           "where table_name = 'fct_process_emissions'")}
    assert not columns & {"method", "top_down_minus_bottom_up_t", "source_files", "inventory_rule"}
    # the public N2O is combustion's plus the top-down process rows', so the rows add up to the region's
    assert query(public, """
        select count(*) from marts.fct_region_year y
        join (select region_code, year, sum(n2o_t) as n2o_t from marts.fct_energy_emissions group by all) e
          using (region_code, year)
        where abs(y.n2o_t - e.n2o_t) > 1e-9 * greatest(abs(e.n2o_t), 1)""") == [(0,)]


def test_public_inventory_adds_up_to_the_full_one_where_nothing_is_hidden(files):
    """The public inventory is the full one with the enterprises' bottom-up process rows as the
    confidentiality rule's cells: by sector it adds up to the full file's where no cell is hidden,
    and a hidden cell's figures are null, never 0."""
    full, public = files
    sql = "select region_code, year, sector, sum(co2e_t) from marts.fct_inventory {} group by all"
    full_sums = {(r, y, s): v for r, y, s, v in query(full, sql.format(""))}
    hidden = {(r, y) for r, y in query(public, "select distinct region_code, year from marts.fct_inventory where suppressed")}
    public_sums = query(public, sql.format(""))
    assert public_sums and hidden
    compared = 0
    for region, year, sector, value in public_sums:
        if (region, year) in hidden and sector == "ippu":
            continue
        assert value == pytest.approx(full_sums[(region, year, sector)], rel=1e-9, abs=1e-6), (region, year, sector)
        compared += 1
    assert compared > len(public_sums) // 2
    assert query(public, "select count(*) from marts.fct_inventory where suppressed and (co2e_t is not null or emissions_t is not null)") == [(0,)]
    # below the province the enterprises' process rows are one per region-year
    assert query(public, """
        select count(*) from marts.fct_inventory i join marts.dim_region r using (region_code)
        where r.level <> 'province' and i.method = 'bottom_up' and i.sub_category <> 'bottom_up'""") == [(0,)]
    # the uncertainty of the totals only, hidden with the process cell
    assert query(public, "select distinct category_code from marts.fct_uncertainty") == [("total",)]
