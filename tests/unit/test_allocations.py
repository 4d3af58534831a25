"""The allowance allocation generator (pipelines/samplegen/allocations.py) and reader
(pipelines/ingest/allocations.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.allocations import read_allocations, read_enterprise_reports_and_allocations
from pipelines.ingest.schemas import ENTERPRISE_REPORT_DELIVERIES_SCHEMA, ETS_ALLOCATIONS_SCHEMA
from pipelines.samplegen import allocations as gen
from pipelines.samplegen.enterprises import REPORTED, VERIFIED, RECHECKED, Enterprise, Line, ProvinceReports, Version

HEADER = "统一社会信用代码,履约年度,免费配额(吨),有偿配额(吨),清缴CCER(吨),实际清缴配额(吨)"
CODE = "91620102000243109H"


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "配额分配与清缴_2019.csv") -> Path:
    folder = tmp_path / "enterprise_reports" / "allocations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


# ---- reader ------------------------------------------------------------------------------------


def test_reads_gbk_with_aliases_units_and_separators(tmp_path):
    text = "统一社会信用代码,履约年度,免费配额（万吨）,有偿配额(吨),清缴CCER(吨),清缴配额\n" f'{CODE},2019年,1.5,"1,000",—,16000\n'
    _write(tmp_path, text, "gbk")
    result = read_allocations(tmp_path)
    frame = result.tables["ets_allocations"]
    assert frame.schema == ETS_ALLOCATIONS_SCHEMA
    assert result.quarantine.is_empty()
    row = frame.row(0, named=True)
    assert row["credit_code"] == CODE and row["compliance_year"] == 2019 and row["scheme_code"] == "national"
    assert row["free_allowances_t"] == 15000.0  # 1.5 万吨
    assert row["auctioned_allowances_t"] == 1000.0
    assert row["ccer_surrendered_t"] is None  # '—' is missing, never zero
    assert row["source_row"] == 2
    assert result.files[0].encoding == "gb18030"


def test_bad_rows_are_quarantined_with_a_reason(tmp_path):
    text = HEADER + f"\n{CODE},2019,abc,0,0,0\n12345,2019,10,0,0,0\n{CODE},2019,-5,0,0,0\n{CODE},2020,10,0,0,10\n"
    _write(tmp_path, text)
    result = read_allocations(tmp_path)
    assert result.tables["ets_allocations"].height == 1
    reasons = result.quarantine["reason"].to_list()
    assert any("not a number" in r for r in reasons)
    assert any("18 characters" in r for r in reasons)
    assert any("cannot be negative" in r for r in reasons)
    assert set(result.quarantine["source_row"].to_list()) == {2, 3, 4}


def test_missing_required_header_rejects_the_file(tmp_path):
    _write(tmp_path, "统一社会信用代码,免费配额(吨)\n" f"{CODE},10\n")
    result = read_allocations(tmp_path)
    assert result.tables["ets_allocations"].is_empty()
    assert "lacks required columns" in result.quarantine["reason"][0]
    assert result.files[0].rejected


def test_invalid_bytes_reject_the_file(tmp_path):
    path = _write(tmp_path, HEADER + "\n")
    path.write_bytes(path.read_bytes() + b"\xff\xfe\xff\n")
    result = read_allocations(tmp_path)
    assert result.tables["ets_allocations"].is_empty()
    assert "neither UTF-8" in result.quarantine["reason"][0]
    (info,) = result.files
    assert info.rejected and "neither UTF-8" in info.problem
    assert info.size_bytes == path.stat().st_size and info.modified_at is not None


def test_no_files_gives_an_empty_typed_table(tmp_path):
    result = read_allocations(tmp_path)
    assert result.tables["ets_allocations"].schema == ETS_ALLOCATIONS_SCHEMA
    assert result.tables["ets_allocations"].is_empty()
    combined = read_enterprise_reports_and_allocations(tmp_path)
    assert set(combined.tables) == {
        "enterprise_report_lines", "enterprise_report_deliveries", "ets_allocations", "mrv_verifier_tasks",
        "mrv_captive_power",
    }  # fmt: skip
    assert combined.tables["enterprise_report_deliveries"].schema == ENTERPRISE_REPORT_DELIVERIES_SCHEMA


# ---- generator ---------------------------------------------------------------------------------


def _reports() -> ProvinceReports:
    def enterprise(code: str, in_ets: bool) -> Enterprise:
        return Enterprise(code, f"企业{code[-2:]}", "620102", "cement", in_ets, "cement", 1e5, 2015, 2020, [])

    market, other = enterprise(CODE, True), enterprise("91620102657897748H", False)
    versions = []
    for year in (2019, 2020):
        versions.append(Version(market, year, REPORTED, f"{year + 1}-03-31", [Line("工业生产过程", "熟料生产", 1, "t", co2_t=90_000.0)]))
        versions.append(Version(market, year, VERIFIED, f"{year + 1}-05-31", [Line("工业生产过程", "熟料生产", 1, "t", co2_t=100_000.0)]))
        versions.append(Version(other, year, VERIFIED, f"{year + 1}-05-31", [Line("工业生产过程", "熟料生产", 1, "t", co2_t=5_000.0)]))
    versions.append(Version(market, 2020, RECHECKED, "2021-08-31", [Line("工业生产过程", "熟料生产", 1, "t", co2_t=110_000.0)]))
    return ProvinceReports([market, other], versions)


def test_verified_emissions_take_the_latest_authoritative_version_of_market_enterprises():
    reports = _reports()
    assert gen.verified_emissions(reports, 2019) == {CODE: 100_000.0}
    assert gen.verified_emissions(reports, 2020) == {CODE: 110_000.0}


def test_generator_is_deterministic_and_allocates_95_to_100_percent(tmp_path):
    reports = _reports()
    first = gen.write_allocations(tmp_path / "a", reports, seed=7, province="620000")
    second = gen.write_allocations(tmp_path / "b", reports, seed=7, province="620000")
    assert [p.name for p in first] == ["配额分配与清缴_2019.csv", "配额分配与清缴_2020.csv"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    result = read_allocations(tmp_path / "a")
    frame = result.tables["ets_allocations"].sort("compliance_year")
    assert result.quarantine.is_empty()
    assert frame["credit_code"].to_list() == [CODE, CODE]
    ratio = (frame["free_allowances_t"] / pl.Series([100_000.0, 110_000.0])).to_list()
    assert all(0.95 - 1e-5 <= r <= 1.0 + 1e-5 for r in ratio)


def test_sample_allocations_have_some_short_enterprises():
    from pipelines.paths import SAMPLE_DIR

    frame = read_allocations(SAMPLE_DIR).tables["ets_allocations"]
    assert set(frame["compliance_year"].unique().to_list()) == {2019, 2020}
    held = frame["free_allowances_t"] + frame["auctioned_allowances_t"] + frame["ccer_surrendered_t"]
    share_short = (held < frame["free_allowances_t"] / 0.95 * 0.999).mean()  # at most the free part
    assert 0 < share_short < 1
