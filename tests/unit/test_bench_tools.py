"""The benchmark's pure parts: the report keeps one section per preset and fits growth over them,
the process-tree memory counts children, the floor reads a balance sheet as written and refuses
one laid out otherwise, reads enterprise reports (GB18030 exports, workbook line sheets) without
their total rows and keeps the version in force, and a changed generator is a different cached inbox."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import duckdb
import polars as pl

from bench import floor, floor_enterprises, inboxes, measure, report


def _record(preset: str, build_s: float, floor_s: float, rows: int) -> dict:
    return {
        "preset": preset, "description": f"{preset} inbox", "recorded_at": "2026-12-05 12:00 UTC", "reps": 1,
        "inbox": {"files": 3, "bytes": 2_000_000}, "page_repeat": 1,
        "builds": [{"wall_s": build_s, "peak_rss_bytes": 2e9, "returncode": 0, "run_id": "abc1234-x", "rows_read": rows,
                    "run_s": build_s - 10,
                    "steps": [{"step": "ghg_dbt_assets", "stage": "dbt (ghg_dbt_assets)", "s": build_s / 2},
                              {"step": "ingest_enterprise_reports", "stage": "ingest_enterprise_reports", "s": 8.0}],
                    "dbt_nodes": [{"kind": "model", "name": "fct_region_year", "s": 1.5}]}],
        "floors": [{"wall_s": floor_s, "peak_rss_bytes": 5e8, "cells": rows // 10, "report_lines": rows // 20,
                    "family_s": {"balance_workbooks": 1.0, "enterprise_csvs": 0.5, "enterprise_workbooks": 1.5}}],
        "check": {"passed": True, "output": "check floor_region_year: 1 floor rows, 1 mart rows — equal"},
        "pages": [{"page": "overview", "role": "leader", "first_s": 0.4, "median_s": 0.3}],
        "machine": {"cpu": "test", "cores": 2},
    }


def test_a_preset_rerun_replaces_its_section_and_keeps_the_others(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    report.write(out, _record("tiny", 40.0, 4.0, 100_000))
    report.write(out, _record("sample", 90.0, 6.0, 1_100_000))
    report.write(out, _record("tiny", 30.0, 3.0, 100_000))
    text = out.read_text(encoding="utf-8")
    assert text.count("## Preset `tiny`") == 1 and text.count("## Preset `sample`") == 1
    assert "| build, s | 30.0 | 30.0 | 30.0 |" in text and "| build, s | 40.0" not in text
    assert text.count("## How cost grows with size") == 1
    # two sizes: build = 30 s + 60 s per million rows read (through (0.1, 30) and (1.1, 90))
    assert "| build | 24.00 s | 60.00 s |" in text
    assert "| sample build ≤ 15 s | 90.00 s | no |" in text
    assert "| outside the run (imports, definitions, dbt manifest, exit) | 10.0 | 33% |" in text
    # the floor's reading time per family beside the build's ingest step of those files
    assert "| enterprise reports (export CSVs + workbooks) | 2.00 | ingest_enterprise_reports | 8.0 | 4.0 |" in text
    assert "| balance workbooks | 1.00 | ingest_energy_statistics |  |  |" in text


def test_a_negative_cost_per_row_is_called_noise(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    report.write(out, _record("tiny", 90.0, 4.0, 100_000))
    report.write(out, _record("sample", 60.0, 6.0, 1_100_000))
    text = out.read_text(encoding="utf-8")
    assert "A negative cost per row (build)" in text
    report.write(out)  # the growth section alone, recomputed from the sections
    assert out.read_text(encoding="utf-8") == text


def test_growth_needs_two_sizes(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    report.write(out, _record("tiny", 40.0, 4.0, 100_000))
    assert "Needs two or more presets recorded" in out.read_text(encoding="utf-8")


def test_tree_rss_counts_the_children():
    child = subprocess.Popen([sys.executable, "-c", "b = bytearray(200_000_000); import time; time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while measure.tree_rss_bytes(child.pid) < 200e6 and time.monotonic() < deadline:
            time.sleep(0.1)
        import os

        assert measure.tree_rss_bytes(os.getpid()) >= measure.tree_rss_bytes(child.pid) >= 200e6
    finally:
        child.kill()
        child.wait()


def _cells(rows: list[tuple]) -> list[tuple]:
    out: dict[str, list] = {column: [] for column in floor.CELL_COLUMNS}
    floor._sheet_cells(rows, "620100", 2015, "test", out)
    return sorted(zip(*(out[column] for column in floor.CELL_COLUMNS)))


def test_floor_reads_a_sheet_as_written():
    rows = [("兰州市能源平衡表 2015年", None, None), ("项目", "原煤", "电力"), ("单位", "万吨", "万千瓦时"),
            (" 工业", "12.5", None), ("损失量", "—", " 3 ")]
    assert _cells(rows) == [("620100", 2015, "工业", "原煤", "万吨", "12.5"),
                            ("620100", 2015, "损失量", "电力", "万千瓦时", "3")]


def test_floor_refuses_a_sheet_without_a_unit_row():
    with pytest.raises(floor.FloorError, match="单位"):
        _cells([("项目", "原煤"), ("工业", "12.5")])


def test_a_generator_change_is_a_new_inbox(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_BENCH_DIR", str(tmp_path))
    before = inboxes.inbox_path("tiny", 1)
    monkeypatch.setattr(inboxes, "generator_hash", lambda: "0123456789")
    after = inboxes.inbox_path("tiny", 1)
    assert before.parent == after.parent == tmp_path and before != after and after.name == "tiny-1-0123456789"


EXPORT_HEADER = ("统一社会信用代码,企业名称,行政区划代码,所属行业,是否纳入碳市场,报告年度,数据状态,提交日期,排放类别,排放源,"
                 "活动水平,活动水平单位,排放量(tCO2)")


def test_floor_reads_a_gb18030_export_without_its_total_rows(tmp_path):
    rows = [EXPORT_HEADER,
            "91620102000243109h,甲公司,620102,建材,是,2015,核查,2016-03-01,化石燃料燃烧,原煤,100,t,\"1,234.5\"",
            "91620102000243109H,甲公司,620102,建材,是,2015,核查,2016-03-01,净购入电力,净购入电力,10,MWh,6.5",
            "91620102000243109H,甲公司,620102,建材,是,2015,核查,2016-03-01,化石燃料燃烧,合计,,,1241",
            "合计,,,,,,,,,,,,1241",
            "91620102000243109H,甲公司,620102,建材,是,2015,企业自报,2016-03-01,净购入电力,净购入电力,10,MWh,"]
    path = tmp_path / "enterprise_reports" / "export" / "报告_2015.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("\n".join(rows).encode("gb18030"))
    reports = floor_enterprises.export_deliveries(path, tmp_path).sort("status_rank")
    assert reports.select("credit_code", "year", "status_rank", "lines_count", "reported_co2_t").rows() == [
        ("91620102000243109H", 2015, 1, 1, None), ("91620102000243109H", 2015, 2, 2, 1241.0)]
    assert reports["source_file"].to_list() == ["enterprise_reports/export/报告_2015.csv"] * 2


def test_floor_reads_a_workbook_line_sheet_without_its_total_row():
    rows = [("一、化石燃料燃烧排放", None, None), ("燃料品种", "消耗量", "排放量(tCO2)"), ("原煤", "10", "20.5"),
            ("柴油", "1", "3"), ("合计", None, "23.5")]
    assert floor_enterprises._sheet_lines(rows) == [("原煤", "20.5"), ("柴油", "3")]


def test_floor_keeps_the_version_in_force():
    """复查 over 核查 over 企业自报 whatever the files' times; of two deliveries of one report the newer file."""
    reports = pl.DataFrame(
        [("A", 2015, 1, "export/2015.csv", 5, 1, 100.0), ("A", 2015, 2, "export/2015.csv", 5, 2, 99.0),
         ("B", 2020, 1, "export/2020.csv", 1, 1, 50.0), ("B", 2020, 1, "workbooks/2020/B.xlsx", 2, 1, 55.0)],
        schema=floor_enterprises.DELIVERY_SCHEMA, orient="row")
    con = duckdb.connect()
    con.register("report_deliveries", reports)
    sql = floor.SQL.read_text(encoding="utf-8")
    con.execute(sql[sql.index("create or replace table floor_enterprise_year"):])
    assert con.execute("select credit_code, year, reported_co2_t, lines_count from floor_enterprise_year"
                       " order by all").fetchall() == [("A", 2015, 99.0, 2), ("B", 2020, 55.0, 1)]


def test_floor_skips_an_enterprise_workbook_that_cannot_be_opened(tmp_path):
    """A cut-off file costs only itself, as in the build (which rejects it whole)."""
    path = tmp_path / "enterprise_reports" / "workbooks" / "2020" / "91620102000243109H.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 cut off in transfer")
    assert floor_enterprises.workbook_deliveries(path, tmp_path) is None
