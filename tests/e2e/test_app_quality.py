"""The data quality and freshness page, rendered by AppTest against one build of the sample.

What must hold: every role renders; the last build's figures are the operations store's; the
quarantine counts by reason category add up to the rows quarantined; a leader's page never carries
an enterprise name, credit code, enterprise report file name or a quarantined value (whatever the
query parameters); a missing or empty operations store is explained, not a traceback; an officer
gets the quarantine register with file and row.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import PurePosixPath

import duckdb
import polars as pl
import pytest

from dashboards.views import quality
from pipelines import ops_store
from tests.e2e.apptest_helpers import all_text, assert_no_error, frame_with, metric_values, open_page

pytestmark = pytest.mark.e2e

PAGE = "quality.py"
HOSTILE_PARAMS = {
    "credit_code": "91620100MA71XXXX0X",
    "region": "620100",
    "search": "enterprise_reports",
    "role": "officer",
    "file": "../ghg.duckdb",
}




def last_summary(folder) -> dict:
    with duckdb.connect(str(folder / "operations.duckdb"), read_only=True) as con:
        frame = con.execute(
            "SELECT * FROM ops.run_summary QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY recorded_at DESC) = 1 "
            "ORDER BY recorded_at DESC LIMIT 1"
        ).df()
    return frame.iloc[0].to_dict()


def confidential_strings(folder) -> list[str]:
    """Every enterprise name, credit code and enterprise report file name of the sample, and the
    quarantined rows' values and reasons: none of it may reach a leader."""
    with duckdb.connect(str(folder / "ghg.duckdb"), read_only=True) as con:
        enterprises = con.execute("SELECT DISTINCT credit_code, enterprise_name FROM marts.fct_enterprise_year").fetchall()
        files = [row[0] for row in con.execute(
            "SELECT DISTINCT source_file FROM raw.enterprise_report_lines UNION SELECT DISTINCT source_file FROM raw.quarantine"
        ).fetchall()]
        quarantined = con.execute("SELECT value, reason FROM raw.quarantine").fetchall()
    strings = {value for pair in enterprises for value in pair if value}
    strings |= {PurePosixPath(file).name for file in files}
    # Values long enough not to occur by chance in a figure or a time on the page ("10045.63").
    strings |= {value for value, _ in quarantined if value and len(value) >= 6}
    strings |= {reason for _, reason in quarantined if reason}
    assert len(enterprises) > 100 and len(files) > 10 and quarantined
    return sorted(strings)


@pytest.mark.parametrize(("role", "lang"), [("leader", "zh"), ("officer", "zh"), ("analyst", "zh"), ("leader", "en"), ("officer", "en")])
def test_every_role_renders(sample_app, role, lang):
    app = open_page(PAGE, role=role, lang=lang)
    assert_no_error(app)
    assert app.title[0].value == ("数据质量与时效" if lang == "zh" else "Data quality and freshness")
    assert len(app.metric) == 6
    # The register of quarantined rows is for authorised roles only.
    has_register = any("source_file" in frame.value.columns for frame in app.dataframe)
    assert has_register == (role != "leader")


def test_last_build_figures_are_the_run_summary(sample_app):
    summary = last_summary(sample_app)
    assert summary["status"] == "published" and summary["rows_quarantined"] > 0
    app = open_page(PAGE, role="leader", lang="zh")
    metrics = metric_values(app)
    assert metrics["读取行数（行）"] == f"{summary['rows_read']:,}"
    assert metrics["入库行数（行）"] == f"{summary['rows_loaded']:,}"
    assert metrics["隔离行数（行）"] == f"{summary['rows_quarantined']:,}"
    assert metrics["通过检查（项）"] == f"{summary['checks_passed']:,}"
    assert metrics["未通过检查（项）"] == "0"
    recorded = summary["recorded_at"].to_pydatetime().astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [md.value for md in app.markdown]
    assert any(line.startswith(f"**最近一次构建：** {recorded}") for line in lines), lines
    assert f"**最近一次成功发布：** {recorded}" in lines
    badges = [md.value for md in app.markdown if "-badge[" in md.value]
    assert badges == [":green-badge[:material/check_circle: 数据及时]", ":green-badge[:material/check_circle: 已发布]"]
    history = frame_with(app, "rows_loaded")
    assert history["rows_loaded"].iloc[0] == summary["rows_loaded"]
    assert history["rows_quarantined"].iloc[0] == summary["rows_quarantined"]
    loaded = frame_with(app, "table_code")
    assert int(loaded["rows"].sum()) == summary["rows_loaded"]


