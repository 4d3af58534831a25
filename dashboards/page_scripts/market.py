"""碳市场：K线与成交量、月均价、履约期集中度、交易所对比.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.market, where it can be imported and tested.
"""

from dashboards.views import market

market.render()
