"""What every reader shares: decoding, cell access, number/date/unit parsing, checks, results.

The readers work in two steps. First they *extract* a file into a frame of strings, one column
per field, exactly as written (so a quarantined value shows what the clerk typed). Then they
*parse and check* that frame with polars expressions: a cell that does not parse sends its row
to quarantine with a reason, the rows beside it are kept. Python loops run over sheets, headers
and distinct values (a few hundred fuel names or units), never over every cell of a national
export.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.ingest.schemas import FAMILY_TABLES, QUARANTINE_SCHEMA, SOURCE_FILES_SCHEMA, conform, empty_frame

# --------------------------------------------------------------------------------------------
# Text keys: how two spellings of a header, fuel or unit are found to be the same
# --------------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # the same few hundred headers and names, in every file
def name_key(text: object) -> str:
    """The comparison key of a header or a name: NFKC, no whitespace, case-folded.

    NFKC folds full-width brackets, colons, digits and letters to ASCII (（万吨） = (万吨),
    其中： = 其中:). Chinese headers carry no meaningful spaces, and exports insert stray ones,
    so all whitespace goes; English aliases are compared case-insensitively (LPG = lpg).
    """
    if text is None:
        return ""
    # NFKC would turn the superscript of 10⁴ into a plain 4 ("104Nm3"); spell it as the spec does.
    folded = unicodedata.normalize("NFKC", str(text).replace("10⁴", "10^4"))
    return _WHITESPACE.sub("", folded).casefold()


_BRACKETS = str.maketrans("（）【】［］", "()[][]")


@lru_cache(maxsize=1 << 16)
def display_header(text: object) -> str:
    """A header as a clerk would recognise it: trimmed, brackets ASCII, single spaces."""
    if text is None:
        return ""
    folded = str(text).translate(_BRACKETS)
    return _WHITESPACE.sub(" ", folded).strip()


_TRAILING_BRACKET = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*$")


def split_header_unit(header: str) -> tuple[str, str | None]:
    """'排放因子(tCO2/MWh)' → ('排放因子', 'tCO2/MWh'); headers without a trailing bracket → (h, None)."""
    match = _TRAILING_BRACKET.match(display_header(header))
    if not match:
        return display_header(header), None
    return match.group(1), match.group(2).strip() or None


@dataclass
class HeaderMatch:
    """Which column of a header row holds which field."""

    positions: dict[str, int] = field(default_factory=dict)  # field → 0-based column position
    written: dict[str, str] = field(default_factory=dict)  # field → header as written
    units: dict[str, str] = field(default_factory=dict)  # field → unit in the header's bracket
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (position, header) matching no field
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (field, first header, second)

    def missing(self, required: Iterable[str]) -> list[str]:
        return [name for name in required if name not in self.positions]


def require_headers(match: HeaderMatch, fields: Mapping[str, Sequence[str]], required: Iterable[str]) -> None:
    """Reject a file whose header names a field twice or lacks a required one (with the names it may use)."""
    if match.duplicates:
        name, first, second = match.duplicates[0]
        raise UnreadableFile(f"columns '{first}' and '{second}' both mean {name}; keep one of them")
    missing = match.missing(required)
    if missing:
        wanted = "; ".join(f"{name} ({' / '.join(fields[name])})" for name in missing)
        raise UnreadableFile(f"header row lacks required columns: {wanted}")


def match_headers(cells: Sequence[object], fields: Mapping[str, Sequence[str]]) -> HeaderMatch:
    """Match a header row against the accepted names of each field.

    A header matches a field when its key equals an alias key; failing that, when the header
    without its trailing bracket does (排放因子(tCO2/MWh) → 排放因子, unit tCO2/MWh), so a
    unit written into the header is accepted and kept. Blank headers are ignored.
    """
    index = _alias_index(tuple((name, tuple(aliases)) for name, aliases in fields.items()))
    result = HeaderMatch()
    for position, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        written = display_header(cell)
        base, unit = split_header_unit(written)
        name = index.get(name_key(written)) or index.get(name_key(base))
        if name is None:
            result.unknown.append((position, written))
            continue
        if name in result.positions:
            result.duplicates.append((name, result.written[name], written))
            continue
        result.positions[name] = position
        result.written[name] = written
        if unit:
            result.units[name] = unit
    return result


@cache
def _alias_index(fields: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, aliases in fields:
        for alias in (name, *aliases):
            key = name_key(alias)
            if index.get(key, name) != name:
                raise ValueError(f"header alias {alias!r} is claimed by both {index[key]} and {name}")
            index[key] = name
    return index


def alias_lookup(aliases_by_code: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """{name key → code} from {code → aliases}; a key claimed by two codes is a seed error."""
    lookup: dict[str, str] = {}
    for code, aliases in aliases_by_code.items():
        for alias in aliases:
            key = name_key(alias)
            if not key:
                continue
            if lookup.get(key, code) != code:
                raise ValueError(f"alias {alias!r} means both {lookup[key]} and {code}")
            lookup[key] = code
    return lookup


def is_total_label(text: object) -> bool:
    """合计 / 总计 / total rows repeat the lines above them and are never loaded."""
    key = name_key(text)
    return key in {"合计", "总计", "小计", "total", "sum"} or key.startswith(("合计", "总计"))


# --------------------------------------------------------------------------------------------
# Headers written over two rows
# --------------------------------------------------------------------------------------------

# Second-row words that only say "the figure itself" under a group header (消耗量 over 数值 | 单位).
_VALUE_WORDS = frozenset(name_key(word) for word in ("数值", "数量", "数据", "值", "value", "amount"))
_NUMBER_TEXT = re.compile(r"^[-+－＋]?[\d０-９][\d０-９,，.．]*(?:[eE][-+]?\d+)?[%％]?$")


def _blank_header(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _looks_like_unit(text: str) -> bool:
    """'tCO2/t', '万吨', '%': a bare unit, which a header takes in brackets (排放因子(tCO2/t))."""
    return "/" in text or text in ("%", "％") or lookup_unit(text) is not None


@dataclass
class TwoRowHeader:
    """A header written over two rows, read as one.

    cells: one text per column for the header matcher ('低位发热量单位', '排放因子(tCO2/t)', '单位',
    '原煤'; blank columns None). unread: (position, 'upper / lower') of the columns where both rows
    are written and no combination of them is understood; their cell is the lower text.
    """

    cells: list[str | None]
    unread: list[tuple[int, str]] = field(default_factory=list)
    # Positions read from their second-row cell (joined to the first row or on its own).
    from_second_row: list[int] = field(default_factory=list)


def combine_header_rows(
    upper: Sequence[object], lower: Sequence[object], understood: Callable[[str], bool]
) -> TwoRowHeader:
    """The two rows of a header as one, each column read as the reader's `understood` allows.

    A group header merged across columns is written in its first cell only (calamine leaves the
    others blank), so a blank upper cell takes the text to its left while both neighbours carry a
    second-row cell (消耗量 spreads over 数值 | 单位). Then, per column:

    - lower blank → the upper text (a header merged down over both rows: 燃料品种, 项目);
    - upper blank → the lower text;
    - lower 数值/数量/value → the upper text (the figure of the group);
    - otherwise the first understood of: upper+lower ('低位发热量'+'单位', '排放因子'+'(tCO2/t)'),
      lower alone ('单位' under 消耗量, '原煤' under a 煤炭及油气 group), upper(lower) when the
      lower is a bare unit ('排放因子' over 'tCO2/t'). None understood → unread.
    """
    width = max(len(upper), len(lower))
    up = [display_header(upper[i]) if i < len(upper) and not _blank_header(upper[i]) else "" for i in range(width)]
    low = [display_header(lower[i]) if i < len(lower) and not _blank_header(lower[i]) else "" for i in range(width)]
    for i in range(1, width):
        if not up[i] and low[i] and up[i - 1] and low[i - 1]:
            up[i] = up[i - 1]
    result = TwoRowHeader(cells=[])
    for i in range(width):
        u, lo = up[i], low[i]
        if not lo:
            result.cells.append(u or None)
            continue
        if not u:
            result.cells.append(lo)
            if understood(lo):
                result.from_second_row.append(i)
            continue
        if name_key(lo) in _VALUE_WORDS:
            result.cells.append(u)
            if not understood(u):
                result.unread.append((i, f"{u} / {lo}"))
            else:
                result.from_second_row.append(i)
            continue
        candidates = [u + lo, lo] + ([f"{u}({lo})"] if _looks_like_unit(lo) else [])
        chosen = next((candidate for candidate in candidates if understood(candidate)), None)
        if chosen is None:
            result.cells.append(lo)
            result.unread.append((i, f"{u} / {lo}"))
        else:
            result.cells.append(chosen)
            if chosen != f"{u}({lo})":
                result.from_second_row.append(i)
    return result


def header_row_continues(
    upper: Sequence[object], lower: Sequence[object] | None, understood: Callable[[str], bool], anchor: int | None = None
) -> bool:
    """Whether `lower` is the second row of a header whose first row is `upper`.

    It is when the cell under the anchor column (项目, 燃料品种, merged down over both rows) is
    blank, no cell holds a number (a data row), and at least one cell reads as a header in the
    light of the cell above it (see combine_header_rows): a unit row (万吨 | 亿立方米) or a data row
    of text does not.
    """
    if lower is None or all(_blank_header(cell) for cell in lower):
        return False
    if anchor is not None and anchor < len(lower) and not _blank_header(lower[anchor]):
        return False
    if any(_NUMBER_TEXT.match(str(cell).strip()) for cell in lower if not _blank_header(cell)):
        return False
    return bool(combine_header_rows(upper, lower, understood).from_second_row)


def header_row_text(row: Sequence[object]) -> str:
    """A header row quoted cell by cell for a reason: "'燃料品种', '消耗量', '', '低位发热量'" (no trailing blanks)."""
    cells = [display_header(cell) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return ", ".join(f"'{cell}'" for cell in cells)


# --------------------------------------------------------------------------------------------
# Files: finding them, decoding them, reading cells
# --------------------------------------------------------------------------------------------


class UnreadableFile(Exception):
    """A file (or sheet) that cannot be read at all; the message is the clerk's reason."""


