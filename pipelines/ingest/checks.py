"""Checks: one function per rule, each a polars expression that says which rows fail and why.

apply_checks splits a parsed frame into the rows that pass every rule and one quarantine row per
failure, with the header and the cell as written; quarantine_row records a problem found outside
the vectorised rules (a file, a sheet, a header).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipelines.ingest import vocab
from pipelines.ingest.schemas import QUARANTINE_SCHEMA, empty_frame
from pipelines.ingest.units import UNIT_TABLE, known_units
from pipelines.ingest.values import blank

# The years a source may state (check_year); anything else is a typo or a wrong column.
YEAR_RANGE = (2000, 2035)


@dataclass(frozen=True)
class Check:
    """One validation rule applied to one column of a frame.

    failed is a cheap boolean per row; reason (the clerk's sentence) is only built for the rows
    that failed, so thirty rules over a national export cost thirty comparisons, not thirty
    string formats. column and value say what to look at: the header and the cell as written.
    """

    column: str | pl.Expr
    value: pl.Expr
    failed: pl.Expr
    reason: pl.Expr
    # Where the cell is, when not on the row itself (a workbook's 基本信息 value repeated on
    # every line): expressions for the sheet and row; None means the row's own.
    sheet: pl.Expr | None = None
    row: pl.Expr | None = None

    @classmethod
    def of(cls, column: str | pl.Expr, value: pl.Expr, *branches: tuple[pl.Expr, pl.Expr]) -> Check:
        """A check from (condition, reason) branches: the first condition that holds gives the reason."""
        failed = pl.any_horizontal([condition.fill_null(False) for condition, _ in branches])
        chain = pl.when(branches[0][0].fill_null(False)).then(branches[0][1])
        for condition, reason in branches[1:]:
            chain = chain.when(condition.fill_null(False)).then(reason)
        return cls(column, value, failed, chain)

    def at(self, sheet: pl.Expr | None, row: pl.Expr | None) -> Check:
        return Check(self.column, self.value, self.failed, self.reason, sheet, row)


def lit_header(header: str | pl.Expr) -> pl.Expr:
    return header if isinstance(header, pl.Expr) else pl.lit(header, dtype=pl.Utf8)


def check_required(raw: str, header: str | pl.Expr) -> Check:
    """The cell must not be empty."""
    return Check.of(
        header, pl.col(raw), (blank(pl.col(raw)), pl.format("{} is empty; this field is required", lit_header(header)))
    )


def check_number(raw: str, parsed: str, header: str | pl.Expr) -> Check:
    """A non-empty cell must be a number ('—', '/', blank mean missing, they are fine).

    Reads <parsed>_bad, written by with_numbers.
    """
    return Check.of(
        header,
        pl.col(raw),
        (pl.col(f"{parsed}_bad"), pl.format("'{}' in {} is not a number", pl.col(raw), lit_header(header))),
    )


def check_not_negative(raw: str, parsed: str, header: str | pl.Expr, when: pl.Expr | None = None) -> Check:
    """Amounts that cannot be negative (activity, prices, volumes)."""
    condition = pl.col(parsed) < 0
    if when is not None:
        condition = condition & when
    return Check.of(
        header, pl.col(raw), (condition, pl.format("{} is {}; it cannot be negative", lit_header(header), pl.col(raw)))
    )


def check_year(
    raw: str, parsed: str, header: str | pl.Expr, first: int = YEAR_RANGE[0], last: int = YEAR_RANGE[1]
) -> Check:
    """Years are whole numbers from 2000 to 2035 (anything else is a typo or a wrong column)."""
    return Check.of(
        header,
        pl.col(raw),
        (~blank(pl.col(raw)) & pl.col(parsed).is_null(), pl.format("year '{}' is not a whole number", pl.col(raw))),
        (
            (pl.col(parsed) < first) | (pl.col(parsed) > last),
            pl.format("year {} is outside {}–{}", pl.col(parsed), pl.lit(first), pl.lit(last)),
        ),
    )


def check_credit_code(raw: str, parsed: str, header: str | pl.Expr, what: str = "credit code") -> Check:
    """A unified social credit code (parsed: trimmed, upper-cased) is 18 digits and capitals."""
    return Check.of(
        header,
        pl.col(raw),
        (
            pl.col(parsed).is_not_null() & ~pl.col(parsed).str.contains(r"^[0-9A-Z]{18}$"),
            pl.format("{} '{}' is not 18 characters of digits and capitals", pl.lit(what), pl.col(raw)),
        ),
    )


def check_date(raw: str, parsed: str, header: str | pl.Expr) -> Check:
    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & pl.col(parsed).is_null(),
            pl.format("'{}' in {} is not a date (use YYYY-MM-DD)", pl.col(raw), lit_header(header)),
        ),
    )


def check_recognised(raw: str, code: str, header: str | pl.Expr, what: str, known: str) -> Check:
    """A name that must be one of a vocabulary (fuel, sector, status, …)."""
    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & pl.col(code).is_null(),
            pl.format("{} '{}' is not recognised (known: {})", pl.lit(what), pl.col(raw), pl.lit(known)),
        ),
    )


def check_region(raw: str, code: str, header: str | pl.Expr) -> Check:
    """Region codes must exist in the 2024 division list, after renamed codes are mapped."""
    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & ~pl.col(code).is_in(list(vocab.region_codes())).fill_null(False),
            pl.format("region code {} does not exist in the 2024 division list", pl.col(raw)),
        ),
    )


def check_unit(raw: str, dimension_column: str, header: str | pl.Expr, expected: pl.Expr | None = None) -> Check:
    """The unit must be in the normalisation table, and of the expected kind where one is known.

    expected is an expression giving the dimension the row needs ('mass' for coal, 'gas volume'
    for natural gas, 'electricity' for purchased power), null where any unit will do.
    """
    unknown = ~blank(pl.col(raw)) & pl.col(dimension_column).is_null()
    generic = pl.format("unit '{}' is not a known unit (known: {})", pl.col(raw), pl.lit(known_units()))
    if expected is None:
        return Check.of(header, pl.col(raw), (unknown, generic))
    known = known_units_expr(expected)
    return Check.of(
        header,
        pl.col(raw),
        (
            unknown & expected.is_not_null(),
            pl.format("unit '{}' is not a known {} unit (known: {})", pl.col(raw), expected, known),
        ),
        (unknown, generic),
        (
            expected.is_not_null() & (pl.col(dimension_column) != expected),
            pl.format(
                "unit '{}' is a {} unit but a {} unit is expected here (known: {})",
                pl.col(raw),
                pl.col(dimension_column),
                expected,
                known,
            ),
        ),
    )


def known_units_expr(expected_dimension: pl.Expr) -> pl.Expr:
    """The accepted units of a dimension, per row, for reason texts (see check_unit)."""
    dimensions = sorted({d for _, _, _, d in UNIT_TABLE})
    return expected_dimension.replace_strict(
        {d: known_units(d) for d in dimensions}, default=None, return_dtype=pl.Utf8
    )


def apply_checks(frame: pl.DataFrame, checks: Sequence[Check], family: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a frame into the rows that pass every check and one quarantine row per failure.

    A row failing two rules gets two quarantine rows, so the clerk sees every problem at once;
    quarantine rows come out in check order, and in row order within a check. The frame must
    carry source_file, source_sheet and source_row.
    """
    if not checks or frame.is_empty():
        return frame, empty_frame("quarantine")
    flags = [f"__failed_{i}" for i in range(len(checks))]
    flagged = frame.with_columns([check.failed.alias(flag) for check, flag in zip(checks, flags, strict=True)])
    any_failed = pl.any_horizontal([pl.col(flag) for flag in flags])
    bad = flagged.filter(any_failed)
    good = flagged.filter(~any_failed).drop(flags)
    if bad.is_empty():
        return good, empty_frame("quarantine")
    parts = [
        bad.filter(pl.col(flag)).select(
            pl.lit(family, dtype=pl.Utf8).alias("source_family"),
            pl.col("source_file").cast(pl.Utf8),
            (pl.col("source_sheet") if check.sheet is None else check.sheet).cast(pl.Utf8).alias("source_sheet"),
            (pl.col("source_row") if check.row is None else check.row).cast(pl.Int32).alias("source_row"),
            lit_header(check.column).cast(pl.Utf8).alias("column_name"),
            check.value.cast(pl.Utf8).alias("value"),
            check.reason.cast(pl.Utf8).alias("reason"),
            pl.lit(False).alias("blocks_publication"),
        )
        for check, flag in zip(checks, flags, strict=True)
    ]
    # A problem in a value repeated on many rows (a workbook's credit code) is one problem.
    return good, pl.concat(parts, how="vertical").unique(maintain_order=True)


def quarantine_row(
    family: str,
    source_file: str,
    reason: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    blocks_publication: bool = False,
) -> dict[str, Any]:
    """One quarantine record for a problem found outside the vectorised checks (file, sheet, header);
    blocks_publication for a problem that must stop publication (see schemas.QUARANTINE_SCHEMA)."""
    return {
        "source_family": family,
        "source_file": source_file,
        "source_sheet": sheet,
        "source_row": row,
        "column_name": column,
        "value": value,
        "reason": reason,
        "blocks_publication": blocks_publication,
    }


def quarantine_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(records), schema=QUARANTINE_SCHEMA) if records else empty_frame("quarantine")
