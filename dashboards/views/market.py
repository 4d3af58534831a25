"""碳市场行情 / Carbon market: daily K-line with volume, monthly averages, compliance-period
concentration, and a comparison of exchanges.

Prices are 元/吨 (yuan per tonne of allowance or CCER), volumes 吨, turnover 元 in the warehouse
and 万元 in the comparison table. Auction (竞价/挂牌) and block (大宗/协议转让) trades are kept apart:
block trades are negotiated off the order book and would distort the auction price, so every
section follows the one trade type picked at the top.

Days and months without trading have no row in the warehouse and stay gaps on screen (never 0):
the K-line uses a category axis of trading days, monthly series are reindexed to every month of
the range with NaN for the empty ones, and tables show the "—" placeholder.

Everything here reads the market marts and reference.ref_exchanges, which are in the public file
too, so the page is the same for every role, except the list of input files behind the prices, which
only authorised roles see (the public warehouse holds no input file names).
Charts are plotly (candlestick + volume subplots); labels come from i18n.csv, exchange names from
ref_exchanges (components.localized), and nothing from the data is rendered as HTML: data strings
reach Markdown only through plain(), select-box options as one line (name_text), plotly through
chart_text().
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards import auth, components, queries
from dashboards.components import PER_TEN_THOUSAND, chart_text, downloads, fetch, localized, name_text, plain
from dashboards.i18n import code_label, current_language, is_missing, percent, t, text
from dashboards.views.market_compliance_months import render_compliance_months

TRADE_TYPES = ("auction", "block")
# CCER (国家核证自愿减排量) is the national offset credit traded on several pilot exchanges; every
# other product code is an allowance (Shenzhen lists one per vintage, SZA-2013 …). Allowance and
# offset prices are never averaged together in the comparison.
OFFSET_PRODUCTS = ("CCER",)
PRODUCT_KINDS = ("allowance", "offset")
# Chinese market convention: red for a day that closed up, green for one that closed down.
UP_COLOUR, DOWN_COLOUR = "#d93025", "#1e8e3e"
VOLUME_COLOUR, PRICE_COLOUR, WINDOW_COLOUR, EVEN_COLOUR = "#7f9cbf", "#1f4e79", "#c26a00", "#8c8c8c"
DEFAULT_WINDOW_DAYS = 365  # "last 12 months with data": a year back from the last trading day
COMPLIANCE_WINDOW_MONTHS = 3  # fct_market_yearly: the three calendar months before the deadline month
PLOTLY_CONFIG = {"displaylogo": False}

EXCHANGE_KEY, PRODUCT_KEY, TRADE_TYPE_KEY, DATES_KEY = "market_exchange", "market_product", "market_trade_type", "market_dates"
DATES_FOR_KEY = "market_dates_for"  # the exchange × product the date range was set for
COMPARE_KEY, KIND_KEY = "market_compare", "market_compare_kind"


def render() -> None:
    st.title(t("market_title"))
    components.published_caption()
    exchanges = fetch(queries.MARKET_EXCHANGES)
    if exchanges.empty:
        st.info(t("market_no_data"))
        return
    names = {row["exchange_code"]: exchange_name(row) for row in exchanges.to_dict("records")}

    exchange, product, trade_type, first, last = _pickers(exchanges, names)
    label = t("market_series_label", exchange=names[exchange], product=product, trade_type=code_label("market_trade_type", trade_type))

    st.header(t("market_kline_header"))
    _kline(exchange, product, trade_type, first, last, label)

    st.header(t("market_monthly_header"))
    _monthly(exchange, product, trade_type, first, last, label)

    st.header(t("market_concentration_header"))
    deadline = exchanges.loc[exchanges["exchange_code"] == exchange, "compliance_deadline_month"].iat[0]
    _concentration(exchange, product, deadline, names[exchange])
    render_compliance_months()

    st.header(t("market_compare_header"))
    _comparison(exchanges, names, trade_type)

    if not auth.is_authorised():  # input file names are not in the public warehouse
        return
    with st.expander(t("market_sources_expander")):
        sources = fetch(queries.MARKET_SOURCE_FILES, (exchange, product))
        headers = {
            "source_file": "market_col_source_file", "daily_rows": "market_col_daily_rows",
            "first_trade_date": "market_col_first_date", "last_trade_date": "market_col_last_date",
        }
        st.dataframe(
            sources, hide_index=True, placeholder=t("missing_value"),
            column_config={column: st.column_config.Column(t(key)) for column, key in headers.items()},
        )
        downloads(sources, f"market_sources_{exchange}_{product}", "market_sources", headers)


def exchange_name(row: dict) -> str:
    return localized(row, fallback="exchange_code") or name_text(row["exchange_code"])


# --- pickers ----------------------------------------------------------------------------------


def _pickers(exchanges: pd.DataFrame, names: dict[str, str]) -> tuple[str, str, str, dt.date, dt.date]:
    """Exchange, product, trade type and date range. Defaults: the exchange and product traded
    most recently, auction trades, and the last 12 months up to the product's last trading day."""
    codes = list(exchanges["exchange_code"])
    latest = exchanges.sort_values(["last_trade_date", "exchange_code"], ascending=[False, True])["exchange_code"].iat[0]
    if st.session_state.get(EXCHANGE_KEY) not in codes:
        st.session_state.pop(EXCHANGE_KEY, None)  # a republished warehouse no longer has it
    columns = st.columns([3, 2, 2, 3])
    with columns[0]:
        exchange = st.selectbox(t("market_exchange"), codes, index=codes.index(latest), format_func=names.get, key=EXCHANGE_KEY)

    products = fetch(queries.MARKET_PRODUCTS, (exchange,))
    by_product = products.groupby("product_code").agg(last_trade_date=("last_trade_date", "max"), trading_days=("trading_days", "sum"))
    product_codes = list(by_product.index)
    newest = by_product.sort_values(["last_trade_date", "trading_days"], ascending=False).index[0]
    if st.session_state.get(PRODUCT_KEY) not in product_codes:
        st.session_state.pop(PRODUCT_KEY, None)  # the previous exchange's product
    with columns[1]:
        # Product codes are the exchanges' own codes (BEA, SZA-2019, CCER); shown as they are, on one line.
        product = st.selectbox(
            t("market_product"), product_codes, index=product_codes.index(newest), key=PRODUCT_KEY, format_func=name_text,
        )

    with columns[2]:
        trade_type = st.radio(
            t("market_trade_type"), TRADE_TYPES, format_func=_labeller("market_trade_type"),
            key=TRADE_TYPE_KEY, horizontal=True, help=t("market_trade_type_help"),
        )

    rows = products[products["product_code"] == product]
    first_day, last_day = _as_date(rows["first_trade_date"].min()), _as_date(rows["last_trade_date"].max())
    default = (max(first_day, last_day - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)), last_day)
    if st.session_state.get(DATES_FOR_KEY) != (exchange, product):
        # Another product trades in other years: start again from its last 12 months.
        st.session_state[DATES_KEY] = default
        st.session_state[DATES_FOR_KEY] = (exchange, product)
    with columns[3]:
        chosen = st.date_input(t("market_dates"), min_value=first_day, max_value=last_day, key=DATES_KEY, format="YYYY-MM-DD")
    if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
        first, last = chosen
    elif isinstance(chosen, (tuple, list)) and len(chosen) == 1:  # the user has picked the start only so far
        first, last = chosen[0], last_day
    else:
        first, last = default
    return exchange, product, trade_type, first, last