CSV_SUFFIXES = (".csv",)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def relative_source(path: Path, root: Path) -> str:
    """The file's path relative to the inbox, with forward slashes on every platform."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_files(root: Path, folder: str, suffixes: Sequence[str]) -> list[Path]:
    """Files under root/folder (recursively) with one of the suffixes, sorted by relative path.

    Offices name files as they like; the folder says what a file is. Excel's lock files
    (~$…) and hidden files are not data.
    """
    base = root / folder
    if not base.is_dir():
        return []
    found = [
        path
        for path in base.rglob("*")
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith(("~$", "."))
    ]
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def decode_to_utf8(data: bytes) -> tuple[bytes, str]:
    """The file's bytes as UTF-8 and the encoding they were in; never lossy.

    BOM → UTF-8; strict UTF-8; else strict GB18030 (a superset of GBK and GB2312). Anything else
    is rejected whole, naming the byte offset, because a guessed decode silently corrupts names.
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"file starts with a UTF-8 byte-order mark but byte {exc.start + 3} "
                f"(0x{body[exc.start]:02X}) is not UTF-8; re-save the file as UTF-8"
            ) from None
        return body, "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("file is UTF-16 (Excel 'Unicode text'); re-save it as CSV UTF-8 or GBK")
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise UnreadableFile(
                f"file is neither UTF-8 (byte 0x{data[utf8_error.start]:02X} at offset "
                f"{utf8_error.start} is invalid) nor GBK/GB18030 (byte 0x{data[gb_error.start]:02X} "
                f"at offset {gb_error.start} is invalid); re-save it as UTF-8 or GBK"
            ) from None
        # Reported as gb18030 also for GBK files: it is the codec that read them.
        return text.encode("utf-8"), "gb18030"


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
    import csv
    import io

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


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' (Excel's column names)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def open_workbook(path: Path):
    """A calamine reader for an Excel file (xlsx, xlsm, xls); hidden sheets are listed too."""
    import fastexcel

    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # calamine raises its own types for zip/xml damage
        raise UnreadableFile(f"file cannot be opened as an Excel workbook: {str(exc).splitlines()[0]}") from None


