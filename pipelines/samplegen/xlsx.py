"""Deterministic xlsx writing.

xlsxwriter already stamps every zip member with a fixed date; the one timestamp left is the
document's creation time in docProps/core.xml, which defaults to "now". Pinning it makes two
runs with the same arguments write byte-identical workbooks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

# Any fixed instant works; the end of the sample's last statistical year reads naturally.
FIXED_CREATED = dt.datetime(2021, 1, 1, 0, 0, 0)


def new_workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": title, "author": "pipelines.samplegen", "created": FIXED_CREATED})
    return workbook


def cell_text(value: float | None, decimals: int = 2) -> str:
    """A number as text for CSV files: fixed decimals, trailing zeros dropped, blank for None."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
