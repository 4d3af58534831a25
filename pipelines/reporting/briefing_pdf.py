"""The leaders' briefing as a printable PDF: A4 portrait, Chinese, drawn with matplotlib.

Page 1: title, header lines, the status counts, the table of every indicator (status word on its
status colour), what changed since the last briefing. Then the path charts, CHARTS_PER_PAGE to a
page: actual (points in status colour), the even-pace path (dashed) and the target (dotted rule).
The figures and words come from pipelines/reporting/briefing.py; this module only lays them out.

Fonts: a CJK font is needed (Debian fonts-noto-cjk; fonts-wqy-microhei also works); it is embedded
as Type 42 (pdf.fonttype 42), which keeps every word extractable by pdftotext / pdfium — checked by
tests/integration/test_briefing.py. Without one the PDF would print empty boxes, so write_pdf fails
with FontMissing naming the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from pipelines.reporting import briefing as content
from pipelines.reporting.briefing import (
    A4_PORTRAIT_IN,
    CHARTS_PER_PAGE,
    CJK_FONTS,
    Briefing,
    FontMissing,
)
from pipelines.safe_text import one_line

ACTUAL_COLOUR, EXPECTED_COLOUR, TARGET_COLOUR = "#1f4e79", "#8c8c8c", "#444444"
WHITE_TEXT = ("green", "red", "missed")  # dark status colours carry white words


@cache
def cjk_font() -> str:
    """The path of the first installed CJK font of CJK_FONTS; FontMissing names the package otherwise."""
    from matplotlib import font_manager

    for attempt in range(2):
        for family, _ in CJK_FONTS:
            try:
                return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            except ValueError:
                continue
        if attempt == 0:
            # matplotlib's font cache may predate the font's installation (`make setup` installs it
            # after a first run): add the installed CJK font files and look again.
            for path in font_manager.findSystemFonts():
                if any(mark in Path(path).name.lower() for mark in ("cjk", "wqy", "sourcehan")):
                    font_manager.fontManager.addfont(path)
    packages = " or ".join(dict.fromkeys(package for _, package in CJK_FONTS))
    raise FontMissing(f"no Chinese (CJK) font is installed; install the Debian package {packages} (make setup does)")


def write_pdf(briefing: Briefing, target: BinaryIO | Path) -> None:
    """Write the briefing to target (a path or a binary stream) as an A4 PDF."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages

    font = cjk_font()
    font_manager.fontManager.addfont(font)
    family = font_manager.FontProperties(fname=font).get_name()
    style = {"pdf.fonttype": 42, "font.family": [family], "axes.unicode_minus": False}
    with matplotlib.rc_context(style):
        metadata = {"Title": content.title(briefing), "Subject": content.summary_line(briefing), "Creator": "ghg briefing"}
        with PdfPages(target, metadata=metadata) as pdf:
            _first_page(pdf, briefing)
            rows = briefing.indicators.to_dict("records")
            for start in range(0, len(rows), CHARTS_PER_PAGE):
                _chart_page(pdf, briefing, rows[start:start + CHARTS_PER_PAGE], start // CHARTS_PER_PAGE + 2)


def _new_page():
    # A bare Figure, not pyplot: no global figure registry to leak into or race on when the
    # dashboard's sessions make briefings at the same time.
    from matplotlib.figure import Figure

    return Figure(figsize=A4_PORTRAIT_IN)


def _close(pdf, figure) -> None:
    pdf.savefig(figure)


def _first_page(pdf, briefing: Briefing) -> None:
    figure = _new_page()
    figure.text(0.06, 0.955, content.title(briefing), fontsize=17, weight="bold")
    header = "    ".join(f"{name}：{value}" for name, value in content.header_lines(briefing)[2:4])
    figure.text(0.06, 0.93, header, fontsize=9)
    figure.text(0.06, 0.912, content.header_lines(briefing)[4][0] + "：" + content.header_lines(briefing)[4][1], fontsize=9)
    figure.text(0.06, 0.885, content.summary_line(briefing), fontsize=11, weight="bold")
    table = content.indicator_table(briefing)
    rows = len(table)
    height = min(0.035 + 0.026 * rows, 0.62)
    top = 0.865
    axes = figure.add_axes((0.04, top - height, 0.92, height))
    axes.axis("off")
    _table(axes, table, briefing.indicators["status"].tolist())
    _changes(figure, briefing, top - height - 0.03)
    _legend(figure)
    figure.text(0.06, 0.02, "差距：与均衡进度的差距，正数表示快于进度，总量控制指标表示低于控制路径的余量；“—”表示无数据（不按0处理）。第 1 页", fontsize=7, color="#555555")
    _close(pdf, figure)


def _table(axes, table: pd.DataFrame, statuses: list[str]) -> None:
    widths = [0.30, 0.09, 0.10, 0.09, 0.10, 0.09, 0.23]
    drawn = axes.table(cellText=table.values.tolist(), colLabels=list(table.columns), colWidths=widths,
                       loc="upper center", cellLoc="center")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(7.5)
    drawn.scale(1, 1.35)
    for (row, column), cell in drawn.get_celld().items():
        cell.set_edgecolor("#999999")
        if row == 0:
            cell.set_facecolor("#DDEBF7")
            cell.get_text().set_weight("bold")
        elif column == 0:
            cell.get_text().set_horizontalalignment("left")
            cell.PAD = 0.02
        elif column == 1:
            status = statuses[row - 1]
            cell.set_facecolor(content.status_colour(status))
            cell.get_text().set_color("#ffffff" if status in WHITE_TEXT else "#000000")


def _legend(figure) -> None:
    """What each status means (the dashboards' words), at the foot of the first page."""
    codes = [code for code, _, _ in content.status_vocabulary()]
    figure.text(0.06, 0.05 + 0.017 * len(codes), "状态说明", fontsize=8, weight="bold")
    for index, code in enumerate(codes):
        y = 0.05 + 0.017 * (len(codes) - 1 - index)
        figure.text(0.06, y, content.label("status", code), fontsize=7, color="#ffffff" if code in WHITE_TEXT else "#000000",
                    bbox={"facecolor": content.status_colour(code), "edgecolor": "none", "pad": 1.5})
        figure.text(0.14, y, content.label("status", f"{code}_meaning"), fontsize=7)


def _changes(figure, briefing: Briefing, top: float) -> None:
    figure.text(0.06, top, content.changes_heading(briefing), fontsize=10, weight="bold")
    if briefing.changes.empty:
        return
    shown = briefing.changes.head(12)
    height = 0.022 * (len(shown) + 1)
    axes = figure.add_axes((0.06, max(top - 0.01 - height, 0.04), 0.88, height))
    axes.axis("off")
    drawn = axes.table(cellText=shown.values.tolist(), colLabels=list(shown.columns), loc="upper center",
                       colWidths=[0.36, 0.16, 0.16, 0.16, 0.16], cellLoc="center")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(7.5)
    if len(briefing.changes) > len(shown):
        figure.text(0.06, max(top - 0.02 - height, 0.03), f"另有 {len(briefing.changes) - len(shown)} 项变化见 Excel 版“变化”表。", fontsize=8)


def _chart_page(pdf, briefing: Briefing, rows: list[dict], page: int) -> None:
    figure = _new_page()
    figure.text(0.06, 0.965, f"{content.title(briefing)} — 指标路径（实际值、均衡进度路径与目标）", fontsize=11, weight="bold")
    axes_grid = figure.subplots(4, 3, squeeze=False)
    figure.subplots_adjust(left=0.07, right=0.97, top=0.92, bottom=0.07, hspace=0.55, wspace=0.32)
    for axes, row in zip(axes_grid.flat, rows + [None] * (CHARTS_PER_PAGE - len(rows))):
        if row is None:
            axes.axis("off")
        else:
            _path_chart(axes, briefing, row)
    legend = figure.legend(
        handles=_legend_handles(), loc="lower center", ncol=3, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.015),
    )
    legend.set_in_layout(False)
    figure.text(0.94, 0.01, f"第 {page} 页", fontsize=7, color="#555555")
    _close(pdf, figure)


