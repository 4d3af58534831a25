"""The shared reading rules: encodings, numbers, dates, units, headers, checks, results."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.ingest import vocab
from pipelines.ingest.checks import apply_checks, check_number
from pipelines.ingest.csv_cells import read_csv_cells, split_damaged
from pipelines.ingest.excel import combine_header_rows, formula_reason, formulas_without_value, header_row_continues
from pipelines.ingest.files import UnreadableFile, decode_to_utf8
from pipelines.ingest.results import FileRead, ReadResult, files_frame
from pipelines.ingest.text import column_letter, match_headers, name_key
from pipelines.ingest.units import lookup_ratio_unit, lookup_unit
from pipelines.ingest.values import parse_date, parse_number, parse_year, with_numbers
from pipelines.ingest.schemas import RAW_SCHEMAS, SOURCE_FILES_SCHEMA, schema_of

# ---- encodings -------------------------------------------------------------------------------


def test_decode_detects_bom_utf8_and_gbk():
    text = "企业名称,排放量\n兰州某厂,1\n"
    assert decode_to_utf8(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text.encode("utf-8"), "utf-8-sig")
    assert decode_to_utf8(text.encode("utf-8")) == (text.encode("utf-8"), "utf-8")
    assert decode_to_utf8(text.encode("gbk")) == (text.encode("utf-8"), "gb18030")
    # Characters outside GBK (here U+20000) are GB18030's four-byte sequences.
    rare = "𠀀,1\n"
    assert decode_to_utf8(rare.encode("gb18030")) == (rare.encode("utf-8"), "gb18030")


def test_decode_rejects_undecodable_bytes_with_offset():
    data = "名称\n".encode("gbk") + b"\x81\x20\xff\xff"
    with pytest.raises(UnreadableFile) as problem:
        decode_to_utf8(data)
    assert "offset 5" in str(problem.value)  # the GB18030 failure: 0x81 0x20 is no character
    assert "offset 0" in str(problem.value)  # the UTF-8 failure: GBK bytes from the start


def test_read_csv_cells_counts_rows_like_excel(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b'a,b\n1,"1,234.5"\n\n3,x,extra\n , \n')
    cells = read_csv_cells(path)
    assert cells.header == ["a", "b"]
    rows = cells.rows
    # Blank rows (an empty line, ' , ') state nothing and are left out; the others keep their number.
    assert rows["source_row"].to_list() == [2, 4]
    assert rows["c1"].to_list() == ["1,234.5", "x"]
    assert rows["__extra_fields"].to_list() == [None, "extra"]
    assert cells.cut_off is None and not cells.header_only


def test_read_csv_cells_keeps_the_last_row_of_a_cut_off_file_as_damaged(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("a,b,c\r\n1,2,3\r\n4,\"兰州".encode())
    cells = read_csv_cells(path)
    reason = (
        "file ends mid-row: row 3 has 2 of 3 fields and the file does not end with a line break — "
        "the file looks cut off (truncated transfer?); the rows before it loaded"
    )
    assert cells.cut_off == reason
    assert cells.rows.select("source_row", "c0", "c1", "c2", "__damaged", "__damaged_value").rows() == [
        (2, "1", "2", "3", None, None),
        (3, "4", "兰州", None, reason, '4,"兰州'),
    ]
    kept, quarantine = split_damaged(cells.rows.with_columns(source_file=pl.lit("a.csv"), source_sheet=pl.lit(None, pl.Utf8)), "x")
    assert kept["source_row"].to_list() == [2]
    assert quarantine.select("source_row", "column_name", "value", "reason").rows() == [(3, "(whole row)", '4,"兰州', reason)]


def test_read_csv_cells_a_complete_last_row_without_a_line_break_is_not_cut_off(tmp_path):
    path = tmp_path / "a.csv"
    # The last record holds a quoted line break: its start is the line break outside the quotes.
    path.write_bytes(b'a,b\n1,"x\ny"')
    cells = read_csv_cells(path)
    assert cells.cut_off is None
    assert cells.rows.select("source_row", "c0", "c1").rows() == [(2, "1", "x\ny")]
    # More fields than the header is a ragged row, not a cut-off one.
    path.write_bytes(b"a,b\n1,2,3")
    assert read_csv_cells(path).cut_off is None
    # All the fields, but the last quoted value never closes: cut off inside it.
    path.write_bytes(b'a,b\n1,2\n3,"x')
    cells = read_csv_cells(path)
    assert cells.cut_off.startswith("file ends mid-row: row 3 stops inside a quoted value and the file does not end")
    assert cells.rows["source_row"].to_list() == [2, 3]


def test_read_csv_cells_header_only_and_nul_bytes(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\n\r\n")
    assert read_csv_cells(path).header_only
    path.write_bytes(b"a,b\n1,x\x00y\n2,z\n")
    cells = read_csv_cells(path)
    assert not cells.header_only
    assert cells.rows.select("source_row", "__damaged_value").rows() == [(2, "x\\x00y"), (3, None)]
    assert cells.rows["__damaged"][0].startswith("column B 'b' holds a NUL byte (0x00)")


def test_files_frame_is_the_source_files_table(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n1\n")
    info = FileRead.of(path, "a.csv", "test_csv", "utf-8")
    result = ReadResult("exchange_prices", {}, pl.DataFrame(schema=RAW_SCHEMAS["quarantine"]), [info])
    frame = files_frame(result)
    assert frame.schema == SOURCE_FILES_SCHEMA
    row = frame.row(0, named=True)
    assert (row["source_family"], row["source_file"], row["kind"], row["encoding"], row["size_bytes"]) == (
        "exchange_prices", "a.csv", "test_csv", "utf-8", 4,
    )  # fmt: skip
    assert row["modified_at"].timestamp() == pytest.approx(path.stat().st_mtime, abs=1e-5)
    assert (row["rejected"], row["truncated"], row["problem"]) == (False, False, None)
    assert files_frame(ReadResult.empty("exchange_prices")).schema == SOURCE_FILES_SCHEMA


# ---- numbers, years, dates -----------------------------------------------------------------


def test_parse_number_handles_separators_full_width_and_missing():
    written = ["1,234.5", "１２３．５", "－７", " 42 ", "—", "-", "/", "", None, "abc", "1e3", "nan", "-3.5", "inf"]
    expected = [1234.5, 123.5, -7.0, 42.0, None, None, None, None, None, None, 1000.0, None, -3.5, None]
    frame = pl.DataFrame({"x": pl.Series(written, dtype=pl.Utf8)})
    assert frame.select(parse_number(pl.col("x"))).to_series().to_list() == expected
    # the fast path (plain cast, cleaning only the odd cells) gives the same numbers
    parsed = with_numbers(frame, {"x": "p"})
    assert parsed["p"].to_list() == expected
    assert parsed.filter(pl.col("p_bad"))["x"].to_list() == ["abc", "inf"]


def test_missing_is_never_zero_and_bad_text_is_flagged():
    frame = pl.DataFrame(
        {"source_file": "f", "source_sheet": None, "source_row": [2, 3, 4], "v": ["—", "12x", "3"]},
        schema_overrides={"source_sheet": pl.Utf8, "source_row": pl.Int32},
    )
    frame = with_numbers(frame, {"v": "p"})
    assert frame["p_bad"].to_list() == [False, True, False]
    good, quarantine = apply_checks(frame, [check_number("v", "p", "活动水平")], "enterprise_reports")
    assert good["p"].to_list() == [None, 3.0]
    assert quarantine.select("source_row", "value", "reason").rows() == [
        (3, "12x", "'12x' in 活动水平 is not a number")
    ]


def test_parse_year_and_date():
    years = pl.DataFrame({"x": ["2015", "2015年", "2015.0", "2015.5", "x"]}).select(parse_year(pl.col("x"))).to_series()
    assert years.to_list() == [2015, 2015, 2015, None, None]
    written = [
        "2021-03-15",
        "2021/3/5",
        "2021年3月5日",
        "44270",
        "2021-03-15 00:00:00",
        "20210315",
        "2021-02-30",
        "soon",
    ]
    dates = pl.DataFrame({"x": written}).select(parse_date(pl.col("x"))).to_series().to_list()
    assert dates == [
        date(2021, 3, 15),
        date(2021, 3, 5),
        date(2021, 3, 5),
        date(2021, 3, 15),
        date(2021, 3, 15),
        date(2021, 3, 15),
        None,
        None,
    ]


# ---- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical", "factor"),
    [
        ("万吨", "t", 10_000),
        ("万t", "t", 10_000),
        ("kt", "t", 1_000),
        ("亿立方米", "10^4Nm3", 10_000),
        ("万Nm³", "10^4Nm3", 1),
        ("万Nm3", "10^4Nm3", 1),  # ³ typed as 3
        ("m³", "10^4Nm3", 0.0001),
        ("亿千瓦时", "MWh", 100_000),
        ("万kWh", "MWh", 10),
        ("千瓦时", "MWh", 0.001),
        ("万百万千焦", "GJ", 10_000),
        ("TJ", "GJ", 1_000),
        ("万吨标准煤", "tce", 10_000),
        ("亿元", "10k_yuan", 10_000),
        ("元", "10k_yuan", 0.0001),
        ("ＧＪ", "GJ", 1),  # full-width letters from a Chinese input method
        ("万m³", "10^4Nm3", 1),
        ("亿m³", "10^4Nm3", 10_000),
        ("Nm³", "10^4Nm3", 0.0001),
        ("MWh", "MWh", 1),
        ("MJ", "GJ", 0.001),
        ("百万千焦", "GJ", 1),
        ("万元", "10k_yuan", 1),
    ],
)
def test_unit_table(written, canonical, factor):
    unit = lookup_unit(written)
    assert unit is not None and (unit.canonical, unit.factor) == (canonical, factor)


def test_unknown_units_are_not_guessed():
    assert lookup_unit("万吨吨") is None
    assert lookup_unit("tons") is None
    assert lookup_unit("") is None


def test_ratio_units():
    kj = lookup_ratio_unit("kJ/kg", "heat")
    assert kj.canonical == "GJ/t" and kj.factor == pytest.approx(0.001) and kj.denominator_dimension == "mass"
    gas = lookup_ratio_unit("GJ/万Nm³", "heat")
    assert (gas.canonical, gas.factor, gas.denominator_dimension) == ("GJ/10^4Nm3", 1.0, "gas volume")
    per_10k_kwh = lookup_ratio_unit("tCO2/万kWh", "co2")
    assert per_10k_kwh.canonical == "tCO2/MWh" and per_10k_kwh.factor == pytest.approx(0.1)
    assert lookup_ratio_unit("GJ/桶", "heat") is None


# ---- headers and vocabularies --------------------------------------------------------------


def test_header_matching_folds_brackets_and_spaces_and_keeps_header_units():
    match = match_headers(
        [" 单位热值含碳量（tC/TJ） ", "排放因子 (tCO2/MWh)", "碳氧化率（%）", "备注", None],
        vocab.WORKBOOK_LINE_FIELDS,
    )
    assert match.positions == {"carbon_content": 0, "emission_factor": 1, "oxidation_rate": 2}
    assert match.units["emission_factor"] == "tCO2/MWh"
    assert match.unknown == [(3, "备注")]


def test_vocabularies_come_from_the_seeds():
    assert vocab.fuels().code("烟煤") == "raw_coal"
    assert vocab.fuels().code("LPG") == "lpg"
    assert vocab.balance_items().code("其中:用作原料、材料") == "final_industry_feedstock"
    assert vocab.balance_items().code("本省（区、市）调出量(-)") == "outflow"
    assert vocab.sectors().code("水泥") == "building_materials"
    assert vocab.indicator_names().code("活立木蓄积量") == "forest_stock"
    assert "620881" in vocab.region_codes()
    assert vocab.region_code_changes()["620824"] == "620881"
    assert name_key("（万吨）") == name_key("(万吨)")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# ---- results ---------------------------------------------------------------------------------


def test_empty_results_have_the_full_schemas():
    for family in ("enterprise_reports", "energy_statistics", "exchange_prices"):
        result = ReadResult.combine([], family)
        for table, frame in result.tables.items():
            assert frame.schema == schema_of(table)
        assert result.quarantine.schema == RAW_SCHEMAS["quarantine"]


# ---- headers over two rows, formulas without a saved value ------------------------------------


def _line_header(text: str) -> bool:
    return bool(match_headers([text], vocab.WORKBOOK_LINE_FIELDS).positions)


def _fuel_header(text: str) -> bool:
    return vocab.fuels().code(text) is not None


def test_two_row_header_reads_groups_units_and_value_words():
    upper = ["燃料品种", "消耗量", None, "低位发热量", None, "排放因子", "碳氧化率", "备注"]
    lower = [None, "数值", "单位", "数值", "单位", "tCO2/t", "(%)", None]
    assert header_row_continues(upper, lower, _line_header, anchor=0)
    combined = combine_header_rows(upper, lower, _line_header)
    assert combined.cells == ["燃料品种", "消耗量", "单位", "低位发热量", "低位发热量单位", "排放因子(tCO2/t)", "碳氧化率(%)", "备注"]
    assert combined.unread == []
    match = match_headers(combined.cells, vocab.WORKBOOK_LINE_FIELDS)
    assert match.positions == {
        "source_name": 0, "activity_value": 1, "activity_unit": 2, "ncv": 3, "ncv_unit": 4,
        "emission_factor": 5, "oxidation_rate": 6,
    }  # fmt: skip
    assert match.units["emission_factor"] == "tCO2/t"


def test_two_row_header_names_what_it_cannot_read():
    combined = combine_header_rows(["项目", "热量", None], [None, "数量", "计量"], _line_header)
    assert combined.unread == [(2, "热量 / 计量")]


def test_data_rows_and_unit_rows_do_not_continue_a_header():
    header = ["燃料品种", "消耗量", "单位"]
    assert not header_row_continues(header, ["原煤", "1.5", "万吨"], _line_header, anchor=0)  # a line
    assert not header_row_continues(header, [None, "1.5", "万吨"], _line_header, anchor=0)  # a line without a name
    assert not header_row_continues(header, [None, "很多", "万吨"], _line_header, anchor=0)  # text, but no header
    assert not header_row_continues(header, [None, None, None], _line_header, anchor=0)
    # The energy balance unit row under the fuel header is not a second header row.
    assert not header_row_continues(["项目", "原煤", "天然气"], [None, "万吨", "亿立方米"], _fuel_header, anchor=0)


def test_two_row_energy_header_takes_the_fuels_from_the_lower_row():
    upper = ["项目", "煤炭及油气", None, "电力及热力", None]
    lower = [None, "原煤", "天然气", "电力", "热力"]
    assert header_row_continues(upper, lower, _fuel_header, anchor=0)
    assert combine_header_rows(upper, lower, _fuel_header).cells == ["项目", "原煤", "天然气", "电力", "热力"]


def test_formulas_without_value_gives_the_formula_and_follows_shared_formulas(tmp_path):
    import re
    import zipfile

    import xlsxwriter

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("化石燃料燃烧")
    sheet.write_row(1, 0, [1, 2])
    sheet.write_row(2, 0, [3, 4])
    sheet.write_formula(1, 3, "=A2*B2", None, 2)
    sheet.write_formula(2, 3, "=A3*B3", None, 12)
    sheet.write_formula(3, 3, "=SUM(D2:D3)", None, 14)  # saved: not reported
    book.close()
    # As a program writes a filled-down formula it never calculated: shared, without <v>.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r'<c r="D2"><f>A2\*B2</f><v>2</v></c>', '<c r="D2"><f t="shared" ref="D2:D3" si="0">A2*B2</f></c>', xml)
    xml = re.sub(r'<c r="D3"><f>A3\*B3</f><v>12</v></c>', '<c r="D3"><f t="shared" si="0"/></c>', xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert formulas_without_value(path) == {"化石燃料燃烧": {("D", 2): "=A2*B2", ("D", 3): "=A2*B2, shared from D2"}}
    assert formula_reason("D", 3, "=A2*B2, shared from D2") == (
        "cell D3 holds a formula without a saved value (=A2*B2, shared from D2); open and save the workbook in Excel"
    )
    assert formulas_without_value(tmp_path / "missing.xlsx") == {}
