"""Exchange price readers: pilot files (UTF-8 and GBK) and the real Shenzhen file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines import paths
from pipelines.ingest.exchange_prices import exchange_code_of, read_exchange_prices, read_prices_csv
from pipelines.ingest.schemas import MARKET_DAILY_SCHEMA

PILOT_HEADER = "交易日期,交易品种,开盘价(元/吨),最高价,最低价,收盘价,成交均价,成交量(吨),成交额(元),交易方式"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_pilot_file_with_auction_and_block_rows(tmp_path):
    path = write(
        tmp_path / "exchange_prices/HB_daily_2014-2020.csv",
        [
            PILOT_HEADER,
            '2019-06-03,HBEA,28.5,29.1,28.2,28.9,28.7,"12,000",344400,挂牌',  # row 2
            "2019-06-03,HBEA,,,,27.0,,500000,13500000,协议转让",  # row 3: block trade, close only
            "2019/06/04,HBEA,28.9,29.5,28.8,29.2,,1000,29100,竞价",  # row 4: vwap computed
            "2019-06-05,HBEA,30,29,28,28.5,28.6,100,2860,挂牌",  # row 5: open above high
            "2019-06-06,HBEA,28,29,27,28.5,28.6,-100,2860,挂牌",  # row 6: negative volume
            "2019-06-07,HBEA,28,29,27,28.5,28.6,100,2860,场外",  # row 7: unknown trade type
            "2019-06-10,HBEA,28,29,27,28.5,28.6,100,2860,挂牌",  # row 8
        ],
        encoding="gbk",  # as the Hubei website serves it
    )
    result = read_prices_csv(path, tmp_path)
    market = result.tables["market_daily"]
    assert market.schema == MARKET_DAILY_SCHEMA
    assert result.files[0].encoding == "gb18030"
    rows = market.select(
        "source_row",
        "exchange_code",
        "product_code",
        "trade_date",
        "open",
        "high",
        "low",
        "close",
        "vwap",
        "volume_t",
        "turnover_yuan",
        "trade_type",
    ).rows()
    assert rows == [
        (2, "HB", "HBEA", date(2019, 6, 3), 28.5, 29.1, 28.2, 28.9, 28.7, 12000.0, 344400.0, "auction"),
        (3, "HB", "HBEA", date(2019, 6, 3), None, None, None, 27.0, 27.0, 500000.0, 13500000.0, "block"),
        (4, "HB", "HBEA", date(2019, 6, 4), 28.9, 29.5, 28.8, 29.2, 29.1, 1000.0, 29100.0, "auction"),
        (8, "HB", "HBEA", date(2019, 6, 10), 28.0, 29.0, 27.0, 28.5, 28.6, 100.0, 2860.0, "auction"),
    ]
    assert result.quarantine.select("source_row", "reason").rows() == [
        (5, "open 30.0 is above high 29.0"),
        (6, "成交量(吨) is -100; it cannot be negative"),
        (7, "trade type '场外' is not recognised (known: 挂牌, 竞价, 协议转让, 大宗)"),
    ]


def test_header_units_are_converted(tmp_path):
    path = write(
        tmp_path / "exchange_prices/GD_daily.csv",
        ["日期,产品,收盘价,成交量,成交金额(万元)", "2020-01-02,GDEA,25.1,1000,2.51"],
    )
    (row,) = read_prices_csv(path, tmp_path).tables["market_daily"].iter_rows(named=True)
    assert (row["exchange_code"], row["turnover_yuan"], row["vwap"], row["trade_type"]) == (
        "GD",
        pytest.approx(25100.0),
        pytest.approx(25.1),
        "block",
    )


def test_exchange_code_from_file_name():
    assert exchange_code_of("BJ_daily_2014-2020.csv") == "BJ"
    assert exchange_code_of("shenzhen_SZA_daily_2020-12_2021-12.csv") == "SZ"
    assert exchange_code_of("湖北碳市场日行情.csv") == "HB"
    assert exchange_code_of("prices.csv") is None


def test_unknown_exchange_is_rejected_and_others_read(tmp_path):
    write(tmp_path / "exchange_prices/prices.csv", [PILOT_HEADER, "2019-06-03,X,1,1,1,1,1,1,1,挂牌"])
    write(tmp_path / "exchange_prices/SH_daily_2014-2020.csv", [PILOT_HEADER, "2019-06-03,SHEA,1,1,1,1,1,1,1,挂牌"])
    result = read_exchange_prices(tmp_path)
    assert result.tables["market_daily"]["exchange_code"].to_list() == ["SH"]
    (problem,) = result.quarantine.iter_rows(named=True)
    assert problem["source_file"] == "exchange_prices/prices.csv" and problem["source_row"] is None
    assert problem["reason"].startswith("cannot tell the exchange from the file name")


SHENZHEN = paths.SAMPLE_DIR / "exchange_prices" / "shenzhen_SZA_daily_2020-12_2021-12.csv"


def test_real_shenzhen_file():
    result = read_prices_csv(SHENZHEN, paths.SAMPLE_DIR)
    market = result.tables["market_daily"]
    # 788 rows: every one either loaded or quarantined (three real rows have low above high)
    assert market.height + result.quarantine["source_row"].n_unique() == 788
    assert set(market["exchange_code"]) == {"SZ"}
    block = market.filter(market["trade_type"] == "block")
    assert block.height > 0 and block["high"].null_count() == block.height
    assert market["trade_date"].min() >= date(2020, 12, 1)


def test_header_only_file_gives_an_empty_table_and_one_quarantine_row(tmp_path):
    write(tmp_path / "exchange_prices/FJ_daily.csv", [PILOT_HEADER])
    result = read_exchange_prices(tmp_path)
    assert result.tables["market_daily"].schema == MARKET_DAILY_SCHEMA
    assert result.tables["market_daily"].is_empty()
    # An empty delivery leaves a trace (it used to leave none).
    assert result.quarantine.select("source_file", "source_row", "reason").rows() == [
        ("exchange_prices/FJ_daily.csv", None, "file has a header row but no data rows")
    ]
    assert result.files[0].rows_loaded == 0 and not result.files[0].rejected
    assert result.files[0].problem == "file has a header row but no data rows"


def test_an_unforeseen_reader_error_quarantines_only_that_file(tmp_path, monkeypatch):
    from pipelines.ingest import exchange_prices

    write(tmp_path / "exchange_prices/BJ_daily.csv", [PILOT_HEADER, "2019-06-03,BEA,1,1,1,1,1,1,1,挂牌"])
    write(tmp_path / "exchange_prices/TJ_daily.csv", [PILOT_HEADER, "2019-06-03,TJEA,1,1,1,1,1,1,1,挂牌"])
    original = exchange_prices.read_prices_csv

    def flaky(path, root):
        if path.name.startswith("BJ"):
            raise RuntimeError("boom")
        return original(path, root)

    monkeypatch.setattr(exchange_prices, "read_prices_csv", flaky)
    result = read_exchange_prices(tmp_path)
    assert result.tables["market_daily"]["exchange_code"].to_list() == ["TJ"]
    (problem,) = result.quarantine.iter_rows(named=True)
    assert problem["source_file"] == "exchange_prices/BJ_daily.csv"
    assert problem["reason"].startswith("file could not be read (RuntimeError: boom)")
    assert [f.rejected for f in result.files] == [True, False]
    # The file that broke the reader is still in the inventory, with its size and time.
    assert [f.size_bytes for f in result.files] == [
        (tmp_path / f.source_file).stat().st_size for f in result.files
    ]
    assert result.files[0].problem.startswith("file could not be read (RuntimeError: boom)")
