"""The leaders' briefing: the barometer of one region and year as a printable PDF (A4, Chinese) and
the same content as an Excel workbook.

Content (all of it read from marts.fct_target_progress, the barometer's mart; no rule is made here):
a title with region, year, plan period and publication time; the count of indicators per status;
a table of every indicator of the plan with its value, even-pace value, target, gap and status
word in its status colour; one small path chart per indicator (actual, even-pace path, target);
and what changed since the last briefing.

"What changed since the last briefing": every briefing saves a small snapshot (indicator → value,
status; the publication it was made from) as <briefings>/<region>/<year>-<generation>.json
(paths.briefings_dir(): <warehouse>/briefings unless GHG_BRIEFINGS_DIR moves it).
The next briefing of the same region and year compares with the latest snapshot made from a
DIFFERENT, earlier publication and lists the indicators whose status or value changed; without one
it says 首次简报. Why snapshots rather than the previous year: a leader who got last month's
briefing wants to know what is new in this one (a revised statistic, a status that moved), which
a year-on-year comparison does not say (the page's path charts already show the years).

The same functions serve `ghg briefing` (pipelines/cli/briefing.py) and the barometer page's
download buttons (dashboards/views/overview.py): load() reads with a query function from the file
the caller chooses (the public one: leaders' data), write_pdf() / write_excel() lay it out.
Status words, unit and plan labels are the dashboards' (dashboards/i18n.csv, Chinese column);
status colours are the seed ref_target_statuses' chart colours.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from pipelines import paths
from pipelines.safe_text import one_line

Run = Callable[[str, tuple], pd.DataFrame]

LABELS_PATH = paths.PROJECT_ROOT / "dashboards" / "i18n.csv"
STATUS_SEED = paths.SEEDS_DIR / "ref_target_statuses.csv"
FIRST_BRIEFING = "首次简报"
MISSING = "—"
A4_PORTRAIT_IN = (8.27, 11.69)
# CJK fonts in order of preference, with the Debian package that brings each. Type 42 embedding
# keeps the text extractable (pdftotext, a screen reader, copy and paste) with either.
CJK_FONTS = (
    ("Noto Sans CJK SC", "fonts-noto-cjk"),
    ("Source Han Sans SC", "fonts-noto-cjk"),
    ("WenQuanYi Micro Hei", "fonts-wqy-microhei"),
    ("WenQuanYi Zen Hei", "fonts-wqy-zenhei"),
)
CHARTS_PER_PAGE = 12  # 3 columns × 4 rows
TABLE_ROWS_FIRST_PAGE = 22

# The plan period that contains the year (the newest, when periods overlap). Params: region, year.
PLAN_OF_YEAR = """
SELECT plan_period
FROM marts.fct_target_progress
WHERE region_code = ? AND year = ?
GROUP BY plan_period
ORDER BY plan_period DESC
LIMIT 1
"""

# Every indicator of the plan, every year of it, in the plan's order (as the barometer reads it:
# dashboards/queries/overview.py). Params: region_code, plan_period.
PLAN_PROGRESS = """
SELECT
    indicator_code, name_zh, name_en, category, base_year, target_year, target_kind, comparison,
    target_value, unit, display_unit_zh, display_multiplier,
    year, actual_value, expected_value, gap, status
FROM marts.fct_target_progress
WHERE region_code = ? AND plan_period = ?
ORDER BY category_order, indicator_order, indicator_code, year
"""

REGION_NAME = "SELECT name_zh FROM marts.dim_region WHERE region_code = ?"

# Which publication the file is (pipelines/publication.py stamps every published file). No params.
PUBLICATION = "SELECT generation, published_at_utc FROM meta.publication"

# Which of the tables a briefing reads the file holds (a file built before the barometer or before
# publications were stamped lacks one). No params.
BRIEFING_SCHEMA = """
SELECT table_schema || '.' || table_name AS name
FROM information_schema.tables
WHERE (table_schema = 'marts' AND table_name IN ('fct_target_progress', 'dim_region'))
   OR (table_schema = 'meta' AND table_name = 'publication')
