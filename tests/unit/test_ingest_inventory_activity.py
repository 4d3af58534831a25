"""Inventory activity reader (§2f): items by alias, amounts in each item's canonical unit, clear quarantine rows."""

from __future__ import annotations

import os

import pytest

from pipelines.ingest import vocab
from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.inventory_activity import INVENTORY_UNITS, factor_to_canonical, read_inventory_activity_csv
from pipelines.ingest.schemas import INVENTORY_ACTIVITY_SCHEMA

HEADER = "地区代码,年份,指标名称,数值,单位,数据来源"
FOLDER = "energy_statistics/inventory_activity"


def _write(path, rows: list[str], encoding: str = "utf-8", header: str = HEADER):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def test_items_units_and_no_figure(tmp_path):
    path = _write(tmp_path / FOLDER / "农业统计_620000.csv", [
        "620000,2015,生猪存栏,650.5,万头,甘肃发展年鉴",
        "620000,2015,绵羊,1900,万只,",
        "620000,2015,马存栏,30,万匹,",
        "620000,2015,骆驼,300,峰,",
        "621200,2015,中稻,3.12,千公顷,",
        "621200,2016,单季稻,45000,亩,",
        "620000,2015,氮肥（折纯）,40,万吨（折纯）,",
        "620000,2015,小麦,280,万吨,",
        "620000,2015,马铃薯,2300000,吨,",
        "620000,2015,人均蛋白质,25.1,kg/人·年,",
        "620000,2016,人均蛋白质,70,g/人·天,",
        "623000,2010,奶牛,—,万头,",
        "620824,2015,猪,12,万头,",
        "620000,1990,生活垃圾卫生填埋量,60,万吨,",
    ], encoding="gbk")
    result = read_inventory_activity_csv(path, tmp_path)
    table = result.tables["inventory_activity"]
    assert table.schema == INVENTORY_ACTIVITY_SCHEMA
    assert result.quarantine.is_empty()
    assert table.select("source_row", "region_code", "year", "item_code", "amount", "unit", "amount_original", "unit_original").rows() == [
        (2, "620000", 2015, "livestock_swine", 6_505_000.0, "head", 650.5, "万头"),
        (3, "620000", 2015, "livestock_sheep", 19_000_000.0, "head", 1900.0, "万只"),
        (4, "620000", 2015, "livestock_horses", 300_000.0, "head", 30.0, "万匹"),
        (5, "620000", 2015, "livestock_camels", 300.0, "head", 300.0, "峰"),
        (6, "621200", 2015, "rice_area_single", pytest.approx(3120.0), "ha", 3.12, "千公顷"),
        (7, "621200", 2016, "rice_area_single", 3000.0, "ha", 45000.0, "亩"),  # 15 亩 = 1 ha
        (8, "620000", 2015, "synthetic_n_fertiliser", 400_000.0, "t N", 40.0, "万吨（折纯）"),
        (9, "620000", 2015, "crop_wheat", 2_800_000.0, "t", 280.0, "万吨"),
        (10, "620000", 2015, "crop_tubers", 2_300_000.0, "t", 2_300_000.0, "吨"),
        (11, "620000", 2015, "protein_per_capita", 25.1, "kg/person/yr", 25.1, "kg/人·年"),
        (12, "620000", 2016, "protein_per_capita", pytest.approx(25.55), "kg/person/yr", 70.0, "g/人·天"),
        (13, "623000", 2010, "livestock_dairy_cattle", None, "head", None, "万头"),  # no figure, never zero
        (14, "620881", 2015, "livestock_swine", 120_000.0, "head", 12.0, "万头"),  # 华亭县 → 华亭市
        (15, "620000", 1990, "msw_landfilled", 600_000.0, "t", 60.0, "万吨"),  # landfill history before 2000
    ]


def test_bad_rows_are_quarantined_and_the_good_ones_load(tmp_path):
    path = _write(tmp_path / FOLDER / "bad.csv", [
        "620000,2015,生猪存栏,650,万头,",
        "620000,2015,牦牛,90,万头,",
        "620000,2015,小麦,280,万头,",
        "620000,2015,绵羊,1900,,",
        "620000,2015,单季稻,4,万吨,",
        "620000,2015,山羊,-5,万只,",
        "629999,2015,山羊,5,万只,",
        "620000,1949,生活垃圾卫生填埋量,4,万吨,",
        "620000,2015,玉米,abc,万吨,",
    ])
    result = read_inventory_activity_csv(path, tmp_path)
    assert result.tables["inventory_activity"]["source_row"].to_list() == [2]
    reasons = dict(result.quarantine.select("source_row", "reason").rows())
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert reasons[3].startswith("item '牦牛' is not recognised (known: 奶牛年末存栏, 非奶牛（肉牛、役牛）年末存栏,")
    assert reasons[4] == "unit '万头' does not fit item 小麦 (counted in t; known: 吨, t, 万吨, 万t, 10^4t, 千吨, kt, 千克, 公斤, kg)"
    assert reasons[5] == "单位 is empty; this field is required"
    assert reasons[6].startswith("unit '万吨' does not fit item 单季稻 (counted in ha; known: 公顷, ha, hm2, 千公顷")
    assert reasons[7] == "数值 is -5; it cannot be negative"
    assert reasons[8] == "region code 629999 does not exist in the 2024 division list"
    assert reasons[9] == "year 1949 is outside 1950–2035"
    assert reasons[10] == "'abc' in 数值 is not a number"
    assert set(result.quarantine["source_file"]) == {f"{FOLDER}/bad.csv"}
    columns = dict(result.quarantine.select("source_row", "column_name").rows())
    assert [columns[r] for r in (3, 4, 5, 7, 8, 9)] == ["指标名称", "单位", "单位", "数值", "地区代码", "年份"]
    # An unknown item quarantines its row, as an unknown product does; it does not stop publication.
    assert not result.quarantine["blocks_publication"].any()


