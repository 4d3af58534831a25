"""Carbon exchange daily prices → raw.market_daily (sources/README.md §3).

One CSV per exchange: the synthetic pilot files ('<exchange_code>_daily_2014-2020.csv', GBK for
Hubei and Guangdong) and the real Shenzhen file, whose block trades are rows with a close but
no high/low and no trade-type column.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import EXCHANGE_PRICES as FAMILY
from pipelines.ingest.catalog import PRICES_FOLDER
from pipelines.ingest.checks import (
    Check,
    apply_checks,
    check_date,
    check_not_negative,
    check_number,
    check_recognised,
    check_required,
    quarantine_frame,
)
from pipelines.ingest.csv_cells import check_ragged, csv_file_problems, read_csv_cells, select_fields, split_damaged
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, read_each, rejected_file
from pipelines.ingest.text import match_headers, name_key, require_headers
from pipelines.ingest.units import lookup_unit
from pipelines.ingest.values import eval_distinct, map_distinct, parse_date, scale, strip_text, with_numbers

PRICE_COLUMNS = ("open", "high", "low", "close", "vwap")
NUMERIC_COLUMNS = (*PRICE_COLUMNS, "volume_t", "turnover_yuan")


def read_exchange_prices(inbox_dir: Path) -> ReadResult:
    """Every exchange CSV under the inbox's exchange_prices folder."""
    inbox_dir = Path(inbox_dir)
    return ReadResult.combine(
        read_each(FAMILY, PRICES_FOLDER.kind, read_prices_csv, find_price_files(inbox_dir), inbox_dir), FAMILY
    )


def find_price_files(inbox_dir: Path) -> list[Path]:
    return PRICES_FOLDER.files(inbox_dir)