def _labeller(prefix: str):
    """A widget's format_func for codes with labels `prefix_code`, in the language of this run:
    captured now, so the labels do not depend on session state when Streamlit calls it later."""
    lang = current_language()
    return lambda code: text(f"{prefix}_{code}", lang)


def _as_date(value: object) -> dt.date:
    return pd.Timestamp(value).date()


# --- K-line -----------------------------------------------------------------------------------


DAILY_HEADERS = {
    "trade_date": "market_col_trade_date", "open": "market_col_open", "high": "market_col_high",
    "low": "market_col_low", "close": "market_col_close", "volume_t": "market_col_volume_t",
    "turnover_yuan": "market_col_turnover_yuan", "vwap": "market_col_vwap",
}


def _kline(exchange: str, product: str, trade_type: str, first: dt.date, last: dt.date, label: str) -> None:
    daily = fetch(queries.MARKET_DAILY, (exchange, product, trade_type, first, last))
    st.caption(t("market_kline_caption", series=plain(label), first=first.isoformat(), last=last.isoformat(), days=len(daily)))
    if daily.empty:
        st.info(t("market_no_trades"))
        return
    st.plotly_chart(kline_figure(daily), key="market_kline_chart", config=PLOTLY_CONFIG)
    downloads(daily, f"market_daily_{exchange}_{product}_{trade_type}", "market_kline", DAILY_HEADERS)


