"""碳市场行情 → 履约月份分布 / Carbon market → how compliance is spread over the months.

The trading concentration above shows volume bunching up before an exchange's deadline; this
section shows where the deadlines of the province's market enterprises fall
(marts.fct_compliance_month_load, counts only, the same in the public file): the annual calendar
puts every enterprise in one month, the rolling calendar (dbt var ets_compliance_calendar) spreads
the sectors over the year.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboards import queries
from dashboards.components import downloads, fetch
from dashboards.i18n import percent, t

BAR_COLOUR, EVEN_COLOUR = "#c26a00", "#8c8c8c"
PLOTLY_CONFIG = {"displaylogo": False}
HEADERS = {"compliance_month_label": "market_col_compliance_month", "enterprises_count": "market_col_enterprises_due",
           "share_pct": "market_col_enterprises_share"}


def render_compliance_months() -> None:
    st.subheader(t("market_compliance_months_header"))
    load = fetch(queries.MARKET_COMPLIANCE_MONTH_LOAD)
    if load.empty:
        st.info(t("market_compliance_months_none"))
        return
    years = sorted({int(year) for year in load["compliance_year"]}, reverse=True)
    year = st.selectbox(t("market_compliance_year"), years, key="market_compliance_year")
    rows = load[load["compliance_year"] == year].sort_values("compliance_month")
    rows = rows.assign(
        compliance_month_label=[f"{month:%Y-%m}" for month in rows["compliance_month"]],
        share_pct=(rows["enterprises_share"] * 100).round(1),
    )
    st.caption(t("market_compliance_months_caption", months=len(rows), top=percent(rows["enterprises_share"].max()),
                 even=percent(1 / 12)))
    figure = go.Figure(go.Bar(
        # plain lists: the chart spec carries readable numbers, not binary arrays
        x=list(rows["compliance_month_label"]), y=[float(share) for share in rows["share_pct"]], marker={"color": BAR_COLOUR},
        text=[percent(share) for share in rows["enterprises_share"]], textposition="outside",
        customdata=[int(count) for count in rows["enterprises_count"]], hovertemplate=t("market_hover_compliance_month") + "<extra></extra>",
    ))
    figure.add_hline(y=100 / 12, line={"dash": "dash", "color": EVEN_COLOUR}, annotation_position="top left",
                     annotation_text=t("market_even_line", even=percent(1 / 12)))
    figure.update_xaxes(type="category", title_text=t("market_col_compliance_month"))
    figure.update_yaxes(title_text=t("market_col_enterprises_share"), range=[0, 105])
    figure.update_layout(height=340, margin={"t": 30}, showlegend=False)
    st.plotly_chart(figure, key="market_compliance_months_chart", config=PLOTLY_CONFIG)
    table = rows[["compliance_month_label", "enterprises_count", "share_pct"]]
    downloads(table, f"market_compliance_months_{year}", "market_compliance_months", HEADERS)