def exchange_code_of(file_name: str) -> str | None:
    """The exchange a file belongs to, from its name: 'HB_daily_2014-2020.csv' → 'HB',
    'shenzhen_SZA_daily_2020-12_2021-12.csv' → 'SZ' (by the place name)."""
    codes = vocab.exchanges()
    tokens = [t for t in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+", Path(file_name).stem) if t]
    for token in tokens:
        if token.upper() in codes:
            return token.upper()
    for token in tokens:
        for place, code in vocab.EXCHANGE_PLACE_NAMES.items():
            if place in token.casefold():
                return code
    return None


def _unit_factor(header_unit: str | None, column: str) -> float | None:
    """Factor from the unit in a header's bracket to the column's unit (t, yuan, yuan/t).

    None when the bracket names a unit that cannot be converted, so the file is rejected
    rather than loaded ten thousand times off.
    """
    if header_unit is None:
        return 1.0
    key = name_key(header_unit)
    if column == "volume_t":
        found = lookup_unit(header_unit)
        return found.factor if found and found.canonical == "t" else None
    if column == "turnover_yuan":
        found = lookup_unit(header_unit)
        # The money table is in 10^4 yuan; this column is in yuan.
        return found.factor * 10_000 if found and found.canonical == "10k_yuan" else None
    return 1.0 if key in {name_key("元/吨"), name_key("元/t"), name_key("yuan/t")} else None


def read_prices_csv(path: Path, root: Path) -> ReadResult:
    """One exchange's daily file (§3a, §3b)."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    info = FileRead.of(path, source_file, PRICES_FOLDER.kind)
    try:
        exchange = exchange_code_of(path.name)
        if exchange is None:
            raise UnreadableFile(
                f"cannot tell the exchange from the file name (start it with one of {', '.join(vocab.exchanges())}, "
                "e.g. HB_daily_2014-2020.csv)"
            )
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.PRICE_FIELDS)
        require_headers(match, vocab.PRICE_FIELDS, vocab.PRICE_REQUIRED)
        factors = {name: _unit_factor(match.units.get(name), name) for name in NUMERIC_COLUMNS}
        bad = [name for name, factor in factors.items() if factor is None]
        if bad:
            raise UnreadableFile(
                f"unit '{match.units[bad[0]]}' in header '{match.written[bad[0]]}' cannot be converted"
            )
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, info.kind, str(problem), info.encoding, path)

    raw, h = select_fields(cells, match, vocab.PRICE_FIELDS, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {name: f"p_{name}" for name in NUMERIC_COLUMNS})
    frame = frame.with_columns(
        p_trade_date=eval_distinct(frame, "trade_date", parse_date, pl.Date),
        p_product_code=strip_text(pl.col("product_code")),
        p_trade_type_written=map_distinct(frame, "trade_type", vocab.TRADE_TYPES.code, pl.Utf8),
        # 成交额(万元) and the like: convert what the header's bracket says to t and yuan.
        **{f"p_{name}": scale(pl.col(f"p_{name}"), factors[name]) for name in NUMERIC_COLUMNS if factors[name] != 1.0},
    )
    frame = frame.with_columns(
        # A line repeated cell for cell (a copy-paste or a concatenated export). Two different
        # lines for the same product and day are both kept: the real Shenzhen file has such
        # pairs (two sessions), and fct_market_daily decides how they combine.
        p_first_row=pl.col("source_row").min().over([pl.col(n).fill_null("") for n in vocab.PRICE_FIELDS]),
    )
    checks = [check_required(name, h[name]) for name in vocab.PRICE_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_date("trade_date", "p_trade_date", h["trade_date"]),
        *[check_number(name, f"p_{name}", h[name]) for name in NUMERIC_COLUMNS],
        *[check_not_negative(name, f"p_{name}", h[name]) for name in NUMERIC_COLUMNS],
        check_recognised(
            "trade_type", "p_trade_type_written", h["trade_type"], "trade type", vocab.TRADE_TYPES.display
        ),
        check_ohlc(h),
        check_vwap(h),
        check_duplicate_day(h),
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    market = good.select(
        "source_file",
        "source_row",
        pl.lit(exchange).alias("exchange_code"),
        pl.col("p_product_code").alias("product_code"),
        pl.col("p_trade_date").alias("trade_date"),
        *[pl.col(f"p_{name}").alias(name) for name in ("open", "high", "low", "close")],
        # The spec: vwap is computed when absent, as turnover ÷ volume.
        pl.coalesce(
            "p_vwap",
            pl.when(pl.col("p_volume_t") > 0).then(pl.col("p_turnover_yuan") / pl.col("p_volume_t")),
        ).alias("vwap"),
        pl.col("p_volume_t").alias("volume_t"),
        pl.col("p_turnover_yuan").alias("turnover_yuan"),
        # Without a trade-type column (the Shenzhen file), a row with a close but no high and
        # low is a block trade (协议转让); every other row is an auction-market day.
        pl.coalesce(
            "p_trade_type_written",
            pl.when(pl.col("p_close").is_not_null() & pl.col("p_high").is_null() & pl.col("p_low").is_null())
            .then(pl.lit("block"))
            .otherwise(pl.lit("auction")),
        ).alias("trade_type"),
    )
    return ReadResult.build(FAMILY, {"market_daily": market}, quarantine, [info])


def check_ohlc(headers: dict[str, str]) -> Check:
    """Prices of a day must agree: low ≤ open, close ≤ high, low ≤ high, wherever both are given
    (a block trade has a close and no high or low, so it is checked only as far as it goes)."""
    p = {n: pl.col(f"p_{n}") for n in ("open", "high", "low", "close")}
    branches = [
        (
            p[smaller] > p[larger],
            pl.format("{} {} is above {} {}", pl.lit(smaller), p[smaller], pl.lit(larger), p[larger]),
        )
        for smaller, larger in (("low", "high"), ("low", "open"), ("low", "close"), ("open", "high"), ("close", "high"))
    ]
    return Check.of(
        " / ".join(headers[n] for n in ("open", "high", "low", "close")),
        pl.concat_str([pl.col(n).fill_null("") for n in ("open", "high", "low", "close")], separator=" / "),
        *branches,
    )


# A published vwap is rounded to the fen; 1 % (at least 0.01 yuan/t) covers that. The rule holds
# for files with a trade-type column (the pilot format: one row per trade type, so vwap,
# volume and turnover are over the same trades). The real Shenzhen file has no such column and
# its vwap differs from turnover ÷ volume by up to 60 % on ordinary days (its turnover covers
# block trades its vwap does not), so there a difference is not an error and is not checked.
VWAP_TOLERANCE = 0.01


def check_vwap(headers: dict[str, str]) -> Check:
    """A vwap that is given must agree with turnover ÷ volume (see VWAP_TOLERANCE)."""
    computed = pl.col("p_turnover_yuan") / pl.col("p_volume_t")
    difference = (pl.col("p_vwap") - computed).abs()
    return Check.of(
        headers["vwap"],
        pl.col("vwap"),
        (
            pl.col("p_vwap").is_not_null()
            & pl.col("trade_type").is_not_null()
            & (pl.col("p_volume_t") > 0)
            & pl.col("p_turnover_yuan").is_not_null()
            & (difference > pl.max_horizontal(pl.lit(0.01), computed.abs() * VWAP_TOLERANCE)),
            pl.format(
                "vwap {} does not match turnover ÷ volume = {}",
                pl.col("vwap"),
                computed.round(2),
            ),
        ),
    )


def check_duplicate_day(headers: dict[str, str]) -> Check:
    """A line identical to an earlier line of the file is quarantined; the first is kept.
    Reads p_first_row (added by the reader before the checks)."""
    return Check.of(
        headers["trade_date"],
        pl.col("trade_date"),
        (
            pl.col("p_trade_date").is_not_null() & (pl.col("source_row") != pl.col("p_first_row")),
            pl.format("duplicate line: identical to row {}", pl.col("p_first_row")),
        ),
    )