def kline_figure(daily: pd.DataFrame) -> go.Figure:
    """Candlesticks (元/吨) over volume bars (吨) on a category axis of trading days: a day without
    trading is not on the axis at all, so it can never be drawn as a zero-volume day. A day whose
    export lacks open, high or low (block trades usually report one price) is a VWAP marker."""
    days = [_as_date(day).isoformat() for day in daily["trade_date"]]
    complete = daily[["open", "high", "low", "close"]].notna().all(axis=1).to_numpy()
    up = (daily["close"] >= daily["open"]).to_numpy()
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.04)
    if complete.any():
        figure.add_trace(
            go.Candlestick(
                x=[day for day, ok in zip(days, complete) if ok],
                open=_values(daily["open"][complete]), high=_values(daily["high"][complete]),
                low=_values(daily["low"][complete]), close=_values(daily["close"][complete]),
                increasing={"line": {"color": UP_COLOUR}, "fillcolor": UP_COLOUR},
                decreasing={"line": {"color": DOWN_COLOUR}, "fillcolor": DOWN_COLOUR},
                name=t("market_trace_kline"),
            ),
            row=1, col=1,
        )
    if not complete.all():
        partial = ~complete
        figure.add_trace(
            go.Scatter(
                x=[day for day, ok in zip(days, partial) if ok], y=_values(daily["vwap"][partial]),
                mode="markers", marker={"color": PRICE_COLOUR, "size": 7, "symbol": "diamond"},
                name=t("market_trace_vwap_only"),
                hovertemplate=t("market_hover_price") + "<extra></extra>",
            ),
            row=1, col=1,
        )
    figure.add_trace(
        go.Bar(
            x=days, y=_values(daily["volume_t"]), name=t("market_trace_volume"),
            marker={"color": [UP_COLOUR if ok and rising else DOWN_COLOUR if ok else VOLUME_COLOUR for ok, rising in zip(complete, up)]},
            hovertemplate=t("market_hover_volume") + "<extra></extra>",
        ),
        row=2, col=1,
    )
    figure.update_xaxes(type="category", nticks=12, tickangle=0, rangeslider={"visible": False})
    figure.update_xaxes(title_text=t("market_axis_trade_date"), row=2, col=1)
    figure.update_yaxes(title_text=t("market_axis_price"), row=1, col=1)
    figure.update_yaxes(title_text=t("market_axis_volume_t"), row=2, col=1)
    figure.update_layout(height=560, margin={"t": 30}, legend={"orientation": "h", "y": -0.15}, hovermode="x unified")
    return figure


def _values(series: pd.Series) -> list:
    """Plain lists (None for missing) so the chart spec carries readable numbers, not binary arrays."""
    return [None if is_missing(value) else float(value) for value in series]


# --- monthly averages -------------------------------------------------------------------------


MONTHLY_HEADERS = {
    "month": "market_col_month", "vwap": "market_col_vwap", "volume_t": "market_col_volume_t",
    "turnover_10k_yuan": "market_col_turnover_10k_yuan", "trading_days": "market_col_trading_days",
}


