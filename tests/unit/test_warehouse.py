"""The build-then-swap publication, on small DuckDB files."""

from __future__ import annotations

import os
import time

import duckdb
import polars as pl
import pytest

from pipelines.warehouse import build_path, prune_builds, publish, replace_rows, replace_table


def _make_build(path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.t AS SELECT range AS id, ? AS v FROM range(5)", [value])


def test_build_path_rejects_unsafe_run_ids(tmp_path):
    assert build_path(tmp_path, "abc-123_x") == tmp_path / "abc-123_x.duckdb"
    with pytest.raises(ValueError):
        build_path(tmp_path, "../../etc/passwd")


def test_publish_replaces_the_served_file_atomically(tmp_path):
    served = tmp_path / "ghg.duckdb"
    first = tmp_path / "build" / "run1.duckdb"
    first.parent.mkdir()
    _make_build(first, 1)
    publication = publish(first, served)
    assert publication.tables == {"marts.t": 5}
    assert not first.exists()

    # A reader holding the old file keeps reading it while the next build is published.
    reader = duckdb.connect(str(served), read_only=True)
    second = tmp_path / "build" / "run2.duckdb"
    _make_build(second, 2)
    publish(second, served)
    assert reader.execute("SELECT max(v) FROM marts.t").fetchone()[0] == 1
    reader.close()
    with duckdb.connect(str(served), read_only=True) as fresh:
        assert fresh.execute("SELECT max(v) FROM marts.t").fetchone()[0] == 2


def test_publish_of_a_missing_build_leaves_the_served_file(tmp_path):
    served = tmp_path / "ghg.duckdb"
    _make_build(served, 7)
    with pytest.raises(FileNotFoundError):
        publish(tmp_path / "build" / "nope.duckdb", served)
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("SELECT max(v) FROM marts.t").fetchone()[0] == 7


def test_publish_removes_a_stale_wal_beside_the_served_file(tmp_path):
    served = tmp_path / "ghg.duckdb"
    build = tmp_path / "b.duckdb"
    _make_build(build, 3)
    served.with_name("ghg.duckdb.wal").write_bytes(b"garbage left by a crash")
    publish(build, served)
    assert not served.with_name("ghg.duckdb.wal").exists()
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("SELECT max(v) FROM marts.t").fetchone()[0] == 3


def test_prune_keeps_the_newest_builds(tmp_path):
    for index in range(5):
        path = tmp_path / f"r{index}.duckdb"
        path.write_bytes(b"x")
        os.utime(path, (time.time() + index, time.time() + index))
    removed = prune_builds(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.glob("*.duckdb")) == ["r3.duckdb", "r4.duckdb"]
    assert len(removed) == 3


def test_replace_rows_only_touches_its_own_slice(tmp_path):
    db = tmp_path / "b.duckdb"
    a = pl.DataFrame({"family": ["a", "a"], "reason": ["x", "y"]})
    b = pl.DataFrame({"family": ["b"], "reason": ["z"]})
    replace_rows(db, "raw", "quarantine", a, "family", "a")
    replace_rows(db, "raw", "quarantine", b, "family", "b")
    replace_rows(db, "raw", "quarantine", a.head(1), "family", "a")
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT family, reason FROM raw.quarantine ORDER BY 1, 2").fetchall()
    assert rows == [("a", "x"), ("b", "z")]
    assert replace_table(db, "raw", "t", b) == 1
