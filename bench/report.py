"""BENCHMARKS.md: one section per preset (re-running a preset replaces only its section) and a
growth fit over all recorded presets. Each section carries its figures as a JSON comment, so the
fit can be recomputed from the file alone."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

GB = 1e9
HEADER = """# Benchmarks

Written by `make bench SCALE=<preset> [REPS=3]` (bench/run.py; what each figure means:
bench/README.md). One section per preset; re-running a preset replaces its section only. Timings
come from a shared 2-core machine unless the machine line says otherwise: compare figures taken
under the same load.
"""
SECTION = re.compile(r"<!-- preset:(?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- /preset:(?P=name) -->\n", re.S)
DATA = re.compile(r"<!-- bench-data (?P<json>\{.*?\}) -->", re.S)
GROWTH = re.compile(r"<!-- growth -->\n.*?<!-- /growth -->\n", re.S)
TARGETS = (  # (name, applies to presets, measure key, limit, unit)
    ("build ≤ 3 × floor", None, "ratio", 3.0, "×"),
    ("national peak RSS ≤ 4 GB", ("national",), "build_rss_gb", 4.0, "GB"),
    ("sample build ≤ 15 s", ("sample",), "build_s", 15.0, "s"),
    ("every page's rerun ≤ 1 s", None, "slowest_page_s", 1.0, "s"),
)


def summary(record: dict) -> dict:
    """The figures a section and the growth fit use, from one run's record."""
    builds, floors = record["builds"], record["floors"]
    build_s = [b["wall_s"] for b in builds]
    floor_s = [f["wall_s"] for f in floors]
    return {
        "preset": record["preset"], "recorded_at": record["recorded_at"], "reps": record["reps"],
        "build_s_min": min(build_s), "build_s": statistics.median(build_s),
        "floor_s_min": min(floor_s), "floor_s": statistics.median(floor_s),
        "ratio": statistics.median(build_s) / statistics.median(floor_s),
        "ratio_min": min(build_s) / min(floor_s),
        "build_rss_gb": max(b["peak_rss_bytes"] for b in builds) / GB,
        "floor_rss_gb": max(f["peak_rss_bytes"] for f in floors) / GB,
        "rows_read": builds[-1]["rows_read"], "floor_cells": floors[-1]["cells"],
        "inbox_mb": record["inbox"]["bytes"] / 1e6, "inbox_files": record["inbox"]["files"],
        "slowest_page_s": max((p["median_s"] for p in record["pages"]), default=None),
        "check_passed": record["check"]["passed"],
    }


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _times(record: dict, s: dict) -> list[str]:
    lines = ["### Wall time and memory", "", _row(("", "min", "median", "each repetition")), _row(("---",) * 4)]
    lines.append(_row(("build, s", f"{s['build_s_min']:.1f}", f"{s['build_s']:.1f}",
                       ", ".join(f"{b['wall_s']:.1f}" for b in record["builds"]))))
    lines.append(_row(("floor, s", f"{s['floor_s_min']:.1f}", f"{s['floor_s']:.1f}",
                       ", ".join(f"{f['wall_s']:.1f}" for f in record["floors"]))))
    lines.append(_row(("build ÷ floor", f"{s['ratio_min']:.1f}", f"{s['ratio']:.1f}", "")))
    lines.append(_row(("build peak RSS (process tree), GB", "", f"max {s['build_rss_gb']:.2f}",
                       ", ".join(f"{b['peak_rss_bytes'] / GB:.2f}" for b in record["builds"]))))
    lines.append(_row(("floor peak RSS, GB", "", f"max {s['floor_rss_gb']:.2f}",
                       ", ".join(f"{f['peak_rss_bytes'] / GB:.2f}" for f in record["floors"]))))
    rows = f"{s['rows_read']:,}" if s["rows_read"] is not None else "—"
    cells = f"{s['floor_cells']:,}" if s["floor_cells"] is not None else "—"
    report_lines = record["floors"][-1].get("report_lines")
    lines_read = f"{report_lines:,}" if report_lines is not None else "—"
    lines += ["", f"Rows read by the build (loaded + quarantined, operations store): {rows}. "
              f"Read by the floor: {cells} balance cells, {lines_read} enterprise report lines. The floor reads "
              "the energy balance workbooks and every enterprise report (export CSVs, per-enterprise workbooks) "
              "and computes region-years, region × year × balance row × fuel and enterprise-years (reported CO2 "
              "of the version in force); it leaves out the other statistics, the line checks and recomputation of "
              "enterprise CO2, and everything after combustion CO2 (bench/README.md), so build ÷ floor is an "
              "upper bound of what a hand-written pass over all the files would give.", ""]
    return lines


