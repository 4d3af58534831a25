"""Compare what Spark built with what DuckDB built, table for table, row for row.

    python -m bench.compare_engines DUCKDB_WAREHOUSE.duckdb SPARK_DIR [--rel-tol 1e-9] [--schema marts ...]

The promise of the `spark` target (issue 18): the same project gives the same warehouse on both
engines. For every table of the compared schemas (by default the marts, the audit tables and the
public warehouse's two schemas) the Spark table must exist, have the same columns in the same
order with the same types (as DuckDB reads Spark's Parquet), the same row count and the same rows:
text, integers, dates and booleans equal, floating-point numbers within rel_tol relative (the two
engines add in different orders). The Spark tables are first copied into a DuckDB file next to the
Spark folder (pipelines/spark_target.py, as a run on Spark does before its checks), then compared
with bench/compare_marts.py.

Exit code 0 when every table agrees, 1 otherwise; the report goes to standard output.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.compare_marts import Comparison, compare, report
from pipelines.spark_target import load_spark_tables

SCHEMAS = ("marts", "audit", "public_marts", "public_reference")


@dataclass
class EngineComparison:
    schema: str
    rows: Comparison
    type_differences: list[str]

    @property
    def equal(self) -> bool:
        # A table only Spark has is as wrong as one it lacks: the engines must build the same set.
        return self.rows.equal and not self.rows.only_after and not self.type_differences


def column_types(db_path: Path, schema: str) -> dict[tuple[str, int], tuple[str, str]]:
    """(table, position) → (column, type) of every column of the schema."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, ordinal_position, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ?",
            [schema],
        ).fetchall()
    return {(table, position): (column, data_type) for table, position, column, data_type in rows}


def type_differences(duckdb_path: Path, spark_path: Path, schema: str) -> list[str]:
    """Columns whose name or type differ at the same position of the same table."""
    expected, actual = column_types(duckdb_path, schema), column_types(spark_path, schema)
    spark_tables = {table for table, _ in actual}
    return [
        f"{schema}.{table} column {position}: duckdb {expected[(table, position)]} · spark {actual.get((table, position))}"
        for table, position in sorted(expected)
        if table in spark_tables and actual.get((table, position)) != expected[(table, position)]
    ]


def compare_engines(duckdb_path: Path, spark_dir: Path, schemas=SCHEMAS, rel_tol: float = 1e-9) -> list[EngineComparison]:
    spark_copy = spark_dir / "spark_tables.duckdb"
    spark_copy.unlink(missing_ok=True)
    load_spark_tables(spark_dir, spark_copy, tuple(schemas))
    return [
        EngineComparison(schema, compare(duckdb_path, spark_copy, schema, rel_tol), type_differences(duckdb_path, spark_copy, schema))
        for schema in schemas
    ]


def engines_report(comparisons: list[EngineComparison]) -> str:
    lines = []
    for comparison in comparisons:
        lines.append(f"== {comparison.schema}")
        lines.append(report(comparison.rows).replace("before", "duckdb").replace("after", "spark"))
        lines += [f"    TYPE {difference}" for difference in comparison.type_differences]
    lines.append("engines agree" if all(c.equal for c in comparisons) else "engines DIFFER")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("duckdb_warehouse", type=Path)
    parser.add_argument("spark_dir", type=Path)
    parser.add_argument("--schema", action="append", help=f"a schema to compare (repeatable; default {', '.join(SCHEMAS)})")
    parser.add_argument("--rel-tol", type=float, default=1e-9)
    args = parser.parse_args(argv)
    comparisons = compare_engines(args.duckdb_warehouse, args.spark_dir, tuple(args.schema or SCHEMAS), args.rel_tol)
    print(engines_report(comparisons))
    return 0 if all(c.equal for c in comparisons) else 1


if __name__ == "__main__":
    sys.exit(main())
