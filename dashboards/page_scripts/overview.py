"""晴雨表：每项规划指标的当前值、目标、均衡进度、差距与状态.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.overview, where it can be imported and tested.
"""

from dashboards.views import overview

overview.render()
