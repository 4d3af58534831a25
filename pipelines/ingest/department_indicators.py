"""Department indicator statistics (§2c) → raw.indicator_statistics.

CSV files other departments send: region, year, indicator, value, unit, department. A value is
converted with the seed's multiplier for the indicator's published unit, or with the general unit
table when the written unit lands on the indicator's canonical unit.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.catalog import INDICATOR_FOLDER
from pipelines.ingest.checks import (
    YEAR_RANGE,
    Check,
    apply_checks,
    check_not_negative,
    check_number,
    check_recognised,
    check_region,
    check_required,
    check_year,
    quarantine_frame,
)
from pipelines.ingest.csv_cells import check_ragged, csv_file_problems, read_csv_cells, select_fields, split_damaged
from pipelines.ingest.files import UnreadableFile, relative_source
from pipelines.ingest.results import FileRead, ReadResult, rejected_file
from pipelines.ingest.text import match_headers, name_key, require_headers
from pipelines.ingest.units import lookup_unit
from pipelines.ingest.values import map_distinct, parse_year, region_code_expr, scale, strip_text, with_numbers


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
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    kind = INDICATOR_FOLDER.kind
    info = FileRead.of(path, source_file, kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.INDICATOR_FIELDS)
        require_headers(match, vocab.INDICATOR_FIELDS, [*vocab.INDICATOR_REQUIRED, "value"])
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, kind, str(problem), info.encoding, path)
    raw, h = select_fields(cells, match, vocab.INDICATOR_FIELDS, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {"value": "p_value"}).with_columns(
        p_region=region_code_expr("region_code"),
        p_year=parse_year(pl.col("year")),
        p_unit=strip_text(pl.col("unit")),
        p_department=strip_text(pl.col("department")),
    )
    frame = frame.with_columns(p_indicator=map_distinct(frame, "indicator", vocab.indicator_names().code, pl.Utf8))
    frame = frame.with_columns(p_key=pl.concat_str(pl.col("p_indicator"), pl.lit("|"), pl.col("p_unit").fill_null("")))
    frame = frame.with_columns(
        p_canonical=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[0], pl.Utf8),
        p_factor=map_distinct(frame, "p_key", lambda k: (_indicator_conversion(k) or (None, None))[1], pl.Float64),
        p_published=pl.col("p_indicator").replace_strict(
            {c: v.unit_published for c, v in vocab.indicators().items()}, default=None, return_dtype=pl.Utf8
        ),
    )
    checks = [check_required(n, h[n]) for n in vocab.INDICATOR_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_region("region_code", "p_region", h["region_code"]),
        check_year("year", "p_year", h["year"], *YEAR_RANGE),
        check_recognised("indicator", "p_indicator", h["indicator"], "indicator", vocab.indicator_names().display),
        check_number("value", "p_value", h["value"]),
        check_not_negative("value", "p_value", h["value"]),
        check_indicator_unit(h["unit"]),
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    indicators = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_region").alias("region_code"),
        pl.col("p_year").alias("year"),
        pl.col("p_indicator").alias("indicator_code"),
        scale(pl.col("p_value"), pl.col("p_factor")).alias("value"),
        pl.col("p_canonical").alias("unit"),
        pl.col("p_value").alias("value_original"),
        # A blank unit is read as the indicator's published unit, and recorded as such.
        pl.coalesce("p_unit", "p_published").alias("unit_original"),
        pl.col("p_department").alias("department"),
    )
    return ReadResult.build(FAMILY, {"indicator_statistics": indicators}, quarantine, [info])


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
