"""The industry table reader (工业分行业终端能源消费量, sources/README.md §2d): good sheets, and bad
input quarantined with file, sheet, row, column and reason while the good rows beside it load."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.industry_energy import read_industry_energy_workbook
from pipelines.ingest.schemas import INDUSTRY_ENERGY_SCHEMA

FOLDER = Path("energy_statistics") / "industry_energy"
FUELS = ["原煤(万吨)", "焦炭(万吨)", "天然气(亿立方米)", "电力(亿千瓦时)"]


def write_industry(path: Path, sheets: dict[str, list[list]], *, header=None, unit_row=None, title_year=2015) -> Path:
    """A yearbook-style sheet: merged title, 行业 header (units in brackets), industry rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = header or ["行业", *FUELS]
    book = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        title = f"{name.split(' ', 1)[-1]}工业分行业终端能源消费量（实物量）" + (f" {title_year}年" if title_year else "")
        sheet.merge_range(0, 0, 0, len(header) - 1, title)
        sheet.write_row(1, 0, header)
        start = 2
        if unit_row:
            sheet.write_row(2, 0, unit_row)
            start = 3
        for offset, row in enumerate(rows):
            sheet.write_row(start + offset, 0, row)
    book.close()
    return path


def _rows(result) -> list[tuple]:
    frame = result.tables["industry_energy"].sort("source_row", "source_column")
    return frame.select("source_row", "source_column", "division_code", "is_feedstock", "fuel_code", "value", "unit").rows()


def test_divisions_by_name_and_code_with_feedstock_in_canonical_units(tmp_path):
    path = write_industry(tmp_path / FOLDER / "工业分行业能源消费_620000_2015.xlsx", {
        "620000 甘肃省": [
            ["工业", 100, 50, 2, 300],                   # total: not loaded
            ["采矿业", 20, None, None, 40],               # section: not loaded
            ["  煤炭开采和洗选业", 20, None, None, 40],
            ["制造业", 80, 50, 2, 200],
            ["25 石油加工、炼焦和核燃料加工业", 30, 5, 1, 20],  # code + the 2011 name
            ["其中：用作原料、材料", 4, None, 0.5, None],
            ["31", "50", "45", "1", "140"],              # code alone; numbers as text
            ["电力、热力生产和供应业", None, None, None, 60],
        ],
    })
    result = read_industry_energy_workbook(path, tmp_path)
    assert result.quarantine.is_empty(), result.quarantine.to_dicts()
    assert result.tables["industry_energy"].schema == INDUSTRY_ENERGY_SCHEMA
    rows = _rows(result)
    assert rows[:2] == [(5, "B", "06", False, "raw_coal", 200_000.0, "t"), (5, "E", "06", False, "electricity", 4_000_000.0, "MWh")]
    assert (7, "B", "25", False, "raw_coal", 300_000.0, "t") in rows
    # the sub-row belongs to division 25, and its blank cells are no consumption (not zero)
    assert [r for r in rows if r[3]] == [(8, "B", "25", True, "raw_coal", 40_000.0, "t"),
                                          (8, "D", "25", True, "natural_gas", 5_000.0, "10^4Nm3")]
    assert (9, "C", "31", False, "coke", 450_000.0, "t") in rows
    assert (10, "E", "44", False, "electricity", 6_000_000.0, "MWh") in rows
    assert {r[2] for r in rows} == {"06", "25", "31", "44"}
    frame = result.tables["industry_energy"]
    assert set(frame["region_code"]) == {"620000"} and set(frame["year"]) == {2015}
    assert frame.filter(pl.col("fuel_code") == "natural_gas", ~pl.col("is_feedstock"))["unit_original"].to_list() == ["亿立方米"] * 2


def test_a_unit_row_and_a_code_column_are_read(tmp_path):
    path = write_industry(
        tmp_path / FOLDER / "industry_2016.xlsx",
        {"620100 兰州市": [["黑色金属冶炼和压延加工业", "31", 12.5, 3]]},
        header=["行业", "代码", "原煤", "焦炭"], unit_row=["单位", "", "万吨", "万吨"], title_year=None,
    )
    result = read_industry_energy_workbook(path, tmp_path)
    assert result.quarantine.is_empty(), result.quarantine.to_dicts()
    assert _rows(result) == [(4, "C", "31", False, "raw_coal", 125_000.0, "t"), (4, "D", "31", False, "coke", 30_000.0, "t")]
    assert result.tables["industry_energy"]["year"].to_list() == [2016, 2016]  # from the file name


def _reasons(result) -> list[tuple]:
    return result.quarantine.select("source_sheet", "source_row", "column_name", "value", "reason").rows()


