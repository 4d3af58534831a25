"""Production statistics (§2d) → raw.production_statistics: the activity data of top-down
industrial process emissions (水泥熟料, 石灰, 电石, 原铝 …, by region and year).

CSV files (UTF-8 or GBK) of the statistics office: region, year, product, amount, unit. Products
are matched against the aliases of the seed ref_process_products; amounts are converted to tonnes
with the general unit table (万吨, 千吨, 吨) plus the units only production statistics use: the
weight case of flat glass (重量箱, 50 kg) and kilograms (SF6). A unit is never guessed: a blank or
unknown unit quarantines the row, because 万吨 and 吨 differ by 10⁴.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENERGY_STATISTICS as FAMILY
from pipelines.ingest.catalog import PRODUCTION_FOLDER
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
from pipelines.ingest.units import known_units, lookup_unit
from pipelines.ingest.values import map_distinct, parse_year, region_code_expr, scale, strip_text, with_numbers

# Units of production statistics that the general table does not hold (it has no weight case,
# and kilograms appear there only under a ratio). Written unit → tonnes per unit.
PRODUCTION_UNITS: dict[str, float] = {
    "重量箱": 0.05,  # 50 kg of 2 mm flat glass (GB/T 15764)
    "万重量箱": 500.0,
    "千克": 0.001,
    "kg": 0.001,
    "公斤": 0.001,
}
_PRODUCTION_UNIT_INDEX = {name_key(unit): factor for unit, factor in PRODUCTION_UNITS.items()}


def tonnes_per_unit(unit: str | None) -> float | None:
    """'万吨' → 10000, '万重量箱' → 500, 'kg' → 0.001; None for a unit that is no mass."""
    if not unit:
        return None
    if name_key(unit) in _PRODUCTION_UNIT_INDEX:
        return _PRODUCTION_UNIT_INDEX[name_key(unit)]
    found = lookup_unit(unit)
    return found.factor if found is not None and found.canonical == "t" else None


KNOWN_UNITS = ", ".join([known_units("mass"), *PRODUCTION_UNITS])


def read_production_statistics_csv(path: Path, root: Path) -> ReadResult:
    """One production statistics file: region, year, product, amount, unit (§2d)."""
    path, root = Path(path), Path(root)
    source_file = relative_source(path, root)
    kind = PRODUCTION_FOLDER.kind
    info = FileRead.of(path, source_file, kind)
    try:
        cells = read_csv_cells(path)
        file_problems = csv_file_problems(cells, FAMILY, info)
        match = match_headers(cells.header, vocab.PRODUCTION_FIELDS)
        require_headers(match, vocab.PRODUCTION_FIELDS, [*vocab.PRODUCTION_REQUIRED, "amount"])
    except UnreadableFile as problem:
        return rejected_file(FAMILY, source_file, kind, str(problem), info.encoding, path)
    raw, h = select_fields(cells, match, vocab.PRODUCTION_FIELDS, source_file)
    raw, damaged = split_damaged(raw, FAMILY)
    frame = with_numbers(raw, {"amount": "p_amount"}).with_columns(
        p_region=region_code_expr("region_code"),
        p_year=parse_year(pl.col("year")),
        p_unit=strip_text(pl.col("unit")),
    )
    frame = frame.with_columns(
        p_product=map_distinct(frame, "product", vocab.process_products().code, pl.Utf8),
        p_factor=map_distinct(frame, "p_unit", tonnes_per_unit, pl.Float64),
    )
    checks = [check_required(n, h[n]) for n in vocab.PRODUCTION_REQUIRED] + [
        check_ragged(len(cells.header)),
        check_region("region_code", "p_region", h["region_code"]),
        check_year("year", "p_year", h["year"], *YEAR_RANGE),
        check_recognised("product", "p_product", h["product"], "product", vocab.process_products().display),
        check_number("amount", "p_amount", h["amount"]),
        check_not_negative("amount", "p_amount", h["amount"]),
        check_production_unit(h["unit"]),
    ]
    good, quarantine = apply_checks(frame, checks, FAMILY)
    quarantine = pl.concat([quarantine_frame(file_problems), damaged, quarantine], how="vertical")
    production = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_region").alias("region_code"),
        pl.col("p_year").alias("year"),
        pl.col("p_product").alias("product_code"),
        scale(pl.col("p_amount"), pl.col("p_factor")).alias("amount"),
        pl.lit("t").alias("unit"),
        pl.col("p_amount").alias("amount_original"),
        pl.col("p_unit").alias("unit_original"),
    )
    return ReadResult.build(FAMILY, {"production_statistics": production}, quarantine, [info])


def check_production_unit(header: str) -> Check:
    """The unit must convert to tonnes (every product's canonical unit is t)."""
    return Check.of(
        header,
        pl.col("unit"),
        (
            pl.col("p_unit").is_not_null() & pl.col("p_factor").is_null(),
            pl.format("unit '{}' is not a unit of mass (known: {})", pl.col("unit"), pl.lit(KNOWN_UNITS)),
        ),
    )
