"""The build file helpers and the one publication (pipelines/publication.py), on small DuckDB files.

A "build file" here is a tiny DuckDB file with the schemas the publication reads: marts (the
full warehouse) and public_marts / public_reference (what dbt prepares for the public file).
Kill and failure tests run the publication in a child process, so a SIGKILL or a file-size
limit hits exactly that process, as it would hit a nightly run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines import publication
from pipelines.publication import (
    FAULT_POINTS,
    PublicationRefused,
    current_generation,
    prune_builds,
    publish_generation,
    published_file,
)
from pipelines.warehouse import build_path, replace_rows, replace_table

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def make_build(path: Path, value: int, *, public: bool = True, rows: int = 5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.t AS SELECT range AS id, ? AS v, 'secret' AS enterprise_note FROM range(?)", [value, rows])
        if public:
            con.execute("CREATE SCHEMA public_marts")
            con.execute("CREATE TABLE public_marts.t AS SELECT range AS id, ? AS v FROM range(?)", [value, rows])
            con.execute("CREATE SCHEMA public_reference")
            con.execute("CREATE TABLE public_reference.r AS SELECT 'x' AS code")
    return path


def value_of(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT max(v) FROM marts.t").fetchone()[0]


def run_of(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT run_id FROM meta.publication").fetchone()[0]


def assert_consistent(root: Path, expected_run: str | None) -> None:
    """Both files readable, from one run, the one the manifest names; no staging left to read."""
    generation = current_generation(root)
    if expected_run is None:
        assert generation is None
        return
    assert generation is not None and generation.run_id == expected_run
    assert run_of(generation.full) == expected_run
    assert run_of(generation.public) == expected_run
    # The stable names resolve through `current` to the same pair.
    assert run_of(root / publication.FULL_NAME) == expected_run
    assert run_of(root / publication.PUBLIC_NAME) == expected_run
    assert value_of(published_file(root, "public")) == value_of(published_file(root, "full"))


def test_build_path_rejects_unsafe_run_ids(tmp_path):
    assert build_path(tmp_path, "abc-123_x") == tmp_path / "abc-123_x.duckdb"
    with pytest.raises(ValueError):
        build_path(tmp_path, "../../etc/passwd")


def test_publish_switches_both_files_at_once_and_a_reader_keeps_its_generation(tmp_path):
    root = tmp_path / "warehouse"
    first = publish_generation(make_build(root / "build" / "run1.duckdb", 1), root, run_id="run1")
    assert not (root / "build" / "run1.duckdb").exists()
    assert_consistent(root, "run1")
    assert first.manifest["files"]["ghg.duckdb"]["tables"] == {"marts.t": 5}
    assert first.manifest["files"]["ghg_public.duckdb"]["tables"] == {"marts.t": 5, "reference.r": 1}
    with duckdb.connect(str(first.public), read_only=True) as con:  # the public file holds only public schemas
        assert {row[0] for row in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()} == {
            "marts", "reference", "meta"}
        assert "enterprise_note" not in {row[0] for row in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}

    reader = duckdb.connect(str(published_file(root, "full")), read_only=True)
    publish_generation(make_build(root / "build" / "run2.duckdb", 2), root, run_id="run2")
    assert reader.execute("SELECT max(v) FROM marts.t").fetchone()[0] == 1
    reader.close()
    assert_consistent(root, "run2")
    assert value_of(root / "ghg.duckdb") == 2


def test_the_manifest_counts_review_flags_per_rule(tmp_path):
    """Issue 16: the review flags a build publishes are counted in its manifest; a build without
    the table (made before the flags existed) counts none instead of failing."""
    root = tmp_path / "warehouse"
    build = make_build(root / "build" / "run1.duckdb", 1)
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE SCHEMA audit")
        con.execute("CREATE TABLE audit.audit_review_flags AS SELECT * FROM (VALUES "
                    "('620123', 'energy_intensity_above_range'), ('620123', 'energy_intensity_vs_province'), "
                    "('620200', 'energy_intensity_vs_province')) AS flags(region_code, rule_code)")
    first = publish_generation(build, root, run_id="run1")
    assert first.manifest["review_flags"] == {"energy_intensity_above_range": 1, "energy_intensity_vs_province": 2}
    assert json.loads((first.path / "publication.json").read_text(encoding="utf-8"))["review_flags"] == first.manifest["review_flags"]
    second = publish_generation(make_build(root / "build" / "run2.duckdb", 2), root, run_id="run2")
    assert second.manifest["review_flags"] == {}


def test_publishing_replaces_the_plain_files_of_the_old_layout(tmp_path):
    root = tmp_path / "warehouse"
    make_build(root / "ghg.duckdb", 7, public=False)  # published before generations existed
    (root / "ghg_public.duckdb").write_bytes(b"old public file")
    (root / "ghg.duckdb.wal").write_bytes(b"garbage left by a crash")
    (root / ".ghg_public.4242.tmp.duckdb").write_bytes(b"public temp file of a killed run")
    publish_generation(make_build(root / "build" / "r.duckdb", 3), root, run_id="r")
    assert (root / "ghg.duckdb").is_symlink() and (root / "ghg_public.duckdb").is_symlink()
    assert not (root / "ghg.duckdb.wal").exists() and not (root / ".ghg_public.4242.tmp.duckdb").exists()
    assert_consistent(root, "r")


def test_a_copy_with_links_followed_is_repaired_by_the_next_publication(tmp_path):
    import shutil

    original = tmp_path / "original"
    publish_generation(make_build(original / "build" / "r1.duckdb", 1), original, run_id="r1")
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)  # links followed: `current` and the stable names are plain copies
    assert (copy / "current").is_dir() and not (copy / "current").is_symlink()
    assert value_of(published_file(copy, "full")) == 1  # readers still find the files
    publish_generation(make_build(copy / "build" / "r2.duckdb", 2), copy, run_id="r2")
    assert (copy / "current").is_symlink()
    assert_consistent(copy, "r2")
    assert not list(copy.glob(".replaced-*"))


def test_a_build_without_public_tables_is_refused_and_nothing_moves(tmp_path):
    root = tmp_path / "warehouse"
    publish_generation(make_build(root / "build" / "good.duckdb", 1), root, run_id="good")
    bad = make_build(root / "build" / "bad.duckdb", 2, public=False)
    with pytest.raises(PublicationRefused, match="public_marts"):
        publish_generation(bad, root, run_id="bad")
    assert bad.exists(), "the failed run's build file stays for diagnosis"
    assert_consistent(root, "good")
    assert not list((root / "generations").glob(".staging-*"))


def test_an_identifying_column_never_reaches_the_public_file(tmp_path):
    root = tmp_path / "warehouse"
    build = make_build(root / "build" / "b.duckdb", 1)
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE TABLE public_marts.leak AS SELECT 'x' AS credit_code")
    with pytest.raises(PublicationRefused, match="credit_code"):
        publish_generation(build, root, run_id="b")
    assert current_generation(root) is None


def test_missing_build_file_publishes_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        publish_generation(tmp_path / "build" / "nope.duckdb", tmp_path, run_id="nope")
    assert current_generation(tmp_path) is None


def test_old_generations_are_pruned_but_never_the_current_one(tmp_path):
    root = tmp_path / "warehouse"
    for index in range(4):
        publish_generation(make_build(root / "build" / f"r{index}.duckdb", index), root, run_id=f"r{index}", keep=2)
    names = sorted(p.name for p in (root / "generations").iterdir())
    assert len(names) == 2 and current_generation(root).run_id == "r3"


def test_prune_keeps_the_newest_builds(tmp_path):
    for index in range(5):
        path = tmp_path / f"r{index}.duckdb"
        path.write_bytes(b"x")
        os.utime(path, (time.time() + index, time.time() + index))
    removed = prune_builds(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.glob("*.duckdb")) == ["r3.duckdb", "r4.duckdb"]
    assert len(removed) == 3


def test_prune_removes_the_profile_and_spark_folders_of_gone_builds(tmp_path):
    (tmp_path / "kept.duckdb").write_bytes(b"x")
    for name in ("kept.dbt", "kept.spark", "gone.dbt", "gone.spark/warehouse/marts.db"):
        (tmp_path / name).mkdir(parents=True)
    prune_builds(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.dbt", "kept.duckdb", "kept.spark"]


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


def test_replace_rows_adds_a_column_the_register_did_not_have_yet(tmp_path):
    """A year backfill builds on an older publication whose raw.quarantine lacks blocks_publication."""
    db = tmp_path / "b.duckdb"
    replace_rows(db, "raw", "quarantine", pl.DataFrame({"family": ["a", "b"], "reason": ["x", "y"]}), "family", "a")
    newer = pl.DataFrame({"family": ["a"], "reason": ["z"], "blocks_publication": [True]})
    replace_rows(db, "raw", "quarantine", newer, "family", "a")
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT family, reason, blocks_publication FROM raw.quarantine ORDER BY 1").fetchall()
    assert rows == [("a", "z", True), ("b", "y", None)]  # staging reads the old null as false


# --- a publication killed, or failing, in a child process ------------------------------------------

CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from pipelines.publication import publish_generation
    build, root, run_id, size_limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if size_limit:
        # A file system that fills up: no file of this process may grow beyond size_limit bytes.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size_limit, size_limit))
    publish_generation(Path(build), Path(root), run_id=run_id)
""")


