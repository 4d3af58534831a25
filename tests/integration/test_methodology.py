"""Issue 3 part A acceptance: the inventory methodology and every plan indicator, on the whole
nightly build of the bundled sample (one build per module), plus dbt re-runs with other
factor and GWP sets on a copy of the built warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
GANSU, BEIJING = "620000", "110000"
STATUSES = {"green", "yellow", "red", "missed", "not_meaningful", "no_data"}  # seed ref_target_statuses


@pytest.fixture(scope="module")
def published(sample_warehouse) -> Path:
    return sample_warehouse / "ghg.duckdb"


def _dbt_rebuild(published: Path, tmp_path: Path, vars_yaml: str) -> Path:
    """Copy the built warehouse and rebuild the emission marts with other vars."""
    db = tmp_path / "dev.duckdb"
    shutil.copy(published, db)
    env = {**os.environ, "GHG_DUCKDB_PATH": str(db)}
    dbt = Path(os.sys.executable).with_name("dbt")
    completed = subprocess.run(
        [str(dbt), "run", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"),
         "--select", "+fct_region_year", "+fct_energy_emissions", "+fct_recalculation",
         "--exclude", "resource_type:seed", "--vars", vars_yaml],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return db


def test_target_progress_has_every_indicator_every_plan_year(published):
    rows = query(published, """
        select region_code, indicator_code, year, status from marts.fct_target_progress""")
    gansu = {(code, year) for region, code, year, _ in rows if region == GANSU}
    beijing = {(code, year) for region, code, year, _ in rows if region == BEIJING}
    cities = [r for r in rows if r[0] not in (GANSU, BEIJING)]
    assert len({code for code, _ in gansu}) == 17 and len(gansu) == 17 * 5
    assert len({code for code, _ in beijing}) == 3 and len(beijing) == 3 * 5
    assert {year for _, _, year, _ in rows} == set(range(2016, 2021))
    # 14 Gansu cities × 2 illustrative intensity targets × 5 plan years
    assert len({r[0] for r in cities}) == 14 and len(cities) == 14 * 2 * 5
    assert all(status in STATUSES for *_, status in rows)


def test_every_gansu_indicator_has_a_value_in_every_plan_year(published):
    missing = query(published, """
        select indicator_code, year from marts.fct_target_progress
        where region_code = ? and (status = 'no_data' or actual_value is null)""", [GANSU])
    assert missing == []
    # cities have the inventory to be judged on
    assert query(published, """
        select count(*) from marts.fct_target_progress
        where region_code like '62%' and region_code <> ? and status = 'no_data'""", [GANSU])[0][0] == 0


def test_base_year_per_row_and_cumulative_equals_actual_reduction(published):
    base_years = dict(query(published, """
        select indicator_code, min(base_year) from marts.fct_target_progress
        where region_code = ? group by 1""", [GANSU]))
    assert base_years["industry_co2_intensity_reduction"] == 2005
    assert base_years["railway_co2_intensity_reduction"] == 2010
    assert base_years["energy_intensity_reduction"] == 2015
    worst, count = query(published, """
        select max(abs(cumulative_reduction - actual_value)), count(cumulative_reduction)
        from marts.fct_target_progress where target_kind = 'reduction_vs_base'""")[0]
    assert count > 0 and worst < 1e-12


def test_non_fossil_share_uses_the_coal_equivalent_rate(published):
    share_2020, energy, hydro, wind, solar = query(published, """
        select p.actual_value, r.energy_consumption_tce,
               (select value from raw.activity_statistics where region_code = ? and year = 2020 and variable_code = 'hydro_generation'),
               (select value from raw.activity_statistics where region_code = ? and year = 2020 and variable_code = 'wind_generation'),
               (select value from raw.activity_statistics where region_code = ? and year = 2020 and variable_code = 'solar_generation')
        from marts.fct_target_progress p join marts.fct_region_year r using (region_code, year)
        where p.region_code = ? and p.indicator_code = 'non_fossil_share' and p.year = 2020""",
        [GANSU, GANSU, GANSU, GANSU])[0]
    assert share_2020 == pytest.approx((hydro + wind + solar) * 0.305 / energy)


def test_city_and_province_rows_show_children_and_residual(published):
    rows = query(published, """
        select region_code, level, year, children_sum_co2_t, residual_co2_t, residual_fraction, residual_flag
        from marts.fct_region_year where province_code = ? and level in ('city', 'province')""", [GANSU])
    assert len(rows) == 15 * 11
    # 嘉峪关 620200 has no counties: nothing to compare, so null (never 0)
    with_children = [r for r in rows if r[0] != "620200"]
    assert all(r[3] is not None and r[4] is not None and r[5] is not None and r[6] is not None for r in with_children)
    assert all(r[3] is None and r[4] is None and r[6] is None for r in rows if r[0] == "620200")


def test_sector_detail_sums_to_region_year(published):
    bad = query(published, """
        with d as (
            select region_code, year,
                   sum(co2_t) filter (where not is_process) as co2_t,
                   sum(co2_t) filter (where is_process) as co2_process_t,
                   sum(co2e_t) as co2e_t
            from marts.fct_energy_emissions group by 1, 2)
        select r.region_code, r.year from marts.fct_region_year r left join d using (region_code, year)
        where r.co2_t is not null and (
              abs(r.co2_t - coalesce(d.co2_t, 0)) > 1e-6 * greatest(r.co2_t, 1)
           or abs(coalesce(r.co2_process_t, 0) - coalesce(d.co2_process_t, 0)) > 1e-6 * greatest(coalesce(r.co2_process_t, 0), 1)
           or abs(r.co2e_t - coalesce(d.co2e_t, 0)) > 1e-6 * greatest(r.co2e_t, 1))""")
    assert bad == []


def test_process_emissions_include_cement_clinker_with_lineage(published):
    rows = query(published, """
        select count(*), count(*) filter (where len(source_files) > 0), min(factor_set), min(gwp_set)
        from marts.fct_energy_emissions where sector_code = 'process_cement_clinker'""")
    count, with_files, factor_set, gwp_set = rows[0]
    assert count > 0 and with_files == count
    assert (factor_set, gwp_set) == ("ndrc_2013", "AR5")
    # bottom-up, the province's enterprises are its cities' enterprises (嘉峪关 has no counties)
    province, cities = query(published, """
        select sum(emissions_t) filter (where region_code = ?),
               sum(emissions_t) filter (where region_code in (select region_code from marts.dim_region where level = 'city' and province_code = ?))
        from marts.fct_process_emissions where method = 'bottom_up' and year = 2019""", [GANSU, GANSU])[0]
    assert province == pytest.approx(cities)
    # the inventory counts the province's own clinker statistics (2,650 万吨 × 0.538 t CO2/t in 2019),
    # not its enterprises' lines, and its counties (no statistics) their enterprises' lines
    assert query(published, """
        select co2_t from marts.fct_energy_emissions
        where region_code = ? and year = 2019 and sector_code = 'process_cement_clinker'""", [GANSU]) == [
        (pytest.approx(26_500_000.0 * 0.538),)]
    counties = query(published, """
        select distinct p.method from marts.fct_process_emissions p join marts.dim_region r using (region_code)
        where r.level = 'county' and p.used_in_inventory""")
    assert counties == [("bottom_up",)]


def test_every_emission_row_names_its_electricity_conversion_method(published):
    methods = query(published, "select distinct electricity_method from marts.fct_energy_emissions")
    assert methods == [("calorific_equivalent",)]
    assert methods == query(published, "select distinct electricity_method from marts.fct_region_year")


def test_recalculation_shows_the_ipcc_difference(published):
    rows = query(published, """
        select c.factor_set, c.comparison_factor_set, c.co2_t, c.comparison_co2_t, c.difference_t, c.difference_fraction
        from marts.fct_recalculation c join marts.fct_region_year r using (region_code, year)
        where c.region_code = ? order by year""", [GANSU])
    assert len(rows) == 11
    for factor_set, comparison, co2, comparison_co2, difference, fraction in rows:
        assert (factor_set, comparison) == ("ndrc_2013", "ipcc_2006")
        assert difference == pytest.approx(comparison_co2 - co2) and difference != 0
        assert fraction == pytest.approx(difference / co2)


def test_switching_factor_and_gwp_set_changes_results_and_names_the_set(published, tmp_path):
    db = _dbt_rebuild(published, tmp_path, "{factor_set: ipcc_2006, comparison_factor_set: ndrc_2013, gwp_set: AR4}")
    before = query(published, "select co2_t, co2e_t - co2_t from marts.fct_region_year where region_code = ? and year = 2015", [GANSU])[0]
    after = query(db, "select co2_t, co2e_t - co2_t, factor_set, gwp_set from marts.fct_region_year where region_code = ? and year = 2015", [GANSU])[0]
    assert after[2:] == ("ipcc_2006", "AR4")
    assert after[0] != pytest.approx(before[0])
    assert after[1] != pytest.approx(before[1])
    # the recalculation run the other way round gives the opposite difference
    recalc_before = query(published, "select difference_t from marts.fct_recalculation where region_code = ? and year = 2015", [GANSU])[0][0]
    recalc_after = query(db, "select difference_t, factor_set from marts.fct_recalculation where region_code = ? and year = 2015", [GANSU])[0]
    assert recalc_after[1] == "ipcc_2006"
    assert recalc_after[0] == pytest.approx(-recalc_before)
    assert set(query(db, "select distinct gwp_set from marts.fct_energy_emissions")) == {("AR4",)}