def test_bad_rows_columns_and_cells_are_quarantined_and_the_good_cells_load(tmp_path):
    path = write_industry(
        tmp_path / FOLDER / "工业分行业能源消费_620000_2015.xlsx",
        {"620000 甘肃省": [
            ["煤炭开采和洗选业", 20, 1, 5],
            ["航天飞机制造业", 3, None, 1],              # unknown industry
            ["其中：用作原料、材料", 1, None, None],        # under an unknown row: not attributed
            ["非金属矿物制品业", -4, 2, "abc"],            # negative and not a number
            ["99 外星采矿业", 1, None, None],              # a code that is no industrial division
            ["10 黑色金属矿采选业", 1, None, None],         # code and name disagree
            ["煤炭开采和洗选业", 7, None, None],            # repeated division
            [None, 5, None, None],                         # figures without a name
        ]},
        header=["行业", "原煤(万吨)", "焦炭(万吨)", "可燃冰(万吨)", "电力(万吨)", "天然气"],
    )
    result = read_industry_energy_workbook(path, tmp_path)
    reasons = _reasons(result)
    sheet = "620000 甘肃省"
    header_problems = {reason[2]: reason for reason in reasons[:3]}
    unknown = header_problems["可燃冰(万吨)"]
    assert unknown[:4] == (sheet, 2, "可燃冰(万吨)", "可燃冰(万吨)") and "not recognised" in unknown[4]
    assert "holds amounts" in unknown[4]  # blocks publication, as in the balance (energy_balance.py)
    electricity = header_problems["电力(万吨)"]
    assert electricity[:2] == (sheet, 2) and "is a mass unit but 电力(万吨) is measured in electricity" in electricity[4]
    assert header_problems["天然气"][:2] == (sheet, 2) and "has no unit" in header_problems["天然气"][4]
    by_row = {row: reason for _, row, _, _, reason in reasons[3:]}
    assert by_row[4].startswith("industry '航天飞机制造业' is not recognised")
    assert by_row[5] == "其中：用作原料、材料 row follows no industry row; row skipped"
    assert by_row[7] == "industry code 99 is not a GB/T 4754-2017 division of industry (06–46); row skipped"
    assert by_row[8] == "industry code 10 and name '黑色金属矿采选业' (division 08) disagree; row skipped"
    assert by_row[9] == "industry '煤炭开采和洗选业' repeats row 3; row skipped"
    assert by_row[10] == "row has figures but no industry name in column 行业; row skipped"
    cells = [(row, column, value, reason) for _, row, column, value, reason in reasons if row == 6]
    assert cells == [(6, "原煤(万吨)", "-4", "-4 for 原煤(万吨) / 非金属矿物制品业 is negative; consumption cannot be negative")]
    # the good cells load: 06 in full, and 30's coke beside its quarantined coal
    assert _rows(result) == [(3, "B", "06", False, "raw_coal", 200_000.0, "t"), (3, "C", "06", False, "coke", 10_000.0, "t"),
                             (6, "C", "30", False, "coke", 20_000.0, "t")]


def test_text_that_is_not_a_number_names_its_cell(tmp_path):
    path = write_industry(tmp_path / FOLDER / "i_2015.xlsx", {"620000 甘肃省": [["非金属矿物制品业", "abc", 2, None, None]]})
    result = read_industry_energy_workbook(path, tmp_path)
    assert _reasons(result) == [("620000 甘肃省", 3, "原煤(万吨)", "abc", "'abc' for 原煤(万吨) / 非金属矿物制品业 is not a number")]
    assert _rows(result) == [(3, "C", "30", False, "coke", 20_000.0, "t")]


@pytest.mark.parametrize(
    ("sheet", "title_year", "reason"),
    [
        ("甘肃省", 2015, "sheet name does not start with a 6-digit region code (e.g. '620100 兰州市'); sheet skipped"),
        ("629999 无此地", 2015, "region code 629999 does not exist in the 2024 division list; sheet skipped"),
        ("620000 甘肃省", 1990, "year 1990 is outside 2000–2035; sheet skipped"),
    ],
)
def test_sheets_without_a_region_or_year_are_skipped_with_the_reason(tmp_path, sheet, title_year, reason):
    path = write_industry(tmp_path / FOLDER / "industry.xlsx", {sheet: [["纺织业", 1, None, None, None]]}, title_year=title_year)
    result = read_industry_energy_workbook(path, tmp_path)
    assert [r[4] for r in _reasons(result)] == [reason]
    assert result.tables["industry_energy"].is_empty()


def test_the_family_reads_the_folder_and_a_correction_replaces_the_older_file(tmp_path):
    import os

    old = write_industry(tmp_path / FOLDER / "a_2015.xlsx", {"620000 甘肃省": [["纺织业", 1, None, None, None]]})
    new = write_industry(tmp_path / FOLDER / "b_2015.xlsx", {"620000 甘肃省": [["纺织业", 2, None, None, None]]})
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_700_000_000, 1_700_000_000))
    (tmp_path / FOLDER / "broken.xlsx").write_bytes(b"not a workbook")
    result = read_energy_statistics(tmp_path)
    assert result.tables["industry_energy"]["value"].to_list() == [20_000.0]
    reasons = result.quarantine["reason"].to_list()
    assert any(r.startswith("superseded: the industry table 620000 2015 (region, year) was re-delivered corrected in "
                            "energy_statistics/industry_energy/b_2015.xlsx") for r in reasons)
    assert any(r.startswith("file cannot be opened as an Excel workbook") for r in reasons)
    kinds = {f.source_file: f.kind for f in result.files}
    assert kinds["energy_statistics/industry_energy/b_2015.xlsx"] == "industry_energy_workbook"


def test_a_feedstock_row_belongs_to_the_row_above_even_when_that_row_is_blank(tmp_path):
    path = write_industry(tmp_path / FOLDER / "i_2015.xlsx", {"620000 甘肃省": [
        ["化学原料和化学制品制造业", 10, None, None, None],
        ["医药制造业", None, None, None, None],          # nothing consumed
        ["其中：用作原料、材料", 1, None, None, None],    # …yet this sub-row is 27's, not 26's
        ["制造业", 10, None, None, None],
        ["其中：用作原料、材料", 1, None, None, None],    # under a section: not loaded, no reason
    ]})
    result = read_industry_energy_workbook(path, tmp_path)
    assert result.quarantine.is_empty()
    assert [(r[0], r[2], r[3]) for r in _rows(result)] == [(3, "26", False), (5, "27", True)]
