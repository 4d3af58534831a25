"""Daily trading rows of the eight pilot carbon exchanges, 2014–2020 (synthetic).

Prices follow a mean-reverting random walk in log price around a path shaped like each
exchange's real history (Beijing high, Shanghai's 2016 dip, Guangdong's fall from 60 yuan,
Chongqing's sparse near-zero trading). Volume is concentrated in the three months before the
compliance deadline (the month comes from ref_exchanges) at each exchange's documented share.
Auction-floor rows are 挂牌 with open/high/low/close; block trades (协议转让) are separate rows
with a close only. Days without trades are omitted, as the exchanges publish them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from pipelines.samplegen.randomness import lognormal_factor, stream
from pipelines.samplegen.reference import Reference
from pipelines.samplegen.xlsx import cell_text

EXCHANGE_DIR = Path("exchange_prices")
HEADERS = ("交易日期", "交易品种", "开盘价", "最高价", "最低价", "收盘价", "成交量(吨)", "成交额(元)", "交易方式")
AUCTION, BLOCK = "挂牌", "协议转让"
LAST_DAY = dt.date(2020, 12, 31)

# Spring Festival (New Year's Day of the lunar calendar); the exchanges close for its week.
SPRING_FESTIVAL = {2014: dt.date(2014, 1, 31), 2015: dt.date(2015, 2, 19), 2016: dt.date(2016, 2, 8),
                   2017: dt.date(2017, 1, 28), 2018: dt.date(2018, 2, 16), 2019: dt.date(2019, 2, 5),
                   2020: dt.date(2020, 1, 25)}


@dataclass(frozen=True)
class ExchangeProfile:
    product: str
    start: dt.date
    end: dt.date
    prices: dict[tuple[int, int], float]  # (year, month) → yuan/t the price reverts to
    annual_volume_t: float
    window_share: float  # share of a year's volume in the 3 months up to the deadline
    trade_probability: float  # chance that a product trades on an ordinary day
    block_probability: float
    encoding: str
    ccer: bool = False


# Shapes follow the real series loosely; values are invented.
PROFILES = {
    "BJ": ExchangeProfile("BEA", dt.date(2014, 1, 2), LAST_DAY,
                          {(2014, 1): 52, (2014, 7): 55, (2015, 1): 45, (2015, 7): 44, (2016, 1): 40, (2016, 7): 50,
                           (2017, 1): 48, (2017, 7): 52, (2018, 1): 55, (2018, 7): 58, (2019, 1): 64, (2019, 7): 70,
                           (2020, 1): 72, (2020, 7): 71, (2020, 12): 70},
                          3.5e6, 0.90, 0.75, 0.06, "utf-8-sig", ccer=True),
    "TJ": ExchangeProfile("TJEA", dt.date(2014, 1, 2), LAST_DAY,
                          {(2014, 1): 25, (2014, 7): 20, (2015, 1): 14, (2015, 7): 12, (2016, 1): 11, (2016, 7): 10,
                           (2017, 1): 10, (2017, 7): 11, (2018, 1): 12, (2018, 7): 13, (2019, 1): 14, (2019, 7): 15,
                           (2020, 1): 20, (2020, 7): 25, (2020, 12): 27},
                          2.0e6, 0.90, 0.45, 0.04, "utf-8"),
    "SH": ExchangeProfile("SHEA", dt.date(2014, 1, 2), LAST_DAY,
                          {(2014, 1): 35, (2014, 7): 38, (2015, 1): 25, (2015, 7): 16, (2016, 1): 11, (2016, 4): 8,
                           (2016, 9): 22, (2017, 1): 30, (2017, 7): 33, (2018, 1): 34, (2018, 7): 35, (2019, 1): 35,
                           (2019, 7): 36, (2020, 1): 35, (2020, 7): 35, (2020, 12): 36},
                          4.0e6, 0.65, 0.85, 0.05, "utf-8", ccer=True),
    "CQ": ExchangeProfile("CQEA", dt.date(2014, 6, 19), LAST_DAY,
                          {(2014, 6): 30, (2014, 12): 25, (2015, 7): 15, (2016, 1): 10, (2016, 7): 5, (2017, 1): 3,
                           (2017, 7): 2, (2018, 1): 4, (2018, 7): 6, (2019, 1): 8, (2019, 7): 12, (2020, 1): 20,
                           (2020, 7): 26, (2020, 12): 32},
                          0.6e6, 0.60, 0.22, 0.02, "utf-8"),
    "HB": ExchangeProfile("HBEA", dt.date(2014, 4, 2), LAST_DAY,
                          {(2014, 4): 24, (2014, 10): 25, (2015, 7): 25, (2016, 1): 20, (2016, 7): 16, (2017, 1): 14,
                           (2017, 7): 14, (2018, 1): 15, (2018, 7): 21, (2019, 1): 25, (2019, 7): 26, (2020, 1): 25,
                           (2020, 7): 25, (2020, 12): 25},
                          12.0e6, 0.50, 0.95, 0.05, "gbk"),
    "GD": ExchangeProfile("GDEA", dt.date(2014, 1, 2), LAST_DAY,
                          {(2014, 1): 60, (2014, 7): 40, (2015, 1): 25, (2015, 7): 16, (2016, 1): 12, (2016, 7): 14,
                           (2017, 1): 14, (2017, 7): 13, (2018, 1): 14, (2018, 7): 16, (2019, 1): 20, (2019, 7): 24,
                           (2020, 1): 26, (2020, 7): 28, (2020, 12): 29},
                          8.0e6, 0.85, 0.70, 0.05, "gbk"),
    # Shenzhen stops the day before the real file (shenzhen_SZA_daily_2020-12_2021-12.csv) begins.
    "SZ": ExchangeProfile("SZA", dt.date(2014, 1, 2), dt.date(2020, 11, 30),
                          {(2014, 1): 70, (2014, 7): 55, (2015, 1): 40, (2015, 7): 38, (2016, 1): 30, (2016, 7): 28,
                           (2017, 1): 25, (2017, 7): 28, (2018, 1): 26, (2018, 7): 30, (2019, 1): 22, (2019, 7): 14,
                           (2020, 1): 16, (2020, 7): 20, (2020, 11): 20},
                          4.0e6, 0.69, 0.55, 0.03, "utf-8"),
    "FJ": ExchangeProfile("FJEA", dt.date(2016, 12, 22), LAST_DAY,
                          {(2016, 12): 30, (2017, 7): 28, (2018, 1): 21, (2018, 7): 18, (2019, 1): 16, (2019, 7): 15,
                           (2020, 1): 16, (2020, 7): 18, (2020, 12): 20},
                          3.0e6, 0.70, 0.60, 0.04, "utf-8"),
}
CCER_PRICES = {(2014, 1): 20, (2015, 7): 14, (2017, 1): 11, (2018, 7): 13, (2020, 1): 20, (2020, 12): 26}


def trading_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Weekdays, minus the Spring Festival week (eve to day 6) and the National Day week (Oct 1–7)."""
    days = []
    day = start
    while day <= end:
        festival = SPRING_FESTIVAL.get(day.year)
        in_festival = festival is not None and festival - dt.timedelta(days=1) <= day <= festival + dt.timedelta(days=5)
        if day.weekday() < 5 and not in_festival and not (day.month == 10 and day.day <= 7):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _price_path(points: dict[tuple[int, int], float], day: dt.date) -> float:
    """Log-linear interpolation between monthly anchors (15th of each anchor month)."""
    keys = sorted(points)
    dates = [dt.date(y, m, 15) for y, m in keys]
    if day <= dates[0]:
        return points[keys[0]]
    for (k0, d0), (k1, d1) in zip(zip(keys, dates), zip(keys[1:], dates[1:])):
        if d0 <= day <= d1:
            t = (day - d0).days / (d1 - d0).days
            return math.exp(math.log(points[k0]) * (1 - t) + math.log(points[k1]) * t)
    return points[keys[-1]]


