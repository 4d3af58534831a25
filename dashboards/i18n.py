"""Every label the dashboards show, in Chinese and English, from one table: i18n.csv.

The CSV (key, zh, en) is the one place a label lives, so an office can correct a wording
without touching page code. Labels are str.format templates ({region}, {value}, ...).
Chinese is the default; the sidebar switch keeps the choice in st.session_state["lang"].
Numbers are formatted here too, so "14.0 %" and the missing-value dash look the same everywhere.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

import streamlit as st

TABLE_PATH = Path(__file__).with_name("i18n.csv")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
SESSION_KEY = "lang"


@cache
def table() -> dict[str, dict[str, str]]:
    """The label table: key -> {language: text}. Fails loudly on a duplicate or empty entry."""
    labels: dict[str, dict[str, str]] = {}
    with TABLE_PATH.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            key = row["key"]
            if None in row:  # an unquoted comma split the text: the rest would be lost silently
                raise ValueError(f"{TABLE_PATH.name}, line {line}: label {key!r} has more than 3 fields (quote a text with commas)")
            if key in labels:
                raise ValueError(f"{TABLE_PATH.name}, line {line}: label {key!r} is defined twice")
            missing = [lang for lang in LANGUAGES if not row.get(lang)]
            if missing:
                raise ValueError(f"{TABLE_PATH.name}, line {line}: label {key!r} has no text for {', '.join(missing)}")
            labels[key] = {lang: row[lang] for lang in LANGUAGES}
    return labels


def current_language() -> str:
    lang = st.session_state.get(SESSION_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang`, with {placeholders} filled in. An unknown key raises KeyError."""
    template = table()[key][lang]
    return template.format(**values) if values else template


def t(key: str, **values: object) -> str:
    """The label `key` in the session's language."""
    return text(key, current_language(), **values)


def code_label(prefix: str, code: str, **values: object) -> str:
    """The label for a code from the data (status, plan period, comparison); the code itself if unlabelled.

    Codes come from the warehouse, and a new one (say a 15th-plan period) should show up
    as its code rather than break the page.
    """
    key = f"{prefix}_{code}"
    return t(key, **values) if key in table() else str(code)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def percent(fraction: object) -> str:
    """A fraction as a percentage with one decimal ("14.0 %"); missing stays missing ("—"), never 0."""
    if is_missing(fraction):
        return t("missing_value")
    return t("fmt_percent", value=f"{float(fraction) * 100:.1f}")  # type: ignore[arg-type]


def percentage_points(fraction: object) -> str:
    """A difference of two fractions in percentage points, signed ("+1.3 pp", "-0.5 pp", "0.0 pp")."""
    if is_missing(fraction):
        return t("missing_value")
    points = round(float(fraction) * 100, 1)  # type: ignore[arg-type]
    # A gap that rounds to zero is shown unsigned: "-0.0" would read as behind, "+0.0" as ahead.
    shown = "0.0" if points == 0 else f"{points:+.1f}"
    return t("fmt_pp", value=shown)
