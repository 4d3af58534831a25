"""The raw-data Parquet lake (issue 18): the build file's raw tables as Parquet files that DuckDB
and Spark both read.

Layout (docs/operations.md, "The raw-data lake"): `<lake>/raw/<table>/…/*.parquet`, one folder per
table of schema `raw`. A table with a report year (catalog.RawTable.year_column) is split in
hive style by it, `<table>/<year_column>=<Y>/part-0.parquet`; the registers every family writes a
slice of (quarantine, source_files) by `source_family=<family>/`; any other table is one file.
Every file keeps ALL columns, the partition column included, so readers read the folder
recursively without partition inference (read_parquet_sql; Spark `recursiveFileLookup`) and get
the raw table's own types. A table or partition with no rows still has one file: its schema.

The lake is copied FROM the build file (DuckDB COPY … TO … (FORMAT parquet)), after the build file
is written: it holds the raw tables of the latest build that read them, published or not.

Every folder is written under `<lake>/.tmp/` (outside `raw/`, so no reader's glob sees it) and then
swapped in by rename: a reader, or a write interrupted at any point, sees the whole old folder or
the whole new one, never half a table.

Pure functions, no Dagster: the ingestion assets (pipelines/assets/ingestion.py) call them.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

from pipelines.ingest.catalog import RAW_TABLES, tables_of

RAW_SCHEMA = "raw"
RAW_FOLDER = "raw"
TEMP_FOLDER = ".tmp"
FILE_NAME = "part-0.parquet"
# A row whose partition value is null (Hive's and Spark's name for that partition).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# The registers every family owns a slice of, partitioned by that slice.
REGISTER_COLUMN = "source_family"
REGISTERS = ("quarantine", "source_files")
# The dbt var that points every `raw` source at the lake (dbt_project/dbt_project.yml).
DBT_VAR = "raw_lake_dir"

_YEAR_COLUMNS = {table.name: table.year_column for table in RAW_TABLES}


def partition_column(table: str) -> str | None:
    """The column a table's folder is split by: its report year, the family for a register, else none."""
    if table in REGISTERS:
        return REGISTER_COLUMN
    return _YEAR_COLUMNS.get(table)


def table_dir(lake: Path, table: str) -> Path:
    return Path(lake) / RAW_FOLDER / table


def table_glob(lake: Path, table: str) -> str:
    """Every Parquet file of a table, at any depth (dbt_project/macros/raw_lake.sql writes the same pattern)."""
    return f"{table_dir(lake, table)}/**/*.parquet"


def read_parquet_sql(lake: Path, table: str) -> str:
    """The DuckDB expression that reads one raw table from the lake. No partition inference: the
    partition column is in every file with its own type, and DuckDB would otherwise detect the
    `year=2018` folders by itself and read the column from the path as BIGINT."""
    return f"read_parquet({_sql_string(table_glob(lake, table))}, union_by_name = true, hive_partitioning = false)"


def dbt_vars(lake: Path) -> dict[str, str]:
    """The dbt --vars that make dbt-duckdb read every `raw` source from this lake."""
    return {DBT_VAR: str(Path(lake).resolve())}


def tables_in(lake: Path) -> list[str]:
    """The tables the lake holds (folders under raw/ with at least one Parquet file)."""
    root = Path(lake) / RAW_FOLDER
    if not root.is_dir():
        return []
    return sorted(folder.name for folder in root.iterdir() if folder.is_dir() and _holds_parquet(folder))


def _holds_parquet(folder: Path) -> bool:
    return next(folder.rglob("*.parquet"), None) is not None


# --- writing --------------------------------------------------------------------------------------