def test_a_corrected_redelivery_replaces_the_older_figure_only(tmp_path):
    older = _write(tmp_path / FOLDER / "农业统计_2015.csv", [
        "620000,2015,生猪存栏,640,万头,",
        "620000,2015,绵羊,1900,万只,",
    ])
    newer = _write(tmp_path / FOLDER / "农业统计_2015_更正.csv", ["620000,2015,猪,650,万头,"])
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_700_000_000, 1_700_000_000))
    result = read_energy_statistics(tmp_path)
    table = result.tables["inventory_activity"].sort("item_code")
    assert table.select("source_file", "item_code", "amount").rows() == [
        (f"{FOLDER}/农业统计_2015.csv", "livestock_sheep", 19_000_000.0),
        (f"{FOLDER}/农业统计_2015_更正.csv", "livestock_swine", 6_500_000.0),
    ]
    (reason,) = result.quarantine["reason"].to_list()
    assert reason == (
        "superseded: the inventory activity figure 620000 2015 livestock_swine (region, year, item) was re-delivered "
        f"corrected in {FOLDER}/农业统计_2015_更正.csv, which replaces this file's rows"
    )


def test_headers_without_source_column_and_with_region_name(tmp_path):
    path = _write(tmp_path / FOLDER / "废弃物统计.csv", ["620000,甘肃省,2015,垃圾焚烧量,10,万吨"],
                  header="行政区划代码,地区名称,年度,指标,数量,计量单位")
    result = read_inventory_activity_csv(path, tmp_path)
    assert result.quarantine.is_empty()
    assert result.tables["inventory_activity"].select("item_code", "amount").rows() == [("msw_incinerated", 100_000.0)]


def test_every_item_has_units_of_its_canonical_unit():
    canonical = set(vocab.inventory_item_units().values())
    assert canonical <= set(INVENTORY_UNITS), canonical - set(INVENTORY_UNITS)
    assert factor_to_canonical("livestock_poultry", "万只") == 10_000
    assert factor_to_canonical("rice_area_single", "万亩") == pytest.approx(10_000 / 15)
    assert factor_to_canonical("crop_maize", "千克") == 0.001
    assert factor_to_canonical("crop_maize", "万头") is None
    assert factor_to_canonical("no_such_item", "吨") is None
    assert factor_to_canonical("crop_maize", None) is None


def test_header_only_and_cut_off_files_say_so(tmp_path):
    folder = tmp_path / FOLDER
    folder.mkdir(parents=True)
    (folder / "empty.csv").write_bytes((HEADER + "\r\n").encode())
    (folder / "cut.csv").write_bytes((HEADER + "\r\n620000,2015,绵羊,1900,万只,\r\n620000,2015,山羊").encode())
    result = read_energy_statistics(tmp_path)
    assert result.tables["inventory_activity"].select("source_file", "item_code").rows() == [(f"{FOLDER}/cut.csv", "livestock_sheep")]
    reasons = {(r["source_file"].rsplit("/", 1)[-1], r["source_row"]): r["reason"] for r in result.quarantine.iter_rows(named=True)}
    assert reasons[("empty.csv", None)] == "file has a header row but no data rows"
    assert reasons[("cut.csv", 3)].startswith("file ends mid-row: row 3 has 3 of 6 fields")
    kinds = {f.source_file: f.kind for f in result.files}
    assert kinds[f"{FOLDER}/cut.csv"] == "inventory_activity_csv"


def test_ghg_ingest_tells_a_loose_inventory_file_by_its_name(tmp_path):
    from pipelines.cli import ingest as cli_ingest

    for name in ("农业统计_620000.csv", "废弃物统计_620000.csv"):
        loose = tmp_path / name
        loose.write_bytes((HEADER + "\r\n").encode("gbk"))
        assert cli_ingest.classify(loose)[0] == FOLDER
    indicators = tmp_path / "部门.csv"
    indicators.write_bytes("地区代码,年份,指标名称,数值,单位,报送部门\r\n".encode("gbk"))
    assert cli_ingest.classify(indicators)[0] == "energy_statistics/department_indicators"
    inside = tmp_path / "inbox" / FOLDER / "任意名称.csv"
    inside.parent.mkdir(parents=True)
    inside.write_bytes((HEADER + "\r\n").encode())
    assert cli_ingest.classify(inside)[0] == FOLDER
