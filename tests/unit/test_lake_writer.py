"""The raw-data Parquet lake (pipelines/lake.py) on tiny build files: layout, partitions, empty
tables, the atomic replace of a folder, and a year backfill that replaces one partition only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import lake
from pipelines.ingest.catalog import tables_of

ENERGY_TABLES = [table.name for table in tables_of("energy_statistics")]  # every one keyed by "year"


def make_build(path: Path, years=(2018, 2019), families=("energy_statistics", "exchange_prices"), tag: str = "v1") -> Path:
    """A build file with the raw tables of the energy statistics (rows per year), market_daily
    (no year), both registers (one slice per family) and previous_publication_coverage."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        for table in ENERGY_TABLES:
            con.execute(f"CREATE OR REPLACE TABLE raw.{table} (source_file VARCHAR, year INTEGER, value DOUBLE)")
            for year in years:
                con.execute(f"INSERT INTO raw.{table} VALUES (?, ?, 1.5), (?, ?, 2.5)", [f"{tag}.xlsx", year] * 2)
        con.execute("CREATE OR REPLACE TABLE raw.market_daily (source_file VARCHAR, trade_date DATE, close DOUBLE)")
        con.execute("INSERT INTO raw.market_daily VALUES (?, DATE '2020-01-02', 50.0)", [f"{tag}.csv"])
        for register in lake.REGISTERS:
            con.execute(f"CREATE OR REPLACE TABLE raw.{register} (source_family VARCHAR, source_file VARCHAR, modified_at TIMESTAMPTZ)")
            for family in families:
                con.execute(f"INSERT INTO raw.{register} VALUES (?, ?, TIMESTAMPTZ '2020-01-02 03:04:05+00')", [family, tag])
        con.execute("CREATE OR REPLACE TABLE raw.previous_publication_coverage (source_family VARCHAR, year INTEGER, rows_count BIGINT)")
    return path


def lake_rows(folder: Path, table: str) -> list[tuple]:
    with duckdb.connect() as con:
        return sorted(con.execute(f"SELECT * FROM {lake.read_parquet_sql(folder, table)}").fetchall(), key=repr)


def build_rows(build: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(build), read_only=True) as con:
        return sorted(con.execute(f"SELECT * FROM raw.{table}").fetchall(), key=repr)


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))


def test_every_raw_table_in_its_folder_partitioned_with_all_columns_and_types(tmp_path):
    build, folder = make_build(tmp_path / "b.duckdb"), tmp_path / "lake"
    rows = lake.write_tables(build, folder)
    assert lake.tables_in(folder) == sorted([*ENERGY_TABLES, "market_daily", *lake.REGISTERS, "previous_publication_coverage"])
    assert files(folder / "raw" / "energy_balance") == ["year=2018/part-0.parquet", "year=2019/part-0.parquet"]
    assert files(folder / "raw" / "market_daily") == ["part-0.parquet"]
    assert files(folder / "raw" / "quarantine") == ["source_family=energy_statistics/part-0.parquet",
                                                    "source_family=exchange_prices/part-0.parquet"]
    with duckdb.connect() as con:  # the partition column is inside the file itself
        one = con.execute(f"SELECT year FROM read_parquet('{folder}/raw/energy_balance/year=2019/part-0.parquet')").fetchall()
        assert one == [(2019,), (2019,)]
        for table in ["energy_balance", "quarantine", "market_daily"]:
            assert lake_rows(folder, table) == build_rows(build, table)
            assert rows[table] == len(build_rows(build, table))
            with duckdb.connect(str(build), read_only=True) as built:
                assert (con.execute(f"DESCRIBE SELECT * FROM {lake.read_parquet_sql(folder, table)}").fetchall()
                        == built.execute(f"DESCRIBE raw.{table}").fetchall())


def test_a_table_without_rows_still_has_one_file_with_its_schema(tmp_path):
    build, folder = make_build(tmp_path / "b.duckdb", years=()), tmp_path / "lake"
    lake.write_tables(build, folder, ["energy_balance", "previous_publication_coverage"])
    assert files(folder / "raw" / "energy_balance") == ["part-0.parquet"]
    assert lake_rows(folder, "energy_balance") == []
    with duckdb.connect() as con:
        columns = con.execute(f"DESCRIBE SELECT * FROM {lake.read_parquet_sql(folder, 'previous_publication_coverage')}").fetchall()
    assert [(c[0], c[1]) for c in columns] == [("source_family", "VARCHAR"), ("year", "INTEGER"), ("rows_count", "BIGINT")]


