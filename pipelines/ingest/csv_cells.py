"""CSV files as frames of strings, and what a CSV file itself can get wrong.

read_csv_cells decodes a file (files.decode_to_utf8) and splits it into cells, every cell a
string, one row per record with its row number as a clerk sees it. The file's own damage is
found here: a last row cut off in transfer, NUL bytes, a row with more fields than the header, a
header without data rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.ingest.checks import Check, apply_checks, quarantine_row
from pipelines.ingest.files import UnreadableFile, decode_to_utf8
from pipelines.ingest.results import FileRead
from pipelines.ingest.text import HeaderMatch, column_letter, display_header
from pipelines.ingest.values import blank


# Extra columns allowed beyond the header, so that a row with an unquoted comma is caught and
# quarantined instead of silently truncated by the CSV parser.
_RAGGED_SLACK = 16
RAGGED_COLUMN = "__extra_fields"
# Rows the file itself damaged (cut off at the end, NUL bytes): the reason, and the row as written.
DAMAGED_COLUMN = "__damaged"
DAMAGED_VALUE_COLUMN = "__damaged_value"
HEADER_ONLY = "file has a header row but no data rows"


@dataclass
class CsvCells:
    """A CSV file as strings: the header cells, and one row per record after the header.

    Rows of nothing but blanks and commas (what Excel writes for formatted empty rows) are left
    out; the others keep their record number. A damaged row (the last row of a file cut off in
    transfer, a row holding NUL bytes) carries its reason in __damaged: readers quarantine it
    whole (split_damaged) instead of checking its cells one by one.
    """

    header: list[str | None]
    rows: pl.DataFrame  # c0…cN-1 (Utf8), source_row (Int32), __extra_fields, __damaged, __damaged_value
    encoding: str
    cut_off: str | None = None  # the reason, when the file ends mid-row

    @property
    def header_only(self) -> bool:
        return self.rows.is_empty()


def select_fields(
    cells: "CsvCells", match: HeaderMatch, fields: Mapping[str, Sequence[str]], source_file: str
) -> tuple[pl.DataFrame, dict[str, str]]:
    """A CSV's cells with each matched column renamed to its field (an absent optional column
    becomes nulls), and the header each field was written as, for quarantine messages."""
    written = {name: match.written.get(name, aliases[0]) for name, aliases in fields.items()}
    frame = cells.rows.select(
        pl.lit(source_file).alias("source_file"),
        pl.lit(None, dtype=pl.Utf8).alias("source_sheet"),
        "source_row",
        RAGGED_COLUMN,
        DAMAGED_COLUMN,
        DAMAGED_VALUE_COLUMN,
        *[
            (pl.col(f"c{match.positions[n]}") if n in match.positions else pl.lit(None, dtype=pl.Utf8)).alias(n)
            for n in fields
        ],
    )
    return frame, written


def read_csv_cells(path: Path) -> CsvCells:
    """Decode a CSV and split it into cells with polars, every cell a string.

    source_row is the record number with the header as row 1, which is the line a clerk sees
    in Excel (a quoted value with a line break inside shifts only the text-editor line).
    A file whose text stops without a line break in a record with fewer fields than the header
    was cut off in transfer: that record is kept as a damaged row (see cut_off_record) and the
    file is marked (CsvCells.cut_off); the records before it are read as usual.
    """
    utf8, encoding = decode_to_utf8(Path(path).read_bytes())
    if not utf8.strip():
        raise UnreadableFile("file is empty")
    tail = _last_record_start(utf8)
    try:
        first = pl.read_csv(utf8, has_header=False, infer_schema=False, n_rows=1, truncate_ragged_lines=True)
        width = first.width
        last_fields = _csv_fields(utf8[tail:]) if tail else []
        # Cut off: fewer fields than the header, or a quoted value never closed.
        open_quote = bool(tail) and utf8.count(b'"', tail) % 2 == 1
        cut = bool(tail) and (len(last_fields) < width or open_quote)
        body = utf8[:tail] if cut else utf8
        names = [f"c{i}" for i in range(width + _RAGGED_SLACK)]
        frame = pl.read_csv(
            body,
            has_header=False,
            schema={name: pl.Utf8 for name in names},
            missing_columns="insert",
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(f"file cannot be split into CSV columns: {str(exc).splitlines()[0]}") from None
    header = [None if value is None else str(value) for value in frame.row(0)[:width]]
    extra = names[width:]
    rows = frame.with_row_index("source_row", offset=1).slice(1)
    rows = rows.with_columns(pl.col("source_row").cast(pl.Int32), *_nul_reason(names[:width], header))
    cut_off = None
    if cut:
        row = frame.height + 1
        how = (
            f"has {len(last_fields)} of {width} fields"
            if len(last_fields) < width
            else "stops inside a quoted value"
        )
        cut_off = (
            f"file ends mid-row: row {row} {how} and the file does not end with "
            "a line break — the file looks cut off (truncated transfer?); the rows before it loaded"
        )
        partial = {name: (last_fields[i] if i < len(last_fields) else None) for i, name in enumerate(names)}
        written = utf8[tail:].decode("utf-8")
        rows = pl.concat(
            [
                rows,
                pl.DataFrame(
                    [partial | {"source_row": row, DAMAGED_COLUMN: cut_off, DAMAGED_VALUE_COLUMN: written}],
                    schema=rows.schema,
                ),
            ],
            how="vertical",
        )
    rows = rows.select(
        *names[:width],
        "source_row",
        pl.concat_str(extra, separator=",", ignore_nulls=True).replace("", None).alias(RAGGED_COLUMN),
        DAMAGED_COLUMN,
        DAMAGED_VALUE_COLUMN,
    )
    # A row of blanks (',,,,' from Excel, an empty line) states nothing: it is not a line to check.
    rows = rows.filter(
        ~pl.all_horizontal([blank(pl.col(name)) for name in names[:width]])
        | pl.col(RAGGED_COLUMN).is_not_null()
        | pl.col(DAMAGED_COLUMN).is_not_null()
    )
    return CsvCells(header=header, rows=rows, encoding=encoding, cut_off=cut_off)


def _last_record_start(utf8: bytes) -> int:
    """Where the last record starts when the text does not end with a line break (else 0).

    The record starts after the last line break outside quotes: one preceded by an even number
    of quote characters ("" inside a quoted value counts twice, so the parity holds).
    """
    if utf8.endswith((b"\n", b"\r")):
        return 0
    end = len(utf8)
    while True:
        newline = max(utf8.rfind(b"\n", 0, end), utf8.rfind(b"\r", 0, end))
        if newline < 0:
            return 0  # one line only: the header, whole
        if utf8.count(b'"', 0, newline) % 2 == 0:
            return newline + 1
        end = newline


def _csv_fields(record: bytes) -> list[str]:
    """The fields of one (possibly unfinished) CSV record: an open quote runs to the end."""
    return next(csv.reader(io.StringIO(record.decode("utf-8"))), [])


def _nul_reason(columns: Sequence[str], header: Sequence[str | None]) -> list[pl.Expr]:
    """__damaged for rows holding a NUL byte (0x00), which no text contains: a damaged file or a
    binary copy. Such a row is quarantined whole, naming the first column that holds one."""
    has_nul = [pl.col(name).str.contains("\x00", literal=True).fill_null(False) for name in columns]
    if not has_nul:
        return [pl.lit(None, dtype=pl.Utf8).alias(DAMAGED_COLUMN), pl.lit(None, dtype=pl.Utf8).alias(DAMAGED_VALUE_COLUMN)]
    reason = pl.when(has_nul[0]).then(pl.lit(_nul_text(header[0] if header else None, 0)))
    value = pl.when(has_nul[0]).then(pl.col(columns[0]))
    for position, (name, flag) in enumerate(zip(columns, has_nul, strict=True)):
        if position == 0:
            continue
        reason = reason.when(flag).then(pl.lit(_nul_text(header[position], position)))
        value = value.when(flag).then(pl.col(name))
    # Shown with the NUL bytes spelled out, so the value can be printed and searched.
    return [reason.alias(DAMAGED_COLUMN), value.str.replace_all("\x00", "\\x00", literal=True).alias(DAMAGED_VALUE_COLUMN)]


def _nul_text(header: str | None, position: int) -> str:
    where = f"column {column_letter(position)}" + (f" '{display_header(header)}'" if header else "")
    return (
        f"{where} holds a NUL byte (0x00), which no text contains — the file looks damaged "
        "(an interrupted copy or a binary file saved as CSV?); row quarantined"
    )


def check_damaged() -> Check:
    """A row the file damaged (cut off, NUL bytes): one reason for the whole row, see read_csv_cells."""
    damaged = pl.col(DAMAGED_COLUMN)
    return Check.of("(whole row)", pl.col(DAMAGED_VALUE_COLUMN), (damaged.is_not_null(), damaged))


def split_damaged(frame: pl.DataFrame, family: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of a CSV frame that are not damaged, and one quarantine row per damaged row.

    A damaged row's cells say nothing reliable, so its per-cell checks would only bury the one
    reason that matters (the file is cut off or corrupt) under a dozen others.
    """
    return apply_checks(frame, [check_damaged()], family)


def csv_file_problems(cells: CsvCells, family: str, info: FileRead) -> list[dict[str, Any]]:
    """The file-level findings of a CSV: a file cut off mid-row is marked truncated (its last row
    is quarantined by split_damaged); a header without data rows gets a quarantine row, so an
    empty delivery leaves a trace."""
    info.encoding = cells.encoding
    if cells.cut_off:
        info.truncated = True
        info.problem = cells.cut_off
    if cells.header_only:
        info.problem = HEADER_ONLY
        return [quarantine_row(family, info.source_file, HEADER_ONLY)]
    return []


def check_ragged(field_count: int) -> Check:
    """A CSV row with more fields than the header: usually a number with an unquoted comma."""
    return Check.of(
        "(whole row)",
        pl.col(RAGGED_COLUMN),
        (
            pl.col(RAGGED_COLUMN).is_not_null(),
            pl.format(
                "row has more fields than the header's {} (extra: {}); a value with a comma must be quoted",
                pl.lit(field_count),
                pl.col(RAGGED_COLUMN),
            ),
        ),
    )
