"""`ghg`: sub-commands and the exit codes scripts rely on (0 ok, 1 failed, 2 usage/input)."""

from __future__ import annotations


import duckdb
import polars as pl
import pytest

from pipelines import cli, publication
from pipelines.paths import SAMPLE_DIR
from pipelines.writer_lock import lock_path, writer_lock


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
    """A published pair: fct_region_year in both files, fct_enterprise_year (confidential) in the full one."""
    build = warehouse / "build" / "r0.duckdb"
    build.parent.mkdir(parents=True)
    with duckdb.connect(str(build)) as con:
        for schema in ("marts", "public_marts"):
            con.execute(f"CREATE SCHEMA {schema}")
            con.execute(
                f"CREATE TABLE {schema}.fct_region_year AS SELECT * FROM (VALUES "
                "('620000', 2019, 'province', 1.5, '=1+1'), ('620100', 2019, 'city', 0.5, '-2')) t(region_code, year, level, co2_t, note)"
            )
        con.execute("CREATE SCHEMA public_reference")
        con.execute("CREATE TABLE public_reference.ref_x AS SELECT 1 AS x")
        con.execute("CREATE TABLE marts.fct_enterprise_year AS SELECT '91620100MA7000001X' AS credit_code, '某厂' AS enterprise_name, 1.0 AS co2_t")
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.secret AS SELECT 1 AS x")
    publication.publish_generation(build, warehouse, run_id="r0")
    return warehouse / "ghg.duckdb"


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
    monkeypatch.setattr(cli, "run_build", lambda **_: pytest.fail("must not build while locked"))
    with writer_lock(lock_path(), what="Dagster run abc (nightly_build)"):
        assert cli.main(["build"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "another build holds the writer lock" in err and "Dagster run abc" in err


def test_year_backfill_usage_errors(warehouse, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    monkeypatch.setattr(cli, "run_build", lambda year=None, accept_drop=None: pytest.fail("must not build"))
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

    def fake(year=None, accept_drop=None):
        years.append(year)
        return cli.BuildOutcome(success=year != 2018, summary="failed" if year == 2018 else f"run run-{year}: published", run_id=f"run-{year}")

    monkeypatch.setattr(cli, "run_build", fake)
    assert cli.main(["build", "--years", "2019", "2017", "2018", "2017"]) == cli.EXIT_FAILED
    assert years == [2017, 2018]  # sorted, once each, stopped after 2018 failed
    out = capsys.readouterr().out
    assert "2017: reloaded 2017; run run-2017: published" in out and "2018: failed" in out


def test_build_records_its_outcome_for_status(warehouse, tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("GHG_INBOX_DIR", str(inbox))
    monkeypatch.setattr(
        cli, "run_build",
        lambda accept_drop=None: cli.BuildOutcome(False, "run r1 failed at ghg_dbt_assets", "r1", ["ghg_dbt_assets"], 10, ["not_null_x"]),
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


def test_ingest_shows_escape_sequences_from_a_file_instead_of_obeying_them(warehouse, tmp_path, capsys):
    rows = (SAMPLE_DIR / "exchange_prices" / "SZ_daily_2014-2020.csv").read_text(encoding="utf-8").splitlines()
    header, good = rows[0], rows[1]
    hostile = good.split(",")
    hostile[0] = "\x1b[2J\x1b]0;pwned\x07\n# 2019-13-45"  # clear screen, retitle the terminal, a bogus date
    path = tmp_path / "SZ_prices.csv"
    path.write_text("\n".join([header, good, ",".join(f'"{cell}"' if "\n" in cell else cell for cell in hostile)]) + "\n",
                    encoding="utf-8")
    assert cli.main(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J" in out  # shown, escaped, in the quarantine reason


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


def test_export_refuses_unknown_tables_and_missing_warehouse(published, warehouse, tmp_path, capsys):
    out = str(tmp_path / "x.csv")
    assert cli.main(["export", "raw.secret", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    assert cli.main(["export", "secret", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    assert cli.main(["export", "x; drop table y", "--format", "csv", "--out", out]) == cli.EXIT_USAGE
    import shutil

    shutil.rmtree(warehouse)
    warehouse.mkdir()
    assert cli.main(["export", "fct_region_year", "--format", "csv", "--out", out]) == cli.EXIT_USAGE


def test_export_of_a_confidential_table_needs_the_flag_and_says_what_it_holds(published, tmp_path, capsys):
    out = tmp_path / "enterprises.csv"
    assert cli.main(["export", "fct_enterprise_year", "--format", "csv", "--out", str(out)]) == cli.EXIT_USAGE
    assert "--confidential" in capsys.readouterr().err and not out.exists()
    assert cli.main(["export", "fct_enterprise_year", "--format", "csv", "--out", str(out), "--confidential"]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert "CONFIDENTIAL" in captured.err and "credit_code, enterprise_name" in captured.err
    assert "from the full (confidential) warehouse" in captured.out
    assert pl.read_csv(out)["credit_code"].to_list() == ["91620100MA7000001X"]


@pytest.mark.parametrize("target", ["ghg.duckdb", "ghg_public.duckdb", "current/ghg.duckdb", "generations/x.csv",
                                    "build/x.duckdb", "operations.duckdb"])
def test_commands_never_write_a_served_file(published, warehouse, tmp_path, target, capsys):
    before = {path: path.read_bytes() for path in warehouse.rglob("*.duckdb") if path.is_file() and not path.is_symlink()}
    out = warehouse / target
    assert cli.main(["export", "fct_region_year", "--format", "csv", "--out", str(out)]) == cli.EXIT_USAGE
    assert "never written by a command" in capsys.readouterr().err
    source = SAMPLE_DIR / "exchange_prices" / "SZ_daily_2014-2020.csv"
    assert cli.main(["ingest", str(source), "--db", str(out)]) == cli.EXIT_USAGE
    after = {path: path.read_bytes() for path in warehouse.rglob("*.duckdb") if path.is_file() and not path.is_symlink()}
    assert after == before


def test_export_csv_neutralises_formula_cells(published, tmp_path):
    out = tmp_path / "region_year.csv"
    assert cli.main(["export", "fct_region_year", "--format", "csv", "--out", str(out)]) == cli.EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert "'=1+1" in text and "'-2" in text and ",=1+1" not in text
    assert ",1.5," in text  # numbers stay numbers


def test_status_shows_both_published_files_and_row_counts(published, warehouse, capsys):
    assert cli.main(["status"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    generation = publication.current_generation(warehouse)
    assert f"generation {generation.name}: run r0" in out
    assert str(generation.full) in out and str(generation.public) in out
    assert "marts.fct_region_year" in out and " 2 rows" in out and "marts.fct_enterprise_year" in out
    assert "raw.secret" not in out


def test_status_says_a_failed_build_left_the_published_pair(published, capsys):
    import datetime as dt

    from pipelines import ops_store

    row = {
        "run_id": "r9", "recorded_at": dt.datetime(2026, 11, 24, 18, 2, tzinfo=dt.timezone.utc), "status": "failed",
        "published": False, "rows_read": 12, "rows_loaded": 10, "rows_quarantined": 2, "checks_passed": 7,
        "checks_failed": 1, "failed_checks": "completeness_gate", "failed_steps": "ghg_dbt_assets",
        "message": "completeness gate: nothing was published because 1 unit(s) … \x1b[2J",
    }
    ops_store.append("run_summary", pl.DataFrame([row]))
    assert cli.main(["status"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "run r9: FAILED, nothing published" in out and "still those of run r0" in out
    assert "\x1b" not in out and "\\x1b[2J" in out  # the escape sequence is shown, not obeyed


def test_classify_by_path_and_by_headers(tmp_path):
    inside = tmp_path / "inbox" / "energy_statistics" / "activity" / "x.xlsx"
    assert cli.classify(inside) == ("energy_statistics/activity", cli.Path("x.xlsx"))
    allocation = tmp_path / "a.csv"
    allocation.write_text("统一社会信用代码,履约年度,免费配额(吨)\n", encoding="utf-8")
    assert cli.classify(allocation)[0] == "enterprise_reports/allocations"
    gbk = tmp_path / "b.csv"
    gbk.write_bytes("交易日期,交易品种,收盘价\n".encode("gbk"))
    assert cli.classify(gbk)[0] == "exchange_prices"
    tasks = tmp_path / "核查任务_2019.csv"  # its credit-code column must not send it to the export
    tasks.write_text("统一社会信用代码,报告年度,任务类型,核查机构代码\n", encoding="utf-8")
    assert cli.classify(tasks) == ("enterprise_reports/mrv", cli.Path("核查任务_2019.csv"))
    captive = tmp_path / "d.csv"
    captive.write_bytes("统一社会信用代码,年度,自备电厂装机容量(千瓦)\n".encode("gbk"))
    assert cli.classify(captive)[0] == "enterprise_reports/mrv"
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


def test_sample_seeds_an_inbox_that_holds_only_a_readme(tmp_path):
    """A README left at the top of an emptied inbox is not data: --sample still seeds it; a family
    folder with a file is the office's own data and is left alone."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "README.md").write_text("notes", encoding="utf-8")
    assert cli.seed_inbox_from_sample(inbox)
    assert any((inbox / "energy_statistics").rglob("*.xlsx"))

    office = tmp_path / "office"
    (office / "exchange_prices").mkdir(parents=True)
    (office / "exchange_prices" / "prices.csv").write_text("date\n", encoding="utf-8")
    assert not cli.seed_inbox_from_sample(office)
    assert not (office / "energy_statistics").exists()
