"""Long-format statistics CSVs (one figure a row: region, year, item, value, unit) → one raw table.

Production statistics (§2e, production_statistics.py), department indicators (§2c,
department_indicators.py) and inventory activity statistics (§2f, inventory_activity.py) are files
of this shape, all of the energy_statistics family. Opening
the file, matching its headers, the row checks every such figure must pass (required cells,
region, year, a known item, a number that is not negative) and the lineage, region, year and value
columns of the output are the same rule for all, so they are written once here. A reader states
what is its own in a LongStatistics: its fields, its item vocabulary, how it converts the unit,
how it checks the unit and which further columns it loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
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
from pipelines.ingest.text import match_headers, require_headers
from pipelines.ingest.values import map_distinct, parse_year, region_code_expr, scale, strip_text, with_numbers
from pipelines.ingest.vocab import Vocabulary


@dataclass(frozen=True)
class LongStatistics:
    """What one long-format statistics reader does not share with the others.

    The fields region_code, year and unit are every such file's; `item` and `value` name the
    reader's own (parsed to p_<item> and p_<value>, loaded as <item>_code, <value> and
    <value>_original). `parse` adds the reader's own parsed columns to a frame that already has
    p_region, p_year, p_unit, p_<value> and p_<item>; it must add p_factor, the multiplier to
    the canonical unit, which `unit_check` (given the unit's header as written) refuses when null.
    """

    table: str  # the raw table: 'production_statistics'
    kind: str  # the folder's kind, for raw.source_files
    fields: Mapping[str, tuple[str, ...]]  # field → its header aliases (vocab)
    required: Sequence[str]  # the fields whose cell must not be empty
    item: str  # the field naming what is counted: 'product', 'indicator'
    value: str  # the field holding the figure: 'amount', 'value'
    items: Callable[[], Vocabulary]  # the item's names → codes (read when a file is, not at import)
    parse: Callable[[pl.DataFrame], pl.DataFrame]
    unit_check: Callable[[str], Check]
    columns: Sequence[pl.Expr]  # the loaded columns besides lineage, region, year, item code and value
    # The years a file may state; the inventory's landfill history reaches back before 2000.
    years: tuple[int, int] = YEAR_RANGE


def read_long_statistics_csv(path: Path, root: Path, spec: LongStatistics) -> ReadResult:
    """One long-format statistics file: every row checked, the good ones in canonical units."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    info = FileRead.of(path, source_file, spec.kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, spec.fields)
        # The value column must be there, but a blank or '—' value is a row that says "no figure".
        require_headers(match, spec.fields, [*spec.required, spec.value])
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, spec.kind, str(problem), info.encoding, path)
    raw, h = select_fields(cells, match, spec.fields, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    item, value = f"p_{spec.item}", f"p_{spec.value}"
    frame = with_numbers(raw, {spec.value: value}).with_columns(
        p_region=region_code_expr("region_code"),
        p_year=parse_year(pl.col("year")),
        p_unit=strip_text(pl.col("unit")),
    )
    frame = spec.parse(frame.with_columns(map_distinct(frame, spec.item, spec.items().code, pl.Utf8).alias(item)))
    checks = [check_required(n, h[n]) for n in spec.required] + [
        check_ragged(len(cells.header)),
        check_region("region_code", "p_region", h["region_code"]),
        check_year("year", "p_year", h["year"], *spec.years),
        check_recognised(spec.item, item, h[spec.item], spec.item, spec.items().display),
        check_number(spec.value, value, h[spec.value]),
        check_not_negative(spec.value, value, h[spec.value]),
        spec.unit_check(h["unit"]),
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    table = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_region").alias("region_code"),
        pl.col("p_year").alias("year"),
        pl.col(item).alias(f"{spec.item}_code"),
        scale(pl.col(value), pl.col("p_factor")).alias(spec.value),
        pl.col(value).alias(f"{spec.value}_original"),
        *spec.columns,
    )
    return ReadResult.build(FAMILY, {spec.table: table}, quarantine, [info])