def publish_in_child(build: Path, root: Path, run_id: str, *, kill_at: str = "", size_limit: int = 0) -> subprocess.CompletedProcess:
    env = {**os.environ, publication.FAULT_ENV: kill_at, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-c", CHILD, str(build), str(root), run_id, str(size_limit)],
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def published_once(tmp_path) -> Path:
    """A warehouse folder whose path has a quote, a space and Chinese characters, published once."""
    root = tmp_path / "o'brien 温室气体 warehouse"
    publish_generation(make_build(root / "build" / "first.duckdb", 1), root, run_id="first")
    return root


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_kill_9_at_every_point_leaves_one_consistent_pair(published_once, point):
    root = published_once
    build = make_build(root / "build" / "second.duckdb", 2, rows=50_000)
    child = publish_in_child(build, root, "second", kill_at=point)
    assert child.returncode == -9, child.stderr
    # Killed before the pointer moved: the old pair; after: the new pair. Never a mix.
    expected = "second" if point == "current_swapped" else "first"
    assert_consistent(root, expected)
    # The next run cleans what the killed one left and publishes.
    third = publish_generation(make_build(root / "build" / "third.duckdb", 3), root, run_id="third")
    assert_consistent(root, "third")
    assert not list((root / "generations").glob(".staging-*"))
    assert not list(root.glob(".*.tmp"))
    assert json.loads((third.path / "publication.json").read_text())["run_id"] == "third"


def test_a_full_disk_while_the_public_file_is_written_publishes_nothing(published_once):
    root = published_once
    # The public copy of 200,000 rows cannot be written under a 256 KiB file-size limit.
    build = make_build(root / "build" / "big.duckdb", 2, rows=200_000)
    child = publish_in_child(build, root, "big", size_limit=256 * 1024)
    assert child.returncode != 0
    assert "File too large" in child.stderr or "Errno 27" in child.stderr, child.stderr[-2000:]
    assert_consistent(root, "first")
    assert not list((root / "generations").glob(".staging-*")), "the failed run removes its staging folder"
    assert build.exists(), "the build file stays for diagnosis"
    assert not [p for p in root.rglob("*.wal")]