def read_sheet_cells(workbook, sheet: str) -> pl.DataFrame:
    """Every cell of a sheet as a string; columns named by Excel letter, row i = Excel row i+1.

    header_row=None and skip_rows=0 keep leading blank rows, so row numbers match Excel; the
    column names come from the absolute column index because calamine drops empty leading
    columns. Numbers arrive in their shortest exact form (15000, not 15000.0), dates as
    'YYYY-MM-DD HH:MM:SS'.
    """
    frame, letters = _load_sheet(workbook, sheet)
    return frame.rename(dict(zip(frame.columns, letters, strict=True))).cast(pl.Utf8)


def read_sheet_rows(workbook, sheet: str) -> tuple[list[tuple[str | None, ...]], list[str]]:
    """A sheet as Python rows of strings and the Excel letters of its columns (see read_sheet_cells).

    For small sheets read by the thousand (a balance table per region), plain rows cost less
    than a frame per sheet.
    """
    frame, letters = _load_sheet(workbook, sheet)
    return frame.rows(), letters


_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def formulas_without_value(path: Path) -> dict[str, dict[tuple[str, int], str]]:
    """{sheet name → {(column letter, row) → formula as written}} of formula cells with no saved result.

    A workbook written by a program (not saved by Excel) may hold formulas whose result was
    never computed; calamine reads those cells as empty, which would pass for a missing figure.
    Read once per workbook from the sheet XML (xlsx/xlsm only; .xls and damaged files give {}).
    The formula is given as Excel shows it ('=B5*C5'); a cell of a shared formula (filled down
    from another cell) names the cell whose formula it copies ('=B5*C5, shared from D5').
    """
    import zipfile
    from xml.etree import ElementTree

    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, dict[tuple[str, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PACKAGE_REL}Relationship")}
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            for sheet in book.iter(f"{_XLSX_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_XLSX_REL}id"), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                if part not in names:
                    continue
                with archive.open(part) as stream:
                    data = stream.read()
                if b"<f" not in data:  # no formulas at all: nothing to parse
                    continue
                cells: dict[tuple[str, int], str] = {}
                shared: dict[str, tuple[str, str]] = {}  # shared formula index → (first cell, formula)
                for cell in ElementTree.fromstring(data).iter(f"{_XLSX_MAIN}c"):
                    formula = cell.find(f"{_XLSX_MAIN}f")
                    if formula is None:
                        continue
                    reference = cell.get("r") or ""
                    text = (formula.text or "").strip()
                    if formula.get("t") == "shared" and formula.get("si") is not None:
                        if text:
                            shared[formula.get("si")] = (reference, text)
                        elif formula.get("si") in shared:
                            first, text = shared[formula.get("si")]
                            text = f"{text}, shared from {first}"
                    value = cell.find(f"{_XLSX_MAIN}v")
                    if value is not None and (value.text or "") != "":
                        continue
                    ref = _CELL_REF.match(reference)
                    if ref:
                        cells[(ref.group(1), int(ref.group(2)))] = f"={text}" if text else "="
                if cells:
                    found[sheet.get("name") or ""] = cells
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return found


def formula_reason(letter: str, row: int, formula: str | None = None) -> str:
    """'cell B6 holds a formula without a saved value (=B5*2); open and save the workbook in Excel'."""
    written = f" ({formula})" if formula else ""
    return f"cell {letter}{row} holds a formula without a saved value{written}; open and save the workbook in Excel"


def _load_sheet(workbook, sheet: str) -> tuple[pl.DataFrame, list[str]]:
    try:
        loaded = workbook.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
    except Exception as exc:  # calamine's own error types
        raise UnreadableFile(f"sheet cannot be read: {str(exc).splitlines()[0]}") from None
    return frame, [column_letter(info.absolute_index) for info in loaded.selected_columns]


# --------------------------------------------------------------------------------------------
# Cells → values, as polars expressions
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Units: the normalisation table of sources/README.md
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Checks: one function per rule, each a polars expression that is null when the row passes
# --------------------------------------------------------------------------------------------


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


def check_year(raw: str, parsed: str, header: str | pl.Expr, first: int = 2000, last: int = 2035) -> Check:
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
    from pipelines.ingest import vocab

    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & ~pl.col(code).is_in(list(vocab.region_codes())).fill_null(False),
            pl.format("region code {} does not exist in the 2024 division list", pl.col(raw)),
        ),
    )