def monthly_table(monthly: pd.DataFrame, trade_type: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    """One row per month of the range for one trade type: VWAP (元/吨), volume (吨), turnover (万元)
    and, for auction trades, the number of trading days. A month without trades of that type is
    NaN throughout (fct_market_monthly has no row, or 0 t of that type), not 0."""
    months = pd.date_range(pd.Timestamp(first).to_period("M").to_timestamp(), pd.Timestamp(last).to_period("M").to_timestamp(), freq="MS")
    frame = monthly.assign(month=pd.to_datetime(monthly["month"])).set_index("month")
    volume = frame[f"{trade_type}_volume_t"].where(frame[f"{trade_type}_volume_t"] > 0)
    table = pd.DataFrame({
        "vwap": frame[f"{trade_type}_vwap"].where(volume.notna()),
        "volume_t": volume,
        "turnover_10k_yuan": (frame[f"{trade_type}_turnover_yuan"] / PER_TEN_THOUSAND).where(volume.notna()),
        # Trading days are counted for auction trades only (fct_market_monthly.auction_trading_days).
        "trading_days": frame["auction_trading_days"].where(volume.notna()),
    }).reindex(months)
    table.index.name = "month"
    table = table.reset_index()
    table["month"] = table["month"].dt.strftime("%Y-%m")
    return table if trade_type == "auction" else table.drop(columns="trading_days")


def _monthly(exchange: str, product: str, trade_type: str, first: dt.date, last: dt.date, label: str) -> None:
    monthly = fetch(queries.MARKET_MONTHLY, (exchange, product, first, last))
    table = monthly_table(monthly, trade_type, first, last)
    st.caption(t("market_monthly_caption", series=plain(label)))
    if table["volume_t"].isna().all():
        st.info(t("market_no_trades"))
        return
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.06)
    months = list(table["month"])
    figure.add_trace(
        go.Scatter(
            x=months, y=_values(table["vwap"]), mode="lines+markers", connectgaps=False,
            line={"color": PRICE_COLOUR}, name=t("market_trace_monthly_vwap"),
        ),
        row=1, col=1,
    )
    figure.add_trace(
        go.Bar(x=months, y=_values(table["volume_t"]), marker={"color": VOLUME_COLOUR}, name=t("market_trace_volume")),
        row=2, col=1,
    )
    # Months as categories: every month of the range is on the axis, an empty one is a visible gap.
    figure.update_xaxes(type="category", tickangle=0, nticks=12)
    figure.update_xaxes(title_text=t("market_axis_month"), row=2, col=1)
    figure.update_yaxes(title_text=t("market_axis_price"), row=1, col=1)
    figure.update_yaxes(title_text=t("market_axis_volume_t"), row=2, col=1)
    figure.update_layout(height=440, margin={"t": 30}, legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    st.plotly_chart(figure, key="market_monthly_chart", config=PLOTLY_CONFIG)

    column_config = {
        "month": st.column_config.TextColumn(t("market_col_month")),
        "vwap": st.column_config.NumberColumn(t("market_col_vwap"), format="%.2f"),
        "volume_t": st.column_config.NumberColumn(t("market_col_volume_t"), format="localized"),
        "turnover_10k_yuan": st.column_config.NumberColumn(t("market_col_turnover_10k_yuan"), format="%.2f"),
        "trading_days": st.column_config.NumberColumn(t("market_col_trading_days"), format="%d"),
    }
    st.dataframe(table, hide_index=True, placeholder=t("missing_value"), column_config=column_config, key="market_monthly_table")
    downloads(table, f"market_monthly_{exchange}_{product}_{trade_type}", "market_monthly", MONTHLY_HEADERS)


# --- compliance-period concentration -----------------------------------------------------------


CONCENTRATION_HEADERS = {
    "year": "col_year", "share_pct": "market_col_window_share", "volume_t": "market_col_volume_t",
    "months_traded": "market_col_months_traded", "compliance_deadline_month": "market_col_deadline_month",
}
MONTH_SHARE_HEADERS = {"year": "col_year"}


def window_months(deadline: object) -> tuple[int, int] | None:
    """The first and last calendar month of the window before the deadline month (6 → 3 and 5)."""
    if is_missing(deadline):
        return None
    return int(deadline) - COMPLIANCE_WINDOW_MONTHS, int(deadline) - 1


def _concentration(exchange: str, product: str, deadline: object, name: str) -> None:
    window = window_months(deadline)
    if window is None:
        st.info(t("market_no_deadline"))
        return
    st.caption(t(
        "market_concentration_caption", exchange=plain(name), deadline=int(deadline), start=window[0], end=window[1],
        even=percent(COMPLIANCE_WINDOW_MONTHS / 12),
    ))
    yearly = fetch(queries.MARKET_CONCENTRATION, (exchange, product))
    if yearly.empty:
        st.info(t("market_no_trades"))
        return
    yearly = yearly.assign(share_pct=(yearly["compliance_period_volume_share"] * 100).round(1), year=yearly["year"].astype(int))
    figure = go.Figure(go.Bar(
        x=[str(year) for year in yearly["year"]], y=_values(yearly["share_pct"]), marker={"color": WINDOW_COLOUR},
        name=t("market_col_window_share"), text=[percent(share) for share in yearly["compliance_period_volume_share"]],
        textposition="outside",
    ))
    even = COMPLIANCE_WINDOW_MONTHS / 12 * 100
    figure.add_hline(
        y=even, line={"dash": "dash", "color": EVEN_COLOUR}, annotation_position="top left",
        annotation_text=t("market_even_line", even=percent(COMPLIANCE_WINDOW_MONTHS / 12)),
        annotation={"bgcolor": "rgba(255, 255, 255, 0.85)"},
    )
    figure.update_xaxes(type="category", title_text=t("market_axis_year"))
    figure.update_yaxes(title_text=t("market_axis_window_share"), range=[0, 105])
    figure.update_layout(height=380, margin={"t": 30}, showlegend=False)
    st.plotly_chart(figure, key="market_concentration_chart", config=PLOTLY_CONFIG)
    table = yearly[["year", "share_pct", "volume_t", "months_traded", "compliance_deadline_month"]]
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="market_concentration_table",
        column_config={
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "share_pct": st.column_config.NumberColumn(t("market_col_window_share"), format="%.1f"),
            "volume_t": st.column_config.NumberColumn(t("market_col_volume_t"), format="localized"),
            "months_traded": st.column_config.NumberColumn(t("market_col_months_traded"), format="%d", help=t("market_col_months_traded_help")),
            "compliance_deadline_month": st.column_config.NumberColumn(t("market_col_deadline_month"), format="%d"),
        },
    )
    downloads(table, f"market_concentration_{exchange}_{product}", "market_concentration", CONCENTRATION_HEADERS)
    _month_shares(exchange, product, window)