def test_a_null_partition_value_gets_the_hive_default_partition(tmp_path):
    build, folder = make_build(tmp_path / "b.duckdb", years=(2018,)), tmp_path / "lake"
    with duckdb.connect(str(build)) as con:
        con.execute("INSERT INTO raw.energy_balance VALUES ('x', NULL, 3.0)")
    lake.write_tables(build, folder, ["energy_balance"])
    assert files(folder / "raw" / "energy_balance") == ["year=2018/part-0.parquet", f"year={lake.NULL_PARTITION}/part-0.parquet"]
    assert lake_rows(folder, "energy_balance") == build_rows(build, "energy_balance")


def test_a_full_write_replaces_the_whole_folder(tmp_path):
    folder = tmp_path / "lake"
    lake.write_tables(make_build(tmp_path / "a.duckdb", years=(2017, 2018)), folder)
    second = make_build(tmp_path / "b.duckdb", years=(2018, 2019), tag="v2")
    lake.write_tables(second, folder, ["energy_balance"])
    assert files(folder / "raw" / "energy_balance") == ["year=2018/part-0.parquet", "year=2019/part-0.parquet"]
    assert lake_rows(folder, "energy_balance") == build_rows(second, "energy_balance")
    assert not list((folder / lake.TEMP_FOLDER).iterdir())  # nothing left aside


def test_without_an_atomic_exchange_the_two_renames_replace_it_too(tmp_path, monkeypatch):
    folder = tmp_path / "lake"
    lake.write_tables(make_build(tmp_path / "a.duckdb", years=(2017,)), folder, ["energy_balance"])
    monkeypatch.setattr(lake, "_exchange", lambda a, b: False)
    second = make_build(tmp_path / "b.duckdb", years=(2019,), tag="v2")
    lake.write_tables(second, folder, ["energy_balance"])
    assert lake_rows(folder, "energy_balance") == build_rows(second, "energy_balance")
    assert not list((folder / lake.TEMP_FOLDER).iterdir())


def test_an_interrupted_write_leaves_the_old_table_whole(tmp_path, monkeypatch):
    first = make_build(tmp_path / "a.duckdb", years=(2017, 2018))
    folder = tmp_path / "lake"
    lake.write_tables(first, folder, ["energy_balance"])
    before = files(folder / "raw" / "energy_balance")
    export = lake._export
    written = []

    def dies_after_one_file(con, table, file, where):
        if written:
            raise KeyboardInterrupt("killed mid-write")
        written.append(file)
        return export(con, table, file, where)

    monkeypatch.setattr(lake, "_export", dies_after_one_file)
    with pytest.raises(KeyboardInterrupt):
        lake.write_tables(make_build(tmp_path / "b.duckdb", years=(2019, 2020), tag="v2"), folder, ["energy_balance"])
    assert written and written[0].is_relative_to(folder / lake.TEMP_FOLDER)  # the half folder is outside raw/
    assert files(folder / "raw" / "energy_balance") == before
    assert lake_rows(folder, "energy_balance") == build_rows(first, "energy_balance")
    lake.clean_leftovers(folder)
    assert not (folder / lake.TEMP_FOLDER).exists()