@dataclass
class Row:
    day: dt.date
    product: str
    open: float | None
    high: float | None
    low: float | None
    close: float
    volume_t: int
    vwap: float  # turnover = volume × vwap, with vwap inside [low, high]
    trade_type: str

    @property
    def turnover_yuan(self) -> float:
        return round(self.volume_t * self.vwap, 2)


class PriceWalk:
    """Mean-reverting random walk in log price towards a path."""

    def __init__(self, rng, path: dict[tuple[int, int], float], start: dt.date, sigma: float = 0.02, pull: float = 0.1):
        self.rng, self.path, self.sigma, self.pull = rng, path, sigma, pull
        self.log_price = math.log(_price_path(path, start))

    def step(self, day: dt.date) -> float:
        target = math.log(_price_path(self.path, day))
        self.log_price += self.pull * (target - self.log_price) + self.rng.gauss(0.0, self.sigma)
        return math.exp(self.log_price)


def _auction_row(rng, day: dt.date, product: str, previous_close: float, close: float, volume_t: int) -> Row:
    close = round(close, 2)
    if volume_t <= 200:  # a single small trade: one price
        return Row(day, product, close, close, close, close, volume_t, close, AUCTION)
    open_price = round(previous_close * (1 + rng.gauss(0.0, 0.01)), 2)
    high = round(max(open_price, close) * (1 + abs(rng.gauss(0.0, 0.015))), 2)
    low = round(min(open_price, close) * (1 - abs(rng.gauss(0.0, 0.015))), 2)
    high, low = max(high, open_price, close), max(0.01, min(low, open_price, close))
    vwap = low + (high - low) * rng.uniform(0.25, 0.75)
    return Row(day, product, open_price, high, low, close, volume_t, vwap, AUCTION)