def test_quarantine_by_category_adds_up_to_rows_quarantined(sample_app):
    summary = last_summary(sample_app)
    with duckdb.connect(str(sample_app / "ghg.duckdb"), read_only=True) as con:
        by_family = dict(con.execute("SELECT source_family, count(*) FROM raw.quarantine GROUP BY 1").fetchall())
    app = open_page(PAGE, role="leader", lang="en")
    assert_no_error(app)
    counts = frame_with(app, "category")
    assert int(counts["rows"].sum()) == summary["rows_quarantined"] == sum(by_family.values())
    per_family = counts.groupby("source_family")["rows"].sum().to_dict()
    assert per_family == {"Enterprise reports": by_family["enterprise_reports"], "Carbon market prices": by_family["exchange_prices"]}
    # The sample's rejects: 万t written for tonnes in enterprise reports, low above high in prices.
    assert set(zip(counts["source_family"], counts["category"])) == {
        ("Enterprise reports", "unit looks wrong (off by a power of ten)"),
        ("Carbon market prices", "values contradict each other"),
    }


def test_reason_categories_hide_the_reason_text():
    cases = {
        "unit '万t' with value 10045.63 looks like tonnes (×10⁴ too large); row quarantined": "unit_scale",
        "low 7.0 is above high 6.02": "inconsistent",
        "duplicate report: the same report 2019 verified of this enterprise was already delivered in "
        "enterprise_reports/2019/兰州某厂.xlsx; not loaded twice": "duplicate",
        "superseded: the report 2019 reported of this enterprise was re-delivered corrected in x.xlsx, "
        "which replaces this file's lines": "superseded",
        "credit code '9162ABC' is not 18 characters of digits and capitals": "unknown_code",
        "year 1999 is outside 2000–2035": "year_date",
        "'abc' in 消耗量 is not a number": "not_number",
        "消耗量 is empty; this field is required": "required_missing",
        "oxidation rate 120 is outside 0–100 %": "out_of_range",
        "unit 'xyz' is not a known unit (known: t, 万t)": "unit_unknown",
        "file is empty": "file_structure",
        "cell B7 holds a formula without a saved value; open and save the workbook in Excel": "formula",
        "held: this re-delivery of report 2020 reported of this enterprise has 1 invalid line (row 3); the earlier "
        "complete delivery in enterprise_reports/export/a.csv stays in force until it is corrected": "held",
        "total row (合计): not an emission line; its 排放量 80500 is compared with the report's lines": "total_row",
        "file ends mid-row: row 12 has 3 of 19 fields and the file does not end with a line break": "file_structure",
        "file has a header row but no data rows": "file_structure",
        "something nobody foresaw": "other",
        None: "other",
    }
    for reason, category in cases.items():
        assert quality.reason_category(reason) == category, reason
    assert quality.freshness_status(1.0) == "green"
    assert quality.freshness_status(30.0) == "yellow"
    assert quality.freshness_status(50.0) == "red"
    assert quality.freshness_status(None) == "no_data"