def region_code_expr(raw: str | pl.Expr) -> pl.Expr:
    """The region code as text, with renamed units mapped to their current code (620824 → 620881)."""
    from pipelines.ingest import vocab

    text = code_text(pl.col(raw) if isinstance(raw, str) else raw)
    changes = vocab.region_code_changes()
    return text.replace(changes) if changes else text


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
) -> dict[str, Any]:
    """One quarantine record for a problem found outside the vectorised checks (file, sheet, header)."""
    return {
        "source_family": family,
        "source_file": source_file,
        "source_sheet": sheet,
        "source_row": row,
        "column_name": column,
        "value": value,
        "reason": reason,
    }


def quarantine_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(records), schema=QUARANTINE_SCHEMA) if records else empty_frame("quarantine")


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class FileRead:
    """One file a reader looked at, and what came of it (a row of raw.source_files, files_frame)."""

    source_file: str
    kind: str  # e.g. 'enterprise_export_csv', 'energy_balance_workbook'
    encoding: str | None = None  # for CSV: 'utf-8', 'utf-8-sig' or 'gb18030'
    rows_loaded: int = 0  # rows in the raw tables from this file
    rows_quarantined: int = 0  # quarantine rows pointing at this file
    rejected: bool = False  # the file could not be read at all
    size_bytes: int | None = None
    modified_at: datetime | None = None  # UTC; re-deliveries are ordered by it
    truncated: bool = False  # the file ends mid-row (cut off in transfer)
    problem: str | None = None  # the file-level reason: rejected, truncated, no data rows

    @classmethod
    def of(cls, path: Path, source_file: str, kind: str, encoding: str | None = None) -> FileRead:
        """A FileRead with the file's size and modification time as found on disk."""
        return cls(source_file, kind, encoding).stat(path)

    def stat(self, path: Path) -> FileRead:
        """Fill size and modification time from the file (left unknown if it vanished)."""
        try:
            facts = Path(path).stat()
        except OSError:
            return self
        self.size_bytes = facts.st_size
        self.modified_at = datetime.fromtimestamp(facts.st_mtime, tz=timezone.utc)
        return self


