"""Great Expectations suites (quality/suites.py) as Dagster asset checks.

One check per suite, on the asset that holds the table. The mart suites are blocking: when one
fails, Dagster does not start the publish step of that run, so leaders keep yesterday's numbers.
The checks read this run's build file read-only, hand a polars frame to quality.runner (which
converts to pandas for GX) and update the data docs under <warehouse>/gx_docs/.
"""


from collections.abc import Iterable

import duckdb
import polars as pl
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from pipelines.resources import WarehouseResource
from quality.suites import IDENTIFYING_COLUMNS, SUITES, Suite

CHECK_PREFIX = "gx_"
DOCS_FOLDER = "gx_docs"


def _read_table(db, suite: Suite) -> pl.DataFrame | None:
    with duckdb.connect(str(db), read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [suite.schema, suite.table],
        ).fetchone()[0]
        if not exists:
            return None
        columns = {row[0] for row in con.execute(f'DESCRIBE "{suite.schema}"."{suite.table}"').fetchall()}
        # Only the suite's columns: less to read, and never an identifying column.
        wanted = [c for c in suite.columns if c in columns and c not in IDENTIFYING_COLUMNS]
        select = ", ".join(f'"{c}"' for c in dict.fromkeys(wanted))
        return pl.from_arrow(con.sql(f'SELECT {select} FROM "{suite.schema}"."{suite.table}"').to_arrow_table())


def evaluate(suite: Suite, warehouse: WarehouseResource, run_id: str) -> AssetCheckResult:
    """Run one suite against this run's build file (kept apart so tests can call it)."""
    from quality.runner import run_suite

    severity = AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN
    frame = _read_table(warehouse.build_file(run_id), suite)
    if frame is None:
        return AssetCheckResult(
            passed=False,
            severity=severity,
            description=f"suite {suite.name}: table {suite.schema}.{suite.table} is missing from the build file",
        )
    outcome = run_suite(suite, frame, warehouse.root() / DOCS_FOLDER)
    return AssetCheckResult(
        passed=outcome.success,
        severity=severity,
        description=outcome.description(),
        metadata={
            "rows": outcome.rows,
            "expectations": outcome.evaluated,
            "failed_expectations": len(outcome.failed),
            "failures": "; ".join(o.sentence() for o in outcome.failed) or "none",
        },
    )


def make_check(suite: Suite):
    @asset_check(
        asset=AssetKey(suite.asset_key_path),
        name=f"{CHECK_PREFIX}{suite.name}",
        description=suite.description,
        blocking=suite.blocking,
    )
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        return evaluate(suite, warehouse, context.run.run_id)

    return _check


def quality_checks(asset_keys: Iterable[AssetKey]) -> list:
    """A check for every suite whose table is an asset of this code location."""
    known = set(asset_keys)
    return [make_check(suite) for suite in SUITES if AssetKey(suite.asset_key_path) in known]
