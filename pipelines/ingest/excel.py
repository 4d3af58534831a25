"""Excel workbooks: sheets as strings, formulas without a saved value, headers over two rows.

Workbooks are read with calamine (fastexcel): every cell a string, columns named by their Excel
letter, rows numbered as Excel numbers them, so a reason points at the cell a clerk opens.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from pipelines.ingest.files import UnreadableFile
from pipelines.ingest.text import column_letter, display_header, name_key
from pipelines.ingest.units import lookup_unit


def open_workbook(path: Path):
    """A calamine reader for an Excel file (xlsx, xlsm, xls); hidden sheets are listed too."""
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


def reading_order(item: tuple[tuple[str, int], str]) -> tuple[int, int, str]:
    """Sort key of formulas_without_value's cells in reading order: by row, then column (B before AA)."""
    (letter, row), _ = item
    return row, len(letter), letter


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
