"""The carbon market page (dashboards/views/market.py) in AppTest against one build of the sample.

The expected values are read from the sample warehouse itself (marts.fct_market_daily /
fct_market_monthly), so a page that draws the wrong rows, zeros for days without trading, or
mixes block trades into auction prices fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import duckdb
import pandas as pd
import pytest

from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "market.py"


def _read(folder, sql: str, params: list | None = None, file: str = "ghg_public.duckdb") -> pd.DataFrame:
    with duckdb.connect(str(folder / file), read_only=True) as con:
        return con.execute(sql, params or []).df()


def _charts(app) -> list[dict]:
    """The plotly figures the page sent, as the JSON spec the browser receives."""
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def _trace(charts: list[dict], kind: str) -> dict:
    found = [trace for chart in charts for trace in chart["data"] if trace["type"] == kind]
    assert found, f"no {kind} trace"
    return found[0]


def _table_with(app, column: str) -> pd.DataFrame:
    frames = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert len(frames) == 1, [list(frame.value.columns) for frame in app.dataframe]
    return frames[0]


def _selection(app) -> tuple[str, str, str, dt.date, dt.date]:
    first, last = app.date_input(key="market_dates").value
    return (
        app.selectbox(key="market_exchange").value, app.selectbox(key="market_product").value,
        app.radio(key="market_trade_type").value, first, last,
    )


@pytest.mark.parametrize("role", ["leader", "officer", "analyst"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_role_renders(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    kinds = {trace["type"] for chart in _charts(app) for trace in chart["data"]}
    assert {"candlestick", "bar", "scatter", "heatmap"} <= kinds
    assert len(app.download_button) >= 2 * 6  # CSV + Excel under every chart and table


def test_default_candlestick_matches_the_daily_mart(sample_app):
    app = open_page(PAGE, role="leader")
    assert_no_error(app)
    exchange, product, trade_type, first, last = _selection(app)
    assert trade_type == "auction"
    # Default range: the last 12 months up to the product's last trading day.
    last_day = _read(sample_app, "SELECT max(trade_date) FROM marts.fct_market_daily WHERE exchange_code = ? AND product_code = ?", [exchange, product]).iat[0, 0]
    assert last == pd.Timestamp(last_day).date()
    assert first == last - dt.timedelta(days=364)
    # The default is the exchange traded most recently: the real Shenzhen export runs to 2021-12.
    assert exchange == "SZ" and last.year == 2021

    expected = _read(
        sample_app,
        "SELECT trade_date, open, high, low, close, volume_t FROM marts.fct_market_daily "
        "WHERE exchange_code = ? AND product_code = ? AND trade_type = 'auction' AND trade_date BETWEEN ? AND ? ORDER BY trade_date",
        [exchange, product, first, last],
    )
    assert len(expected) > 20
    charts = _charts(app)
    candles = _trace(charts, "candlestick")
    days = [day.date().isoformat() for day in pd.to_datetime(expected["trade_date"])]
    assert candles["x"] == days  # trading days only: no calendar day in between, no zero candle
    for field in ("open", "high", "low", "close"):
        assert candles[field] == pytest.approx(expected[field].tolist()), field
    volume = next(trace for trace in charts[0]["data"] if trace["type"] == "bar")
    assert volume["x"] == days
    assert volume["y"] == pytest.approx(expected["volume_t"].tolist())
    layout = charts[0]["layout"]
    assert layout["xaxis"]["type"] == "category"
    assert layout["yaxis"]["title"]["text"] == "价格（元/吨）"
    assert layout["yaxis2"]["title"]["text"] == "成交量（吨）"


def test_monthly_table_matches_the_monthly_mart_with_gaps_not_zeros(sample_app):
    app = open_page(PAGE, role="leader")
    exchange, product, _, first, last = _selection(app)
    table = _table_with(app, "trading_days")
    expected = _read(
        sample_app,
        "SELECT strftime(month, '%Y-%m') AS month, auction_vwap, auction_volume_t FROM marts.fct_market_monthly "
        "WHERE exchange_code = ? AND product_code = ? AND auction_volume_t > 0",
        [exchange, product],
    ).set_index("month")
    months = pd.period_range(first, last, freq="M").strftime("%Y-%m").tolist()
    assert table["month"].tolist() == months  # every month of the range, traded or not
    traded = 0
    for row in table.itertuples():
        if row.month in expected.index:
            traded += 1
            assert row.vwap == pytest.approx(expected.at[row.month, "auction_vwap"])
            assert row.volume_t == pytest.approx(expected.at[row.month, "auction_volume_t"])
        else:
            assert math.isnan(row.vwap) and math.isnan(row.volume_t), row  # missing, not 0
    assert 0 < traded < len(months)  # the sample has empty months in this range: they must be gaps
    assert app.dataframe[[frame.value.equals(table) for frame in app.dataframe].index(True)].proto.placeholder == "—"


def test_block_trades_are_priced_apart(sample_app):
    app = open_page(PAGE, role="officer")
    app.radio(key="market_trade_type").set_value("block").run()
    assert_no_error(app)
    exchange, product, trade_type, first, last = _selection(app)
    assert trade_type == "block"
    table = _table_with(app, "month")
    expected = _read(
        sample_app,
        "SELECT strftime(month, '%Y-%m') AS month, block_vwap FROM marts.fct_market_monthly "
        "WHERE exchange_code = ? AND product_code = ? AND block_volume_t > 0 AND month BETWEEN date_trunc('month', ?::DATE) AND ?",
        [exchange, product, first, last],
    )
    shown = table.dropna(subset=["vwap"])
    assert shown["month"].tolist() == expected["month"].tolist()
    assert shown["vwap"].tolist() == pytest.approx(expected["block_vwap"].tolist())


def test_comparison_lists_the_chosen_exchanges(sample_app):
    app = open_page(PAGE, role="leader", lang="en")
    app.multiselect(key="market_compare").set_value(["GD", "HB"]).run()
    assert_no_error(app)
    names = _read(sample_app, "SELECT exchange_code, name_en FROM reference.ref_exchanges").set_index("exchange_code")["name_en"]
    chart = _charts(app)[-1]
    assert [trace["name"] for trace in chart["data"]] == [names["GD"], names["HB"]]
    assert chart["layout"]["yaxis"]["title"]["text"] == "VWAP (yuan/t)"
    yearly = _table_with(app, "exchange")
    assert set(yearly["exchange"]) == {names["GD"], names["HB"]}
    # Auction trades of allowances, summed per year: the yearly mart's auction columns.
    expected = _read(
        sample_app,
        "SELECT year, auction_volume_t, auction_vwap FROM marts.fct_market_yearly WHERE exchange_code = 'HB' ORDER BY year",
    )
    hubei = yearly[yearly["exchange"] == names["HB"]].sort_values("year")
    assert hubei["year"].tolist() == expected["year"].tolist()
    assert hubei["volume_t"].tolist() == pytest.approx(expected["auction_volume_t"].tolist())
    assert hubei["vwap"].tolist() == pytest.approx(expected["auction_vwap"].tolist())


def test_offsets_are_not_mixed_with_allowances(sample_app):
    app = open_page(PAGE, role="leader")
    app.radio(key="market_compare_kind").set_value("offset")
    app.radio(key="market_trade_type").set_value("block")
    app.run()
    assert_no_error(app)
    yearly = _table_with(app, "exchange")
    names = _read(sample_app, "SELECT exchange_code, name_zh FROM reference.ref_exchanges").set_index("exchange_code")["name_zh"]
    with_ccer = _read(sample_app, "SELECT DISTINCT exchange_code FROM marts.fct_market_daily WHERE product_code = 'CCER'")["exchange_code"]
    assert set(yearly["exchange"]) == {names[code] for code in with_ccer}
    expected = _read(sample_app, "SELECT year, vwap FROM marts.fct_market_yearly WHERE exchange_code = 'BJ' AND product_code = 'CCER' ORDER BY year")
    beijing = yearly[yearly["exchange"] == names["BJ"]].sort_values("year")
    assert beijing["vwap"].tolist() == pytest.approx(expected["vwap"].tolist())


def test_concentration_by_year_matches_the_yearly_mart(sample_app):
    app = open_page(PAGE, role="analyst")
    exchange, product, *_ = _selection(app)
    expected = _read(
        sample_app,
        "SELECT year, compliance_period_volume_share FROM marts.fct_market_yearly WHERE exchange_code = ? AND product_code = ? ORDER BY year",
        [exchange, product],
    )
    bars = next(trace for chart in _charts(app) for trace in chart["data"] if trace["type"] == "bar" and trace["x"][0] == str(expected["year"].iat[0]))
    assert bars["x"] == [str(year) for year in expected["year"]]
    assert bars["y"] == pytest.approx((expected["compliance_period_volume_share"] * 100).round(1).tolist())
    assert any("3—5月" in caption.value for caption in app.caption)  # deadline June → March to May


def test_english_labels(sample_app):
    app = open_page(PAGE, role="leader", lang="en")
    assert_no_error(app)
    assert app.title[0].value == "Carbon market"
    assert [header.value for header in app.header] == [
        "Daily candlesticks and volume", "Monthly VWAP and volume",
        "Trading concentration before the compliance deadline", "Comparison of exchanges",
    ]
    assert app.selectbox(key="market_exchange").label == "Exchange"
    assert app.radio(key="market_trade_type").options == ["Auction", "Block"]
    assert "China Emissions Exchange (Shenzhen)" in app.caption[1].value
    charts = _charts(app)
    assert charts[0]["layout"]["yaxis"]["title"]["text"] == "Price (yuan/t)"
    assert charts[1]["layout"]["yaxis2"]["title"]["text"] == "Volume (t)"
    assert app.download_button[0].label == "Download CSV"


@pytest.mark.parametrize("hostile", [False, True])
def test_leader_never_receives_enterprise_names_or_codes(sample_app, hostile):
    enterprises = _read(sample_app, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year", file="ghg.duckdb")
    assert len(enterprises) > 10
    # Links a leader might be sent: a real credit code and enterprise name, a region, an exchange.
    query_params = {
        "credit_code": enterprises["credit_code"].iat[0], "enterprise": enterprises["enterprise_name"].iat[0],
        "region": "620100", "exchange": "SZ", "role": "analyst",
    } if hostile else {}
    app = open_page(PAGE, role="leader", query_params=query_params)
    assert_no_error(app)
    text = all_text(app)
    assert "天津排放权交易所" in text  # the scan does see the page's data (exchange names)
    assert "SZ_daily_2014-2020.csv" not in text  # input file names are for authorised roles only
    leaked = [value for value in (*enterprises["credit_code"], *enterprises["enterprise_name"]) if value and value in text]
    assert not leaked, leaked


def test_switching_exchange_resets_product_and_range_and_block_days_are_vwap_markers(sample_app):
    app = open_page(PAGE, role="officer")
    app.selectbox(key="market_exchange").set_value("BJ").run()
    assert_no_error(app)
    exchange, product, _, first, last = _selection(app)
    # BJ's most recently traded product is its allowance BEA (to 2020-12-29); CCER ends earlier.
    assert (exchange, product, first, last) == ("BJ", "BEA", dt.date(2019, 12, 31), dt.date(2020, 12, 29))
    app.radio(key="market_trade_type").set_value("block").run()
    assert_no_error(app)
    expected = _read(
        sample_app,
        "SELECT trade_date, vwap FROM marts.fct_market_daily WHERE exchange_code = 'BJ' AND product_code = 'BEA' "
        "AND trade_type = 'block' AND trade_date BETWEEN ? AND ? ORDER BY trade_date",
        [first, last],
    )
    assert len(expected) > 0
    kline = _charts(app)[0]["data"]
    # Beijing's block trades report no open/high/low: no candle (and no zero) is drawn, only the price.
    assert [trace["type"] for trace in kline] == ["scatter", "bar"]
    assert kline[0]["x"] == [day.date().isoformat() for day in pd.to_datetime(expected["trade_date"])]
    assert kline[0]["y"] == pytest.approx(expected["vwap"].tolist())


@pytest.mark.parametrize("role", ["leader", "officer"])
def test_compliance_months_match_the_month_load_mart(sample_app, role):
    """Where the province's compliance deadlines fall (marts.fct_compliance_month_load): the latest
    allocation year by default, one bar per compliance month with the month's share of enterprises."""
    app = open_page(PAGE, role=role)
    assert_no_error(app)
    expected = _read(sample_app, """
        SELECT compliance_month, enterprises_share FROM marts.fct_compliance_month_load
        WHERE scheme_code = 'national' AND compliance_year = (SELECT max(compliance_year) FROM marts.fct_compliance_month_load)
        ORDER BY compliance_month""")
    assert not expected.empty
    bars = [trace for chart in _charts(app) for trace in chart["data"]
            if trace["type"] == "bar" and trace.get("customdata") is not None]
    assert len(bars) == 1
    assert list(bars[0]["x"]) == [f"{month:%Y-%m}" for month in expected["compliance_month"]]
    assert bars[0]["y"] == pytest.approx([round(share * 100, 1) for share in expected["enterprises_share"]])