@dataclass
class ReadResult:
    """The raw tables of one source family, the rejected rows, and the files read."""

    family: str
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    files: list[FileRead] = field(default_factory=list)

    @classmethod
    def empty(cls, family: str) -> ReadResult:
        return cls(family, {table: empty_frame(table) for table in FAMILY_TABLES[family]}, empty_frame("quarantine"))

    @classmethod
    def build(
        cls,
        family: str,
        tables: Mapping[str, pl.DataFrame],
        quarantine: pl.DataFrame,
        files: Sequence[FileRead],
    ) -> ReadResult:
        """Conform every table to its schema (adding the family's empty ones) and count rows per file."""
        conformed = {
            table: conform(tables[table], table) if table in tables else empty_frame(table)
            for table in FAMILY_TABLES[family]
        }
        # File, then sheet, then row: the order a clerk works through a quarantine list.
        quarantine = conform(quarantine, "quarantine").sort(
            "source_file", "source_sheet", "source_row", nulls_last=False, maintain_order=True
        )
        loaded: dict[str, int] = {}
        for frame in conformed.values():
            if "source_row" not in frame.columns:  # a table about files (deliveries), not rows of them
                continue
            for source_file, count in frame.group_by("source_file").len().iter_rows():
                loaded[source_file] = loaded.get(source_file, 0) + count
        rejected = dict(quarantine.group_by("source_file").len().iter_rows())
        counted = [
            replace(f, rows_loaded=loaded.get(f.source_file, 0), rows_quarantined=rejected.get(f.source_file, 0))
            for f in files
        ]
        return cls(family, conformed, quarantine, counted)

    @classmethod
    def combine(cls, results: Sequence[ReadResult], family: str | None = None) -> ReadResult:
        """Several results of one family as one (tables and quarantine concatenated in order)."""
        if not results:
            if family is None:
                raise ValueError("combine() of no results needs the family")
            return cls.empty(family)
        family = family or results[0].family
        tables = {
            table: pl.concat(
                [r.tables[table] for r in results if table in r.tables] or [empty_frame(table)], how="vertical"
            )
            for table in FAMILY_TABLES[family]
        }
        quarantine = pl.concat([r.quarantine for r in results], how="vertical")
        return cls(family, tables, quarantine, [f for r in results for f in r.files])

    def row_counts(self) -> dict[str, int]:
        return {table: frame.height for table, frame in self.tables.items()} | {"quarantine": self.quarantine.height}


