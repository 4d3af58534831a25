"""Inventory activity statistics (§2f) → raw.inventory_activity: the activity data of the
guideline's other sectors (livestock, rice, fertiliser and crops for agriculture; landfilled and
incinerated waste, BOD and COD and protein for waste).

CSV files (UTF-8, GBK or GB18030) from the statistics office and the departments: region, year,
item, value, unit (and an informative 数据来源). Items are matched against the aliases of the seed
ref_inventory_activity_items; a value is converted to its item's canonical unit (head, ha, t,
t N, kg/person/yr) with the table below. A unit is never guessed: a blank unit, or one that is no
unit of the item's kind (万头 for wheat, 亩 for sheep), quarantines the row. The file is opened
and its rows checked as every long-format statistics file is (long_statistics.py); here are the
unit rule and the wider year range (landfill history for the first-order-decay model).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.catalog import INVENTORY_FOLDER
from pipelines.ingest.checks import YEAR_RANGE, Check
from pipelines.ingest.long_statistics import LongStatistics, read_long_statistics_csv
from pipelines.ingest.results import ReadResult
from pipelines.ingest.text import name_key
from pipelines.ingest.units import UNIT_TABLE
from pipelines.ingest.values import map_distinct

# The general table's mass units (吨, 万吨, 千吨 …) and the kilograms statistics use for small amounts.
_MASS: dict[str, float] = {
    **{written: float(factor) for written, _, factor, dimension in UNIT_TABLE if dimension == "mass"},
    "千克": 0.001,
    "公斤": 0.001,
    "kg": 0.001,
}

# Canonical unit of an item → written unit → multiplier to the canonical unit. Yearbooks count
# livestock in 头 (cattle, pigs), 只 (sheep, goats, poultry), 匹 (horses, donkeys, mules) and 峰
# (camels), mostly in 万; areas in 千公顷 (national tables), 公顷 or 亩 (15 亩 = 1 ha).
INVENTORY_UNITS: dict[str, dict[str, float]] = {
    "head": {
        **{unit: 1.0 for unit in ("头", "只", "匹", "峰", "head")},
        **{unit: 10_000.0 for unit in ("万头", "万只", "万匹", "万峰", "万头(只)", "万只(头)", "10^4head")},
    },
    "ha": {
        "公顷": 1.0, "ha": 1.0, "hm2": 1.0, "千公顷": 1_000.0, "kha": 1_000.0, "万公顷": 10_000.0,
        "亩": 1 / 15, "万亩": 10_000 / 15,
    },
    "t": _MASS,
    # Fertiliser is published 折纯 (nutrient content): the same mass units, often with the word.
    "t N": {
        **_MASS,
        **{f"{unit}(折纯)": factor for unit, factor in _MASS.items()},
        **{f"{unit}折纯": factor for unit, factor in _MASS.items()},
        "tN": 1.0,
        "t N": 1.0,
    },
    # Protein supply: per person and year, or per person and day (FAO food balances, in g).
    "kg/person/yr": {
        **{unit: 1.0 for unit in ("kg/人·年", "kg/(人·年)", "kg/人/年", "千克/人·年", "千克/(人·年)", "公斤/人·年",
                                  "公斤/(人·年)", "kg/person/yr", "kg/cap/yr")},
        **{unit: 0.365 for unit in ("g/人·天", "g/(人·天)", "g/人/天", "克/人·天", "克/(人·日)", "g/人·日",
                                    "g/person/day", "g/cap/day")},
    },
}  # fmt: skip
_UNIT_INDEX = {canonical: {name_key(w): f for w, f in units.items()} for canonical, units in INVENTORY_UNITS.items()}


def factor_to_canonical(item_code: str | None, unit: str | None) -> float | None:
    """('livestock_swine', '万头') → 10000, ('rice_area_single', '亩') → 1/15; None when the unit is
    not one of the item's kind (or the item is unknown)."""
    if not item_code or not unit:
        return None
    canonical = vocab.inventory_item_units().get(item_code)
    return _UNIT_INDEX.get(canonical, {}).get(name_key(unit))


def known_units(canonical: str) -> str:
    """'头, 只, 匹, …' for a reason text: the units accepted for items of one canonical unit."""
    return ", ".join(INVENTORY_UNITS.get(canonical, {}))


def read_inventory_activity_csv(path: Path, root: Path) -> ReadResult:
    """One inventory activity file: region, year, item, value, unit (§2f)."""
    return read_long_statistics_csv(path, root, INVENTORY)


def _parse_inventory(frame: pl.DataFrame) -> pl.DataFrame:
    """The item's canonical unit (p_canonical) and the multiplier of the written unit to it (p_factor)."""
    frame = frame.with_columns(
        p_canonical=pl.col("p_item").replace_strict(vocab.inventory_item_units(), default=None, return_dtype=pl.Utf8),
        p_key=pl.concat_str(pl.col("p_item"), pl.lit("|"), pl.col("p_unit").fill_null("")),
    )
    return frame.with_columns(
        p_factor=map_distinct(frame, "p_key", lambda key: factor_to_canonical(*key.split("|", 1)), pl.Float64),
        p_known=pl.col("p_canonical").replace_strict(
            {c: known_units(c) for c in INVENTORY_UNITS}, default=None, return_dtype=pl.Utf8
        ),
    )


def check_inventory_unit(header: str) -> Check:
    """The unit must be one of the item's kind (a count for livestock, an area for rice …)."""
    return Check.of(
        header,
        pl.col("unit"),
        (
            pl.col("p_canonical").is_not_null() & pl.col("p_unit").is_not_null() & pl.col("p_factor").is_null(),
            pl.format(
                "unit '{}' does not fit item {} (counted in {}; known: {})",
                pl.col("unit"),
                pl.col("item"),
                pl.col("p_canonical"),
                pl.col("p_known"),
            ),
        ),
    )


INVENTORY = LongStatistics(
    table="inventory_activity",
    kind=INVENTORY_FOLDER.kind,
    fields=vocab.INVENTORY_FIELDS,
    required=vocab.INVENTORY_REQUIRED,
    item="item",
    value="amount",
    items=vocab.inventory_items,
    parse=_parse_inventory,
    unit_check=check_inventory_unit,
    # The item's canonical unit; the unit as written stays beside it.
    columns=(pl.col("p_canonical").alias("unit"), pl.col("p_unit").alias("unit_original")),
    # Landfilled waste decays for decades: the first-order-decay model reads its history from 1950.
    years=(1950, YEAR_RANGE[1]),
)