@pytest.mark.parametrize("params", [None, HOSTILE_PARAMS], ids=["plain", "hostile-params"])
def test_a_leader_never_sees_enterprises_files_or_values(sample_app, params):
    secrets = confidential_strings(sample_app)
    for lang in ("zh", "en"):
        app = open_page(PAGE, role="leader", lang=lang, query_params=params)
        assert_no_error(app)
        text = all_text(app)
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, leaked[:5]
        assert "enterprise_reports/" not in text


def test_an_officer_sees_the_quarantine_register_with_file_and_row(sample_app):
    with duckdb.connect(str(sample_app / "ghg.duckdb"), read_only=True) as con:
        file, row, total = con.execute(
            "SELECT source_file, source_row, count(*) OVER () FROM raw.quarantine "
            "WHERE source_family = 'exchange_prices' ORDER BY source_file, source_row LIMIT 1"
        ).fetchone()
        prices = con.execute("SELECT count(*) FROM raw.quarantine WHERE source_family = 'exchange_prices'").fetchone()[0]
        all_rows = con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0]
    app = open_page(PAGE, role="officer", lang="zh")
    assert_no_error(app)
    register = frame_with(app, "source_file")
    assert len(register) == all_rows
    assert ((register["source_file"] == file) & (register["source_row"] == row)).any()
    # The search narrows the register (taken literally: a '%' matches nothing).
    app.text_input(key=quality.SEARCH_KEY).set_value(PurePosixPath(file).stem).run()
    assert_no_error(app)
    narrowed = frame_with(app, "source_file")
    assert set(narrowed["source_file"]) == {file} and len(narrowed) == total == prices
    app.text_input(key=quality.SEARCH_KEY).set_value("%").run()
    assert not any("source_file" in frame.value.columns for frame in app.dataframe)
    assert app.info[-1].value == "没有符合条件的隔离行。"


def test_english_labels(sample_app):
    app = open_page(PAGE, role="officer", lang="en")
    assert_no_error(app)
    assert set(metric_values(app)) == {
        "Data age (hours)", "Rows read (rows)", "Rows loaded (rows)",
        "Rows quarantined (rows)", "Checks passed (checks)", "Checks failed (checks)",
    }
    assert [header.value for header in app.subheader] == [
        "Freshness", "The last build", "Quarantined rows by source and reason category", "Build history", "Alerts",
        "Review flags", "Quarantined rows in detail",
    ]
    text = all_text(app)
    assert "fresh" in text and "数据" not in "".join(header.value for header in app.subheader)
    assert {button.label for button in app.get("download_button")} == {"Download CSV", "Download Excel"}


@pytest.fixture
def warehouse_without_ops(sample_app, tmp_path, monkeypatch):
    """A warehouse folder holding only copies of the two warehouse files (mtime kept)."""
    for name in ("ghg.duckdb", "ghg_public.duckdb"):
        shutil.copy2(sample_app / name, tmp_path / name)
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("role", ["leader", "officer"])
def test_missing_operations_store_is_explained(warehouse_without_ops, role):
    app = open_page(PAGE, role=role, lang="zh")
    assert_no_error(app)
    assert len(app.info) == 1
    assert "尚未找到运行记录" in app.info[0].value
    assert str(warehouse_without_ops / "operations.duckdb") in app.info[0].value
    # Freshness still comes from the served file; the register still from the warehouse.
    assert "**最近一次构建：** —" in [md.value for md in app.markdown]
    assert metric_values(app)["数据距今（小时）"] != "—"
    assert any("source_file" in frame.value.columns for frame in app.dataframe) == (role == "officer")


def test_empty_operations_store_is_explained(warehouse_without_ops):
    with duckdb.connect(str(warehouse_without_ops / "operations.duckdb")) as con:
        con.execute("CREATE SCHEMA ops")
    app = open_page(PAGE, role="leader", lang="en")
    assert_no_error(app)
    assert [info.value for info in app.info] == [
        "The run records hold no build summary yet: each build appears here once the first one has finished."
    ]


