"""重点排放单位与履约（仅授权角色）.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.enterprises, where it can be imported and tested.
"""

from dashboards.views import enterprises

enterprises.render()
