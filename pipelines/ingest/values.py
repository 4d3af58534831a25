"""Cells → values, as polars expressions: numbers, years, dates, codes and text.

The readers extract a file into a frame of strings, exactly as written; these expressions parse
those strings. A cell that does not parse becomes null (and, for numbers, <column>_bad), so the
checks can quarantine its row with the cell as the clerk typed it. Look-ups that need Python run
once per distinct value (map_distinct, eval_distinct), never once per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import polars as pl

from pipelines.ingest import vocab


# Full-width digits and signs as typed with a Chinese input method, and the minus signs Word
# and Excel substitute for a hyphen.
_NUMBER_FOLDS = {
    **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
    "．": ".",
    "－": "-",
    "−": "-",
    "＋": "+",
    "，": ",",
    "％": "%",
    "Ｅ": "E",
    "ｅ": "e",
}
# Cells that mean "no figure": dashes, slashes, n/a. Missing is null, never zero.
MISSING_TOKENS = [
    "",
    "-",
    "--",
    "—",
    "——",
    "–",
    "/",
    "／",
    "…",
    "……",
    "...",
    "*",
    "na",
    "n/a",
    "nan",
    "null",
    "none",
    "#n/a",
    "无",
    "空",
]


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a cell is empty or only whitespace."""
    return expr.is_null() | (expr.str.strip_chars() == "")


def clean_number_text(expr: pl.Expr) -> pl.Expr:
    """The cell as a plain ASCII number string, or null when it means 'missing'.

    Thousands separators and spaces go (1,234.5 and 1 234.5 → 1234.5); the number itself is
    not guessed at, so '12,3' becomes 123 only because the spec says commas separate thousands.
    """
    text = expr.str.replace_many(_NUMBER_FOLDS).str.replace_all(r"[\s,]", "")
    return pl.when(text.str.to_lowercase().is_in(MISSING_TOKENS)).then(None).otherwise(text)


def parse_number(expr: pl.Expr) -> pl.Expr:
    """Float64 from a cell; null for missing and for text that is not a finite number."""
    value = clean_number_text(expr).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def parse_year(expr: pl.Expr) -> pl.Expr:
    """Int32 from '2015', '2015年' or 2015.0; null when not a whole number."""
    text = clean_number_text(expr).str.strip_suffix("年")
    value = text.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite() & (value == value.floor())).then(value).cast(pl.Int32, strict=False)


# Dates as offices write them: 2021-03-15, 2021/3/15, 2021.3.15, 2021年3月15日, with or without
# a time (Excel date cells arrive as '2021-03-15 00:00:00'), 20210315, or an Excel serial.
_DATE_PATTERN = (
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes it Dec 30)


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Date from the written forms above; null when the text is not a real date."""
    text = expr.str.replace_many(_NUMBER_FOLDS).str.strip_chars()
    parts = text.str.extract_groups(_DATE_PATTERN)
    compact = text.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    year = pl.coalesce(parts.struct.field("1"), compact.struct.field("1"))
    month = pl.coalesce(parts.struct.field("2"), compact.struct.field("2"))
    day = pl.coalesce(parts.struct.field("3"), compact.struct.field("3"))
    written = pl.concat_str(year, pl.lit("-"), month.str.zfill(2), pl.lit("-"), day.str.zfill(2)).str.strptime(
        pl.Date, "%Y-%m-%d", strict=False
    )
    # A plain number is an Excel serial date; 1–2958465 is Excel's own range (to 9999-12-31).
    serial = pl.when(text.str.contains(r"^\d{1,7}(?:\.\d+)?$")).then(text.cast(pl.Float64, strict=False))
    serial = pl.when((serial >= 1) & (serial <= 2958465)).then(serial.floor().cast(pl.Int64))
    from_serial = pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial)
    return pl.coalesce(written, from_serial.cast(pl.Date))


def scale(value: pl.Expr, factor: pl.Expr | float) -> pl.Expr:
    """value × factor, dividing by the reciprocal when the factor is below 1.

    1234 × 0.0001 is 0.12340000000000001 in binary floating point, 1234 / 10000 is 0.1234; unit
    factors are powers of ten, so their reciprocals are exact.
    """
    factor = factor if isinstance(factor, pl.Expr) else pl.lit(factor, dtype=pl.Float64)
    return pl.when(factor < 1).then(value / (1 / factor).round(6)).otherwise(value * factor)


def strip_text(expr: pl.Expr) -> pl.Expr:
    """A trimmed text cell, null when blank."""
    text = expr.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def code_text(expr: pl.Expr) -> pl.Expr:
    """A code cell (region code, year) as text: trimmed, and Excel's '620102.0' back to '620102'."""
    return strip_text(expr.str.replace_many(_NUMBER_FOLDS)).str.replace(r"^(\d+)\.0+$", "${1}")