def test_a_failed_build_and_its_alert(warehouse_without_ops):
    """A failed run after the sample's: red status, the note that older data is served, the alert;
    its message (which names an enterprise's file) only for an officer."""
    store = warehouse_without_ops / "operations.duckdb"  # a new store: a published run, then a failed one
    secret_file = "enterprise_reports/2019/兰州某秘密化工厂.xlsx"
    now = dt.datetime.now(dt.UTC)
    ops_store.append("run_summary", pl.DataFrame([{
        "run_id": "failed-run-1", "recorded_at": now, "status": "failed", "published": False,
        "rows_loaded": 10, "rows_quarantined": 2, "rows_read": 12, "checks_passed": 5, "checks_failed": 1,
        "failed_checks": "assert_something_broke", "failed_steps": "raw_enterprise_reports",
        "message": f"step raw_enterprise_reports failed: cannot open {secret_file}",
    }]), store=store)
    ops_store.append("run_summary", pl.DataFrame([{
        "run_id": "published-run-0", "recorded_at": now - dt.timedelta(hours=30), "status": "published", "published": True,
        "rows_loaded": 10, "rows_quarantined": 0, "rows_read": 10, "checks_passed": 6, "checks_failed": 0,
        "failed_checks": "", "failed_steps": "", "message": "",
    }]), store=store)
    ops_store.append("alerts", pl.DataFrame([{
        "raised_at_utc": now.replace(tzinfo=None), "kind": "run_failure", "run_id": "failed-run-1",
        "job_name": "nightly_build", "failed_steps": "raw_enterprise_reports",
        "message": f"cannot open {secret_file}", "notified": "not configured",
    }]), store=store)

    leader = open_page(PAGE, role="leader", lang="en")
    assert_no_error(leader)
    text = all_text(leader)
    assert "兰州某秘密化工厂" not in text
    assert "failed, not published" in text and "one night late" in text
    assert metric_values(leader)["Checks failed (checks)"] == "1"
    assert frame_with(leader, "name")["name"].tolist() == ["assert_something_broke"]
    alerts = frame_with(leader, "job_name")
    assert alerts["job_name"].tolist() == ["nightly_build"] and "message" not in alerts.columns
    assert any("still show the data published" in warning.value for warning in leader.warning)

    officer = open_page(PAGE, role="officer", lang="en")
    assert_no_error(officer)
    assert "兰州某秘密化工厂" in all_text(officer)
    assert frame_with(officer, "job_name")["message"].tolist() == [f"cannot open {secret_file}"]


def test_an_officer_sees_the_review_flags_and_a_leader_does_not(sample_app):
    """Issue 16: the published build's review flags (audit.audit_review_flags) are listed for the
    officers who check them, with the rule in words and the message in the page's language."""
    with duckdb.connect(str(sample_app / "ghg.duckdb"), read_only=True) as con:
        flags = con.execute("SELECT count(*) FROM audit.audit_review_flags").fetchone()[0]
        region, year = con.execute(
            "SELECT region_code, year FROM audit.audit_review_flags ORDER BY year DESC, region_code, rule_code LIMIT 1"
        ).fetchone()
    assert flags > 0  # the sample's steel city and industrial counties are far above Gansu
    officer = open_page(PAGE, role="officer", lang="en")
    assert_no_error(officer)
    table = frame_with(officer, "flag_message")
    assert len(table) == flags
    assert (table["region_code"].iloc[0], int(table["year"].iloc[0])) == (region, year)
    assert table["flag_message"].str.contains("times its province's").any()
    assert "Carbon intensity over 3× the province's" in set(table["rule"])
    leader = open_page(PAGE, role="leader", lang="zh")
    assert_no_error(leader)
    assert not any("flag_message" in frame.value.columns for frame in leader.dataframe)
    assert "复核提示" not in [header.value for header in leader.subheader]
    # … but how many there are, from the run summary
    assert f"本次构建有 {flags:,} 条复核提示" in " ".join(caption.value for caption in leader.caption)
