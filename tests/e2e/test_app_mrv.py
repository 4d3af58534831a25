"""The MRV-year page, rendered by AppTest against one build of the bundled sample: a leader gets the
province's funnel from the public file and nothing about any enterprise or verifier; officers and
analysts get the five tabs, and the chase list is the mart's, longest overdue first, by party.
Expected values are read from the same build with DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import i18n
from dashboards.views.mrv import funnel_table, funnel_totals
from dashboards.views.mrv_lists import party_order
from dashboards.views.mrv_schedule import workload_grid
from tests.e2e.apptest_helpers import all_text, assert_no_error, open_page

pytestmark = pytest.mark.e2e

PAGE = "mrv.py"
TABS = ("inclusion", "chase", "cities", "verifiers", "calendar")


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def tab_frames(app, name: str) -> list[pd.DataFrame]:
    """The dataframes inside one of the officer's tabs, in page order."""
    tab = next(tab for tab in app.tabs if tab.label == i18n.text(f"mrv_tab_{name}", "zh"))
    return [frame.value for frame in tab.dataframe]


def plotly_charts(app) -> list:
    found = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "plotly_chart":
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


# --- pure helpers ---------------------------------------------------------------------------------


def test_funnel_shares_are_of_the_list_and_the_recheck_share_of_those_that_needed_one():
    funnel = pd.DataFrame({
        "included_count": [40], "reported_count": [38], "verified_count": [30], "recheck_required_count": [8],
        "rechecked_count": [6], "complied_count": [None], "late_report_count": [3], "missing_report_count": [2],
    })
    totals = funnel_totals(funnel)
    assert totals["complied_count"] is None  # no compliance data: missing, never 0
    table = funnel_table(totals).set_index("stage")
    assert list(table.index) == ["included", "reported", "verified", "rechecked", "complied"]
    assert table.loc["reported", "share"] == pytest.approx(0.95)
    assert table.loc["rechecked", "of_count"] == 8 and table.loc["rechecked", "share"] == pytest.approx(0.75)
    assert pd.isna(table.loc["complied", "count"]) and pd.isna(table.loc["complied", "share"])
    # Two provinces add up; an empty list has no shares rather than a division by zero.
    two = funnel_totals(pd.concat([funnel, funnel.assign(complied_count=[5])]))
    assert two["included_count"] == 80 and two["complied_count"] == 5
    empty = funnel_table(funnel_totals(funnel.assign(included_count=[0]))).set_index("stage")
    assert pd.isna(empty.loc["reported", "share"])


def test_parties_in_working_order_and_unknown_ones_last():
    assert party_order(pd.Series(["office", None, "enterprise", "zz", "verifier", "office"])) == ["enterprise", "verifier", "office", "zz"]


def test_workload_grid_has_every_month_between_first_and_last():
    workload = pd.DataFrame({
        "verifier_code": ["A", "A", "B"], "verifier_name": ["甲机构", "甲机构", None],
        "month": pd.to_datetime(["2021-04-01", "2021-07-01", "2021-04-01"]), "tasks_count": [3, 2, 4],
    })
    grid = workload_grid(workload)
    assert list(grid.columns) == ["2021-04", "2021-05", "2021-06", "2021-07"]
    assert grid.loc["甲机构"].tolist() == [3, 0, 0, 2]
    assert grid.loc["B"].tolist() == [4, 0, 0, 0]  # a verifier without a name is shown by its code


# --- roles ----------------------------------------------------------------------------------------