"""

PLAN_COLUMNS = [
    "indicator_code", "name_zh", "name_en", "category", "base_year", "target_year", "target_kind",
    "comparison", "target_value", "unit", "display_unit_zh", "display_multiplier",
]


class BriefingUnavailable(LookupError):
    """The file has no targets for this region and year (or no barometer at all)."""


class FontMissing(RuntimeError):
    """No CJK font is installed: the PDF would show empty boxes instead of Chinese."""


@dataclass(frozen=True)
class Briefing:
    region_code: str
    region_name: str
    year: int
    plan_period: str
    generation: str  # the publication the figures come from
    published_at: str  # "2026-12-05 11:02 UTC"
    indicators: pd.DataFrame  # one row per indicator of the plan: values of `year`, status
    series: pd.DataFrame  # every year of the plan, for the path charts
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # since the last briefing
    previous: str | None = None  # the publication time of that briefing; None = first briefing


# --- labels and colours (their one homes) ------------------------------------------------------


@cache
def _labels() -> dict[str, str]:
    with LABELS_PATH.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: row["zh"] for row in csv.DictReader(handle)}


def label(prefix: str, code: object) -> str:
    """The Chinese label of a code (status_green → 进度正常); the code itself when it has none."""
    return _labels().get(f"{prefix}_{code}", one_line(code))


@cache
def status_vocabulary() -> tuple[tuple[str, str, bool], ...]:
    """(status, chart colour, always counted) in display order: seed ref_target_statuses."""
    with STATUS_SEED.open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["display_order"]))
    return tuple((row["status_code"], row["chart_colour"], row["always_counted"] == "true") for row in rows)


def status_colour(status: object) -> str:
    return {code: colour for code, colour, _ in status_vocabulary()}.get(str(status), "#9aa0a6")


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def scale(unit: object, multiplier: object) -> float:
    """Warehouse value × scale = shown value (fractions → %, tce → 万吨标准煤), as the barometer shows it."""
    if not is_missing(multiplier):
        return float(multiplier)  # type: ignore[arg-type]
    return 100.0 if unit == "fraction" else 1.0


def unit_text(unit: object, display_unit_zh: object) -> str:
    if f"unit_{unit}" in _labels():
        return _labels()[f"unit_{unit}"]
    return one_line(display_unit_zh) if not is_missing(display_unit_zh) else one_line(unit)


def shown(value: object, unit: object, multiplier: object, signed: bool = False) -> str:
    if is_missing(value):
        return MISSING
    number = round(float(value) * scale(unit, multiplier), 2)  # type: ignore[arg-type]
    if number == 0:
        return "0.00"  # never "-0.00" nor "+0.00": neither ahead nor behind
    return f"{number:+,.2f}" if signed else f"{number:,.2f}"


# --- loading -----------------------------------------------------------------------------------


def load(run: Run, region_code: str, year: int) -> Briefing:
    """The briefing's figures, read with run(sql, params) -> DataFrame. Raises BriefingUnavailable."""
    tables = set(run(BRIEFING_SCHEMA, ())["name"])
    missing = {"marts.fct_target_progress", "marts.dim_region"} - tables
    if missing:
        raise BriefingUnavailable(f"the warehouse file has no {', '.join(sorted(missing))}")
    plans = run(PLAN_OF_YEAR, (region_code, int(year)))
    if plans.empty:
        raise BriefingUnavailable(f"no targets for region {region_code} in {year}")
    plan_period = str(plans["plan_period"].iat[0])
    series = run(PLAN_PROGRESS, (region_code, plan_period))
    names = run(REGION_NAME, (region_code,))
    stamp = run(PUBLICATION, ()) if "meta.publication" in tables else pd.DataFrame()
    generation, published = ("unpublished", None) if stamp.empty else (str(stamp["generation"].iat[0]), stamp["published_at_utc"].iat[0])
    return Briefing(
        region_code=region_code,
        region_name=str(names["name_zh"].iat[0]) if not names.empty else region_code,
        year=int(year), plan_period=plan_period, generation=generation,
        published_at=MISSING if is_missing(published) else pd.Timestamp(published).strftime("%Y-%m-%d %H:%M:%S UTC"),
        indicators=year_rows(series, int(year)), series=series,
    )