# The floor's reading families and the build's ingest step that reads the same files (among others:
# ingest_energy_statistics also reads the activity, production and department statistics;
# ingest_enterprise_reports also the allowance CSVs, and it checks and resolves every line).
READING_FAMILIES = (
    ("balance workbooks", ("balance_workbooks",), "ingest_energy_statistics"),
    ("enterprise reports (export CSVs + workbooks)", ("enterprise_csvs", "enterprise_workbooks"),
     "ingest_enterprise_reports"),
    ("— of which export CSVs", ("enterprise_csvs",), None),
    ("— of which per-enterprise workbooks", ("enterprise_workbooks",), None),
)


def _reading(record: dict) -> list[str]:
    """The floor's reading time per family beside the build's ingest step reading those files."""
    floors = [f for f in record["floors"] if f.get("family_s")]
    if not floors:
        return []
    steps: dict[str, list[float]] = {}
    for build in record["builds"]:
        for step in build["steps"]:
            steps.setdefault(step["stage"], []).append(step["s"])
    lines = ["### Reading time: floor vs build ingestion (seconds, median over repetitions)", "",
             _row(("files", "floor reads", "build ingest step", "step s", "step ÷ floor")), _row(("---",) * 5)]
    for label, families, stage in READING_FAMILIES:
        floor_s = statistics.median(sum(f["family_s"].get(name, 0.0) for name in families) for f in floors)
        step_s = statistics.median(steps[stage]) if stage in steps else None
        lines.append(_row((label, f"{floor_s:.2f}", stage or "", "" if step_s is None else f"{step_s:.1f}",
                           f"{step_s / floor_s:.1f}" if step_s is not None and floor_s > 0 else "")))
    return lines + ["", "The floor reads each family on every core, one family after the other; the build's ingest "
                    "steps run side by side and do more: ingest_energy_statistics also reads the other energy "
                    "statistics, ingest_enterprise_reports the allowance CSVs, and both check and resolve every row.", ""]


def _targets(s: dict) -> list[str]:
    lines = ["### Targets (issue 16)", "", _row(("target", "measured", "met", "distance")), _row(("---",) * 4)]
    for name, presets, key, limit, unit in TARGETS:
        value = s.get(key)
        if value is None:
            continue
        applies = presets is None or s["preset"] in presets
        met = "yes" if value <= limit else "no"
        distance = f"{value - limit:+.2f} {unit} ({value / limit:.0%} of the limit)"
        lines.append(_row((name, f"{value:.2f} {unit}", met if applies else f"{met} (target is for {presets[0]})",
                           distance)))
    return lines + [""]


def _stages(record: dict) -> list[str]:
    per_stage: dict[str, list[float]] = {}
    for build in record["builds"]:
        totals: dict[str, float] = {}
        for step in build["steps"]:
            totals[step["stage"]] = totals.get(step["stage"], 0.0) + step["s"]
        for stage, seconds in totals.items():
            per_stage.setdefault(stage, []).append(seconds)
    median_wall = statistics.median(b["wall_s"] for b in record["builds"])
    lines = ["### Build stages (Dagster step stats of each run; seconds, median over repetitions)", "",
             _row(("stage", "s", "share of build wall time")), _row(("---",) * 3)]
    for stage, values in sorted(per_stage.items(), key=lambda item: -statistics.median(item[1])):
        lines.append(_row((stage, f"{statistics.median(values):.1f}", f"{statistics.median(values) / median_wall:.0%}")))
    run_s = [b["run_s"] for b in record["builds"] if b.get("run_s")]
    if run_s:
        outside = statistics.median(b["wall_s"] - b["run_s"] for b in record["builds"] if b.get("run_s"))
        lines.append(_row(("whole Dagster run (start → end)", f"{statistics.median(run_s):.1f}",
                           f"{statistics.median(run_s) / median_wall:.0%}")))
        lines.append(_row(("outside the run (imports, definitions, dbt manifest, exit)", f"{outside:.1f}",
                           f"{outside / median_wall:.0%}")))
    lines += ["", "Steps run side by side (the ingest steps) overlap, so shares may add up to more than 100 %; "
              "what the steps leave of the run is Dagster's own bookkeeping between steps.", ""]
    return lines


def _dbt(record: dict) -> list[str]:
    nodes = record["builds"][-1]["dbt_nodes"]
    lines = ["### dbt nodes (run_results.json of the last repetition's run)", "",
             _row(("kind", "count", "sum of node times, s")), _row(("---",) * 3)]
    for kind in sorted({n["kind"] for n in nodes}):
        of_kind = [n["s"] for n in nodes if n["kind"] == kind]
        lines.append(_row((kind, len(of_kind), f"{sum(of_kind):.1f}")))
    lines += ["", "Five slowest nodes: " + ", ".join(
        f"{n['name']} ({n['kind']}) {n['s']:.2f} s" for n in sorted(nodes, key=lambda n: -n["s"])[:5]) + ".", "",
        "Node times add up to more than dbt's wall time: dbt runs nodes on several threads.", ""]
    return lines


