"""Units: the normalisation table of sources/README.md ("Units are normalised on read").

A written unit (万吨, 亿m³, kWh …) is looked up once per distinct spelling and becomes a canonical
unit and a factor; ratio units (net calorific value GJ/t, emission factor tCO2/MWh) convert
numerator and denominator separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.ingest.text import name_key
from pipelines.ingest.values import map_distinct


@dataclass(frozen=True)
class Unit:
    written: str
    canonical: str
    factor: float  # canonical value = written value × factor
    dimension: str


# Exactly the table of sources/README.md ("Units are normalised on read"), in its order.
UNIT_TABLE: tuple[tuple[str, str, float, str], ...] = (
    ("吨", "t", 1, "mass"),
    ("t", "t", 1, "mass"),
    ("万吨", "t", 10_000, "mass"),
    ("万t", "t", 10_000, "mass"),
    ("10^4t", "t", 10_000, "mass"),
    ("千吨", "t", 1_000, "mass"),
    ("kt", "t", 1_000, "mass"),
    ("立方米", "10^4Nm3", 0.0001, "gas volume"),
    ("m³", "10^4Nm3", 0.0001, "gas volume"),
    ("Nm³", "10^4Nm3", 0.0001, "gas volume"),
    ("万立方米", "10^4Nm3", 1, "gas volume"),
    ("万m³", "10^4Nm3", 1, "gas volume"),
    ("万Nm³", "10^4Nm3", 1, "gas volume"),
    ("亿立方米", "10^4Nm3", 10_000, "gas volume"),
    ("亿m³", "10^4Nm3", 10_000, "gas volume"),
    ("千瓦时", "MWh", 0.001, "electricity"),
    ("kWh", "MWh", 0.001, "electricity"),
    ("兆瓦时", "MWh", 1, "electricity"),
    ("MWh", "MWh", 1, "electricity"),
    ("万千瓦时", "MWh", 10, "electricity"),
    ("万kWh", "MWh", 10, "electricity"),
    ("亿千瓦时", "MWh", 100_000, "electricity"),
    ("亿kWh", "MWh", 100_000, "electricity"),
    ("吉焦", "GJ", 1, "heat"),
    ("GJ", "GJ", 1, "heat"),
    ("百万千焦", "GJ", 1, "heat"),
    ("兆焦", "GJ", 0.001, "heat"),
    ("MJ", "GJ", 0.001, "heat"),
    ("太焦", "GJ", 1_000, "heat"),
    ("TJ", "GJ", 1_000, "heat"),
    ("万百万千焦", "GJ", 10_000, "heat"),
    ("吨标准煤", "tce", 1, "energy"),
    ("tce", "tce", 1, "energy"),
    ("万吨标准煤", "tce", 10_000, "energy"),
    ("元", "10k_yuan", 0.0001, "money"),
    ("万元", "10k_yuan", 1, "money"),
    ("亿元", "10k_yuan", 10_000, "money"),
)
# The canonical spellings themselves, so that a file written by this platform reads back.
_CANONICAL_SPELLINGS: tuple[tuple[str, str, float, str], ...] = (
    ("10^4Nm3", "10^4Nm3", 1, "gas volume"),
    ("10k_yuan", "10k_yuan", 1, "money"),
)


@cache
def _unit_index() -> dict[str, Unit]:
    index: dict[str, Unit] = {}
    for written, canonical, factor, dimension in UNIT_TABLE + _CANONICAL_SPELLINGS:
        key = name_key(written)
        if key in index and index[key].canonical != canonical:  # the table must stay unambiguous
            raise ValueError(f"unit {written!r} is listed twice")
        index.setdefault(key, Unit(written, canonical, float(factor), dimension))
    return index


def lookup_unit(text: str | None) -> Unit | None:
    """The table row for a written unit (full-width, ³/3, spaces and case do not matter)."""
    return _unit_index().get(name_key(text)) if text else None


def known_units(dimension: str | None = None) -> str:
    """'吨, t, 万吨, …' for a reason text: the units the table accepts (for one dimension)."""
    return ", ".join(w for w, _, _, d in UNIT_TABLE if dimension is None or d == dimension)


def unit_columns(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """Add <prefix>_canonical, <prefix>_factor, <prefix>_dimension looked up from a unit column."""
    return frame.with_columns(
        map_distinct(frame, column, lambda u: (lookup_unit(u) or _NO_UNIT).canonical, pl.Utf8).alias(
            f"{prefix}_canonical"
        ),
        map_distinct(frame, column, lambda u: (lookup_unit(u) or _NO_UNIT).factor, pl.Float64).alias(
            f"{prefix}_factor"
        ),
        map_distinct(frame, column, lambda u: (lookup_unit(u) or _NO_UNIT).dimension, pl.Utf8).alias(
            f"{prefix}_dimension"
        ),
    )


_NO_UNIT = Unit("", None, None, None)  # type: ignore[arg-type]


# Ratio units (net calorific value GJ/t, emission factor tCO2/MWh): numerator and denominator
# are converted separately, so kJ/kg becomes GJ/t (÷1000) and tCO2/万kWh becomes tCO2/MWh (÷10).
RATIO_NUMERATORS: dict[str, dict[str, tuple[str, float]]] = {
    "heat": {
        **{name_key(w): ("GJ", float(f)) for w, c, f, d in UNIT_TABLE if d == "heat"},
        name_key("kJ"): ("GJ", 1e-6),
        name_key("千焦"): ("GJ", 1e-6),
    },
    "co2": {
        name_key("tCO2"): ("tCO2", 1.0),
        name_key("吨二氧化碳"): ("tCO2", 1.0),
        name_key("kgCO2"): ("tCO2", 0.001),
        name_key("千克二氧化碳"): ("tCO2", 0.001),
    },
}
# Per-kilogram denominators appear only in ratios (kJ/kg); they are not activity units.
_RATIO_DENOMINATORS = {
    name_key("kg"): Unit("kg", "t", 0.001, "mass"),
    name_key("千克"): Unit("千克", "t", 0.001, "mass"),
}


@dataclass(frozen=True)
class RatioUnit:
    canonical: str  # e.g. 'GJ/t', 'tCO2/MWh'
    factor: float
    denominator_dimension: str


def lookup_ratio_unit(text: str | None, numerator: str) -> RatioUnit | None:
    """'kJ/kg' with numerator 'heat' → RatioUnit('GJ/t', 0.001, 'mass'); None if not understood."""
    if not text:
        return None
    key = name_key(text)
    if key.count("/") != 1:
        return None
    top, bottom = key.split("/")
    num = RATIO_NUMERATORS[numerator].get(top)
    den = _unit_index().get(bottom) or _RATIO_DENOMINATORS.get(bottom)
    if num is None or den is None:
        return None
    return RatioUnit(f"{num[0]}/{den.canonical}", num[1] / den.factor, den.dimension)