def year_rows(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per indicator of the plan (in plan order) with its values for `year`; an indicator
    without a row that year is kept with missing values and status no_data (as on the barometer)."""
    indicators = series.drop_duplicates("indicator_code")[PLAN_COLUMNS]
    chosen = series.loc[series["year"] == year, ["indicator_code", "actual_value", "expected_value", "gap", "status"]]
    rows = indicators.merge(chosen, on="indicator_code", how="left")
    rows["status"] = rows["status"].where(rows["status"].notna(), "no_data")
    return rows.reset_index(drop=True)


def status_counts(statuses: pd.Series) -> dict[str, int]:
    """Counts in the vocabulary's order: the always-counted statuses even at 0, the others (missed,
    not_meaningful) when they occur; a status the vocabulary does not know yet is still counted."""
    counted = statuses.fillna("no_data").value_counts()
    counts = {code: int(counted.get(code, 0)) for code, _, always in status_vocabulary() if always or counted.get(code, 0)}
    for status, count in counted.items():
        counts.setdefault(str(status), int(count))
    return counts


def summary_line(briefing: Briefing) -> str:
    """"共 17 项指标：11 项进度正常 · 6 项进度滞后 · 0 项差于基年 · 0 项暂无数据"."""
    counts = status_counts(briefing.indicators["status"])
    items = " · ".join(f"{count} 项{label('status', status)}" for status, count in counts.items())
    return f"共 {len(briefing.indicators)} 项指标：{items}"


def title(briefing: Briefing) -> str:
    return f"{one_line(briefing.region_name)}{briefing.year}年节能降碳目标进展简报"


def header_lines(briefing: Briefing) -> list[tuple[str, str]]:
    return [
        ("地区", f"{one_line(briefing.region_name)}（{briefing.region_code}）"),
        ("年份", str(briefing.year)),
        ("规划期", label("plan", briefing.plan_period)),
        ("数据发布时间", briefing.published_at),
        ("数据来源", "公开库（晴雨表 marts.fct_target_progress）"),
    ]


def indicator_table(briefing: Briefing) -> pd.DataFrame:
    """The table of every indicator as printed: words and numbers in each indicator's display unit."""
    rows = briefing.indicators
    units = [unit_text(u, d) for u, d in zip(rows["unit"], rows["display_unit_zh"])]
    return pd.DataFrame({
        "指标": [one_line(name) for name in rows["name_zh"]],
        "状态": [label("status", status) for status in rows["status"]],
        "单位": units,
        "当年值": [shown(v, u, m) for v, u, m in zip(rows["actual_value"], rows["unit"], rows["display_multiplier"])],
        "均衡进度值": [shown(v, u, m) for v, u, m in zip(rows["expected_value"], rows["unit"], rows["display_multiplier"])],
        "差距": [shown(v, u, m, signed=True) for v, u, m in zip(rows["gap"], rows["unit"], rows["display_multiplier"])],
        "目标": [
            f"{label('comparison', c)} {shown(v, u, m)}（{'' if is_missing(y) else int(y)}年）"
            for c, v, u, m, y in zip(rows["comparison"], rows["target_value"], rows["unit"], rows["display_multiplier"], rows["target_year"])
        ],
    })


# --- what changed since the last briefing ------------------------------------------------------


def snapshot(briefing: Briefing) -> dict:
    return {
        "region_code": briefing.region_code, "year": briefing.year, "plan_period": briefing.plan_period,
        "generation": briefing.generation, "published_at": briefing.published_at,
        "indicators": {
            str(row["indicator_code"]): {
                "name_zh": str(row["name_zh"]), "status": str(row["status"]),
                "actual_value": None if is_missing(row["actual_value"]) else float(row["actual_value"]),
            }
            for row in briefing.indicators.to_dict("records")
        },
    }


def _snapshot_folder(root: Path, region_code: str) -> Path:
    safe = "".join(ch for ch in region_code if ch.isalnum()) or "region"
    return root / safe


