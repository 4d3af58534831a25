"""Run a suite of quality/suites.py over a polars frame with Great Expectations 1.x.

GX validates pandas frames, so the frame is converted here, at the check, after the identifying
columns have been dropped (see suites.py). Each run uses an ephemeral GX context; when a docs
folder is given, a data-docs site there is updated with the result (warehouse/gx_docs/ during a
build, for reviewers).

Failing-value samples are limited to a few values; they can only be region codes, years,
units or numbers, never a name or credit code, because those columns are not in the frame.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import polars as pl  # noqa: E402

from quality.suites import IDENTIFYING_COLUMNS, Suite  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.WARNING)

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 5}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    success: bool
    unexpected_count: int | None
    element_count: int | None

    def sentence(self) -> str:
        if self.unexpected_count is not None and self.element_count is not None:
            return f"{self.expectation}({self.column}): {self.unexpected_count} of {self.element_count} rows fail"
        return f"{self.expectation}({self.column}) failed"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    rows: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def evaluated(self) -> int:
        return len(self.outcomes)

    def description(self) -> str:
        if self.success:
            return f"suite {self.suite}: all {self.evaluated} expectations met on {self.rows} rows"
        return f"suite {self.suite}: {len(self.failed)} of {self.evaluated} expectations failed — " + "; ".join(
            o.sentence() for o in self.failed
        )


def frame_for_gx(suite: Suite, frame: pl.DataFrame):
    """The pandas frame GX sees: the suite's columns, never an identifying one."""
    keep = [c for c in frame.columns if c in suite.columns and c not in IDENTIFYING_COLUMNS]
    return frame.select(keep).to_pandas()


def write_docs_index(docs_dir: Path, adding: str | None = None) -> Path:
    """docs_dir/index.html: a link to every suite's site (names only, no data)."""
    import html

    docs_dir.mkdir(parents=True, exist_ok=True)
    names = sorted({p.name for p in docs_dir.iterdir() if p.is_dir()} | ({adding} if adding else set()))
    items = "\n".join(f'<li><a href="{html.escape(n)}/index.html">{html.escape(n)}</a></li>' for n in names)
    index = docs_dir / "index.html"
    index.write_text(
        "<!doctype html><meta charset='utf-8'><title>GHG data quality</title>"
        f"<h1>数据质量检查 / data quality suites</h1><ul>{items}</ul>\n",
        encoding="utf-8",
    )
    return index


def run_suite(suite: Suite, frame: pl.DataFrame, docs_dir: Path | None = None) -> SuiteOutcome:
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False}
    except Exception:  # older/newer config shapes: progress bars are cosmetic
        pass
    site_names = []
    if docs_dir is not None:
        # One site per suite (a GX site built from an ephemeral context holds only that
        # context's results), and an index page over them.
        write_docs_index(docs_dir, suite.name)
        docs_dir = docs_dir / suite.name
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            site_name="ghg_quality",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        site_names = ["ghg_quality"]
    batch = (
        context.data_sources.add_pandas(f"{suite.schema}")
        .add_dataframe_asset(suite.table)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    for expectation in suite.expectations():
        gx_suite.add_expectation(expectation)
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=site_names)] if site_names else []
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=f"{suite.name}_checkpoint", validation_definitions=[validation], actions=actions, result_format=RESULT_FORMAT)
    )
    pandas_frame = frame_for_gx(suite, frame)
    result = checkpoint.run(batch_parameters={"dataframe": pandas_frame})
    validation_result = next(iter(result.run_results.values()))
    outcomes = []
    for item in validation_result.results:
        config = item.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or (
            f"{kwargs.get('column_A')}≥{kwargs.get('column_B')}" if "column_A" in kwargs else ""
        )
        details = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=column,
                success=bool(item.success),
                unexpected_count=details.get("unexpected_count"),
                element_count=details.get("element_count"),
            )
        )
    return SuiteOutcome(suite=suite.name, success=bool(result.success), rows=len(pandas_frame), outcomes=tuple(outcomes))
