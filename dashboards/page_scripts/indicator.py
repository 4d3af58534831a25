"""指标详情：实际序列与均衡进度路径，以及构成该数字的地区、行业、能源品种.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.indicator, where it can be imported and tested.
"""

from dashboards.views import indicator

indicator.render()
