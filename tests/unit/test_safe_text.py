"""pipelines.safe_text: data strings made safe for a terminal, a UI label and a CSV cell."""

from __future__ import annotations

import csv
import io

import pandas as pd
import polars as pl
import pytest

from pipelines.safe_text import neutralise_formula, neutralise_frame_formulas, one_line, terminal_safe

HOSTILE_NAME = "某化工厂\n# 标题\x1b[2J"
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


# --- terminal_safe ------------------------------------------------------------------------------


def test_terminal_safe_shows_escape_sequences_instead_of_running_them():
    assert terminal_safe("\x1b[2J") == "\\x1b[2J"
    assert terminal_safe("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"  # an OSC window title, ended by BEL
    assert terminal_safe(HOSTILE_NAME) == "某化工厂\\n# 标题\\x1b[2J"
    assert "\x1b" not in terminal_safe("a\x1bb\x9bc")


def test_terminal_safe_keeps_one_record_on_one_line():
    assert terminal_safe("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert terminal_safe("a\u2028b\u2029c\x85d") == "a\\u2028b\\u2029c\\x85d"
    assert "\n" not in terminal_safe("line 1\nline 2\r\n")


@pytest.mark.parametrize("character, shown", [
    ("\x00", "\\x00"), ("\x07", "\\x07"), ("\x08", "\\x08"), ("\x1f", "\\x1f"), ("\x7f", "\\x7f"),
    ("\x80", "\\x80"), ("\x9b", "\\x9b"), ("\x9f", "\\x9f"),
    ("\u202a", "\\u202a"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"), ("\u2069", "\\u2069"),
])
def test_terminal_safe_escapes_every_control_and_bidi_character(character, shown):
    assert terminal_safe(f"a{character}b") == f"a{shown}b"


@pytest.mark.parametrize("text", [
    "兰州某化工厂（集团）有限公司", "enterprise_reports/2019/兰州某厂.xlsx", "<script>alert(1)</script>",
    "C:\\inbox\\file.xlsx", "unit '万吨' with value 12000 looks like tonnes (×10⁴ too large)", "a b", "",
    "\u00a0\u3000é€—", "=1+1",
])
def test_terminal_safe_leaves_printable_text_alone(text):
    assert terminal_safe(text) == text


def test_terminal_safe_takes_any_value():
    assert terminal_safe(12) == "12"
    assert terminal_safe(None) == "None"


# --- one_line -----------------------------------------------------------------------------------


def test_one_line_turns_line_breaks_and_controls_into_one_space():
    assert one_line(HOSTILE_NAME) == "某化工厂 # 标题 [2J"
    assert one_line("a\r\nb") == "a b"
    assert one_line("a\u2028b\u2029c\x85d") == "a b c d"
    assert one_line("a\tb\x00c\x7fd\x9be") == "a b c d e"
    assert one_line("a \n\n  b") == "a b"


@pytest.mark.parametrize("text", [
    "兰州某化工厂（集团）有限公司", "<script>alert(1)</script>某化工厂", "# not a heading on its own", "a b", "",
    "某　化工",  # one ideographic space stays
    "**bold** _x_ [link](http://x)",  # Markdown escaping is the dashboards' job, not this one
])
def test_one_line_changes_nothing_else(text):
    assert one_line(text) == text


# --- neutralise_formula -------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_get_an_apostrophe(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", [
    -5, -5.5, 0, 3, None, float("inf"), True, "某化工厂", "<script>", "a=b", " =1", "'=1", "", "1-2", "SZA-2019",
])
def test_other_values_are_unchanged(value):
    assert neutralise_formula(value) is value


def test_negative_number_stays_a_number_but_negative_text_is_neutralised():
    assert neutralise_formula(-5) == -5
    assert neutralise_formula("-5") == "'-5"


# --- frames -------------------------------------------------------------------------------------


def _frame_values() -> dict[str, list]:
    return {
        "name": ["=1+1", "+1", "-1", "@SUM(A1)", "某化工厂", None],
        "amount": [-5, 1, 2, 3, 4, 5],
        "share": [-0.5, 0.1, None, 0.2, 0.3, 0.4],
    }


def test_pandas_frame_string_columns_only():
    frame = pd.DataFrame(_frame_values())
    frame["mixed"] = pd.Series(["-x", -5, None, "<script>", "\t=1", "ok"], dtype=object)
    frame["category"] = pd.Categorical(["=a", "b", "=a", "b", None, "'=a"])
    frame["typed"] = pd.array(["-1", None, "ok", "=", "", "@x"], dtype="string")
    before = frame.copy()
    result = neutralise_frame_formulas(frame)
    assert list(result["name"])[:5] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "某化工厂"]
    assert result["name"].isna().iat[5]
    assert list(result["amount"]) == [-5, 1, 2, 3, 4, 5] and result["amount"].dtype == frame["amount"].dtype
    assert result["share"].iat[0] == -0.5 and result["share"].dtype == frame["share"].dtype
    assert list(result["mixed"]) == ["'-x", -5, None, "<script>", "'\t=1", "ok"]
    assert list(result["category"])[:4] == ["'=a", "b", "'=a", "b"] and list(result["category"])[5] == "'=a"
    assert list(result["typed"].fillna("NA")) == ["'-1", "NA", "ok", "'=", "", "'@x"]
    assert result["typed"].dtype == frame["typed"].dtype
    pd.testing.assert_frame_equal(frame, before)  # a new frame: the input is untouched


def test_pandas_headers_and_duplicate_columns():
    frame = pd.DataFrame([["=a", "-b", 1]], columns=["=header", "=header", "年份"])
    result = neutralise_frame_formulas(frame)
    assert list(result.columns) == ["'=header", "'=header", "年份"]
    assert result.iloc[0].tolist() == ["'=a", "'-b", 1]


def test_polars_frame_string_columns_only():
    frame = pl.DataFrame(_frame_values()).with_columns(category=pl.col("name").cast(pl.Categorical))
    result = neutralise_frame_formulas(frame)
    assert result["name"].to_list() == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "某化工厂", None]
    assert result["category"].to_list() == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "某化工厂", None]
    assert result["amount"].to_list() == [-5, 1, 2, 3, 4, 5] and result.schema["amount"] == pl.Int64
    assert result["share"].to_list() == [-0.5, 0.1, None, 0.2, 0.3, 0.4]
    assert frame["name"].to_list()[0] == "=1+1"  # the input is untouched


def test_polars_headers_and_lazy_frames():
    frame = pl.DataFrame({"=header": ["-1"], "value": [-5]})
    assert neutralise_frame_formulas(frame).columns == ["'=header", "value"]
    lazy = neutralise_frame_formulas(frame.lazy()).collect()
    assert lazy.to_dicts() == [{"'=header": "'-1", "value": -5}]


def test_csv_written_from_a_neutralised_frame_keeps_numbers():
    frame = pl.DataFrame({"cell": ["=1+1", "-1", "ok"], "number": [-5, 0, 7]})
    rows = list(csv.reader(io.StringIO(neutralise_frame_formulas(frame).write_csv())))
    assert rows == [["cell", "number"], ["'=1+1", "-5"], ["'-1", "0"], ["ok", "7"]]


def test_anything_but_a_frame_is_refused():
    with pytest.raises(TypeError):
        neutralise_frame_formulas(["=1+1"])
    with pytest.raises(TypeError):
        neutralise_frame_formulas(pd.Series(["=1+1"]))


def test_one_line_drops_bidi_controls_that_would_reorder_a_name():
    assert one_line("某化工厂\u202e厂工化某\u2066x\u2069") == "某化工厂厂工化某x"
