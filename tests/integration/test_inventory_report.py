"""The inventory report workbook (pipelines/reporting/inventory_report.py) and `ghg report`, on one
build of the bundled sample: the workbook opens, its total lines are the mart's, its CRT sheet adds
up to fct_inventory, and the command's exit codes are the ones scripts rely on."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import polars as pl
import pytest

from pipelines import cli
from pipelines.reporting import inventory_report as report

GANSU = "620000"


def query(folder, sql, params=()):
    with duckdb.connect(str(folder / "ghg.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture
def sample_dir(sample_warehouse, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(sample_warehouse))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return sample_warehouse


def read_sheet(path, sheet) -> pl.DataFrame:
    # The header block (title, region, year, GWP set, publication time, source) sits above the table.
    return pl.read_excel(path, sheet_name=sheet, engine="calamine", read_options={"header_row": report.HEADER_ROWS})


def test_confidential_report_matches_the_marts(sample_dir, tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    assert cli.main(["report", "--region", GANSU, "--year", "2015", "--out", str(out), "--confidential"]) == cli.EXIT_OK
    assert "CONFIDENTIAL" in capsys.readouterr().err
    summary = read_sheet(out, report.SUMMARY_SHEET)
    labels = [label.strip("　") for label in summary[summary.columns[0]].to_list()]
    assert labels[0] == "能源活动" and "土地利用变化和林业" in labels
    total_column = "合计（吨 CO₂当量）"
    (with_lulucf, without_lulucf) = query(
        sample_dir,
        "SELECT sum(co2e_t), sum(co2e_t) FILTER (WHERE sector <> 'lulucf') FROM marts.fct_inventory WHERE region_code = ? AND year = 2015",
        (GANSU,),
    )[0]
    mart_total = query(
        sample_dir,
        "SELECT total_co2e_t FROM marts.fct_inventory_summary WHERE region_code = ? AND year = 2015 AND row_order = "
        "(SELECT max(row_order) FROM marts.fct_inventory_summary)", (GANSU,),
    )[0][0]
    # A column with a "—" (no figure) is read as text: the numbers come back as their strings.
    shown = {label: (None if value in (None, "—") else float(value)) for label, value in zip(labels, summary[total_column].to_list())}
    assert math.isclose(shown["总量（含土地利用变化和林业）"], mart_total, rel_tol=1e-12)
    assert math.isclose(shown["总量（含土地利用变化和林业）"], with_lulucf, rel_tol=1e-9)
    assert math.isclose(shown["总量（不含土地利用变化和林业）"], without_lulucf, rel_tol=1e-9)
    assert shown["土地利用变化和林业"] < 0  # net removals
    crt = read_sheet(out, report.CRT_SHEET[:31])
    crt_co2e = [float(value) for value in crt["CO₂当量（吨）/ CO₂e, t"].to_list() if value not in (None, "—")]
    assert len(crt_co2e) == crt.height
    assert math.isclose(sum(crt_co2e), with_lulucf, rel_tol=1e-9)
    # The header block names the region, year, GWP set and the publication.
    head = pl.read_excel(out, sheet_name=report.SUMMARY_SHEET, engine="calamine", has_header=False).head(6)
    text = " ".join(str(value) for row in head.rows() for value in row if value is not None)
    assert "甘肃省（620000）" in text and "2015" in text and "AR5" in text and "数据发布时间" in text


def test_report_exit_codes(sample_dir, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    with duckdb.connect(str(sample_dir / "ghg_public.duckdb"), read_only=True) as con:
        public_has_summary = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                                         "AND table_name = 'fct_inventory_summary'").fetchone()[0]
    code = cli.main(["report", "--region", GANSU, "--year", "2015", "--out", str(out)])
    if public_has_summary:
        assert code == cli.EXIT_OK
    else:  # the public file does not publish the inventory yet: missing input, with the hint
        assert code == cli.EXIT_USAGE and "--confidential" in capsys.readouterr().err
    # A region-year without an inventory, an output inside the publication, a missing warehouse.
    assert cli.main(["report", "--region", "999999", "--year", "2015", "--out", str(out), "--confidential"]) == cli.EXIT_USAGE
    assert cli.main(["report", "--region", GANSU, "--year", "2015", "--out", str(sample_dir / "ghg.duckdb"), "--confidential"]) == cli.EXIT_USAGE
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", "--region", GANSU, "--out", str(out)])  # no --year
    assert exit_info.value.code == cli.EXIT_USAGE


def test_report_without_a_warehouse_is_usage(tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path / "empty"))
    assert cli.main(["report", "--region", GANSU, "--year", "2015", "--out", str(tmp_path / "r.xlsx")]) == cli.EXIT_USAGE


def test_hidden_figures_are_a_dash_with_the_reason(tmp_path):
    summary = pd.DataFrame([
        {"row_order": 8, "label_zh": "工业生产过程", "label_en": "industrial processes", "co2_t": None, "ch4_t": None,
         "n2o_t": None, "hfcs_co2e_t": None, "pfcs_co2e_t": None, "sf6_co2e_t": None, "total_co2e_t": None,
         "suppressed": True, "suppression_reason": "fewer_than_3_enterprises"},
        {"row_order": 9, "label_zh": "农业", "label_en": "agriculture", "co2_t": None, "ch4_t": 10.0, "n2o_t": 1.0,
         "hfcs_co2e_t": None, "pfcs_co2e_t": None, "sf6_co2e_t": None, "total_co2e_t": 548.0,
         "suppressed": False, "suppression_reason": None},
    ])
    crt = pd.DataFrame([{"sector": "ippu", "category_code": "2.A.1", "category_name_zh": "=水泥", "category_name_en": "cement",
                         "gas": "CO2", "emissions_t": None, "co2e_t": None, "method": "bottom_up", "gwp_set": "AR5",
                         "suppressed": True, "suppression_reason": "dominant_enterprise_over_80pct"}])
    header = report.report_header(crt, GANSU, "甘肃省", 2015, "2026-01-01 00:00", public=True)
    out = tmp_path / "r.xlsx"
    out.write_bytes(report.report_bytes(summary, crt, header))
    sheet = read_sheet(out, report.SUMMARY_SHEET)
    assert sheet.row(0)[1] == "—" and "少于3家" in sheet.row(0)[-1]
    assert float(sheet.row(1)[-2]) == 548.0
    crt_sheet = read_sheet(out, report.CRT_SHEET[:31])
    assert crt_sheet.row(0)[1] == "=水泥"  # text stays text, never a formula
    assert crt_sheet.row(0)[5] == "—" and "80%" in crt_sheet.row(0)[-1]
