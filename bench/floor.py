"""The floor: what the core outputs cost when nothing but them is computed.

    .venv/bin/python -m bench.floor INBOX [--out floor.duckdb] [--check WAREHOUSE_DIR_OR_FILE]

One pass: every energy balance workbook and every enterprise report (export CSVs, decoded from
GB18030 in Python; per-enterprise workbooks) of the inbox is read once, with calamine (fastexcel)
for the workbooks, on every core, one family after the other so each family's reading time is
told. bench/floor.sql computes, with the same rules as the dbt models, (a) enterprise-years: per
credit code × year the reported CO2 (排放量) of the version in force (bench/floor_enterprises.py),
(b) energy consumption (tce) and combustion CO2 (t) per region × year and (c) combustion energy
and CO2 per region × year × balance row × fuel. A build can only be slower than this; the ratio
build ÷ floor is what the runner (bench/run.py) reports.

What the floor leaves out, so --check compares only what it computes: the enterprise line checks
(quarantined cells, unit slips, duplicate lines, held re-deliveries) and the line-by-line
recomputation of enterprise CO2 from activity and factors (int_enterprise_report_lines), process
emissions and CH4/N2O rows of fct_energy_emissions, the industry table's split of the 工业 row
into divisions (the check sums the divisions back into their balance row, balance_item_code), and
everything after energy and combustion CO2 (electricity imports, GDP, intensities). The floor
refuses, rather than guesses, a sheet laid out otherwise than the generator writes it, or a name,
unit or status it does not know.

--check: keys equal (every region-year and region × year × balance row × fuel of the marts within
the inventory years, and no other) and numbers equal within 2e-12 relative (a different summation
order changes the last bits) or 1e-9 absolute (a sum that cancels to about zero, e.g. a net
electricity balance). Enterprise-years: keys and reported CO2 alike, except those where the
build's own delivery record shows a rule the floor leaves out or the inbox's ANOMALIES.csv plants
an anomaly — counted and named, not failed. Exit code 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from bench import floor_enterprises

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"
SQL = Path(__file__).with_name("floor.sql")
SEED_TABLES = ("ref_energy_balance_items", "ref_fuels", "ref_fuel_emission_factors", "ref_region_code_changes")
BALANCE_GLOB = "energy_statistics/energy_balance/*.xlsx"
FILE_YEAR = re.compile(r"_((?:19|20)\d{2})\.xlsx$")
SHEET_REGION = re.compile(r"^(\d{6})\s")
MISSING = {"", "-", "--", "—", "——", "–", "/", "／", "…", "……", "..."}
REL_TOL, ABS_TOL = 2e-12, 1e-9


class FloorError(RuntimeError):
    """The inbox holds something the floor does not read (it refuses instead of guessing)."""


CELL_COLUMNS = ("region_code", "year", "item_name", "fuel_name", "unit_written", "value_written")


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _sheet_cells(rows: list[tuple], region: str, year: int, where: str, out: dict[str, list]) -> None:
    """One balance sheet's non-blank cells (item, fuel, unit, value as written), appended to `out`.
    Plain Python: a sheet is a few hundred cells, a frame per sheet would cost more than the cells."""
    header_at = next((i for i, row in enumerate(rows) if _text(row[0]) == "项目"), None)
    if header_at is None or header_at + 1 >= len(rows) or _text(rows[header_at + 1][0]) != "单位":
        raise FloorError(f"{where}: no 项目 header row followed by a 单位 row")
    fuels = [_text(cell) for cell in rows[header_at]]
    units = [_text(cell) for cell in rows[header_at + 1]]
    for row in rows[header_at + 2 :]:
        item = _text(row[0])
        for position in range(1, len(row)):
            value = _text(row[position])
            if value in MISSING:
                continue
            for column, cell in zip(CELL_COLUMNS, (region, year, item, fuels[position], units[position], value)):
                out[column].append(cell)


def _workbook_cells(path: Path) -> pl.DataFrame:
    """Every region sheet of one workbook (run in a worker process: workbooks are independent).
    Values become numbers here (null when not a number: compute() refuses those), so what travels
    back to the main process is a compact frame, not millions of Python strings."""
    import fastexcel

    year = FILE_YEAR.search(path.name)
    if not year:
        raise FloorError(f"{path.name}: no year in the file name")
    out: dict[str, list] = {column: [] for column in CELL_COLUMNS}
    workbook = fastexcel.read_excel(path)
    for sheet in workbook.sheet_names:
        region = SHEET_REGION.match(sheet)
        if not region:
            continue  # a notes sheet
        rows = workbook.load_sheet(sheet, header_row=None, dtypes="string").to_polars().rows()
        _sheet_cells(rows, region.group(1), int(year.group(1)), f"{path.name} [{sheet}]", out)
    frame = pl.DataFrame(out, schema={column: pl.Int32 if column == "year" else pl.Utf8 for column in CELL_COLUMNS})
    return frame.with_columns(pl.col("value_written").cast(pl.Float64, strict=False).alias("value_number")).drop(
        "value_written")


def _ready(_task: int) -> None:
    """Imports the readers in a worker before the reading is timed."""
    import fastexcel  # noqa: F401


def read_balance_cells(pool: ProcessPoolExecutor, inbox: Path) -> pl.DataFrame:
    """Every region sheet of every balance workbook in the inbox, read once, workbooks on every core."""
    paths = sorted(Path(inbox).glob(BALANCE_GLOB))
    if not paths:
        raise FloorError(f"no energy balance workbooks under {inbox}/{BALANCE_GLOB}")
    return pl.concat(pool.map(_workbook_cells, paths))


def read_inbox(inbox: Path, start_method: str) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float], int]:
    """The balance cells and the enterprise reports (deliveries), each family read once on every core, one
    family after the other so that each one's reading time (wall seconds) can be told; and how many
    enterprise files could not be opened."""
    seconds: dict[str, float] = {}
    unreadable_files = 0
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(start_method)) as pool:
        list(pool.map(_ready, range(workers)))  # started before the families' clocks run
        seconds["worker_start"] = time.perf_counter() - started
        started = time.perf_counter()
        cells = read_balance_cells(pool, inbox)
        seconds["balance_workbooks"] = time.perf_counter() - started
        families = []
        for family in ("export", "workbooks"):
            started = time.perf_counter()
            reports, unreadable = floor_enterprises.read_family(pool, inbox, family)
            families.append(reports)
            unreadable_files += unreadable
            seconds[f"enterprise_{'csvs' if family == 'export' else 'workbooks'}"] = time.perf_counter() - started
    return cells, pl.concat(families), seconds, unreadable_files


def dbt_vars() -> dict:
    import yaml

    return yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def compute(inbox: Path, con: duckdb.DuckDBPyConnection, start_method: str = "spawn") -> dict:
    """Read the inbox and run floor.sql into `con`; returns the pass's facts (seconds, cells).
    Workers are spawned by default: forking a process whose polars or DuckDB threads have run (a
    test, a notebook) can deadlock the child. The command line forks (nothing has run yet)."""
    started = time.perf_counter()
    cells, deliveries, family_s, unreadable_files = read_inbox(inbox, start_method)
    worker_start_s = family_s.pop("worker_start")
    read_s = time.perf_counter() - started
    con.register("cells_frame", cells)
    con.execute("create or replace temp table cells as select * from cells_frame")
    con.register("report_deliveries_frame", deliveries)
    con.execute("create or replace temp table report_deliveries as select * from report_deliveries_frame")
    for name in SEED_TABLES:  # the seeds dbt loads, typed alike (codes stay text)
        as_text = ", all_varchar = true" if name == "ref_region_code_changes" else ""
        con.execute(f"create or replace temp table {name} as select * from read_csv(?, header = true, delim = ','"
                    f"{as_text})", [str(SEEDS / f"{name}.csv")])
    con.execute("set variable factor_set = ?", [dbt_vars()["factor_set"]])
    con.execute(SQL.read_text(encoding="utf-8"))
    unknown = con.execute(
        "select count(*) filter (where item_code is null), count(*) filter (where fuel_code is null),"
        " count(*) filter (where value is null) from balance"
    ).fetchone()
    if any(unknown):
        raise FloorError(f"balance cells the floor cannot read: {unknown[0]} unknown item names, "
                         f"{unknown[1]} unknown fuel names, {unknown[2]} unknown units or non-numbers")
    unread = con.execute("select count(*) filter (where status_rank is null), count(*) filter (where year is null)"
                         " from report_deliveries").fetchone()
    if any(unread):
        raise FloorError(f"enterprise reports the floor cannot read: {unread[0]} unknown statuses, "
                         f"{unread[1]} years that are not numbers")
    return {"read_s": read_s, "worker_start_s": worker_start_s, "total_s": time.perf_counter() - started,
            "cells": cells.height,
            "report_lines": int(deliveries["lines_count"].sum()), "report_deliveries": deliveries.height,
            "unreadable_files": unreadable_files, "family_s": family_s}


def _mart_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse / "ghg.duckdb" if warehouse.is_dir() else warehouse


# What --check pairs: (floor table, mart query, key columns, number columns). The marts' query
# keeps the floor's grain: combustion rows only, the industry divisions summed back into 工业.
CHECKS = (
    ("floor_region_year",
     "select region_code, year, energy_consumption_tce, co2_t from marts.fct_region_year where co2_t is not null",
     ("region_code", "year"), ("energy_consumption_tce", "co2_t")),
    ("floor_energy_emissions",
     "select region_code, year, balance_item_code, fuel_code, sum(energy_tce) as energy_tce, sum(co2_t) as co2_t"
     " from marts.fct_energy_emissions where not is_process group by all",
     ("region_code", "year", "balance_item_code", "fuel_code"), ("energy_tce", "co2_t")),
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


def check(con: duckdb.DuckDBPyConnection, warehouse: Path, inbox: Path) -> list[str]:
    """The floor's tables against a build's marts; returns the differences (empty: they agree)."""
    variables = dbt_vars()
    first, last = variables["inventory_first_year"], variables["inventory_last_year"]
    con.execute(f"attach '{_mart_path(warehouse)}' as built (read_only)")
    problems = []
    for table, mart_sql, keys, numbers in CHECKS:
        mart_sql = mart_sql.replace("marts.", "built.marts.")
        key_list = ", ".join(keys)
        floor_rows = {r[: len(keys)]: r[len(keys):] for r in con.execute(
            f"select {key_list}, {', '.join(numbers)} from {table} where year between {first} and {last}").fetchall()}
        mart_rows = {r[: len(keys)]: r[len(keys):] for r in con.execute(
            f"select {key_list}, {', '.join(numbers)} from ({mart_sql})").fetchall()}
        only_floor, only_mart = sorted(floor_rows.keys() - mart_rows.keys()), sorted(mart_rows.keys() - floor_rows.keys())
        if only_floor:
            problems.append(f"{table}: {len(only_floor)} keys only in the floor, e.g. {only_floor[:3]}")
        if only_mart:
            problems.append(f"{table}: {len(only_mart)} keys only in the marts, e.g. {only_mart[:3]}")
        differing = [(key, name, floor_rows[key][i], mart_rows[key][i])
                     for key in sorted(floor_rows.keys() & mart_rows.keys())
                     for i, name in enumerate(numbers) if not _close(floor_rows[key][i], mart_rows[key][i])]
        if differing:
            problems.append(f"{table}: {len(differing)} numbers differ, e.g. " + "; ".join(
                f"{key} {name} floor {a!r} marts {b!r}" for key, name, a, b in differing[:3]))
        problems_none = not (only_floor or only_mart or differing)
        print(f"check {table}: {len(floor_rows):,} floor rows, {len(mart_rows):,} mart rows"
              + (" — equal" if problems_none else " — DIFFERENT"))
    problems += floor_enterprises.check_enterprise_years(con, inbox, _close)
    con.execute("detach built")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--out", type=Path, help="write the floor's tables to this DuckDB file")
    parser.add_argument("--check", type=Path, metavar="WAREHOUSE", help="a built warehouse folder or ghg.duckdb file")
    args = parser.parse_args(argv)
    con = duckdb.connect(str(args.out) if args.out else ":memory:")
    try:
        facts = compute(args.inbox, con, start_method="fork")
    except FloorError as problem:
        print(f"floor: {problem}", file=sys.stderr)
        return 2
    print(f"floor: {facts['cells']:,} balance cells and {facts['report_lines']:,} enterprise report lines read in "
          f"{facts['read_s']:.2f} s (workers' start {facts['worker_start_s']:.2f} s, " + ", ".join(f"{family.replace('_', ' ')} {seconds:.2f} s"
                                                   for family, seconds in facts["family_s"].items())
          + f"), outputs in {facts['total_s']:.2f} s"
          + (f"; {facts['unreadable_files']} enterprise files could not be opened (skipped, as the build rejects them)"
             if facts["unreadable_files"] else ""))
    print("floor-facts " + json.dumps(facts))  # for bench/run.py
    if args.check:
        problems = check(con, args.check, args.inbox)
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
