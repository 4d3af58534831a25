"""The benchmark harness end to end on the `tiny` preset: one repetition of a full build and the
floor into a report in a temporary folder (never the repository's BENCHMARKS.md), every section
and figure present, and the floor agreeing with that build's marts — so a change to a dbt rule that
the floor repeats (bench/floor.sql) fails here until the floor follows. The check is shown to be
able to fail: one changed mart value makes it report the difference."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from bench import floor, floor_enterprises, run

pytestmark = pytest.mark.integration

SECTIONS = (
    "## Preset `tiny`", "### Wall time and memory", "build, s", "floor, s", "build ÷ floor",
    "build peak RSS (process tree), GB", "floor peak RSS, GB", "Rows read by the build", "### Targets (issue 16)",
    "build ≤ 3 × floor", "### Build stages", "### Reading time: floor vs build ingestion", "ingest_energy_statistics", "dbt (ghg_dbt_assets)", "GX checks",
    "publish (warehouse__ghg)", "whole Dagster run", "### dbt nodes", "| model |", "| test |", "| seed |", "Five slowest nodes",
    "### Dashboard pages", "| overview |", "| enterprises |", "### Floor check: passed", "### Machine",
    "dbt-core", "## How cost grows with size", "<!-- bench-data",
)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    out, work = root / "BENCHMARKS.md", root / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GHG_BENCH_DIR", str(root / "inboxes"))  # a fresh cache: the generator runs too
        record = run.run("tiny", 1, out, work, page_repeat=1, log=lambda _text: None)
    return record, out, work


def test_report_has_every_section_and_figure(tiny_run):
    record, out, _ = tiny_run
    text = out.read_text(encoding="utf-8")
    missing = [marker for marker in SECTIONS if marker not in text]
    assert not missing, missing
    build = record["builds"][0]
    assert build["returncode"] == 0 and build["run_id"]
    assert build["peak_rss_bytes"] > 50e6 and record["floors"][0]["peak_rss_bytes"] > 20e6
    assert build["rows_read"] > record["floors"][0]["cells"] > 0
    assert {p["role"] for p in record["pages"]} == {"leader", "officer"}


def test_floor_agrees_with_the_build(tiny_run):
    record, _, _ = tiny_run
    assert record["check"]["passed"], record["check"]["output"]
    assert "floor_region_year" in record["check"]["output"] and "— equal" in record["check"]["output"]
    assert "floor_enterprise_year" in record["check"]["output"] and "0 unexplained" in record["check"]["output"]
    assert record["floors"][0]["report_lines"] > 0
    assert set(record["floors"][0]["family_s"]) == {"balance_workbooks", "enterprise_csvs", "enterprise_workbooks"}


def test_floor_check_reports_a_changed_mart_value(tiny_run, tmp_path):
    record, _, work = tiny_run
    changed = tmp_path / "ghg.duckdb"
    shutil.copy(work / "rep1" / "warehouse" / "ghg.duckdb", changed)
    with duckdb.connect(str(changed)) as con:
        region, year = con.execute("select region_code, year from marts.fct_region_year where co2_t > 0"
                                   " order by region_code, year limit 1").fetchone()
        con.execute("update marts.fct_region_year set co2_t = co2_t * (1 + 1e-9) where region_code = ? and year = ?",
                    [region, year])
        # an enterprise-year the build applied no line rule to and the inbox planted nothing in
        planted = floor_enterprises.planted_anomalies(work / "rep1" / "inbox")
        code, year = next(key for key in con.execute(
            "select credit_code, year from marts.fct_enterprise_year as e where reported_co2_t > 0 and not exists ("
            " select 1 from raw.enterprise_report_deliveries as d"
            " where upper(d.credit_code) = e.credit_code and d.report_year = e.year and (delivery_status <> 'in_force'"
            " or lines_quarantined > 0 or lines_missing_vs_previous is not null)) order by credit_code, year").fetchall()
            if key not in planted)
        con.execute("update marts.fct_enterprise_year set reported_co2_t = reported_co2_t * (1 + 1e-9)"
                    " where credit_code = ? and year = ?", [code, year])
    con = duckdb.connect()
    floor.compute(work / "rep1" / "inbox", con)
    problems = floor.check(con, changed, work / "rep1" / "inbox")
    assert len(problems) == 2, problems
    assert "floor_region_year: 1 numbers differ" in problems[0], problems
    assert "floor_enterprise_year: 1 enterprise-years differ unexplained" in problems[1], problems
