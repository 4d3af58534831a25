import duckdb
import polars as pl

from pipelines.ops_store import append, read


def test_append_creates_and_accumulates(tmp_path):
    store = tmp_path / "operations.duckdb"
    assert read("select 1", store=store).is_empty()
    append("alerts", pl.DataFrame({"run_id": ["a"], "message": ["x"]}), store=store)
    append("alerts", pl.DataFrame({"run_id": ["b"], "message": ["y"]}), store=store)
    assert read("select run_id from ops.alerts order by 1", store=store)["run_id"].to_list() == ["a", "b"]


def test_a_reader_does_not_block_an_append(tmp_path):
    store = tmp_path / "operations.duckdb"
    append("t", pl.DataFrame({"v": [1]}), store=store)
    reader = duckdb.connect(str(store), read_only=True)
    append("t", pl.DataFrame({"v": [2]}), store=store)
    assert reader.execute("select count(*) from ops.t").fetchone()[0] == 1
    reader.close()
    assert read("select count(*) as n from ops.t", store=store)["n"][0] == 2
