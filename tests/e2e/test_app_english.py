"""English mode is complete: every page, for every role, sends the browser no Chinese character
except in data that people wrote themselves.

What is scanned: everything the page sends (apptest_helpers.all_text: titles, headers, markdown,
captions, alerts, metric labels, values and help, select-box and radio options, tab and expander
labels, buttons, column labels and help, every dataframe cell, chart specs with their data,
axis titles, legends and tooltips).

Exempt, and only these (each removed from the text, as a whole string, before the scan):
- enterprise names (marts.fct_enterprise_year.enterprise_name): an enterprise's registered name,
  as the enterprise wrote it in its report; verifier names (marts.fct_mrv_verifier_workload), as the
  verification body's task files name it;
- what the data-quality page quotes from delivered files: their file names, sheet names, column
  headers, the cell values as written and the quarantine reasons that quote them (raw.quarantine,
  raw.source_files): the files are the provinces' own, the page shows where a problem is;
- the language switch, which names each language in itself (语言 / Language, 中文).
Region, indicator, sector, fuel, category and exchange names are never exempt: they come from the
warehouse's name_en columns.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import duckdb
import pytest

from dashboards.i18n import text
from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
PAGES = ("overview.py", "indicator.py", "regions.py", "structure.py", "inventory.py", "market.py",
         "enterprises.py", "mrv.py", "quality.py")
ROLES = ("leader", "officer", "analyst")


@pytest.fixture(scope="module")
def user_data(sample_warehouse) -> list[str]:
    """The exempt strings (module docstring), longest first so that a name is removed whole."""
    with duckdb.connect(str(sample_warehouse / "ghg.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT enterprise_name FROM marts.fct_enterprise_year").fetchall()
        rows += con.execute("SELECT DISTINCT verifier_name FROM marts.fct_mrv_verifier_workload").fetchall()
        rows += con.execute(
            "SELECT DISTINCT unnest([source_file, source_sheet, column_name, value, reason]) FROM raw.quarantine"
        ).fetchall()
        rows += con.execute("SELECT DISTINCT source_file FROM raw.source_files").fetchall()
    strings = {str(value) for (value,) in rows if value}
    strings |= {PurePosixPath(value).name for value in list(strings)}
    strings |= {text("language_label", "en"), text("language_zh", "en")}
    return sorted((s for s in strings if CJK.search(s)), key=len, reverse=True)


def chinese_left(text: str, exempt: list[str]) -> list[str]:
    """Each run of Chinese characters left after the exempt strings are removed, with 30 characters around it."""
    for value in exempt:
        text = text.replace(value, " ")
    return sorted({text[max(0, m.start() - 30): m.end() + 30].replace("\n", " ") for m in CJK.finditer(text)})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_no_chinese_in_english_mode(sample_app, user_data, page, role):
    if page == "enterprises.py" and role == "leader":
        pytest.skip("leaders have no enterprise page (tests/e2e/test_app_roles.py)")
    app = open_page(page, role=role, lang="en")
    assert_no_error(app)
    assert chinese_left(all_text(app), user_data) == []


def test_the_scan_would_see_a_region_name():
    # The scan is not vacuous: a Chinese region name left in a heading is found.
    assert chinese_left("Cities (prefectures) of 甘肃省, 2020", ["某某化工有限公司"]) != []
    assert chinese_left("某某化工有限公司 (Lanzhou City)", ["某某化工有限公司"]) == []
