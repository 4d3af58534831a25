"""数据质量与时效：最近一次构建、发布情况、隔离行数与检查结果.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.quality, where it can be imported and tested.
"""

from dashboards.views import quality

quality.render()