def _legend_handles():
    from matplotlib.lines import Line2D

    return [
        Line2D([], [], color=ACTUAL_COLOUR, marker="o", label="实际值（点色为状态）"),
        Line2D([], [], color=EXPECTED_COLOUR, linestyle="--", label="均衡进度路径"),
        Line2D([], [], color=TARGET_COLOUR, linestyle=":", label="目标"),
    ]


def _path_chart(axes, briefing: Briefing, row: dict) -> None:
    code = row["indicator_code"]
    series = briefing.series[briefing.series["indicator_code"] == code].sort_values("year")
    factor = content.scale(row["unit"], row["display_multiplier"])
    years = series["year"].astype(int).tolist()
    # The briefing reports the state in its year: actual values of later years are left out (the
    # path and the target span the whole plan period).
    reported = series["year"].astype(int) <= briefing.year
    actual = (series["actual_value"].astype(float).where(reported) * factor).tolist()
    expected = (series["expected_value"].astype(float) * factor).tolist()
    axes.plot(years, expected, color=EXPECTED_COLOUR, linestyle="--", linewidth=1)
    axes.plot(years, actual, color=ACTUAL_COLOUR, linewidth=1.2)  # NaN breaks the line: a gap, never 0
    axes.scatter(years, actual, c=[content.status_colour(s) for s in series["status"]], s=14, zorder=3,
                 # NaN points (later years, missing values) are not drawn
                 edgecolors="white", linewidths=0.4)
    if not content.is_missing(row["target_value"]):
        axes.axhline(float(row["target_value"]) * factor, color=TARGET_COLOUR, linestyle=":", linewidth=1)
    axes.axvline(briefing.year, color="#9aa0a6", alpha=0.25, linewidth=6)
    name = one_line(row["name_zh"])
    # A long name wraps onto a second line rather than being cut off: a leader reads it whole.
    axes.set_title(name if len(name) <= 16 else f"{name[:16]}\n{name[16:]}", fontsize=7.5)
    status = str(row["status"])
    axes.text(0.02, 0.97, content.label("status", status), transform=axes.transAxes, fontsize=6.5, va="top", zorder=5,
              color="#ffffff" if status in WHITE_TEXT else "#000000",
              bbox={"facecolor": content.status_colour(status), "edgecolor": "none", "pad": 1.5})
    axes.set_ylabel(content.unit_text(row["unit"], row["display_unit_zh"]), fontsize=6)
    axes.tick_params(labelsize=6)
    axes.set_xticks(years)
    axes.set_xticklabels([str(year) if index % 2 == 0 or len(years) <= 5 else "" for index, year in enumerate(years)])
    axes.grid(alpha=0.25, linewidth=0.5)
