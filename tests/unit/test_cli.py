"""`ghg`: sub-commands and the exit codes scripts rely on (0 ok, 1 failed, 2 usage/input)."""

from __future__ import annotations


import duckdb
import polars as pl
import pytest

from pipelines import cli
from pipelines.paths import SAMPLE_DIR
from pipelines.writer_lock import writer_lock


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    root = tmp_path / "warehouse"
    root.mkdir()
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(root))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("GHG_NO_PROGRESS", "1")
    return root


@pytest.fixture
def published(warehouse):
    path = warehouse / "ghg.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.fct_region_year AS SELECT * FROM (VALUES "
            "('620000', 2019, 'province', 1.5), ('620100', 2019, 'city', 0.5)) t(region_code, year, level, co2_t)"
        )
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.secret AS SELECT 1 AS x")
    return path


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["no-such-command"])
    assert exit_info.value.code == cli.EXIT_USAGE
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["export", "fct_region_year", "--format", "docx", "--out", "x"])
    assert exit_info.value.code == cli.EXIT_USAGE


def test_build_without_inbox_is_a_usage_error(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("GHG_INBOX_DIR", str(tmp_path / "no-inbox"))
    assert cli.main(["build"]) == cli.EXIT_USAGE


def test_build_refuses_while_another_build_holds_the_writer_lock(warehouse, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    monkeypatch.setattr(cli, "run_build", lambda: pytest.fail("must not build while locked"))
    with writer_lock():
        assert cli.main(["build"]) == cli.EXIT_FAILED
    assert "another build" in capsys.readouterr().err


def test_year_backfill_usage_errors(warehouse, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    monkeypatch.setattr(cli, "run_build", lambda year=None: pytest.fail("must not build"))
    assert cli.main(["build", "--years", "1999"]) == cli.EXIT_USAGE
    assert "between 2005 and 2035" in capsys.readouterr().err
    # Nothing published yet: a backfill has nothing to build on.
    assert cli.main(["build", "--years", "2018"]) == cli.EXIT_USAGE
    assert "run `ghg build` first" in capsys.readouterr().err


def test_year_backfill_runs_one_year_after_another_and_stops_at_a_failure(published, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    years = []

    def fake(year=None):
        years.append(year)
        return cli.BuildOutcome(success=year != 2018, summary="failed" if year == 2018 else "", run_id=f"run-{year}")

    monkeypatch.setattr(cli, "run_build", fake)
    assert cli.main(["build", "--years", "2019", "2017", "2018", "2017"]) == cli.EXIT_FAILED
    assert years == [2017, 2018]  # sorted, once each, stopped after 2018 failed
    out = capsys.readouterr().out
    assert "2017: run run-2017: reloaded 2017 and published" in out and "2018: failed" in out


def test_build_records_its_outcome_for_status(warehouse, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    monkeypatch.setattr(
        cli, "run_build",
        lambda: cli.BuildOutcome(False, "run r1 failed at ghg_dbt_assets", "r1", ["ghg_dbt_assets"], 10, ["not_null_x"]),
    )
    assert cli.main(["build"]) == cli.EXIT_FAILED
    assert "1 failed (not_null_x)" in capsys.readouterr().out
    assert cli.main(["status"]) == cli.EXIT_FAILED  # nothing published
    out = capsys.readouterr().out
    assert "ghg build run r1: FAILED" in out and "not_null_x" in out and "nothing published yet" in out


def test_ingest_reports_counts_and_reasons_per_file(warehouse, tmp_path, capsys):
    good = SAMPLE_DIR / "exchange_prices" / "SZ_daily_2014-2020.csv"
    loose = tmp_path / "SZ_prices.csv"  # outside any inbox folder: the headers tell the family
    loose.write_bytes(good.read_bytes())
    bad = tmp_path / "notes.csv"
    bad.write_text("hello,world\n1,2\n", encoding="utf-8")
    db = tmp_path / "scratch.duckdb"
    assert cli.main(["ingest", str(loose), str(bad), "--db", str(db)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "[exchange_prices]" in out and "rows accepted" in out
    assert "notes.csv: NOT LOADED" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.market_daily").fetchone()[0] > 0


def test_ingest_reports_quarantine_reasons(warehouse, tmp_path, capsys):
    source = SAMPLE_DIR / "enterprise_reports" / "export" / "温室气体排放报告_2015.csv"
    assert cli.main(["ingest", str(source), "--db", str(tmp_path / "s.duckdb")]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "quarantined" in out and "looks like tonnes" in out


def test_ingest_exits_1_when_nothing_valid_was_loaded(warehouse, tmp_path, capsys):
    bad = tmp_path / "notes.csv"
    bad.write_text("hello,world\n1,2\n", encoding="utf-8")
    assert cli.main(["ingest", str(bad), "--db", str(tmp_path / "s.duckdb")]) == cli.EXIT_FAILED
    assert cli.main(["ingest", str(tmp_path / "missing.csv")]) == cli.EXIT_USAGE


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_export_writes_a_public_table(published, tmp_path, fmt, capsys):
    out = tmp_path / "out" / f"region_year.{fmt}"
    assert cli.main(["export", "fct_region_year", "--format", fmt, "--out", str(out)]) == cli.EXIT_OK
    if fmt == "csv":
        frame = pl.read_csv(out, schema_overrides={"region_code": pl.Utf8})
    elif fmt == "parquet":
        frame = pl.read_parquet(out)
    else:
        frame = pl.read_excel(out, engine="calamine", schema_overrides={"region_code": pl.Utf8})
    assert sorted(frame["region_code"].to_list()) == ["620000", "620100"]
    assert not list(out.parent.glob(".*partial"))


def test_export_refuses_non_public_tables_and_missing_warehouse(published, warehouse, tmp_path, capsys):
    out = str(tmp_path / "x.csv")
    assert cli.main(["export", "raw.secret", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    assert cli.main(["export", "secret", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    assert cli.main(["export", "x; drop table y", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    published.unlink()
    assert cli.main(["export", "fct_region_year", "--format", "csv", "--out", out]) == cli.EXIT_USAGE


def test_status_shows_the_published_file_and_row_counts(published, capsys):
    assert cli.main(["status"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert str(published) in out
    assert "marts.fct_region_year" in out and " 2 rows" in out
    assert "raw.secret" not in out


def test_classify_by_path_and_by_headers(tmp_path):
    inside = tmp_path / "inbox" / "energy_statistics" / "activity" / "x.xlsx"
    assert cli.classify(inside) == ("energy_statistics/activity", cli.Path("x.xlsx"))
    allocation = tmp_path / "a.csv"
    allocation.write_text("统一社会信用代码,履约年度,免费配额(吨)\n", encoding="utf-8")
    assert cli.classify(allocation)[0] == "enterprise_reports/allocations"
    gbk = tmp_path / "b.csv"
    gbk.write_bytes("交易日期,交易品种,收盘价\n".encode("gbk"))
    assert cli.classify(gbk)[0] == "exchange_prices"
    with pytest.raises(cli.UnknownKind):
        cli.classify(tmp_path / "c.pdf")


def test_status_shows_the_run_summary_every_run_writes(published, capsys):
    import datetime as dt

    from pipelines import ops_store

    row = {
        "run_id": "r42", "recorded_at": dt.datetime(2026, 11, 24, 18, 2, tzinfo=dt.timezone.utc), "status": "published",
        "published": True, "rows_read": 12, "rows_loaded": 10, "rows_quarantined": 2, "checks_passed": 7,
        "checks_failed": 1, "failed_checks": "warn_only_check", "failed_steps": "", "message": "",
    }
    ops_store.append("run_summary", pl.DataFrame([row]))
    assert cli.main(["status"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "run r42: published" in out and "quarantined 2" in out and "7 passed, 1 failed (warn_only_check)" in out
