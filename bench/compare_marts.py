"""Compare the marts of two warehouses row for row.

    python -m bench.compare_marts BEFORE.duckdb AFTER.duckdb [--schema marts] [--rel-tol 1e-12] [--abs-tol 0]

What a refactor promises ("the marts are identical before and after") made checkable: for every
table of the schema in either file, the columns, the row count, and every row — rows are matched
after sorting by all their text, integer, date and boolean columns, then compared column by
column; floating-point numbers may differ by rel_tol relative (summation order changes the last
bits when DuckDB parallelises a sum differently) or by abs_tol absolute (default 0: a share that
is a difference of near-equal sums, read in another row order, is off by ~1e-16 absolute, which
is a large relative error on a value near zero), everything else must be equal. A table or
column only in one file is reported, not an error by itself: a refactor may add a mart.

Exit code 0 when every common table agrees, 1 otherwise; the report goes to standard output.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


@dataclass
class TableComparison:
    table: str
    rows_before: int
    rows_after: int
    columns_only_before: list[str] = field(default_factory=list)
    columns_only_after: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # the first few differing cells, readable

    @property
    def equal(self) -> bool:
        return self.rows_before == self.rows_after and not self.differences and not self.columns_only_before


@dataclass
class Comparison:
    tables: list[TableComparison]
    only_before: list[str]
    only_after: list[str]

    @property
    def equal(self) -> bool:
        return not self.only_before and all(table.equal for table in self.tables)


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return dict(rows)


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]).fetchall()
    return {name for (name,) in rows}


def _sorted_rows(con, schema: str, table: str, columns: list[str], keys: list[str]) -> list[tuple]:
    select = ", ".join(f'"{column}"' for column in columns)
    order = ", ".join(f'"{key}" NULLS FIRST' for key in keys) or "1"
    return con.execute(f'SELECT {select} FROM "{schema}"."{table}" ORDER BY {order}').fetchall()


def _same(value_before, value_after, is_float: bool, rel_tol: float, abs_tol: float = 0.0) -> bool:
    if value_before is None or value_after is None or not is_float:
        return value_before == value_after
    if math.isnan(value_before) or math.isnan(value_after):
        return math.isnan(value_before) and math.isnan(value_after)
    return math.isclose(value_before, value_after, rel_tol=rel_tol, abs_tol=abs_tol)


def compare_table(before, after, schema: str, table: str, rel_tol: float, max_differences: int = 5,
                  abs_tol: float = 0.0) -> TableComparison:
    columns_before, columns_after = _columns(before, schema, table), _columns(after, schema, table)
    common = [column for column in columns_before if column in columns_after]
    result = TableComparison(
        table,
        before.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0],
        after.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0],
        [column for column in columns_before if column not in columns_after],
        [column for column in columns_after if column not in columns_before],
    )
    if result.rows_before != result.rows_after:
        result.differences.append(f"{result.rows_before} rows before, {result.rows_after} after")
        return result
    floats = {column for column in common if columns_before[column].upper() in FLOAT_TYPES}
    # Sorting by the exact columns pairs the rows; floats are left out of the key since their last
    # bits may differ (a float that tells two rows apart would then pair them wrongly: reported).
    keys = [column for column in common if column not in floats]
    # Rows the exact columns do not tell apart (a table without a unique key) are then ordered by
    # their floats, so that near-equal rows still pair up.
    order = keys + [column for column in common if column in floats]
    rows_before = _sorted_rows(before, schema, table, common, order)
    rows_after = _sorted_rows(after, schema, table, common, order)
    for number, (row_before, row_after) in enumerate(zip(rows_before, rows_after, strict=True), start=1):
        for column, value_before, value_after in zip(common, row_before, row_after, strict=True):
            if not _same(value_before, value_after, column in floats, rel_tol, abs_tol):
                key = {k: v for k, v in zip(common, row_before, strict=True) if k in keys[:4]}
                result.differences.append(f"row {number} {key}: {column} {value_before!r} → {value_after!r}")
                if len(result.differences) >= max_differences:
                    return result
    return result


def compare(before_path: Path, after_path: Path, schema: str = "marts", rel_tol: float = 1e-12, abs_tol: float = 0.0) -> Comparison:
    with duckdb.connect(str(before_path), read_only=True) as before, duckdb.connect(str(after_path), read_only=True) as after:
        tables_before, tables_after = _tables(before, schema), _tables(after, schema)
        return Comparison(
            [compare_table(before, after, schema, table, rel_tol, abs_tol=abs_tol) for table in sorted(tables_before & tables_after)],
            sorted(tables_before - tables_after),
            sorted(tables_after - tables_before),
        )


def report(comparison: Comparison) -> str:
    lines = []
    for table in comparison.tables:
        status = "identical" if table.equal else "DIFFERENT"
        lines.append(f"{table.table:40} {table.rows_before:>9} rows  {status}")
        lines += [f"    column only before: {column}" for column in table.columns_only_before]
        lines += [f"    column added: {column}" for column in table.columns_only_after]
        lines += [f"    {difference}" for difference in table.differences]
    lines += [f"{name:40} only before (removed)" for name in comparison.only_before]
    lines += [f"{name:40} only after (added)" for name in comparison.only_after]
    lines.append("marts agree" if comparison.equal else "marts DIFFER")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--rel-tol", type=float, default=1e-12)
    parser.add_argument("--abs-tol", type=float, default=0.0)
    args = parser.parse_args(argv)
    comparison = compare(args.before, args.after, args.schema, args.rel_tol, args.abs_tol)
    print(report(comparison))
    return 0 if comparison.equal else 1


if __name__ == "__main__":
    sys.exit(main())
