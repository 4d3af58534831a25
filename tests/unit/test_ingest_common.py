"""The shared reading rules: encodings, numbers, dates, units, headers, checks, results."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.ingest import vocab
from pipelines.ingest.common import (
    ReadResult,
    UnreadableFile,
    apply_checks,
    check_number,
    column_letter,
    decode_to_utf8,
    lookup_ratio_unit,
    lookup_unit,
    match_headers,
    name_key,
    parse_date,
    parse_number,
    parse_year,
    read_csv_cells,
    with_numbers,
)
from pipelines.ingest.schemas import RAW_SCHEMAS

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
    path.write_bytes(b'a,b\n1,"1,234.5"\n\n3,x,extra\n')
    cells = read_csv_cells(path)
    assert cells.header == ["a", "b"]
    rows = cells.rows
    assert rows["source_row"].to_list() == [2, 3, 4]
    assert rows["c1"].to_list() == ["1,234.5", None, "x"]
    assert rows["__extra_fields"].to_list() == [None, None, "extra"]


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
            assert frame.schema == RAW_SCHEMAS[table]
        assert result.quarantine.schema == RAW_SCHEMAS["quarantine"]
