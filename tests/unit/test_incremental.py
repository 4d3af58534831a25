"""The pure parts of the incremental night (pipelines/incremental.py): what dbt rebuilds, what is
copied and in which order, and when a request falls back to a full build."""

from __future__ import annotations

import os

import duckdb

from pipelines import incremental


def _node(kind: str, name: str, parents: list[str], materialized: str = "table", schema: str = "marts") -> dict:
    return {"resource_type": kind, "name": name, "schema": schema, "config": {"materialized": materialized},
            "depends_on": {"nodes": parents}}


def _manifest() -> dict:
    nodes = {
        "seed.p.ref": _node("seed", "ref", [], "seed", "reference"),
        "model.p.stg_prices": _node("model", "stg_prices", ["source.p.raw.prices"], "view", "staging"),
        "model.p.stg_balance": _node("model", "stg_balance", ["source.p.raw.balance"], "view", "staging"),
        "model.p.int_energy": _node("model", "int_energy", ["model.p.stg_balance", "seed.p.ref"]),
        "model.p.fct_market": _node("model", "fct_market", ["model.p.stg_prices"]),
        "model.p.fct_both": _node("model", "fct_both", ["model.p.int_energy", "model.p.fct_market"]),
        "test.p.not_null_int_energy": _node("test", "not_null_int_energy", ["model.p.int_energy"]),
        "test.p.not_null_stg_balance": _node("test", "not_null_stg_balance", ["model.p.stg_balance"]),
        "test.p.energy_vs_market": _node("test", "energy_vs_market", ["model.p.int_energy", "model.p.fct_market"]),
    }
    sources = {
        "source.p.raw.prices": {"source_name": "raw", "name": "prices"},
        "source.p.raw.balance": {"source_name": "raw", "name": "balance"},
    }
    children: dict[str, list[str]] = {uid: [] for uid in [*nodes, *sources]}
    for uid, node in nodes.items():
        for parent in node["depends_on"]["nodes"]:
            children[parent].append(uid)
    return {"nodes": nodes, "sources": sources, "child_map": children}


def test_only_the_descendants_of_a_changed_table_are_rebuilt_and_the_rest_copied_parents_first():
    plan = incremental.dbt_plan(_manifest(), [("raw", "prices")])
    assert plan.rebuilt == {"model.p.stg_prices", "model.p.fct_market", "model.p.fct_both"}
    copied = plan.copied_ids
    assert set(copied) == {"seed.p.ref", "model.p.stg_balance", "model.p.int_energy"}
    assert copied.index("model.p.stg_balance") < copied.index("model.p.int_energy")
    assert copied.index("seed.p.ref") < copied.index("model.p.int_energy")
    assert ("staging", "stg_balance") in [(schema, name) for _, schema, name in plan.copied]
    # copied nodes are excluded, and tests none of whose parents changed; a test with one changed parent runs
    assert {"ref", "stg_balance", "int_energy", "not_null_int_energy", "not_null_stg_balance"} == set(plan.exclude)
    assert "energy_vs_market" not in plan.exclude


def test_nothing_changed_copies_everything_and_runs_no_test():
    plan = incremental.dbt_plan(_manifest(), [])
    assert plan.rebuilt == frozenset()
    assert len(plan.copied) == 6
    assert {"not_null_int_energy", "not_null_stg_balance", "energy_vs_market"} <= set(plan.exclude)


def test_a_model_judged_on_the_build_date_is_rebuilt_every_night_with_its_descendants():
    manifest = _manifest()
    manifest["nodes"]["model.p.int_energy"]["tags"] = [incremental.AS_OF_DATE_TAG]
    plan = incremental.dbt_plan(manifest, [])
    assert plan.rebuilt == {"model.p.int_energy", "model.p.fct_both"}
    assert set(plan.copied_ids) == {"seed.p.ref", "model.p.stg_balance", "model.p.stg_prices", "model.p.fct_market"}
    assert "not_null_int_energy" not in plan.exclude


def test_changed_sources_add_the_registers_only_when_a_family_changed():
    tables = {"prices": ["market_daily"], "statistics": ["energy_balance"]}
    assert incremental.changed_sources([], tables, ["quarantine"], ["previous"]) == [("raw", "previous")]
    assert incremental.changed_sources(["prices"], tables, ["quarantine"], ["previous"]) == [
        ("raw", "market_daily"), ("raw", "quarantine"), ("raw", "previous")]


def test_family_fingerprint_changes_with_content_time_and_name(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "prices").mkdir(parents=True)
    path = inbox / "prices" / "a.csv"
    path.write_text("x\n1\n", encoding="utf-8")
    first = incremental.family_fingerprint(inbox, [path])
    assert incremental.family_fingerprint(inbox, [path]) == first
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    later = incremental.family_fingerprint(inbox, [path])
    assert later != first  # a re-delivery's order is its modification time
    stamp = path.stat().st_mtime_ns
    path.write_text("x\n2\n", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert incremental.family_fingerprint(inbox, [path]) != later
    renamed = path.rename(inbox / "prices" / "b.csv")
    assert incremental.family_fingerprint(inbox, [renamed]) not in (first, later)


def test_mode_falls_back_to_a_full_build_without_a_publication_of_the_same_code(tmp_path):
    published = tmp_path / "ghg.duckdb"
    assert not incremental.choose_mode(False, published, "g", "c").incremental
    assert "nothing published" in incremental.choose_mode(True, published, None, "c").reason
    duckdb.connect(str(published)).close()
    assert "no code fingerprint" in incremental.choose_mode(True, published, "g", "c").reason
    incremental.record_mode(published, incremental.RunMode(False, None, "full"), "c")
    assert incremental.choose_mode(True, published, "g", "c").incremental
    assert "code changed" in incremental.choose_mode(True, published, "g", "d").reason


def test_copy_relations_copies_tables_and_views_in_order_and_skips_what_is_missing(tmp_path):
    published, build = tmp_path / "pub.duckdb", tmp_path / "build.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA marts")
        con.execute("CREATE TABLE raw.t AS SELECT range AS v FROM range(5)")
        con.execute("CREATE VIEW staging.v AS SELECT v * 2 AS w FROM raw.t")
        con.execute("CREATE TABLE marts.m AS SELECT sum(w) AS s FROM staging.v")
    incremental.copy_schemas(published, build, ["raw"])
    copied = incremental.copy_relations(published, build, [("staging", "v"), ("marts", "m"), ("marts", "absent")])
    assert copied == 2
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("SELECT sum(w) FROM staging.v").fetchone()[0] == 20
        assert con.execute("SELECT s FROM marts.m").fetchone()[0] == 20


def test_unattended_runs_are_incremental_unless_the_office_says_full(monkeypatch):
    monkeypatch.delenv(incremental.NIGHTLY_MODE_ENV, raising=False)
    assert incremental.nightly_mode_tags() == {incremental.MODE_TAG: incremental.INCREMENTAL}
    monkeypatch.setenv(incremental.NIGHTLY_MODE_ENV, "full")
    assert incremental.nightly_mode_tags() == {}
