"""碳市场 MRV 年度：纳入名单、报告与核查漏斗、催办清单、城市报送、核查机构工作量、履约日历.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.mrv, where it can be imported and tested.
"""

from dashboards.views import mrv

mrv.render()
