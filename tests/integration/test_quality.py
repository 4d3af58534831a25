"""Issue 4 acceptance: bad rows at the door, blocking Great Expectations checks, data docs
without confidential values, and the run summary of a good and of a failed build. Issue 16: an
unusual but possible figure is a review flag and the build publishes; an impossible one blocks.

One full build for the whole module (~1 min), `good_build` (the sample plus an office's GBK
export with three bad rows); the others rerun the marts on a copy of its publication:
`blocked_build` (mart checks made to fail), `flagged_build` (an industrial county at 22.7
tce/万元) and `negative_energy_build` (a negative energy total).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.identifiers import credit_code_check_char
from pipelines.paths import SAMPLE_DIR
from pipelines.publication import current_generation
from pipelines.run_summary import latest_summaries
from tests.integration.build_helpers import query, run_from_published, run_nightly_build

pytestmark = pytest.mark.integration

EXPORT = "enterprise_reports/export/兰州市_2020_补报.csv"
HEADER = (
    "统一社会信用代码,企业名称,行政区划代码,所属行业,是否纳入碳市场,报告年度,数据状态,提交日期,排放类别,排放源,"
    "活动水平,活动水平单位,低位发热量,低位发热量单位,单位热值含碳量(tC/TJ),碳氧化率(%),排放因子,排放因子单位,排放量(tCO2)"
)


def _code(number: int) -> str:
    first17 = f"91620100QA{number:07d}"
    return first17 + credit_code_check_char(first17)


def _line(number: int, *, code: str | None = None, region: str = "620102", value: str = "15000", unit: str = "吨") -> str:
    return ",".join(
        [
            code or _code(number), f"兰州测试{number:03d}号有限公司", region, "电力", "否", "2020", "企业自报",
            "2021-03-15", "化石燃料燃烧", "原煤", value, unit, "20908", "kJ/kg", "26.37", "98", "", "", "31000",
        ]
    )


VALID = list(range(1, 101))
SLIPPED_INTENSITY = 8123.5  # tce/万元: far beyond ref_quality_thresholds' impossible bound (200)
SLIP, BAD_CODE, BAD_REGION = 101, 102, 103
BAD_CODE_TEXT = _code(BAD_CODE)[:-1] + ("X" if _code(BAD_CODE)[-1] != "X" else "Y")
def _write_export(inbox: Path) -> list[str]:
    rows = [_line(n) for n in VALID]
    rows.append(_line(SLIP, value="12000", unit="万吨"))  # 12000 t typed into the 万吨 column
    rows.append(_line(BAD_CODE, code=BAD_CODE_TEXT))
    rows.append(_line(BAD_REGION, region="629999"))
    path = inbox / EXPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk"))
    return rows


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    inbox, warehouse = root / "inbox", root / "warehouse"
    shutil.copytree(SAMPLE_DIR, inbox)
    _write_export(inbox)
    result = run_nightly_build(inbox, warehouse)
    return inbox, warehouse, result


@pytest.fixture(scope="module")
def blocked_build(good_build):
    """The marts of the good build rebuilt and checked again, with the region-year mart made wrong
    at the check (an energy intensity no region can have: GDP typed in 亿元 where 万元 was meant)
    and the enterprise mart given a region code of 5 digits, so blocking checks fail: the real job
    (its dbt step on the two marts, their Great Expectations checks, the publication), on a build
    file that starts as the published warehouse."""
    import pipelines.assets.checks as checks
    from dagster import AssetKey

    from pipelines.assets.publish import PUBLISHED_KEY

    inbox, warehouse, _ = good_build
    published = warehouse / "ghg.duckdb"
    before = _sha256(published)
    original = checks._read_table

    def tampered(db, suite):
        frame = original(db, suite)
        if frame is None:
            return frame
        if suite.name == "fct_region_year":
            frame = frame.with_columns(
                energy_intensity=pl.when(pl.int_range(pl.len()) == 0).then(SLIPPED_INTENSITY).otherwise(pl.col("energy_intensity"))
            )
        if suite.name == "fct_enterprise_year":
            frame = frame.with_columns(
                region_code=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("62010")).otherwise(pl.col("region_code"))
            )
        return frame

    selection = [AssetKey(["marts", "fct_region_year"]), AssetKey(["marts", "fct_enterprise_year"]), PUBLISHED_KEY]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "_read_table", tampered)
        result = run_from_published(warehouse, selection, inbox)
    return warehouse, result, before


# --- (a) a GBK export with three bad rows ----------------------------------------------------


def test_good_build_publishes(good_build):
    _, warehouse, result = good_build
    assert result.success
    assert (warehouse / "ghg.duckdb").exists()


def test_bad_rows_are_quarantined_with_their_reasons(good_build):
    _, warehouse, _ = good_build
    rows = query(
        warehouse / "ghg.duckdb",
        "select source_row, column_name, value, reason from raw.quarantine where source_file = ? order by source_row",
        [EXPORT],
    )
    assert [r[0] for r in rows] == [102, 103, 104]
    slip, code, region = rows
    assert slip[3] == "unit '万吨' with value 12000 looks like tonnes (×10⁴ too large); row quarantined"
    assert code[1] == "统一社会信用代码" and code[2] == BAD_CODE_TEXT
    assert code[3] == f"credit code '{BAD_CODE_TEXT}' fails the GB 32100 check character (expected '{_code(BAD_CODE)[-1]}')"
    assert region[1] == "行政区划代码" and region[2] == "629999"
    assert region[3] == "region code 629999 does not exist in the 2024 division list"


def test_the_100_valid_rows_reach_raw_staging_and_marts(good_build):
    _, warehouse, _ = good_build
    db = warehouse / "ghg.duckdb"
    assert query(db, "select count(*) from raw.enterprise_report_lines where source_file = ?", [EXPORT])[0][0] == 100
    assert (
        query(db, "select count(*) from staging.stg_raw__enterprise_report_lines where source_file = ?", [EXPORT])[0][0]
        == 100
    )
    marts = {r[0] for r in query(db, "select table_name from information_schema.tables where table_schema = 'marts'")}
    if "fct_enterprise_year" in marts:
        codes = [_code(n) for n in VALID]
        found = query(
            db, "select count(*) from marts.fct_enterprise_year where year = 2020 and list_contains(?, credit_code)", [codes]
        )[0][0]
        assert found == 100


def test_run_summary_of_the_good_build(good_build):
    _, warehouse, result = good_build
    store = warehouse / "operations.duckdb"
    summary = latest_summaries(store).filter(pl.col("run_id") == result.run_id).to_dicts()[0]
    assert summary["status"] == "published" and summary["published"]
    assert summary["checks_failed"] == 0 and summary["checks_passed"] > 0
    assert summary["rows_quarantined"] >= 3
    assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_quarantined"]
    with duckdb.connect(str(store), read_only=True) as con:
        reasons = {
            r[0]
            for r in con.execute(
                "select name from ops.run_summary_detail where run_id = ? and kind = 'quarantined'", [result.run_id]
            ).fetchall()
        }
        checks = dict(
            con.execute(
                "select name, passed from ops.run_summary_detail where run_id = ? and kind = 'check'", [result.run_id]
            ).fetchall()
        )
    assert "unit '万吨' with value 12000 looks like tonnes (×10⁴ too large); row quarantined" in reasons
    assert checks["gx_fct_region_year"] is True
    assert checks["gx_raw_enterprise_report_lines"] is True


# --- (b) a failing blocking check keeps the published warehouse ------------------------------


def _assert_nothing_published(warehouse: Path, result, before: str) -> str:
    """The run failed, Dagster did not start its publish step, and so yesterday's warehouse is
    byte for byte in place; returns the messages of the failed steps."""
    assert not result.success
    succeeded = {event.step_key for event in result.all_events if event.is_step_success}
    assert "warehouse__ghg" not in succeeded
    assert _sha256(warehouse / "ghg.duckdb") == before
    return " ".join(event.event_specific_data.error.message for event in result.all_events if event.is_step_failure)


def test_failing_blocking_check_skips_publish(blocked_build):
    warehouse, result, before = blocked_build
    failure_messages = _assert_nothing_published(warehouse, result, before)
    failed_checks = {
        event.event_specific_data.check_name
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed
    }
    assert "gx_fct_region_year" in failed_checks
    assert "gx_fct_enterprise_year" in failed_checks
    assert "gx_fct_region_year" in failure_messages


def test_run_summary_of_the_failed_build(blocked_build):
    warehouse, result, _ = blocked_build
    summary = latest_summaries(warehouse / "operations.duckdb").filter(pl.col("run_id") == result.run_id).to_dicts()
    assert summary, "a failed run must record its summary"
    (row,) = summary
    assert row["status"] == "failed" and not row["published"]
    assert "gx_fct_region_year" in row["failed_checks"]
    assert row["rows_quarantined"] >= 3


# --- (c) data docs without confidential values ----------------------------------------------


def test_data_docs_hold_no_enterprise_names_or_credit_codes(good_build, blocked_build):
    _, warehouse, _ = good_build
    docs = warehouse / "gx_docs"
    pages = [p for p in docs.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".js"}]
    assert any(p.name == "index.html" for p in pages)
    assert any("fct_region_year" in str(p) for p in pages)
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in pages)
    # The failing sample of the tampered region-year check is in the docs (so the scan is real) …
    assert str(SLIPPED_INTENSITY) in text
    identities = query(
        warehouse / "ghg.duckdb",
        "select distinct credit_code, enterprise_name from raw.enterprise_report_lines",
    )
    leaked = [value for row in identities for value in row if value and value in text]
    assert leaked == []
    assert BAD_CODE_TEXT not in text


# --- (d) issue 16: unusual figures are flagged and published, impossible ones block ------------

FLAGGED_INTENSITY = 22.7  # tce/万元: the industrial county of issue 16, once a blocked publication


def _county_year(warehouse: Path) -> tuple[str, int]:
    """A county-year of the published sample with energy, GDP and a carbon intensity that stays
    plausible (below the impossible bound) when its energy intensity is raised to 22.7."""
    (row,) = query(
        warehouse / "ghg.duckdb",
        "select region_code, year from marts.fct_region_year where level = 'county' and energy_consumption_tce > 0 "
        "and gdp_const_10k_yuan > 0 and co2_for_intensity_t between 0 and 10 * energy_consumption_tce "
        "and energy_intensity < 5 order by year desc, region_code limit 1",
    )
    return row


def _rerun_region_year(good_build, change_sql: str):
    """fct_region_year (with its public copy), its review flags and the publication rerun on a copy
    of the publication whose intermediate region-year table was changed by change_sql."""
    from dagster import AssetKey

    from pipelines.assets.publish import PUBLISHED_KEY

    inbox, warehouse, _ = good_build
    # the public copy too: a dbt test compares it with the full mart
    selection = [AssetKey(["marts", "fct_region_year"]), AssetKey(["public_marts", "pub_fct_region_year"]),
                 AssetKey(["audit", "audit_review_flags"]), PUBLISHED_KEY]
    return run_from_published(warehouse, selection, inbox, change_sql=change_sql)


@pytest.fixture(scope="module")
def flagged_build(good_build):
    """The county's GDP lowered so that its energy intensity is 22.7 tce/万元 (carbon intensity
    and GDP moved with it): unusual, possible, and far above its province."""
    _, warehouse, _ = good_build
    region, year = _county_year(warehouse)
    change = (
        "update intermediate.int_region_year_inventory set "
        f"gdp_const_10k_yuan = energy_consumption_tce / {FLAGGED_INTENSITY}, energy_intensity = {FLAGGED_INTENSITY}, "
        f"carbon_intensity = co2_for_intensity_t / (energy_consumption_tce / {FLAGGED_INTENSITY}) "
        f"where region_code = '{region}' and year = {year}"
    )
    return warehouse, _rerun_region_year(good_build, change), region, year


@pytest.fixture(scope="module")
def negative_energy_build(good_build, flagged_build):
    """A negative energy total for one county (impossible): the run must not publish."""
    _, warehouse, _ = good_build
    region, year = _county_year(warehouse)
    before = _sha256(warehouse / "ghg.duckdb")
    change = (
        "update intermediate.int_region_year_inventory set energy_consumption_tce = -1000 "
        f"where region_code = '{region}' and year = {year}"
    )
    return warehouse, _rerun_region_year(good_build, change), before


def test_an_unusual_county_is_flagged_and_the_build_publishes(flagged_build):
    warehouse, result, region, year = flagged_build
    assert result.success
    generation = current_generation(warehouse)
    assert generation.run_id == result.run_id  # this run published
    flags = query(
        generation.full,
        "select rule_code, value, reference_kind, message_en from audit.audit_review_flags where region_code = ? and year = ?",
        [region, year],
    )
    by_rule = {rule: (value, kind, message) for rule, value, kind, message in flags}
    assert by_rule["energy_intensity_above_range"][0] == pytest.approx(FLAGGED_INTENSITY)
    # Gansu's intensity is near 1: 22.7 is far more than 3 times it.
    _, kind, message = by_rule["energy_intensity_vs_province"]
    assert kind == "province" and message.startswith("energy intensity more than 3 times its province's: 22.7, province ")
    # counted in the manifest and the run summary; the blocking suite passed
    assert generation.manifest["review_flags"]["energy_intensity_above_range"] >= 1
    with duckdb.connect(str(warehouse / "operations.duckdb"), read_only=True) as con:
        counted = dict(con.execute(
            "select name, rows from ops.run_summary_detail where run_id = ? and kind = 'review_flag'", [result.run_id]
        ).fetchall())
        checks = dict(con.execute(
            "select name, passed from ops.run_summary_detail where run_id = ? and kind = 'check'", [result.run_id]
        ).fetchall())
    assert counted == generation.manifest["review_flags"]
    assert checks["gx_fct_region_year"] is True


def test_review_flags_stay_out_of_the_public_file(flagged_build):
    warehouse, _, _, _ = flagged_build
    schemas = {row[0] for row in query(current_generation(warehouse).public, "select distinct table_schema from information_schema.tables")}
    assert "audit" not in schemas


def test_a_negative_energy_total_still_blocks(negative_energy_build):
    warehouse, result, before = negative_energy_build
    assert "fct_region_year" in _assert_nothing_published(warehouse, result, before)