def write_tables(build_file: Path, lake: Path, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Replace the lake folders of the given raw tables (default: every table of schema raw of the
    build file) whole, each partitioned as partition_column says; returns {table: rows}."""
    rows = {}
    with duckdb.connect(str(build_file), read_only=True) as con:
        names = list(tables) if tables is not None else _raw_tables(con)
        for table in names:
            staging = _staging(lake, table)
            rows[table] = _export_table(con, table, staging)
            _swap_in(staging, table_dir(lake, table))
    return rows


def write_partition(build_file: Path, lake: Path, table: str, value) -> int:
    """Replace one partition (`<partition column>=<value>`) of a table's lake folder with the build
    file's rows of that value, the other partitions untouched; returns its rows."""
    column = partition_column(table)
    if column is None:
        raise ValueError(f"raw.{table} is not partitioned in the lake: write it whole (write_tables)")
    name = _partition_name(column, value)
    staging = _staging(lake, f"{table}.{name}")
    with duckdb.connect(str(build_file), read_only=True) as con:
        rows = _export(con, table, staging / FILE_NAME, _filter(column, value))
    _swap_in(staging, table_dir(lake, table) / name)
    return rows


def write_family(build_file: Path, lake: Path, family: str, year: int | None) -> dict[str, int]:
    """Copy what one family's ingestion wrote into the build file: a full read (year None) replaces
    its tables whole, a year backfill only the year's partition of its year-keyed tables (the
    others stay as they are, as in the build file); either way its slice of each register.
    Returns {table: rows written}."""
    done = {register: write_partition(build_file, lake, register, family) for register in REGISTERS}
    tables = tables_of(family)
    if year is None:
        done.update(write_tables(build_file, lake, [table.name for table in tables]))
    else:
        for table in tables:
            if table.year_column:
                done[table.name] = write_partition(build_file, lake, table.name, year)
    return done


def ensure_tables(build_file: Path, lake: Path, tables: Iterable[str]) -> list[str]:
    """Write whole the given tables the lake does not hold yet (a register no family wrote a slice
    of); returns those written."""
    missing = [table for table in tables if not _holds_parquet(table_dir(lake, table))]
    write_tables(build_file, lake, missing)
    return missing


def clean_leftovers(lake: Path) -> None:
    """Remove what killed writes left under <lake>/.tmp/ (never read). Call it holding the writer lock."""
    shutil.rmtree(Path(lake) / TEMP_FOLDER, ignore_errors=True)


def _raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? ORDER BY 1",
        [RAW_SCHEMA],
    ).fetchall()]


def _export_table(con: duckdb.DuckDBPyConnection, table: str, folder: Path) -> int:
    """Write a whole table into an empty folder: one file per partition value, or one file."""
    column = partition_column(table)
    if column is None:
        return _export(con, table, folder / FILE_NAME, "true")
    values = [row[0] for row in con.execute(f'SELECT DISTINCT "{column}" FROM {_qualified(table)} ORDER BY 1 NULLS LAST').fetchall()]
    if not values:  # no rows: one file with the schema, at the top of the table's folder
        return _export(con, table, folder / FILE_NAME, "false")
    return sum(_export(con, table, folder / _partition_name(column, value) / FILE_NAME, _filter(column, value)) for value in values)


def _export(con: duckdb.DuckDBPyConnection, table: str, file: Path, where: str) -> int:
    """COPY the table's rows matching `where` (in their stored order) into one Parquet file."""
    file.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY (SELECT * FROM {_qualified(table)} WHERE {where}) TO {_sql_string(str(file))} (FORMAT parquet)")
    return con.execute(f"SELECT count(*) FROM read_parquet({_sql_string(str(file))})").fetchone()[0]


def _filter(column: str, value) -> str:
    """The WHERE condition of one partition's rows (COPY takes no parameters)."""
    if value is None:
        return f'"{column}" IS NULL'
    literal = str(int(value)) if isinstance(value, int) else _sql_string(str(value))
    return f'"{column}" = {literal}'


def _partition_name(column: str, value) -> str:
    text = NULL_PARTITION if value is None else str(value)
    if "/" in text or text in (".", ".."):
        raise ValueError(f"{column}={text!r} cannot name a partition folder")
    return f"{column}={text}"


def _qualified(table: str) -> str:
    return f'"{RAW_SCHEMA}"."{table}"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _staging(lake: Path, name: str) -> Path:
    """A fresh folder under <lake>/.tmp/, on the lake's file system so that rename can swap it in."""
    folder = Path(lake) / TEMP_FOLDER / f"{name}.{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    return folder


def _swap_in(new: Path, target: Path) -> None:
    """Put folder `new` at `target`, replacing what was there, by rename.

    Linux swaps the two names in one step (renameat2 RENAME_EXCHANGE), so `target` always names a
    whole folder. Elsewhere the old folder is renamed aside first: a crash between the two renames
    leaves no folder at `target` (a missing table, never a half one) until the next write.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # now the old folder
        return
    aside = new.with_name(new.name + ".old")
    os.rename(target, aside)
    os.rename(new, target)
    shutil.rmtree(aside)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
