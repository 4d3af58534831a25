"""Small formatting helpers shared by the enterprises page and its sibling modules.

Figures with thousands separators (number_text), codes as words looked up once per distinct code
(code_words), yes/no columns in words for a download (yes_no_words: a checkbox on screen, words in
a file), and an enterprise's name for display, missing or blank as "—" (display_name). Used by
dashboards.views.enterprises, enterprises_profile and enterprises_compliance.
"""

from __future__ import annotations

import pandas as pd

from dashboards.i18n import code_label, is_missing, t


def number_text(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def code_words(codes: pd.Series, prefix: str) -> list[str | None]:
    """Codes as words, looked up once per distinct code (a search can return 10,000 rows); missing stays None."""
    words = {code: code_label(prefix, code) for code in codes.dropna().unique()}
    return [None if is_missing(code) else words[code] for code in codes]


def yes_no_words(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy for download with yes/no columns in words (a checkbox on screen, True/False in a file)."""
    shown = frame.copy()
    yes, no = t("enterprises_yes"), t("enterprises_no")
    for column in columns:
        shown[column] = [None if is_missing(value) else (yes if value else no) for value in shown[column]]
    return shown


def display_name(name: object) -> str:
    return t("missing_value") if is_missing(name) or not str(name).strip() else str(name)
