"""The MRV reader (pipelines/ingest/mrv.py): verifier tasks and captive power plants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.ingest.families import FAMILIES
from pipelines.ingest.mrv import read_mrv
from pipelines.ingest.schemas import MRV_CAPTIVE_POWER_SCHEMA, MRV_VERIFIER_TASKS_SCHEMA

CODE = "91620102000243109H"
VERIFIER = "91620100MA71ABCD2X"
OTHER_VERIFIER = "91620100224466880K"
TASK_HEADER = "统一社会信用代码,报告年度,任务类型,核查机构代码,核查机构名称,指派日期"
CAPTIVE_HEADER = "统一社会信用代码,年度,自备电厂装机容量(千瓦)"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder = tmp_path / "enterprise_reports" / "mrv"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _tasks(result) -> pl.DataFrame:
    return result.tables["mrv_verifier_tasks"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_good_task_file_loads_every_task_type_and_date_form(tmp_path, encoding):
    text = (
        f"{TASK_HEADER}\n"
        f"{CODE},2019,核查,{VERIFIER},甘肃陇原低碳科技有限公司,2020-04-01\n"
        f"{CODE},2019年,首次核查,{VERIFIER},甘肃陇原低碳科技有限公司,2020/4/2\n"
        f"{CODE.lower()},2019,复查,{OTHER_VERIFIER},甘肃河西碳资产管理有限公司,2020年7月3日\n"
        f"{CODE},2019,咨询,{OTHER_VERIFIER},甘肃河西碳资产管理有限公司,\n"
        f"{CODE},2019,Recheck,{OTHER_VERIFIER},甘肃河西碳资产管理有限公司,2020-07-04\n"
        f"{CODE},2019,咨询服务,{VERIFIER},甘肃陇原低碳科技有限公司,2020-01-05\n"
    )
    _write(tmp_path, "核查任务_2019.csv", text, encoding)
    result = read_mrv(tmp_path)
    frame = _tasks(result)
    assert result.quarantine.is_empty(), result.quarantine
    assert frame.schema == MRV_VERIFIER_TASKS_SCHEMA
    assert frame["task_type"].to_list() == [
        "verification", "verification", "recheck", "consulting", "recheck", "consulting",
    ]  # fmt: skip
    assert frame["assigned_on"].to_list()[:4] == [dt.date(2020, 4, 1), dt.date(2020, 4, 2), dt.date(2020, 7, 3), None]
    assert set(frame["credit_code"]) == {CODE}  # upper-cased
    assert set(frame["report_year"]) == {2019} and set(frame["scheme_code"]) == {"national"}
    assert frame["source_row"].to_list() == [2, 3, 4, 5, 6, 7]
    assert frame["source_sheet"].null_count() == frame.height
    assert frame["verifier_name"][0] == "甘肃陇原低碳科技有限公司"
    assert result.files[0].encoding == ("gb18030" if encoding == "gbk" else "utf-8-sig")


def test_task_aliases_and_the_scheme_column(tmp_path):
    text = (
        "信用代码,年度,类型,机构代码,机构名称,委托日期,碳市场\n"
        f"{CODE},2020,verification,{VERIFIER},某机构,2021-04-10,guangdong\n"
        f"{CODE},2020,consulting,{VERIFIER},某机构,2021-01-10, \n"
    )
    _write(tmp_path, "核查任务_2020.csv", text)
    frame = _tasks(read_mrv(tmp_path))
    assert frame["task_type"].to_list() == ["verification", "consulting"]
    assert frame["scheme_code"].to_list() == ["guangdong", "national"]  # blank → national


def test_bad_task_rows_are_quarantined_beside_the_good_ones(tmp_path):
    text = (
        f"{TASK_HEADER}\n"
        f"{CODE},2019,核查,{VERIFIER},甲,2020-04-01\n"  # good
        f"{CODE},2019,审计,{VERIFIER},甲,2020-04-01\n"  # unknown task type
        f"12345,2019,核查,{VERIFIER},甲,2020-04-01\n"  # bad credit code
        f"{CODE},2019,核查,{VERIFIER},甲,2020-13-45\n"  # bad date
        f"{CODE},2019,核查,{VERIFIER},甲,\n"  # blank date on a verification
        f"{CODE},2019,复查,ABC,乙,2020-07-01\n"  # bad verifier code
        f"{CODE},,核查,{VERIFIER},甲,2020-04-01\n"  # no year
    )
    _write(tmp_path, "核查任务_2019.csv", text)
    result = read_mrv(tmp_path)
    assert _tasks(result)["source_row"].to_list() == [2]
    by_row = {row: reason for row, reason in result.quarantine.select("source_row", "reason").iter_rows()}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "'审计'" in by_row[3] and "not recognised" in by_row[3]
    assert "18 characters" in by_row[4]
    assert "not a date" in by_row[5]
    assert "only a consulting row" in by_row[6]
    assert "verifier credit code 'ABC'" in by_row[7]
    assert "required" in by_row[8]
    assert set(result.quarantine["source_file"]) == {"enterprise_reports/mrv/核查任务_2019.csv"}
    assert result.files[0].rows_loaded == 1 and not result.files[0].rejected


@pytest.mark.parametrize(("header", "factor"), [("(千瓦)", 1), ("(kW)", 1), ("（兆瓦）", 1000), ("(MW)", 1000), ("(万千瓦)", 10000), ("", 1)])
def test_captive_power_is_converted_to_kw(tmp_path, header, factor):
    _write(tmp_path, "自备电厂_620000.csv", f"统一社会信用代码,年度,自备电厂装机容量{header}\n{CODE},2019,0.6\n", "gbk")
    result = read_mrv(tmp_path)
    frame = result.tables["mrv_captive_power"]
    assert result.quarantine.is_empty()
    assert frame.schema == MRV_CAPTIVE_POWER_SCHEMA
    assert frame.row(0, named=True) == {
        "source_file": "enterprise_reports/mrv/自备电厂_620000.csv", "source_sheet": None, "source_row": 2,
        "credit_code": CODE, "year": 2019, "captive_power_kw": pytest.approx(0.6 * factor),
    }  # fmt: skip


def test_bad_captive_rows_are_quarantined_and_the_good_rows_load(tmp_path):
    text = f"{CAPTIVE_HEADER}\n{CODE},2019,6000\n{CODE},2020,-5\n{CODE},2018,很多\n{CODE},2017,\n"
    _write(tmp_path, "自备电厂_2019.csv", text, "utf-8-sig")
    result = read_mrv(tmp_path)
    assert result.tables["mrv_captive_power"]["captive_power_kw"].to_list() == [6000.0]
    by_row = {row: reason for row, reason in result.quarantine.select("source_row", "reason").iter_rows()}
    assert "cannot be negative" in by_row[3] and "not a number" in by_row[4] and "required" in by_row[5]


def test_an_unknown_capacity_unit_rejects_the_file_and_the_others_still_load(tmp_path):
    _write(tmp_path, "自备电厂_620000.csv", f"统一社会信用代码,年度,自备电厂装机容量(马力)\n{CODE},2019,600\n")
    _write(tmp_path, "核查任务_2019.csv", f"{TASK_HEADER}\n{CODE},2019,核查,{VERIFIER},甲,2020-04-01\n")
    result = read_mrv(tmp_path)
    assert result.tables["mrv_captive_power"].is_empty()
    assert _tasks(result).height == 1
    (reason,) = result.quarantine["reason"].to_list()
    assert "'马力'" in reason and "not a power unit" in reason
    rejected = {info.source_file: info.rejected for info in result.files}
    assert rejected == {"enterprise_reports/mrv/自备电厂_620000.csv": True, "enterprise_reports/mrv/核查任务_2019.csv": False}


def test_unreadable_and_unnamed_files_are_quarantined_whole(tmp_path):
    _write(tmp_path, "核查任务_2018.csv", TASK_HEADER + "\n").write_bytes(TASK_HEADER.encode() + b"\n\xff\xfe\xff\n")
    _write(tmp_path, "名单.csv", f"{TASK_HEADER}\n{CODE},2019,核查,{VERIFIER},甲,2020-04-01\n")
    _write(tmp_path, "核查任务_2019.csv", "统一社会信用代码,报告年度\n" f"{CODE},2019\n")  # lacks required columns
    _write(tmp_path, "核查任务_2020.csv", f"{TASK_HEADER}\n{CODE},2020,复查,{VERIFIER},甲,2021-07-01\n")
    result = read_mrv(tmp_path)
    assert _tasks(result)["report_year"].to_list() == [2020]
    reasons = dict(result.quarantine.select("source_file", "reason").iter_rows())
    assert "neither UTF-8" in reasons["enterprise_reports/mrv/核查任务_2018.csv"]
    assert "lacks required columns" in reasons["enterprise_reports/mrv/核查任务_2019.csv"]
    assert "is neither 核查任务_<year>.csv" in reasons["enterprise_reports/mrv/名单.csv"]
    assert result.quarantine["source_row"].null_count() == 3


def test_no_mrv_folder_gives_empty_typed_tables_in_the_family(tmp_path):
    result = read_enterprise_reports_and_allocations(tmp_path)
    assert result.tables["mrv_verifier_tasks"].schema == MRV_VERIFIER_TASKS_SCHEMA
    assert result.tables["mrv_captive_power"].schema == MRV_CAPTIVE_POWER_SCHEMA
    assert result.tables["mrv_verifier_tasks"].is_empty() and result.tables["mrv_captive_power"].is_empty()
    assert result.quarantine.is_empty()


def test_the_registry_knows_the_folder_and_the_backfill_columns():
    family = FAMILIES["enterprise_reports"]
    assert "enterprise_reports/mrv" in {folder.path for folder in family.folders}
    assert family.tables["mrv_verifier_tasks"].year_column == "report_year"
    assert family.tables["mrv_captive_power"].year_column == "year"
