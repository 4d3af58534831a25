"""Text from input files, made safe for where it is shown: a terminal, a UI label, a spreadsheet.

Enterprise names, file and sheet names, cell values and quarantine reasons come from files that
others wrote. Shown as they are, three things go wrong:

- on an operator's terminal, an ESC sequence in a CSV cell (ESC[2J, an OSC title) clears or
  retitles the screen, and a newline or a bidi override makes one record look like two, or
  reversed;
- in a dashboard label that renders Markdown, a name with a newline and "# " becomes a heading;
- in a CSV opened in Excel, a cell starting with = + - @ (or TAB, CR) is a formula (OWASP,
  "CSV Injection").

One function per destination; all are pure and need nothing beyond the standard library
(pandas or polars only when given one of their frames):

    terminal_safe(value) -> str
        For anything printed to a terminal or written to a log line (ghg ingest/status/export):
        C0 and C1 control characters (ESC, BEL, DEL, CR, LF, TAB, U+0080–U+009F), the Unicode
        line/paragraph separators and the bidi controls (U+202A–U+202E, U+2066–U+2069) are
        written as visible escapes ('\\x1b', '\\n', '\\t', '\\u202e'), so one record stays one
        line. Printable text, Chinese included, and backslashes are unchanged.

            print(f"{terminal_safe(source_file)}, row {row}: {terminal_safe(reason)}")

    one_line(value) -> str
        For a name in a UI label: control characters and line/paragraph separators (CR, LF,
        U+0085, U+2028, U+2029) become a space, runs of whitespace collapse to one space.
        Nothing else changes (Markdown escaping is the dashboards' own job: components.plain).

    neutralise_formula(value) -> value
        For one CSV cell: a str starting with = + - @ TAB or CR gets a leading apostrophe, which
        Excel shows as text; anything else, numbers included (-5 stays -5), is returned as is.

    neutralise_frame_formulas(frame) -> frame
        The same for every str cell of a pandas or polars DataFrame (string, object and
        categorical columns) and for its column headers; a new frame, the input is untouched.
        Call it just before writing a CSV:

            neutralise_frame_formulas(frame).write_csv(path)          # polars
            neutralise_frame_formulas(frame).to_csv(path, index=False)  # pandas

Excel files need none of this when written as text (xlsxwriter with strings_to_formulas off,
as dashboards.components.excel_bytes does).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "neutralise_frame_formulas", "one_line", "terminal_safe"]

# What a spreadsheet reads as the start of a formula (OWASP CSV Injection): = + - @, and TAB or CR,
# which Excel skips before looking at the next character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# C0 controls, DEL and C1 controls (U+0085 NEL included), the line and paragraph separators, and
# the bidi embeddings/overrides/isolates that reorder what a terminal shows ("Trojan Source").
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Everything that breaks a line or is a control character (C0, DEL, C1 with NEL, U+2028, U+2029).
_LINE_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidi overrides and isolates would show a name reversed or reordered (a spoofing trick): dropped.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"\s{2,}")

Frame = TypeVar("Frame")


def _visible(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(value: object) -> str:
    """The value as one line a terminal shows as written: control characters, line separators and
    bidi controls as visible escapes ("\\x1b[2J", "a\\nb", "\\u202e"); everything else unchanged."""
    return _TERMINAL_UNSAFE.sub(_visible, str(value))


def one_line(value: object) -> str:
    """The value as one line for a UI label: control characters and line breaks become a space,
    runs of whitespace one space ("某化工厂\\n# 标题" → "某化工厂 # 标题") and bidi controls are
    dropped (they would reorder what is shown); nothing else changes."""
    return _WHITESPACE_RUN.sub(" ", _LINE_UNSAFE.sub(" ", _BIDI_CONTROLS.sub("", str(value))))


def neutralise_formula(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: "=1+1" → "'=1+1", "-1" → "'-1"; numbers and other
    values unchanged (-5 is a number, not text, and stays -5)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame_formulas(frame: Frame) -> Frame:
    """A copy of a pandas or polars DataFrame with neutralise_formula applied to every str cell
    (string, object and categorical columns; numbers, dates and missing values untouched) and to
    the column headers, which are the CSV's first row."""
    library = type(frame).__module__.split(".", 1)[0]
    if library == "polars":
        return _neutralise_polars(frame)
    if library == "pandas":
        return _neutralise_pandas(frame)
    raise TypeError(f"neutralise_frame_formulas takes a pandas or polars DataFrame, not {type(frame).__name__}")


def _neutralise_pandas(frame: Any) -> Any:
    import pandas as pd

    if isinstance(frame, pd.Series):
        raise TypeError("neutralise_frame_formulas takes a DataFrame, not a Series")
    result = frame.copy()
    # By position: a frame with on-screen headers can hold two columns of the same name.
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            # Categories may collide once prefixed ("=a" and "'=a"): plain objects instead.
            result.isetitem(position, column.astype(object).map(neutralise_formula))
        elif isinstance(dtype, pd.StringDtype):
            result.isetitem(position, column.map(neutralise_formula, na_action="ignore").astype(dtype))
        elif dtype == object:
            result.isetitem(position, column.map(neutralise_formula))
    if not isinstance(result.columns, pd.MultiIndex):
        result.columns = [neutralise_formula(name) for name in result.columns]
    return result


def _neutralise_polars(frame: Any) -> Any:
    import polars as pl

    if isinstance(frame, pl.LazyFrame):
        schema = frame.collect_schema()
    elif isinstance(frame, pl.DataFrame):
        schema = frame.schema
    else:
        raise TypeError(f"neutralise_frame_formulas takes a DataFrame, not {type(frame).__name__}")
    expressions = []
    for name, dtype in schema.items():
        if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
            text = pl.col(name).cast(pl.String)
            starts = pl.any_horizontal([text.str.starts_with(prefix) for prefix in FORMULA_PREFIXES])
            # A null stays null: the condition is null, so otherwise() keeps the (null) value.
            expressions.append(pl.when(starts).then(pl.lit("'") + text).otherwise(text).alias(name))
    result = frame.with_columns(expressions) if expressions else frame.clone()
    renamed = {name: neutralise_formula(name) for name in schema if neutralise_formula(name) != name}
    return result.rename(renamed) if renamed else result
