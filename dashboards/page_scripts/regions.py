"""地区下钻：省 → 市 → 县的地图、排名与上下级差值.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.regions, where it can be imported and tested.
"""

from dashboards.views import regions

regions.render()
