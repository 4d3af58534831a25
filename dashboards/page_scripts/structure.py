"""排放结构：按行业和能源品种，属地排放与电力调整后排放.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.structure, where it can be imported and tested.
"""

from dashboards.views import structure

structure.render()