def map_distinct(frame: pl.DataFrame, column: str, function: Callable[[str], Any], dtype: pl.DataType) -> pl.Series:
    """function applied to each distinct value of a column, spread back over the rows.

    Name, unit and code look-ups run in Python once per distinct value (a national export has
    millions of lines but a few hundred fuel names and units), then land as one replace.
    """
    series = frame.get_column(column)
    distinct = series.unique().drop_nulls()
    mapped = pl.Series([function(value) for value in distinct.to_list()], dtype=dtype)
    return series.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def eval_distinct(
    frame: pl.DataFrame, column: str, expression: Callable[[pl.Expr], pl.Expr], dtype: pl.DataType
) -> pl.Series:
    """A polars expression evaluated once per distinct value of a column, spread back.

    Dates, years and codes repeat across millions of lines; their regular expressions run on
    the few distinct spellings only.
    """
    series = frame.get_column(column)
    distinct = series.unique().drop_nulls()
    mapped = pl.DataFrame({column: distinct}).select(expression(pl.col(column)).cast(dtype)).to_series()
    return series.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def with_numbers(frame: pl.DataFrame, columns: Mapping[str, str]) -> pl.DataFrame:
    """Parse number columns: {raw column: parsed column}; adds <parsed> and <parsed>_bad.

    Most cells are plain numbers that polars casts directly; only the cells that fail the plain
    cast (separators, full-width digits, dashes, typos) go through the full cleaning, once per
    distinct spelling. <parsed>_bad is true where a non-missing cell is not a number.
    """
    frame = frame.with_columns(
        pl.col(raw).cast(pl.Float64, strict=False).alias(parsed) for raw, parsed in columns.items()
    ).with_columns(
        pl.when(pl.col(parsed).is_finite()).then(pl.col(parsed)).alias(parsed) for parsed in columns.values()
    )
    updates = []
    for raw, parsed in columns.items():
        odd = frame.filter(pl.col(parsed).is_null() & pl.col(raw).is_not_null()).select(pl.col(raw).unique())
        if odd.is_empty():
            updates.append(pl.lit(False).alias(f"{parsed}_bad"))
            continue
        mapped = odd.select(
            pl.col(raw),
            parse_number(pl.col(raw)).alias("__number"),
            (clean_number_text(pl.col(raw)).is_not_null() & parse_number(pl.col(raw)).is_null()).alias("__bad"),
        )
        number = pl.col(raw).replace_strict(mapped[raw], mapped["__number"], default=None, return_dtype=pl.Float64)
        updates.append(pl.coalesce(pl.col(parsed), number).alias(parsed))
        updates.append(
            pl.col(raw)
            .replace_strict(mapped[raw], mapped["__bad"], default=False, return_dtype=pl.Boolean)
            .alias(f"{parsed}_bad")
        )
    return frame.with_columns(updates)


def region_code_expr(raw: str | pl.Expr) -> pl.Expr:
    """The region code as text, with renamed units mapped to their current code (620824 → 620881)."""
    text = code_text(pl.col(raw) if isinstance(raw, str) else raw)
    changes = vocab.region_code_changes()
    return text.replace(changes) if changes else text