def test_a_year_backfill_replaces_that_years_partitions_only(tmp_path):
    folder = tmp_path / "lake"
    lake.write_tables(make_build(tmp_path / "a.duckdb", years=(2017, 2018)), folder)
    kept = {p: p.stat().st_ino for p in (folder / "raw").rglob("*.parquet") if "year=2018" not in p.as_posix()}
    # The backfill's build file: 2018 rows changed (and a row more), 2017 and the prices as well,
    # which the backfill must not carry over (only 2018 is reloaded; the rest stays as it was).
    backfill = make_build(tmp_path / "b.duckdb", years=(2017, 2018), tag="v2")
    with duckdb.connect(str(backfill)) as con:
        con.execute("INSERT INTO raw.energy_balance VALUES ('v2.xlsx', 2018, 9.0)")
    done = lake.write_family(backfill, folder, "energy_statistics", 2018)
    assert done["energy_balance"] == 3 and set(done) == {*ENERGY_TABLES, *lake.REGISTERS}
    with duckdb.connect() as con:
        year_rows = con.execute(f"SELECT source_file, year FROM {lake.read_parquet_sql(folder, 'energy_balance')} ORDER BY ALL").fetchall()
        registers = con.execute(f"SELECT source_family, source_file FROM {lake.read_parquet_sql(folder, 'quarantine')} ORDER BY 1").fetchall()
    assert year_rows == [("v1.xlsx", 2017)] * 2 + [("v2.xlsx", 2018)] * 3
    assert registers == [("energy_statistics", "v2"), ("exchange_prices", "v1")]  # the family's slice only
    changed = {p for p, inode in kept.items() if not p.exists() or p.stat().st_ino != inode}
    assert {p.relative_to(folder / "raw").parts[0:2] for p in changed} == {
        ("quarantine", "source_family=energy_statistics"), ("source_files", "source_family=energy_statistics")}


def test_a_full_family_read_replaces_its_tables_and_its_register_slices(tmp_path):
    folder = tmp_path / "lake"
    lake.write_tables(make_build(tmp_path / "a.duckdb"), folder)
    second = make_build(tmp_path / "b.duckdb", years=(2020,), tag="v2")
    done = lake.write_family(second, folder, "exchange_prices", None)
    assert set(done) == {"market_daily", *lake.REGISTERS}
    assert lake_rows(folder, "market_daily") == build_rows(second, "market_daily")
    assert lake_rows(folder, "energy_balance") != build_rows(second, "energy_balance")  # another family's: untouched


def test_partitions_of_an_unpartitioned_table_are_refused(tmp_path):
    build = make_build(tmp_path / "b.duckdb")
    with pytest.raises(ValueError, match="not partitioned"):
        lake.write_partition(build, tmp_path / "lake", "market_daily", 2018)
    with pytest.raises(ValueError, match="cannot name"):
        lake.write_partition(build, tmp_path / "lake", "quarantine", "../x")


def test_ensure_tables_writes_only_what_the_lake_lacks(tmp_path):
    build, folder = make_build(tmp_path / "b.duckdb"), tmp_path / "lake"
    lake.write_partition(build, folder, "quarantine", "exchange_prices")
    assert lake.ensure_tables(build, folder, lake.REGISTERS) == ["source_files"]
    assert files(folder / "raw" / "quarantine") == ["source_family=exchange_prices/part-0.parquet"]
    assert lake_rows(folder, "source_files") == build_rows(build, "source_files")


def test_the_read_expression_and_the_dbt_var_name_the_lake(tmp_path):
    folder = tmp_path / "o'lake"
    assert lake.read_parquet_sql(folder, "market_daily") == (
        f"read_parquet('{str(folder).replace(chr(39), chr(39) * 2)}/raw/market_daily/**/*.parquet', "
        "union_by_name = true, hive_partitioning = false)")
    assert lake.dbt_vars(folder) == {"raw_lake_dir": str(folder.resolve())}


def test_the_registers_are_the_ingestion_registers():
    from pipelines.assets.ingestion import REGISTERS

    assert set(lake.REGISTERS) == set(REGISTERS)
    assert lake.partition_column("quarantine") == "source_family"
    assert lake.partition_column("ets_allocations") == "compliance_year"
    assert lake.partition_column("market_daily") is None


def test_the_lake_is_beside_the_warehouse_unless_moved(tmp_path, monkeypatch):
    from pipelines.resources import WarehouseResource

    monkeypatch.delenv("GHG_LAKE_DIR", raising=False)
    assert WarehouseResource(warehouse_dir=str(tmp_path)).lake() == tmp_path / "lake"
    monkeypatch.setenv("GHG_LAKE_DIR", str(tmp_path / "elsewhere"))
    assert WarehouseResource(warehouse_dir=str(tmp_path)).lake() == tmp_path / "elsewhere"
    assert WarehouseResource(warehouse_dir=str(tmp_path), lake_dir=str(tmp_path / "mine")).lake() == tmp_path / "mine"
