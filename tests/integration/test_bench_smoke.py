"""The benchmark harness end to end on the `tiny` preset: one repetition of a full build and the
floor into a report in a temporary folder (never the repository's BENCHMARKS.md), every section
and figure present, and the floor agreeing with that build's marts — so a change to a dbt rule that
the floor repeats (bench/floor.sql) fails here until the floor follows. The check is shown to be
able to fail: one changed mart value makes it report the difference."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from bench import floor, run

pytestmark = pytest.mark.integration

SECTIONS = (
    "## Preset `tiny`", "### Wall time and memory", "build, s", "floor, s", "build ÷ floor",
    "build peak RSS (process tree), GB", "floor peak RSS, GB", "Rows read by the build", "### Targets (issue 16)",
    "build ≤ 3 × floor", "### Build stages", "ingest_energy_statistics", "dbt (ghg_dbt_assets)", "GX checks",
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


def test_floor_check_reports_a_changed_mart_value(tiny_run, tmp_path):
    record, _, work = tiny_run
    changed = tmp_path / "ghg.duckdb"
    shutil.copy(work / "rep1" / "warehouse" / "ghg.duckdb", changed)
    with duckdb.connect(str(changed)) as con:
        region, year = con.execute("select region_code, year from marts.fct_region_year where co2_t > 0"
                                   " order by region_code, year limit 1").fetchone()
        con.execute("update marts.fct_region_year set co2_t = co2_t * (1 + 1e-9) where region_code = ? and year = ?",
                    [region, year])
    con = duckdb.connect()
    floor.compute(work / "rep1" / "inbox", con)
    problems = floor.check(con, changed)
    assert len(problems) == 1 and "floor_region_year: 1 numbers differ" in problems[0], problems
