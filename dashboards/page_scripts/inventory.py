"""温室气体清单：分领域、分类别、分气体的清单，趋势，关键类别与不确定性.

A page script run by st.navigation (dashboards/app.py); the page itself lives in
dashboards.views.inventory, where it can be imported and tested.
"""

from dashboards.views import inventory

inventory.render()