def _block_row(rng, day: dt.date, product: str, market_price: float, volume_t: int) -> Row:
    # Block prices are negotiated off the floor: near, not at, the auction price.
    price = round(max(0.5, market_price * (1 + rng.gauss(0.0, 0.08))), 2)
    return Row(day, product, None, None, None, price, volume_t, price, BLOCK)


def exchange_rows(code: str, deadline_month: int, seed: int) -> list[Row]:
    profile = PROFILES[code]
    rng = stream(seed, "exchange", code)
    days = trading_days(profile.start, profile.end)
    window = {deadline_month - 2, deadline_month - 1, deadline_month}

    def products_on(day: dt.date) -> list[str]:
        if code != "SZ":
            return [profile.product]
        # Shenzhen lists one allowance per vintage: SZA-2013 … the previous year's.
        return [f"SZA-{vintage}" for vintage in range(2013, max(2014, day.year))]

    walks: dict[str, PriceWalk] = {}
    premium: dict[str, float] = {}
    previous_close: dict[str, float] = {}
    rows: list[Row] = []
    for day in days:
        in_window = day.month in window
        products = products_on(day)
        for product in products:
            if product not in walks:
                walks[product] = PriceWalk(stream(seed, "exchange", code, product), profile.prices, day)
                premium[product] = lognormal_factor(rng, 0.06) if code == "SZ" else 1.0
            price = walks[product].step(day) * premium[product]
            probability = profile.trade_probability / (len(products) ** 0.5)
            probability = min(0.98, probability * (1.6 if in_window else 1.0))
            if rng.random() < probability:
                volume = max(1, int(round(1000 * lognormal_factor(rng, 1.2))))
                rows.append(_auction_row(rng, day, product, previous_close.get(product, price), price, volume))
                previous_close[product] = rows[-1].close
            if rng.random() < profile.block_probability * (3.0 if in_window else 1.0) / len(products):
                volume = max(1000, int(round(20_000 * lognormal_factor(rng, 1.0))))
                rows.append(_block_row(rng, day, product, price, volume))
        if profile.ccer and rng.random() < 0.04:
            if "CCER" not in walks:
                walks["CCER"] = PriceWalk(stream(seed, "exchange", code, "CCER"), CCER_PRICES, day)
            ccer_price = walks["CCER"].step(day)
            rows.append(_block_row(rng, day, "CCER", ccer_price, max(1000, int(round(30_000 * lognormal_factor(rng, 0.9))))))
    _shape_volumes(rows, window, profile)
    rows.sort(key=lambda r: (r.day, r.product, r.trade_type != AUCTION))
    return rows


def _shape_volumes(rows: list[Row], window: set[int], profile: ExchangeProfile) -> None:
    """Rescale each year's volumes: the target annual total, the target share in the window.

    CCER rows are offsets, not allowances, and keep their own volumes.
    """
    years = sorted({r.day.year for r in rows})
    for year in years:
        inside = [r for r in rows if r.day.year == year and r.product != "CCER" and r.day.month in window]
        outside = [r for r in rows if r.day.year == year and r.product != "CCER" and r.day.month not in window]
        if not inside or not outside:  # a partial first year: keep the drawn volumes
            continue
        months_open = len({r.day.month for r in inside + outside})
        total = profile.annual_volume_t * min(1.0, months_open / 12 + 0.25)
        for group, share in ((inside, profile.window_share), (outside, 1 - profile.window_share)):
            drawn = sum(r.volume_t for r in group)
            for r in group:
                r.volume_t = max(1, int(round(r.volume_t * total * share / drawn)))


def write_exchange_prices(out_dir: Path, ref: Reference, seed: int) -> list[Path]:
    written = []
    for exchange in ref.exchanges:
        code = exchange["exchange_code"]
        rows = exchange_rows(code, int(exchange["compliance_deadline_month"]), seed)
        buffer = io.StringIO()
        profile = PROFILES[code]
        # GBK files come from Windows-served downloads: CRLF; the others LF.
        writer = csv.writer(buffer, lineterminator="\r\n" if profile.encoding == "gbk" else "\n")
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow([r.day.isoformat(), r.product, cell_text(r.open), cell_text(r.high), cell_text(r.low),
                             cell_text(r.close), str(r.volume_t), cell_text(r.turnover_yuan), r.trade_type])
        path = out_dir / EXCHANGE_DIR / f"{code}_daily_2014-2020.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue().encode(profile.encoding))  # utf-8-sig adds Beijing's BOM
        written.append(path)
    return written
