"""Issue 3B on the bundled sample: enterprise-year emissions and review flags, carbon-market
compliance, exchange prices and market coverage, after one whole nightly_build run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

STATUS_ZH = {"企业自报": "reported", "核查": "verified", "复查": "rechecked"}


@pytest.fixture(scope="module")
def published(sample_warehouse) -> Path:
    return sample_warehouse / "ghg.duckdb"


def _anomalies(published: Path) -> list[tuple]:
    path = (SAMPLE_DIR / "enterprise_reports" / "ANOMALIES.csv").as_posix()
    return query(published, f"select credit_code, cast(year as integer), status, kind from read_csv('{path}', all_varchar=true)")


def test_every_enterprise_year_has_a_row_and_a_status(published):
    expected = query(published, "select count(distinct (credit_code, report_year)) from raw.enterprise_report_lines")[0][0]
    rows, keys, with_status = query(published, """
        select count(*), count(distinct (credit_code, year)), count(data_status) from marts.fct_enterprise_year""")[0]
    assert expected > 0
    assert rows == keys == with_status == expected
    statuses = {s for (s,) in query(published, "select distinct data_status from marts.fct_enterprise_year")}
    assert statuses <= {"reported", "verified", "rechecked"} and "verified" in statuses


def test_history_keeps_every_version(published):
    versions = query(published, "select count(distinct (credit_code, report_year, data_status)) from raw.enterprise_report_lines")[0][0]
    assert query(published, "select count(*) from marts.fct_enterprise_report_version")[0][0] == versions
    # versions_count of the enterprise-year table adds up to the history
    assert query(published, "select sum(versions_count) from marts.fct_enterprise_year")[0][0] == versions


def _quarantined_slips(published: Path) -> set[tuple[int, str]]:
    """(year, value as written) of report lines the reader quarantined as a unit slip (×10⁴ / ×1000)."""
    rows = query(published, """
        select source_file, value from raw.quarantine
        where source_family = 'enterprise_reports' and (reason like '%×10⁴%' or reason like '%×1000%')""")
    found = set()
    for source_file, value in rows:
        digits = [part for part in source_file.replace("/", "_").replace(".", "_").split("_") if part.isdigit() and len(part) == 4]
        for year in digits:
            found.add((int(year), str(value)))
    return found


def test_planted_anomalies_are_flagged_with_their_kind(published):
    """Recall 100 %: each planted anomaly carries its flag in the marts, or (a unit slip) its line
    was already quarantined by the reader, which the clerk sees in raw.quarantine."""
    expected_flag = {"unit_kwh_as_mwh": "unit_slip_x1000", "unit_wan_tonne": "unit_slip_x10000", "yoy_jump": "yoy_change"}
    flags = {
        (code, year, status): (flags or "").split("|")
        for code, year, status, flags in query(published, "select credit_code, year, data_status, review_flags from marts.fct_enterprise_report_version")
    }
    year_flags = dict(((c, y), f) for c, y, f in query(published, "select credit_code, year, review_flags from marts.fct_enterprise_year"))
    quarantined = _quarantined_slips(published)
    anomalies = _anomalies(published)
    assert len(anomalies) > 100
    details = dict(((c, y, s, k), d) for c, y, s, k, d in query(
        published,
        "select credit_code, cast(year as integer), status, kind, detail from read_csv('"
        + (SAMPLE_DIR / "enterprise_reports" / "ANOMALIES.csv").as_posix() + "', all_varchar=true)"))

    def caught(code, year, status, kind):
        if expected_flag[kind] in flags.get((code, year, STATUS_ZH[status]), []) and expected_flag[kind] in year_flags[(code, year)]:
            return True
        if kind.startswith("unit_"):  # "汽油: 2450.85 is in tonnes …" → the value as written
            value = details[(code, year, status, kind)].split(":", 1)[1].split()[0]
            return (year, value) in quarantined
        return False

    missed = [a for a in anomalies if not caught(*a)]
    assert missed == [], f"{len(missed)} planted anomalies not caught, e.g. {missed[:5]}"


def test_normal_enterprise_years_are_rarely_flagged(published):
    planted = {(code, year) for code, year, _, _ in _anomalies(published)}
    rows = query(published, "select credit_code, year, review_flag_count from marts.fct_enterprise_year")
    normal = [count for code, year, count in rows if (code, year) not in planted and (code, year - 1) not in planted]
    share = sum(1 for c in normal if c > 0) / len(normal)
    assert share < 0.02, f"{share:.1%} of normal enterprise-years flagged"


def test_script_name_survives_as_plain_text(published):
    name = "<script>alert(1)</script>某化工厂"
    assert query(published, "select count(*) from marts.fct_enterprise_year where enterprise_name = ?", [name])[0][0] > 0


def test_ets_compliance_filled_for_2019_and_2020(published):
    assert query(published, "select count(*) from raw.ets_allocations")[0][0] > 0
    rows = dict((y, (n, short, comp)) for y, n, short, comp in query(published, """
        select compliance_year, count(*), count(*) filter (where status = 'shortfall'),
               count(*) filter (where status = 'compliant')
        from marts.fct_ets_compliance group by 1"""))
    assert set(rows) == {2019, 2020}
    for n, short, compliant in rows.values():
        assert n > 100 and 0 < short < n and compliant > n / 2
    bad = query(published, """
        select count(*) from marts.fct_ets_compliance
        where offsets_eligible_t > 0.05 * verified_emissions_t + 1e-6 or shortfall_t < 0
           or (status = 'shortfall' and not penalty_high_yuan > penalty_low_yuan)""")[0][0]
    assert bad == 0


def test_market_tables_filled_for_the_sample_years(published):
    years = {y for (y,) in query(published, "select distinct year(month) from marts.fct_market_monthly")}
    assert set(range(2014, 2021)) <= years
    # shares of a year's volume add up to one per exchange, product and year
    off = query(published, """
        select count(*) from (select exchange_code, product_code, year, sum(share_of_year_volume) s
                              from marts.fct_market_monthly group by all having sum(volume_t) > 0)
        where abs(s - 1) > 1e-9""")[0][0]
    assert off == 0
    daily_volume = query(published, "select sum(volume_t) from marts.fct_market_daily")[0][0]
    assert query(published, "select sum(volume_t) from marts.fct_market_monthly")[0][0] == pytest.approx(daily_volume)
    assert query(published, "select count(*) from marts.fct_market_yearly where compliance_period_volume_share is not null")[0][0] > 0


def test_market_coverage_for_province_and_cities(published):
    rows = query(published, """select level, count(*), max(coverage_share) from marts.fct_market_coverage
                               where year = 2019 and region_code like '62%' group by 1""")
    by_level = {level: (n, share) for level, n, share in rows}
    assert by_level["province"][0] == 1 and by_level["city"][0] == 14
    assert 0 < by_level["province"][1] < 1
