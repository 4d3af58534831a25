"""Production statistics (§2d) → raw.production_statistics: the activity data of top-down
industrial process emissions (水泥熟料, 石灰, 电石, 原铝 …, by region and year).

CSV files (UTF-8 or GBK) of the statistics office: region, year, product, amount, unit. Products
are matched against the aliases of the seed ref_process_products; amounts are converted to tonnes
with the general unit table (万吨, 千吨, 吨) plus the units only production statistics use: the
weight case of flat glass (重量箱, 50 kg) and kilograms (SF6). A unit is never guessed: a blank or
unknown unit quarantines the row, because 万吨 and 吨 differ by 10⁴. The file is opened and its
rows checked as every long-format statistics file is (long_statistics.py); here is the unit rule.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import PRODUCTION_FOLDER
from pipelines.ingest.checks import Check
from pipelines.ingest.long_statistics import LongStatistics, read_long_statistics_csv
from pipelines.ingest.results import ReadResult
from pipelines.ingest.text import name_key
from pipelines.ingest.units import known_units, lookup_unit
from pipelines.ingest.values import map_distinct

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
    return read_long_statistics_csv(path, root, PRODUCTION)


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


PRODUCTION = LongStatistics(
    table="production_statistics",
    kind=PRODUCTION_FOLDER.kind,
    fields=vocab.PRODUCTION_FIELDS,
    required=vocab.PRODUCTION_REQUIRED,
    item="product",
    value="amount",
    items=vocab.process_products,
    parse=lambda frame: frame.with_columns(p_factor=map_distinct(frame, "p_unit", tonnes_per_unit, pl.Float64)),
    unit_check=check_production_unit,
    # Every product's canonical unit is t; the unit as written stays beside it.
    columns=(pl.lit("t").alias("unit"), pl.col("p_unit").alias("unit_original")),
)