def test_leader_sees_the_funnel_and_nothing_about_an_enterprise(sample_app):
    app = open_page(PAGE, role="leader")
    assert_no_error(app)
    assert app.title[0].value == i18n.text("mrv_title", "zh")
    assert not app.tabs
    assert len(plotly_charts(app)) == 1  # the funnel
    year = app.selectbox(key="mrv_year").value
    scheme = app.selectbox(key="mrv_scheme").value
    public = sample_app / "ghg_public.duckdb"
    (included, reported), = rows(public, "SELECT sum(included_count), sum(reported_count) FROM marts.fct_mrv_funnel WHERE report_year = ? AND scheme_code = ?", [year, scheme])
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown[i18n.text("mrv_stage_included", "zh")] == f"{included:,.0f}"
    assert shown[i18n.text("mrv_stage_reported", "zh")] == f"{reported:,.0f}"

    full = sample_app / "ghg.duckdb"
    secrets = rows(full, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_mrv_inclusion")
    secrets += rows(full, "SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year")
    secrets += rows(full, "SELECT DISTINCT verifier_code, verifier_name FROM marts.fct_mrv_verifier_workload")
    text = all_text(app)
    leaked = {value for pair in secrets for value in pair if value and value in text}
    assert not leaked, sorted(leaked)[:5]


def test_the_page_is_in_every_role_s_navigation(sample_app):
    for role in ("leader", "officer", "analyst"):
        app = open_page(PAGE, role=role)
        assert_no_error(app)
        assert any(str(info.get("script_path", "")).endswith("page_scripts/mrv.py") for info in app._registered_pages.values())


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_authorised_roles_get_the_five_tabs(sample_app, role):
    app = open_page(PAGE, role=role)
    assert_no_error(app)
    assert [tab.label for tab in app.tabs] == [i18n.text(f"mrv_tab_{name}", "zh") for name in TABS]
    year = app.selectbox(key="mrv_year").value
    scheme = app.selectbox(key="mrv_scheme").value
    full = sample_app / "ghg.duckdb"
    (listed,), = rows(full, "SELECT count(*) FROM marts.fct_mrv_inclusion WHERE list_year = ? AND scheme_code = ?", [year, scheme])
    assert [len(frame) for frame in tab_frames(app, "inclusion")] == [listed]
    (cities,), = rows(full, "SELECT count(*) FROM marts.fct_mrv_city_forwarding WHERE report_year = ? AND scheme_code = ?", [year, scheme])
    assert [len(frame) for frame in tab_frames(app, "cities")] == ([cities] if cities else [])
    assert len(plotly_charts(app)) >= 2  # the funnel and at least the workload or the calendar


def test_officer_chase_list_is_grouped_by_party_longest_overdue_first(sample_app):
    full = sample_app / "ghg.duckdb"
    busiest = rows(full, """
        SELECT report_year, scheme_code, count(*) AS n FROM marts.fct_mrv_submissions
        WHERE chase_reason IS NOT NULL GROUP BY ALL ORDER BY n DESC, report_year DESC LIMIT 1""")
    assert busiest, "the sample has nothing to chase in any year: the chase list cannot be tested"
    year, scheme, count = busiest[0]
    app = open_page(PAGE, role="officer")
    app.selectbox(key="mrv_year").set_value(year).run()
    app.selectbox(key="mrv_scheme").set_value(scheme).run()
    assert_no_error(app)
    by_party = dict(rows(full, """
        SELECT chase_party, count(*) FROM marts.fct_mrv_submissions
        WHERE report_year = ? AND scheme_code = ? AND chase_reason IS NOT NULL GROUP BY ALL""", [year, scheme]))
    parties = party_order(pd.Series(list(by_party)))
    tables = tab_frames(app, "chase")
    assert [len(table) for table in tables] == [by_party[party] for party in parties]
    assert sum(len(table) for table in tables) == count
    for party, table in zip(parties, tables):
        overdue = table["days_overdue"].dropna().tolist()
        assert overdue == sorted(overdue, reverse=True)
        # Enterprises are chased for their own report: no verifier column; verifiers are named.
        assert ("verifier_code" in table.columns) == (party != "enterprise")
    headers = [subheader.value for subheader in app.subheader]
    for party, n in by_party.items():
        assert i18n.text("mrv_chase_party_header", "zh", party=i18n.text(f"mrv_party_{party}", "zh"), count=n) in headers
