"""Text keys: how two spellings of a header, fuel or unit are found to be the same.

Every comparison of names goes through name_key (full-width and half-width, spaces, case); a
header row is matched against the accepted names of each field (match_headers), and codes are
looked up from their aliases (alias_lookup). Also how headers and columns are named in a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipelines.ingest.files import UnreadableFile


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


def header_row_text(row: Sequence[object]) -> str:
    """A header row quoted cell by cell for a reason: "'燃料品种', '消耗量', '', '低位发热量'" (no trailing blanks)."""
    cells = [display_header(cell) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return ", ".join(f"'{cell}'" for cell in cells)


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' (Excel's column names)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
