"""Department indicator statistics (§2c) → raw.indicator_statistics.

CSV files other departments send: region, year, indicator, value, unit, department. A value is
converted with the seed's multiplier for the indicator's published unit, or with the general unit
table when the written unit lands on the indicator's canonical unit. The file is opened and its rows
checked as every long-format statistics file is (long_statistics.py); here are the indicator's
own unit rule and the department column.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import INDICATOR_FOLDER
from pipelines.ingest.checks import Check
from pipelines.ingest.long_statistics import LongStatistics, read_long_statistics_csv
from pipelines.ingest.results import ReadResult
from pipelines.ingest.text import name_key
from pipelines.ingest.units import lookup_unit
from pipelines.ingest.values import map_distinct, strip_text


def _indicator_conversion(key: str) -> tuple[str, float] | None:
    """'forest_area|万公顷' → ('ha', 10000): the seed's multiplier for its published unit, else
    the general unit table when it lands on the indicator's canonical unit; None otherwise."""
    code, _, unit = key.partition("|")
    indicator = vocab.indicators().get(code)
    if indicator is None:
        return None
    if not unit or name_key(unit) == name_key(indicator.unit_published):
        return indicator.canonical_unit, indicator.multiplier or 1.0
    found = lookup_unit(unit)
    if found and found.canonical == indicator.canonical_unit:
        return found.canonical, found.factor
    return None


def read_department_indicators_csv(path: Path, root: Path) -> ReadResult:
    """One department's indicator file: region, year, indicator, value, unit, department (§2c)."""
    return read_long_statistics_csv(path, root, INDICATORS)


def _parse_indicator(frame: pl.DataFrame) -> pl.DataFrame:
    """The department, and the unit the value converts to (p_canonical, p_factor): looked up per
    indicator and written unit; p_published is the indicator's unit as the seed publishes it."""
    frame = frame.with_columns(
        p_department=strip_text(pl.col("department")),
        p_key=pl.concat_str(pl.col("p_indicator"), pl.lit("|"), pl.col("p_unit").fill_null("")),
    )
    return frame.with_columns(
        p_canonical=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[0], pl.Utf8),
        p_factor=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[1], pl.Float64),
        p_published=pl.col("p_indicator").replace_strict(
            {c: v.unit_published for c, v in vocab.indicators().items()}, default=None, return_dtype=pl.Utf8
        ),
    )


def check_indicator_unit(header: str) -> Check:
    """The unit must be the indicator's published unit or convert to its canonical unit."""
    return Check.of(
        header,
        pl.col("unit"),
        (
            pl.col("p_indicator").is_not_null() & pl.col("p_canonical").is_null(),
            pl.format(
                "unit '{}' does not fit indicator {} (published in {})",
                pl.col("unit"),
                pl.col("indicator"),
                pl.col("p_published"),
            ),
        ),
    )


INDICATORS = LongStatistics(
    table="indicator_statistics",
    kind=INDICATOR_FOLDER.kind,
    fields=vocab.INDICATOR_FIELDS,
    required=vocab.INDICATOR_REQUIRED,
    item="indicator",
    value="value",
    items=vocab.indicator_names,
    parse=_parse_indicator,
    unit_check=check_indicator_unit,
    columns=(
        pl.col("p_canonical").alias("unit"),
        # A blank unit is read as the indicator's published unit, and recorded as such.
        pl.coalesce("p_unit", "p_published").alias("unit_original"),
        pl.col("p_department").alias("department"),
    ),
)
