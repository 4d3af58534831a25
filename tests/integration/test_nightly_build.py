"""The whole nightly_build job on the bundled sample, into tmp_path, as `make build` runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

GANSU = "620000"


@pytest.fixture(scope="module")
def published(sample_warehouse) -> Path:
    return sample_warehouse / "ghg.duckdb"


def test_publishes_one_generation_and_no_leftover_build(published):
    assert published.exists() and published.is_symlink()  # warehouse/ghg.duckdb → current/ghg.duckdb
    assert not published.with_name("ghg.duckdb.wal").exists()
    assert list((published.parent / "build").glob("*.duckdb")) == []
    assert len(list((published.parent / "generations").iterdir())) == 1


def test_raw_tables_hold_every_source_family(published):
    counts = dict(query(published, """
        select 'enterprise_report_lines', count(*) from raw.enterprise_report_lines union all
        select 'energy_balance', count(*) from raw.energy_balance union all
        select 'industry_energy', count(*) from raw.industry_energy union all
        select 'activity_statistics', count(*) from raw.activity_statistics union all
        select 'indicator_statistics', count(*) from raw.indicator_statistics union all
        select 'market_daily', count(*) from raw.market_daily"""))
    assert all(rows > 0 for rows in counts.values()), counts
    # The real Shenzhen file arrives as it is: 788 rows, three of which have a low above the
    # high (real publication errors) and are quarantined with that reason; the rest load.
    shenzhen = "exchange_prices/shenzhen_SZA_daily_2020-12_2021-12.csv"
    loaded = query(published, "select count(*) from raw.market_daily where source_file = ?", [shenzhen])[0][0]
    rejected = query(published, "select source_row, reason from raw.quarantine where source_file = ? order by 1", [shenzhen])
    assert loaded + len(rejected) == 788
    assert (480, "low 12380.0 is above high 15.13") in rejected


def test_dim_region_has_every_region(published):
    assert query(published, "select count(*) from marts.dim_region")[0][0] == 3212
    assert query(published, "select count(*) from marts.dim_region where province_code = ?", [GANSU])[0][0] == 101
    levels = dict(query(published, "select level, count(*) from marts.dim_region group by 1"))
    assert levels == {"province": 34, "city": 333, "county": 2845}


def test_region_year_covers_gansu_2010_2020(published):
    rows = query(published, """
        select count(distinct f.region_code), count(distinct f.year), count(*), count(f.energy_intensity)
        from marts.fct_region_year f join marts.dim_region r using (region_code)
        where r.province_code = ? and f.year between 2010 and 2020""", [GANSU])[0]
    assert rows == (101, 11, 101 * 11, 101 * 11)


def test_gansu_2015_is_in_the_realistic_ranges(published):
    energy_tce, gdp_10k_yuan, intensity, co2_t, net_import_co2_t = query(published, """
        select energy_consumption_tce, gdp_const_10k_yuan, energy_intensity, co2_t, co2_net_electricity_import_t
        from marts.fct_region_year where region_code = ? and year = 2015""", [GANSU])[0]
    assert 70e6 <= energy_tce <= 80e6
    assert 6.5e7 <= gdp_10k_yuan <= 7.1e7
    assert 1.0 <= intensity <= 1.2
    assert 140e6 <= co2_t <= 160e6
    assert net_import_co2_t < 0, "Gansu is a net electricity exporter"


def test_cities_leave_a_residual_against_the_province(published):
    children, residual, co2 = query(published, """
        select children_sum_co2_t, residual_co2_t, co2_t from marts.fct_region_year
        where region_code = ? and year = 2015""", [GANSU])[0]
    assert 0.85 * co2 < children < co2
    assert residual == pytest.approx(co2 - children)


def test_headline_targets_have_a_status_every_plan_year(published):
    rows = query(published, """
        select indicator_code, year, status, actual_value, expected_value
        from marts.fct_target_progress
        where region_code = ? and indicator_code in ('energy_intensity_reduction', 'co2_intensity_reduction')
        order by 1, 2""", [GANSU])
    assert [(code, year) for code, year, *_ in rows] == [
        (code, year) for code in ("co2_intensity_reduction", "energy_intensity_reduction") for year in range(2016, 2021)
    ]
    assert all(status in ("green", "yellow", "red") for _, _, status, _, _ in rows)
    assert all(actual is not None and expected is not None for *_, actual, expected in rows)


# Two builds on the same inputs give the same warehouse row for row: test_recovery.py rebuilds the
# sample into a copy of this build (with a reader holding the old file) and compares every mart.