def save_snapshot(briefing: Briefing, root: Path) -> Path:
    """Write this briefing's snapshot (one per region, year and publication; a second briefing of
    the same publication overwrites it with the same content)."""
    folder = _snapshot_folder(root, briefing.region_code)
    folder.mkdir(parents=True, exist_ok=True)
    generation = "".join(ch for ch in briefing.generation if ch.isalnum() or ch in "-_") or "unknown"
    target = folder / f"{briefing.year}-{generation}.json"
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(json.dumps(snapshot(briefing), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, target)
    return target


def previous_snapshot(briefing: Briefing, root: Path) -> dict | None:
    """The latest snapshot of this region and year from another, earlier publication (or None)."""
    candidates = []
    for path in _snapshot_folder(root, briefing.region_code).glob(f"{briefing.year}-*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged snapshot is skipped, not fatal: the briefing matters more
        if data.get("year") == briefing.year and data.get("generation") != briefing.generation \
                and str(data.get("published_at", "")) < briefing.published_at:
            candidates.append(data)
    return max(candidates, key=lambda data: str(data["published_at"]), default=None)


def _same_value(before: object, after: object) -> bool:
    if is_missing(before) or is_missing(after):
        return is_missing(before) and is_missing(after)
    return math.isclose(float(before), float(after), rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]


def changes(briefing: Briefing, previous: Mapping | None) -> pd.DataFrame:
    """One row per indicator whose status or value differs from the previous snapshot (new and
    dropped indicators included), as printed."""
    columns = ["指标", "上次状态", "本次状态", "上次值", "本次值"]
    if previous is None:
        return pd.DataFrame(columns=columns)
    before = previous.get("indicators", {})
    rows = []
    for row in briefing.indicators.to_dict("records"):
        old = before.get(str(row["indicator_code"]))
        if old is not None and old.get("status") == row["status"] and _same_value(old.get("actual_value"), row["actual_value"]):
            continue
        unit, multiplier = row["unit"], row["display_multiplier"]
        rows.append([
            one_line(row["name_zh"]),
            MISSING if old is None else label("status", old.get("status")),
            label("status", row["status"]),
            MISSING if old is None else shown(old.get("actual_value"), unit, multiplier),
            shown(row["actual_value"], unit, multiplier),
        ])
    current = set(briefing.indicators["indicator_code"].astype(str))
    for code, old in before.items():
        if code not in current:
            rows.append([one_line(old.get("name_zh", code)), label("status", old.get("status")), MISSING, MISSING, MISSING])
    return pd.DataFrame(rows, columns=columns)


def with_changes(briefing: Briefing, root: Path | None) -> Briefing:
    """The briefing with its changes since the last one (root: paths.briefings_dir(); None = none kept)."""
    previous = previous_snapshot(briefing, root) if root is not None else None
    return replace(briefing, changes=changes(briefing, previous),
                   previous=None if previous is None else str(previous["published_at"]))


def changes_heading(briefing: Briefing) -> str:
    if briefing.previous is None:
        return f"与上次简报相比的变化：{FIRST_BRIEFING}（此前没有本地区本年度的简报，下次简报将与本次比较）"
    if briefing.changes.empty:
        return f"与上次简报（数据发布于 {briefing.previous}）相比的变化：无变化"
    return f"与上次简报（数据发布于 {briefing.previous}）相比的变化：{len(briefing.changes)} 项指标"


# --- Excel -------------------------------------------------------------------------------------

SHEETS = ("简报", "指标路径", "变化")
HEADER_ROWS = 8  # the row (0-based) of the indicator table's headings on the first sheet


def path_frame(briefing: Briefing) -> pd.DataFrame:
    rows = briefing.series
    return pd.DataFrame({
        "指标": [one_line(name) for name in rows["name_zh"]],
        "年份": rows["year"].astype(int),
        "单位": [unit_text(u, d) for u, d in zip(rows["unit"], rows["display_unit_zh"])],
        "实际值": [shown(v, u, m) for v, u, m in zip(rows["actual_value"], rows["unit"], rows["display_multiplier"])],
        "均衡进度值": [shown(v, u, m) for v, u, m in zip(rows["expected_value"], rows["unit"], rows["display_multiplier"])],
        "目标值": [shown(v, u, m) for v, u, m in zip(rows["target_value"], rows["unit"], rows["display_multiplier"])],
        "状态": [label("status", status) for status in rows["status"]],
    })


def write_excel(briefing: Briefing, target: BinaryIO | Path) -> None:
    """The briefing as a workbook: the summary and indicator table, every path, the changes."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target,
                               {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1})
    status_formats = {code: book.add_format({"border": 1, "bg_color": colour, "font_color": "#ffffff" if code in ("green", "red", "missed") else "#000000"})
                      for code, colour, _ in status_vocabulary()}
    sheet = book.add_worksheet(SHEETS[0])
    sheet.write_string(0, 0, title(briefing), bold)
    for row, (name, value) in enumerate(header_lines(briefing), start=1):
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, value)
    sheet.write_string(len(header_lines(briefing)) + 1, 0, summary_line(briefing))
    table = indicator_table(briefing)
    _write_table(sheet, HEADER_ROWS, table, head, cell,
                 {1: [status_formats.get(str(s), cell) for s in briefing.indicators["status"]]})
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, len(table.columns) - 1, 16)
    paths_sheet = book.add_worksheet(SHEETS[1])
    _write_table(paths_sheet, 0, path_frame(briefing), head, cell, {})
    paths_sheet.set_column(0, 0, 36)
    changes_sheet = book.add_worksheet(SHEETS[2])
    changes_sheet.write_string(0, 0, changes_heading(briefing))
    _write_table(changes_sheet, 2, briefing.changes, head, cell, {})
    changes_sheet.set_column(0, 0, 36)
    book.close()


def _write_table(sheet, first_row: int, frame: pd.DataFrame, head, cell, column_formats: dict) -> None:
    sheet.write_row(first_row, 0, [str(column) for column in frame.columns], head)
    for offset, values in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            fmt = column_formats[column][offset - 1] if column in column_formats else cell
            if isinstance(value, (int,)) and not isinstance(value, bool):
                sheet.write_number(first_row + offset, column, value, fmt)
            else:
                sheet.write_string(first_row + offset, column, str(value), fmt)


def excel_bytes(briefing: Briefing) -> bytes:
    buffer = io.BytesIO()
    write_excel(briefing, buffer)
    return buffer.getvalue()


def pdf_bytes(briefing: Briefing) -> bytes:
    from pipelines.reporting import briefing_pdf

    buffer = io.BytesIO()
    briefing_pdf.write_pdf(briefing, buffer)
    return buffer.getvalue()
