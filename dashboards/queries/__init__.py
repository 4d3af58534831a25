"""Every SQL string the dashboards run, as named constants.

Values are bound with ? placeholders, never formatted into the string. A list parameter
(indicator codes) binds as a DuckDB list. The columns named here are the public contract of
schema marts (dbt_project/README.md); a page asks only for the columns it shows.

One module per page (and common.py for what several pages run); every constant is re-exported
here, so a page reads `queries.NAME`.
"""

from dashboards.queries.common import *  # noqa: F403
from dashboards.queries.market import *  # noqa: F403
from dashboards.queries.structure import *  # noqa: F403
from dashboards.queries.quality import *  # noqa: F403
from dashboards.queries.regions import *  # noqa: F403
from dashboards.queries.overview import *  # noqa: F403
from dashboards.queries.enterprises import *  # noqa: F403
from dashboards.queries.indicator import *  # noqa: F403
from dashboards.queries.inventory import *  # noqa: F403
from dashboards.queries.mrv import *  # noqa: F403
