"""The MRV sample (pipelines/samplegen/mrv.py): the files read cleanly, and the answer key
MRV_CASES.csv agrees with the tasks, the reports and the allocations as the platform reads them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.identifiers import credit_code_problem
from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.paths import SAMPLE_DIR
from pipelines.samplegen import generate
from pipelines.samplegen.mrv import FULL_CASES

GANSU = "620000"
KINDS = {"recheck_same_verifier", "consulted_verifier", "late_verification", "late_report", "missing_verification"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mrv_sample")
    generate(out, [GANSU], scale=0.05, seed=20161231)
    return out


@pytest.fixture(scope="module")
def read(sample):
    return read_enterprise_reports_and_allocations(sample)


@pytest.fixture(scope="module")
def cases(sample) -> pl.DataFrame:
    return pl.read_csv(sample / "enterprise_reports" / "MRV_CASES.csv", schema_overrides={"credit_code": pl.Utf8})


@pytest.fixture(scope="module")
def tasks(read) -> pl.DataFrame:
    return read.tables["mrv_verifier_tasks"]


def _first(tasks: pl.DataFrame, task_type: str) -> pl.DataFrame:
    return tasks.filter(pl.col("task_type") == task_type).select("credit_code", "report_year", "verifier_code", "assigned_on")


def _planted(cases: pl.DataFrame, kind: str) -> set[tuple[str, int]]:
    return set(cases.filter(pl.col("kind") == kind).select("credit_code", "report_year").iter_rows())


def _submitted(read, status: str) -> dict[tuple[str, int], dt.date]:
    lines = read.tables["enterprise_report_lines"].filter(pl.col("data_status") == status)
    return {(c, y): d for c, y, d in lines.select("credit_code", "report_year", "submitted_on").unique().iter_rows()}


def test_mrv_files_read_without_quarantine(sample, read, tasks):
    mrv_files = [info for info in read.files if info.kind == "mrv_csv"]
    assert len(mrv_files) == 7 and not any(info.rejected for info in mrv_files)
    assert read.quarantine.filter(pl.col("source_file").str.contains("/mrv/")).is_empty()
    assert set(tasks["task_type"]) == {"verification", "recheck", "consulting"}
    for year, bodies in tasks.group_by("report_year").agg(pl.col("verifier_code").n_unique()).iter_rows():
        assert 6 <= bodies <= 10, year
    assert all(credit_code_problem(code) is None for code in tasks["verifier_code"].unique())
    # the answer key is not a source file: outside every inbox folder
    assert not any("MRV_CASES" in info.source_file for info in read.files)


def test_every_verified_report_has_one_april_verification_task_before_its_verification(read, tasks, cases):
    verified = _submitted(read, "verified")
    first = _first(tasks, "verification")
    assert first.select("credit_code", "report_year").is_duplicated().sum() == 0
    assigned = {(c, y): (v, on) for c, y, v, on in first.iter_rows()}
    assert set(verified) <= set(assigned)
    for (code, year), (_, on) in assigned.items():
        assert on.year == year + 1 and on.month == 4
        if (code, year) in verified:
            assert on < verified[(code, year)]
    assert set(assigned) - set(verified) == _planted(cases, "missing_verification")


def test_the_planted_conflicts_are_the_only_ones(tasks, cases):
    assert set(cases["kind"]) == KINDS
    for year in (2019, 2020):  # as many as the small sample has candidates for
        counts = dict(cases.filter(pl.col("report_year") == year).group_by("kind").len().iter_rows())
        assert all(0 < counts[kind] <= FULL_CASES[kind] for kind in KINDS), year
    first = _first(tasks, "verification").rename({"verifier_code": "first", "assigned_on": "first_on"})
    recheck = _first(tasks, "recheck").join(first, on=["credit_code", "report_year"])
    assert (recheck["assigned_on"] > recheck["first_on"]).all()
    same = recheck.filter(pl.col("verifier_code") == pl.col("first"))
    assert set(same.select("credit_code", "report_year").iter_rows()) == _planted(cases, "recheck_same_verifier")
    consulted = _first(tasks, "consulting").join(first, on=["credit_code", "report_year"])
    conflicted = consulted.filter(pl.col("verifier_code") == pl.col("first"))
    assert set(conflicted.select("credit_code", "report_year").iter_rows()) == _planted(cases, "consulted_verifier")


def test_late_and_missing_submissions_are_in_the_reports(read, cases):
    reported, verified = _submitted(read, "reported"), _submitted(read, "verified")
    market = set(
        read.tables["enterprise_report_lines"].filter(pl.col("in_ets")).select("credit_code", "report_year").unique().iter_rows()
    )
    late_reports = {key for key, on in reported.items() if key in market and on > dt.date(key[1] + 1, 3, 31)}
    assert late_reports == _planted(cases, "late_report")
    late_verifications = {key for key, on in verified.items() if key in market and on > dt.date(key[1] + 1, 6, 30)}
    assert late_verifications == _planted(cases, "late_verification")
    missing = _planted(cases, "missing_verification")
    assert missing <= market and not missing & set(verified)
    allocated = set(read.tables["ets_allocations"].select("credit_code", "compliance_year").iter_rows())
    assert not missing & allocated  # no verified emissions, no allocation


def test_captive_power_plants(read):
    captive = read.tables["mrv_captive_power"]
    latest = captive.group_by("credit_code").agg(pl.col("captive_power_kw").max())["captive_power_kw"].to_list()
    assert 13 <= len(latest) <= 17
    assert 6000.0 in latest and 5999.0 in latest
    assert sum(kw >= 6000 for kw in latest) >= 3 and min(latest) >= 4000 and max(latest) <= 20000
    lines = read.tables["enterprise_report_lines"].select("credit_code", "in_ets", "sector_code").unique()
    plants = lines.join(captive.select("credit_code").unique(), on="credit_code")
    assert not plants["in_ets"].any()
    assert (plants["sector_code"] == "other").sum() > plants.height / 2


def test_the_bundled_sample_has_every_case_in_2019_and_2020():
    cases = pl.read_csv(SAMPLE_DIR / "enterprise_reports" / "MRV_CASES.csv", schema_overrides={"credit_code": pl.Utf8})
    for year in (2019, 2020):
        counts = dict(cases.filter(pl.col("report_year") == year).group_by("kind").len().iter_rows())
        assert counts == FULL_CASES, year
    assert cases.filter(pl.col("report_year") < 2019).height >= 6  # a few in the earlier years