def _pages(record: dict) -> list[str]:
    by_page: dict[str, dict[str, str]] = {}
    for p in record["pages"]:
        by_page.setdefault(p["page"], {})[p["role"]] = f"{p['first_s']:.2f} / {p['median_s']:.2f}"
    lines = [f"### Dashboard pages (server time on the built warehouse; first run / median of "
             f"{record['page_repeat']} reruns, s)", "", _row(("page", "leader", "officer")), _row(("---",) * 3)]
    for page, roles in by_page.items():
        lines.append(_row((page, roles.get("leader", "—"), roles.get("officer", "—"))))
    return lines + [""]


def section(record: dict) -> str:
    s = summary(record)
    m = record["machine"]
    check = "passed" if s["check_passed"] else "FAILED"
    lines = [f"## Preset `{record['preset']}` — {record['recorded_at']}", "",
             f"{record['description']}. Inbox: {s['inbox_files']:,} files, {s['inbox_mb']:,.1f} MB. "
             f"{record['reps']} repetition(s), build and floor interleaved.", ""]
    lines += _times(record, s) + _targets(s) + _stages(record) + _reading(record) + _dbt(record) + _pages(record)
    lines += [f"### Floor check: {check}", "", "`python -m bench.floor INBOX --check WAREHOUSE` on the last build:",
              "", "```", record["check"]["output"], "```", ""]
    lines += ["### Machine", "", ", ".join(f"{key} {value}" for key, value in m.items()) + ".", ""]
    lines.append(f"<!-- bench-data {json.dumps(s, ensure_ascii=False)} -->")
    return f"<!-- preset:{record['preset']} -->\n" + "\n".join(lines) + f"\n<!-- /preset:{record['preset']} -->\n"


def _fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares y = fixed + per_unit × x over ≥ 2 distinct sizes."""
    if len({x for x, _ in points}) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y - slope * mean_x, slope


def growth(summaries: list[dict]) -> str:
    lines = ["## How cost grows with size", ""]
    sized = [s for s in summaries if s.get("rows_read")]
    if len({s["rows_read"] for s in sized}) < 2:
        lines.append("Needs two or more presets recorded (e.g. `make bench SCALE=tiny` and `SCALE=sample`).")
    else:
        lines += [f"A straight line cost = fixed + per million rows read, least squares over the presets recorded "
                  f"({', '.join(s['preset'] for s in sized)}; medians):", "",
                  _row(("measure", "fixed", "per million rows read")), _row(("---",) * 3)]
        negative = []
        for label, key, unit in (("build", "build_s", "s"), ("floor", "floor_s", "s"),
                                 ("build peak RSS", "build_rss_gb", "GB"), ("floor peak RSS", "floor_rss_gb", "GB")):
            fixed, slope = _fit([(s["rows_read"] / 1e6, s[key]) for s in sized])
            lines.append(_row((label, f"{fixed:.2f} {unit}", f"{slope:.2f} {unit}")))
            negative += [label] if slope < 0 else []
        if negative:
            lines += ["", f"A negative cost per row ({', '.join(negative)}) means the machine's load varied more "
                      "between the recordings than the size changed the cost: re-record the presets under the same load."]
        lines += ["", _row(("preset", "rows read", "build s", "floor s", "build ÷ floor", "build RSS GB")),
                  _row(("---",) * 6)]
        for s in sorted(sized, key=lambda s: s["rows_read"]):
            lines.append(_row((s["preset"], f"{s['rows_read']:,}", f"{s['build_s']:.1f}", f"{s['floor_s']:.1f}",
                               f"{s['ratio']:.1f}", f"{s['build_rss_gb']:.2f}")))
    return "<!-- growth -->\n" + "\n".join(lines) + "\n<!-- /growth -->\n"


def write(path: Path, record: dict | None = None) -> None:
    """Replace (or add) the preset's section of `path`, then recompute the growth section
    (with no record: only the growth section, from the sections already there)."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    text = GROWTH.sub("", text)
    if record is not None:
        new = section(record)
        if any(m["name"] == record["preset"] for m in SECTION.finditer(text)):
            text = SECTION.sub(lambda m: new if m["name"] == record["preset"] else m.group(0), text)
        else:
            text = text.rstrip("\n") + "\n\n" + new
    summaries = [json.loads(DATA.search(m["body"])["json"]) for m in SECTION.finditer(text) if DATA.search(m["body"])]
    path.write_text(text.rstrip("\n") + "\n\n" + growth(summaries), encoding="utf-8")
