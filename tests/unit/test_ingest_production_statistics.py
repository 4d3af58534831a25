"""Production statistics reader (§2d): products by alias, amounts in tonnes, clear quarantine rows."""

from __future__ import annotations

import os

import polars as pl
import pytest

from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.production_statistics import read_production_statistics_csv, tonnes_per_unit
from pipelines.ingest.schemas import PRODUCTION_STATISTICS_SCHEMA

HEADER = "地区代码,地区名称,年份,产品名称,产量,计量单位"


def _write(path, rows: list[str], encoding: str = "utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def test_products_units_and_no_figure(tmp_path):
    path = _write(tmp_path / "energy_statistics/production/甘肃.csv", [
        "620000,甘肃省,2015,水泥熟料,\"2,750.5\",万吨",
        "620100,兰州市,2015,电解铝,57.2,万吨",
        "620000,甘肃省,2015,平板玻璃,730,万重量箱",
        "620000,甘肃省,2015,电气设备SF6,3800,千克",
        "620000,甘肃省,2015,硝酸,104000,吨",
        "623000,甘南藏族自治州,2010,水泥熟料,—,万吨",
        "620824,华亭县,2015,水泥熟料,12,万吨",
    ], encoding="gbk")
    result = read_production_statistics_csv(path, tmp_path)
    table = result.tables["production_statistics"]
    assert table.schema == PRODUCTION_STATISTICS_SCHEMA
    assert result.quarantine.is_empty()
    assert table.select("source_row", "region_code", "year", "product_code", "amount", "unit", "amount_original", "unit_original").rows() == [
        (2, "620000", 2015, "clinker", 27_505_000.0, "t", 2750.5, "万吨"),
        (3, "620100", 2015, "primary_aluminium", pytest.approx(572_000.0), "t", 57.2, "万吨"),
        (4, "620000", 2015, "flat_glass", 365_000.0, "t", 730.0, "万重量箱"),  # a weight case is 50 kg
        (5, "620000", 2015, "sf6_electrical", 3.8, "t", 3800.0, "千克"),
        (6, "620000", 2015, "nitric_acid", 104_000.0, "t", 104_000.0, "吨"),
        (7, "623000", 2010, "clinker", None, "t", None, "万吨"),  # no figure, never zero
        (8, "620881", 2015, "clinker", 120_000.0, "t", 12.0, "万吨"),  # 华亭县 → 华亭市
    ]


def test_bad_rows_are_quarantined_and_the_good_ones_load(tmp_path):
    path = _write(tmp_path / "energy_statistics/production/bad.csv", [
        "620000,甘肃省,2015,水泥熟料,2750,万吨",
        "620000,甘肃省,2015,粗钢,900,万吨",
        "620000,甘肃省,2015,石灰,380,",
        "620000,甘肃省,2015,电石,92,亿元",
        "620000,甘肃省,2015,合成氨,-4,万吨",
        "629999,某地,2015,合成氨,4,万吨",
        "620000,甘肃省,1899,合成氨,4,万吨",
        "620000,甘肃省,2015,硅铁,abc,万吨",
    ])
    result = read_production_statistics_csv(path, tmp_path)
    assert result.tables["production_statistics"]["source_row"].to_list() == [2]
    reasons = dict(result.quarantine.select("source_row", "reason").rows())
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9}
    assert reasons[3].startswith("product '粗钢' is not recognised (known: 水泥熟料, 石灰,")
    assert reasons[4] == "计量单位 is empty; this field is required"
    assert reasons[5].startswith("unit '亿元' is not a unit of mass (known: 吨, t, 万吨")
    assert reasons[6] == "产量 is -4; it cannot be negative"
    assert reasons[7] == "region code 629999 does not exist in the 2024 division list"
    assert reasons[8] == "year 1899 is outside 2000–2035"
    assert reasons[9] == "'abc' in 产量 is not a number"
    assert set(result.quarantine["source_file"]) == {"energy_statistics/production/bad.csv"}
    assert result.quarantine.filter(pl.col("source_row") == 5)["column_name"].to_list() == ["计量单位"]


def test_a_corrected_redelivery_replaces_the_older_figure_only(tmp_path):
    older = _write(tmp_path / "energy_statistics/production/a_2015.csv", [
        "620000,甘肃省,2015,水泥熟料,2700,万吨",
        "620000,甘肃省,2015,原铝,260,万吨",
    ])
    newer = _write(tmp_path / "energy_statistics/production/b_2015_corrected.csv", [
        "620000,甘肃省,2015,水泥熟料,2750,万吨",
    ])
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_700_000_000, 1_700_000_000))
    result = read_energy_statistics(tmp_path)
    table = result.tables["production_statistics"].sort("product_code")
    assert table.select("source_file", "product_code", "amount").rows() == [
        ("energy_statistics/production/b_2015_corrected.csv", "clinker", 27_500_000.0),
        ("energy_statistics/production/a_2015.csv", "primary_aluminium", 2_600_000.0),
    ]
    (reason,) = result.quarantine["reason"].to_list()
    assert reason == (
        "superseded: the production figure 620000 2015 clinker (region, year, product) was re-delivered "
        "corrected in energy_statistics/production/b_2015_corrected.csv, which replaces this file's rows"
    )


def test_tonnes_per_unit():
    assert tonnes_per_unit("万吨") == 10_000
    assert tonnes_per_unit("重量箱") == 0.05
    assert tonnes_per_unit("kg") == 0.001
    assert tonnes_per_unit("万元") is None
    assert tonnes_per_unit(None) is None


def test_header_only_cut_off_and_nul_files_say_so(tmp_path):
    folder = tmp_path / "energy_statistics/production"
    folder.mkdir(parents=True)
    (folder / "empty.csv").write_bytes((HEADER + "\r\n").encode())
    (folder / "cut.csv").write_bytes((HEADER + "\r\n620000,甘肃省,2015,石灰,380,万吨\r\n620000,甘肃省,2015,电石").encode())
    (folder / "nul.csv").write_bytes((HEADER + "\r\n620000,甘肃省,2015,石\x00灰,380,万吨\r\n620000,甘肃省,2015,电石,92,万吨\r\n").encode())
    result = read_energy_statistics(tmp_path)
    assert result.tables["production_statistics"].select("source_file", "product_code").sort("source_file").rows() == [
        ("energy_statistics/production/cut.csv", "lime"),
        ("energy_statistics/production/nul.csv", "calcium_carbide"),
    ]
    reasons = {(r["source_file"].rsplit("/", 1)[-1], r["source_row"]): r["reason"] for r in result.quarantine.iter_rows(named=True)}
    assert reasons[("empty.csv", None)] == "file has a header row but no data rows"
    assert reasons[("cut.csv", 3)].startswith("file ends mid-row: row 3 has 4 of 6 fields")
    assert "holds a NUL byte (0x00)" in reasons[("nul.csv", 2)]
    assert [f.truncated for f in result.files if f.source_file.endswith("cut.csv")] == [True]


def test_ghg_ingest_recognises_a_loose_production_file(tmp_path):
    from pipelines.cli import ingest as cli_ingest

    loose = tmp_path / "2019年工业产品产量.csv"
    loose.write_bytes((HEADER + "\r\n").encode("gbk"))
    assert cli_ingest.classify(loose)[0] == "energy_statistics/production"
    indicators = tmp_path / "部门.csv"
    indicators.write_bytes("地区代码,年份,指标名称,数值,单位,报送部门\r\n".encode("gbk"))
    assert cli_ingest.classify(indicators)[0] == "energy_statistics/department_indicators"
