"""Issue 17 acceptance on the whole nightly build of the bundled sample: the MRV marts find the cases
the sample generator planted (sources/sample/enterprise_reports/MRV_CASES.csv), the public funnel is
the full one without enterprises, and switching the compliance calendar from annual to rolling gives
two sectors different allocation periods (dbt re-run with the var on a copy of the built warehouse)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines import publication
from pipelines.paths import SAMPLE_DIR
from tests.integration.build_helpers import query

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CASES_FILE = SAMPLE_DIR / "enterprise_reports" / "MRV_CASES.csv"


@pytest.fixture(scope="module")
def published(sample_warehouse) -> Path:
    return sample_warehouse / "ghg.duckdb"


@pytest.fixture(scope="module")
def cases() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    with CASES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["kind"], []).append((row["credit_code"], int(row["report_year"])))
    return found


def test_planted_verifier_conflicts_are_refused(published, cases):
    refused = {(code, year): reason for code, year, reason in query(published, """
        select credit_code, report_year, conflict_reason from intermediate.int_mrv_verifications where has_conflict""")}
    for kind in ("recheck_same_verifier", "consulted_verifier"):
        assert cases[kind], f"the sample plants {kind}"
        for key in cases[kind]:
            assert refused.get(key) == kind, (kind, key)
    # a refused verification is never counted as accepted, and heads the chase list for the office
    assert query(published, """
        select count(*) from marts.fct_mrv_submissions
        where verifier_conflict and (verification_status = 'conflict' and stage not in ('expected', 'reported')
                                     or chase_reason <> 'verifier_conflict' or chase_party <> 'office')""") == [(0,)]


def test_planted_late_and_missing_steps_are_found(published, cases):
    statuses = {(code, year): (report, verification) for code, year, report, verification in query(published, """
        select credit_code, report_year, report_status, verification_status from marts.fct_mrv_submissions""")}
    for key in cases["late_report"]:
        assert key in statuses and statuses[key][0] == "late", key
    for key in cases["late_verification"]:
        assert key in statuses and statuses[key][1] == "late", key
    for key in cases["missing_verification"]:
        assert key in statuses and statuses[key][1] == "missing", key
    chased = {(code, year) for code, year in query(published, """
        select credit_code, report_year from marts.fct_mrv_submissions where chase_reason = 'verification_missing'""")}
    assert set(cases["missing_verification"]) <= chased


def test_inclusion_list_names_a_rule_that_holds(published):
    wrong = query(published, """
        select count(*) from marts.fct_mrv_inclusion
        where (list_status = 'included' and not (rule_figure >= rule_threshold))
           or (list_status = 'review' and not (rule_figure < rule_threshold and rule_figure >= 0.9 * rule_threshold))""")
    assert wrong == [(0,)]
    rules = dict(query(published, "select inclusion_rule, count(*) from marts.fct_mrv_inclusion where is_included group by 1"))
    assert rules.get("energy", 0) > 0 and rules.get("emissions", 0) > 0 and rules.get("captive_power", 0) > 0
    # an enterprise is expected to report because it is on the list of its report year, or else
    # because its own report says it is in the market
    assert query(published, """
        select count(*) from marts.fct_mrv_submissions s
        left join marts.fct_mrv_inclusion i
          on i.credit_code = s.credit_code and i.list_year = s.report_year and i.scheme_code = s.scheme_code and i.is_included
        where (i.credit_code is null) <> (s.expected_because = 'in_market')""") == [(0,)]


def test_funnel_narrows_and_the_public_copy_is_the_same_counts(published, sample_warehouse):
    full = query(published, "select * from marts.fct_mrv_funnel order by all")
    assert full, "the sample has an MRV funnel"
    for _, _, _, included, reported, verified, required, rechecked, complied, *_ in full:
        assert included >= reported >= verified and required >= rechecked
        assert complied is None or complied <= verified
    public = publication.current_generation(sample_warehouse).public
    assert query(public, "select * from marts.fct_mrv_funnel order by all") == full
    columns = {name for (name,) in query(public, """
        select column_name from information_schema.columns where table_name in ('fct_mrv_funnel', 'fct_compliance_month_load')""")}
    assert not columns & publication.FORBIDDEN_PUBLIC_COLUMNS


def _rebuild_with(published: Path, tmp_path: Path, vars_yaml: str) -> Path:
    db = tmp_path / "rolling.duckdb"
    shutil.copy(published, db)
    env = {**os.environ, "GHG_DUCKDB_PATH": str(db)}
    dbt = Path(os.sys.executable).with_name("dbt")
    completed = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"),
         "--select", "int_compliance_periods+", "--exclude", "resource_type:seed", "--vars", vars_yaml],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return db


def test_switching_to_the_rolling_calendar_gives_sectors_their_own_periods(published, tmp_path):
    sql = """
        select sector_code, calendar_mode, min(period_start_on)::varchar, min(period_end_on)::varchar,
               min(compliance_due_on)::varchar
        from marts.fct_compliance_calendar where compliance_year = 2019 and sector_code in ('power', 'steel')
        group by all order by 1"""
    annual = query(published, sql)
    assert annual == [("power", "annual", "2019-01-01", "2019-12-31", "2020-12-31"),
                      ("steel", "annual", "2019-01-01", "2019-12-31", "2020-12-31")]
    rolling_db = _rebuild_with(published, tmp_path, "{ets_compliance_calendar: rolling}")
    # ref_ets_compliance_months: power complies in January, steel in July
    assert query(rolling_db, sql) == [("power", "rolling", "2018-10-01", "2019-09-30", "2020-01-31"),
                                      ("steel", "rolling", "2019-04-01", "2020-03-31", "2020-07-31")]
    # the compliance mart follows the periods, and compliance is spread over several months
    periods = query(rolling_db, """
        select distinct c.period_start_on::varchar from marts.fct_ets_compliance c where c.compliance_year = 2019""")
    assert len(periods) > 1
    months = query(rolling_db, "select count(*) from marts.fct_compliance_month_load where compliance_year = 2019")[0][0]
    assert months > 1 and query(published, "select count(*) from marts.fct_compliance_month_load where compliance_year = 2019") == [(1,)]
