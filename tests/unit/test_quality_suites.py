"""Issue 16: the Great Expectations suites block only what is impossible, and repeat no dbt rule.

- The blocking region-year suite lets a plausible industrial county (22.7 tce/万元) through and
  stops a unit slip; its bounds come from the seed ref_quality_thresholds, above every review
  threshold of the same column.
- Every rule removed from GX because dbt guarantees it (quality.suites.DBT_GUARANTEES) still has
  its dbt counterpart: if a test or contract is pruned from the dbt YAML, this fails and the rule
  has to come back to one side or the other.
"""

from __future__ import annotations

import csv

import polars as pl
import pytest
import yaml

from pipelines import paths
from quality.runner import run_suite
from quality.suites import DBT_GUARANTEES, IMPOSSIBLE_ABOVE, SUITES

SEED = paths.DBT_PROJECT_DIR / "seeds" / "ref_quality_thresholds.csv"


def _suite(name: str):
    return next(suite for suite in SUITES if suite.name == name)


def _region_year_frame(energy_intensity: float) -> pl.DataFrame:
    return pl.DataFrame({
        "energy_intensity": [0.9, 1.4, energy_intensity],
        "carbon_intensity": [2.2, 3.5, 2.6 * energy_intensity],
        "residual_fraction": [0.01, None, None],
    })


def test_a_plausible_industrial_county_does_not_block():
    outcome = run_suite(_suite("fct_region_year"), _region_year_frame(22.7))
    assert outcome.success, outcome.description()


def test_a_unit_slip_blocks():
    # GDP typed in 亿元 where 万元 was meant: the intensity is 10⁴ times too large.
    outcome = run_suite(_suite("fct_region_year"), _region_year_frame(0.9 * 10_000))
    assert not outcome.success
    failed = {o.column for o in outcome.failed}
    assert failed == {"energy_intensity", "carbon_intensity"}


def test_impossible_bounds_are_above_every_review_threshold():
    rows = list(csv.DictReader(SEED.open(encoding="utf-8", newline="")))
    assert IMPOSSIBLE_ABOVE == {"energy_intensity": 200.0, "carbon_intensity": 600.0}
    for row in rows:
        assert row["source"].strip(), f"{row['rule_code']} has no source"
        if row["severity"] == "review" and row["comparison"] == "above":
            assert float(row["threshold"]) < IMPOSSIBLE_ABOVE[row["indicator"]], row["rule_code"]


def _dbt_models() -> dict[str, dict]:
    models = {}
    for path in (paths.DBT_PROJECT_DIR / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            models[model["name"]] = model
    return models


def _test_names(entries: list | None) -> set[str]:
    return {next(iter(entry)) if isinstance(entry, dict) else entry for entry in entries or []}


def _has(model: dict, column: str | None, guarantee: str) -> bool:
    where = model if column is None else next((c for c in model.get("columns", []) if c["name"] == column), None)
    if where is None:
        return False
    if guarantee.startswith("constraint:"):
        kind = guarantee.removeprefix("constraint:")
        enforced = (model.get("config") or {}).get("contract", {}).get("enforced") is True
        return enforced and any(c["type"] == kind for c in where.get("constraints", []))
    return guarantee in _test_names(where.get("data_tests"))


@pytest.mark.parametrize("guarantee", DBT_GUARANTEES, ids=lambda g: f"{g.suite}:{g.expectation}")
def test_every_rule_removed_from_gx_is_still_guaranteed_by_dbt(guarantee):
    if guarantee.guarantee.startswith("singular:"):
        sql = paths.DBT_PROJECT_DIR / "tests" / f"{guarantee.guarantee.removeprefix('singular:')}.sql"
        assert sql.exists(), f"{sql} is gone: put '{guarantee.expectation}' back into suite {guarantee.suite}"
        text = sql.read_text(encoding="utf-8")
        # the test reads the model itself (or, for the marts-wide scan, lists it among its dependencies)
        assert f"ref('{guarantee.model}')" in text
        return
    models = _dbt_models()
    assert guarantee.model in models, f"model {guarantee.model} has no YAML"
    assert _has(models[guarantee.model], guarantee.column, guarantee.guarantee), (
        f"{guarantee.model}.{guarantee.column or '(model)'} lost its {guarantee.guarantee}: "
        f"put '{guarantee.expectation}' back into suite {guarantee.suite}"
    )


def test_no_suite_reads_an_identifying_column():
    from quality.suites import IDENTIFYING_COLUMNS

    assert all(not set(suite.columns) & IDENTIFYING_COLUMNS for suite in SUITES)