def _month_shares(exchange: str, product: str, window: tuple[int, int]) -> None:
    """Year × month grid of each month's share of its year's volume; a month without trading is
    an empty cell, and the months of the compliance window are marked."""
    shares = fetch(queries.MARKET_MONTH_SHARES, (exchange, product))
    grid = (shares.assign(share_pct=shares["share_of_year_volume"] * 100)
            .pivot(index="year", columns="month_number", values="share_pct")
            .reindex(columns=range(1, 13)))
    grid.index = grid.index.astype(int)
    month_labels = [t("market_month_short", month=month) for month in range(1, 13)]
    figure = go.Figure(go.Heatmap(
        z=[[None if is_missing(value) else round(float(value), 1) for value in row] for row in grid.to_numpy()],
        x=month_labels, y=[str(year) for year in grid.index], colorscale="Oranges", zmin=0,
        colorbar={"title": {"text": t("market_axis_month_share")}}, hoverongaps=False,
        hovertemplate=t("market_hover_month_share") + "<extra></extra>",
    ))
    # The compliance window, outlined (categories sit at 0 … 11, so month m spans m − 1.5 … m − 0.5).
    figure.add_vrect(x0=window[0] - 1.5, x1=window[1] - 0.5, line={"color": WINDOW_COLOUR, "width": 2}, fillcolor="rgba(0,0,0,0)")
    figure.update_xaxes(title_text=t("market_axis_month_of_year"), type="category")
    figure.update_yaxes(title_text=t("market_axis_year"), type="category", autorange="reversed")
    figure.update_layout(height=max(260, 90 + 34 * len(grid)), margin={"t": 30})
    st.plotly_chart(figure, key="market_month_share_chart", config=PLOTLY_CONFIG)
    table = grid.round(1).reset_index()
    table.columns = ["year", *month_labels]
    st.caption(t("market_month_share_caption"))
    downloads(table, f"market_month_shares_{exchange}_{product}", "market_month_shares", MONTH_SHARE_HEADERS)


# --- comparison across exchanges --------------------------------------------------------------