def rejected_file(
    family: str, source_file: str, kind: str, reason: str, encoding: str | None = None, path: Path | None = None
) -> ReadResult:
    """The result for a file that could not be read at all: one quarantine row, no data."""
    info = FileRead(source_file, kind, encoding, rejected=True, problem=reason)
    if path is not None:
        info.stat(path)
    return ReadResult.build(family, {}, quarantine_frame([quarantine_row(family, source_file, reason)]), [info])


def read_each(
    family: str, kind: str, reader: Callable[[Path, Path], ReadResult], paths: Sequence[Path], root: Path
) -> list[ReadResult]:
    """reader over each file; a file that breaks the reader in an unforeseen way is quarantined
    whole (with the error, for the platform team) and the other files are still read."""
    results = []
    for path in paths:
        try:
            result = reader(path, root)
        except Exception as exc:  # one bad file must not cost the office every other file
            result = rejected_file(family, relative_source(path, root), kind, unexpected_error(exc), path=path)
        for info in result.files:  # a reader that did not stat its file
            if info.size_bytes is None and info.source_file == relative_source(path, root):
                info.stat(path)
        results.append(result)
    return results


def files_frame(result: ReadResult) -> pl.DataFrame:
    """raw.source_files for one family: every file its reader looked at, and what came of it."""
    records = [
        {
            "source_family": result.family,
            "source_file": f.source_file,
            "kind": f.kind,
            "encoding": f.encoding,
            "size_bytes": f.size_bytes,
            "modified_at": f.modified_at,
            "rows_loaded": f.rows_loaded,
            "rows_quarantined": f.rows_quarantined,
            "rejected": f.rejected,
            "truncated": f.truncated,
            "problem": f.problem,
        }
        for f in result.files
    ]
    return pl.DataFrame(records, schema=SOURCE_FILES_SCHEMA) if records else pl.DataFrame(schema=SOURCE_FILES_SCHEMA)


def unexpected_error(exc: Exception) -> str:
    first_line = (str(exc).splitlines() or [""])[0]
    return f"file could not be read ({type(exc).__name__}: {first_line}); please report this file to the platform team"