COMPARE_HEADERS = {
    "exchange": "market_col_exchange", "year": "col_year", "volume_t": "market_col_volume_t",
    "turnover_10k_yuan": "market_col_turnover_10k_yuan", "vwap": "market_col_vwap",
}
COMPARE_MONTHLY_HEADERS = {"month": "market_col_month"}


def with_type(frame: pd.DataFrame, trade_type: str) -> pd.DataFrame:
    """Volume, turnover (万元) and VWAP of one trade type from the summed columns; no volume → NaN."""
    volume = frame[f"{trade_type}_volume_t"].where(frame[f"{trade_type}_volume_t"] > 0)
    turnover = frame[f"{trade_type}_turnover_yuan"].where(volume.notna())
    return frame.assign(volume_t=volume, turnover_10k_yuan=turnover / PER_TEN_THOUSAND, vwap=turnover / volume)


def _comparison(exchanges: pd.DataFrame, names: dict[str, str], trade_type: str) -> None:
    codes = list(exchanges["exchange_code"])
    left, right = st.columns([3, 1])
    with left:
        chosen = st.multiselect(t("market_compare_exchanges"), codes, default=codes, format_func=names.get, key=COMPARE_KEY)
    with right:
        kind = st.radio(
            t("market_compare_kind"), PRODUCT_KINDS, format_func=_labeller("market_kind"),
            key=KIND_KEY, horizontal=True, help=t("market_compare_kind_help"),
        )
    st.caption(t("market_compare_caption", trade_type=code_label("market_trade_type", trade_type), kind=code_label("market_kind", kind)))
    if not chosen:
        st.info(t("market_compare_pick"))
        return
    params = (tuple(chosen), OFFSET_PRODUCTS, kind == "offset")
    monthly = with_type(fetch(queries.MARKET_COMPARE_MONTHLY, params), trade_type)
    yearly = with_type(fetch(queries.MARKET_COMPARE_YEARLY, params), trade_type)
    if monthly["volume_t"].isna().all():
        st.info(t("market_compare_none"))
        return

    monthly["month"] = pd.to_datetime(monthly["month"])
    months = pd.date_range(monthly["month"].min(), monthly["month"].max(), freq="MS")
    wide = monthly.pivot(index="month", columns="exchange_code", values="vwap").reindex(months)
    shown = [code for code in chosen if code in wide.columns and wide[code].notna().any()]
    figure = go.Figure()
    for code in shown:
        # Every month of the span is on the axis; a month an exchange did not trade breaks its line.
        figure.add_trace(go.Scatter(
            x=[month.strftime("%Y-%m-%d") for month in wide.index], y=_values(wide[code]), mode="lines",
            connectgaps=False, name=chart_text(names[code]), hovertemplate=t("market_hover_compare"),
        ))
    figure.update_xaxes(type="date", tickformat="%Y-%m", title_text=t("market_axis_month"))
    figure.update_yaxes(title_text=t("market_axis_vwap"))
    figure.update_layout(height=420, margin={"t": 30}, legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    st.plotly_chart(figure, key="market_compare_chart", config=PLOTLY_CONFIG)
    chart_data = wide[shown].rename(columns=names).reset_index(names="month")
    chart_data["month"] = chart_data["month"].dt.strftime("%Y-%m")
    downloads(chart_data, "market_compare_monthly_vwap", "market_compare_monthly", COMPARE_MONTHLY_HEADERS)

    table = yearly.assign(exchange=yearly["exchange_code"].map(names), year=yearly["year"].astype(int))
    table = table[["exchange", "year", "volume_t", "turnover_10k_yuan", "vwap"]]
    st.dataframe(
        table, hide_index=True, placeholder=t("missing_value"), key="market_compare_table",
        column_config={
            "exchange": st.column_config.TextColumn(t("market_col_exchange")),
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "volume_t": st.column_config.NumberColumn(t("market_col_volume_t"), format="localized"),
            "turnover_10k_yuan": st.column_config.NumberColumn(t("market_col_turnover_10k_yuan"), format="%.2f"),
            "vwap": st.column_config.NumberColumn(t("market_col_vwap"), format="%.2f"),
        },
    )
    downloads(table, "market_compare_yearly", "market_compare_yearly", COMPARE_HEADERS)
