"""An independent attack on the public warehouse file, and a scan for identifying text.

The attacker holds the public DuckDB file only (opened read-only) and knows what the contract
(docs/methodology.md ('The public warehouse and confidentiality')) documents: which cells exist, that an absent cell is zero, the published
additive relations, the copies of cells in other tables, and that every CO2 value and every count
is ≥ 0. Everything here is a pure function of files; nothing is written.

The model (read_public_model)
  A cell is (measure, year, region_code, scope, breakdown), e.g. ('process_co2', 2020, '620100',
  'not_allocated_below', 'all'). Each cell is
    shown    a published value (a constant, within a rounding tolerance),
    hidden   suppressed: an unknown ≥ 0,
    zero     absent from the table: 0 (the contract: a cell exists iff it holds an enterprise),
    free     not published at all (older file layouts only): an unknown ≥ 0,
    derived  the non-market remainder of relation 3 ('nonmarket_co2'): an unknown ≥ 0.
  Relations (each one "total = Σ parts", for CO2 and, separately, for enterprise counts):
    1 hierarchy   cell(m,R,total,b) = Σ_children cell(m,c,total,b) + cell(m,R,not_allocated_below,b)
    2 breakdown   cell(m,R,total,all) = Σ_k cell(m,R,total,k)
    3 market      cell(enterprise_co2,R,total,all) = cell(market_co2,R,total,all) + nonmarket(R)
                  (counts also: count(market_direct_co2) = count(market_co2))
    4 method      cell(process_co2,R,total,all) = cell(…,method_bottom_up) + cell(…,method_top_down),
                  every region; at a province also cell(…,method_<m>) = Σ the process cells counted by
                  method m there (top-down: the processes with a used row in fct_process_emissions).
                  method_top_down is never published: derived, an unknown ≥ 0. CO2 only (an enterprise
                  with processes of both methods counts in both parts).
  Copies in fct_region_year (co2_process_bottom_up_t, co2_process_t − co2_process_top_down_t,
  co2_with_process_t − co2_t − top-down CO2, co2e_t − Σ combustion and top-down co2e_t; in files
  before the method split co2_process_t itself), fct_energy_emissions (bottom-up process rows: by
  process at the province, 'process_bottom_up' below it; top-down rows are statistics, not cells;
  before the split a 'process_total' row was the region's total) and
  fct_market_coverage (ets_* columns and coverage_share × inventory_co2_t) are further
  observations of the same cells: a copy showing a value its table hides is reported directly
  (copy_leak) and the attacker then knows the value; so is a value left on a suppressed row.
  Enterprise counts follow the same relations, except the process breakdown (an enterprise with
  two processes counts in both process cells).

The attack (attack)
  1. simple attacks, with readable messages: any relation with exactly one unknown member gives
     it away (parent minus visible children, total minus visible parts), repeated to a fixpoint;
  2. linear programming (scipy HiGHS): for every unknown cell, min and max of its value subject
     to all relations of its connected component → the interval [lo, hi] an attacker can prove.
  AttackResult.bound(combination) bounds any linear combination of cells the same way.

The evaluation against the confidential truth (load_truth, evaluate)
  From the full warehouse (ghg.duckdb): every enterprise's contribution ("atom") to every cell.
  A RECOVERY is a cell holding exactly one enterprise (or one holding > 99 %) whose interval is
  within 1 % of its true value; a DIFFERENCE RECOVERY is a pair of cells whose difference is one
  enterprise's contribution and is bounded within 1 %. Also reported: primary-suppressed cells
  pinned within 1 % (primary_pinned), unpublished cells that break the rule and are pinned
  (confidential_pinned), shown cells that break the rule (rule_violation), and any disagreement
  between the public file and the truth (truth_mismatch: the model of the file would be wrong).

The scan (scan_identifiers)
  Every column of every table of the public file, cast to text, against every credit code,
  enterprise name and source file name (relative path and base name; a workbook named by its
  credit code counts as the code) in the full warehouse; plus column names that say what they hold.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

Key = tuple  # (measure, year, region_code, scope, breakdown)

ENTERPRISE, PROCESS, MARKET, MARKET_DIRECT, NONMARKET = (
    "enterprise_co2", "process_co2", "market_co2", "market_direct_co2", "nonmarket_co2")
MEASURES = (ENTERPRISE, PROCESS, MARKET, MARKET_DIRECT)
TOTAL, NAB, ALL = "total", "not_allocated_below", "all"
REASON_FEW, REASON_DOMINANT, REASON_COMPLEMENTARY = (
    "fewer_than_3_enterprises", "dominant_enterprise_over_80pct", "complementary")
PRIMARY_REASONS = frozenset({REASON_FEW, REASON_DOMINANT})
PROCESS_TOTAL_SECTORS = frozenset({"process_total", "process_all", "total", "all"})
# a region's process lines split by the method its inventory counts them with: the bottom-up part is
# published (fct_region_year.co2_process_bottom_up_t, the 'process_bottom_up' rows), the top-down
# processes' lines are not (their inventory figure is statistics) but are total − bottom-up part
METHOD_BU, METHOD_TD = "method_bottom_up", "method_top_down"
METHOD_CELLS = frozenset({METHOD_BU, METHOD_TD})
MIN_ENTERPRISES, MAX_SHARE = 3, 0.80

SHOWN, HIDDEN, ZERO, FREE, DERIVED = "shown", "hidden", "zero", "free", "derived"
UNKNOWN_STATES = frozenset({HIDDEN, FREE, DERIVED})

# finding kinds
COPY_LEAK = "copy_leak"                      # a copy shows what its table hides
VALUE_ON_SUPPRESSED = "value_on_suppressed_row"
COPY_MISMATCH = "copy_mismatch"              # two copies of one cell disagree
INCONSISTENT = "inconsistent"                # the published relations do not hold
SUBTRACTION = "subtraction"                  # a simple attack gave an unknown cell away
INTERVAL = "interval"                        # the LP interval of an unknown cell (informative)
RECOVERY = "recovery"
DIFFERENCE_RECOVERY = "difference_recovery"
PRIMARY_PINNED = "primary_pinned"
CONFIDENTIAL_PINNED = "confidential_pinned"
RULE_VIOLATION = "rule_violation"
TRUTH_MISMATCH = "truth_mismatch"
# what must never be found in a public file
LEAK_KINDS = frozenset({COPY_LEAK, VALUE_ON_SUPPRESSED, RECOVERY, DIFFERENCE_RECOVERY, PRIMARY_PINNED,
                        CONFIDENTIAL_PINNED, RULE_VIOLATION})
MODEL_PROBLEM_KINDS = frozenset({COPY_MISMATCH, INCONSISTENT, TRUTH_MISMATCH})


# ----------------------------------------------------------------------------------------------
# data structures

@dataclass
class Cell:
    key: Key
    status: str
    co2: float | None = None
    count: float | None = None
    reason: str | None = None
    sources: list[str] = field(default_factory=list)
    co2_tol: float = 0.0          # extra tolerance of a value known only from a computed copy


@dataclass(frozen=True)
class Relation:
    total: Key
    parts: tuple
    label: str
    quantities: frozenset = frozenset({"co2", "count"})


@dataclass
class Finding:
    kind: str
    key: Key | None
    lo: float | None = None
    hi: float | None = None
    detail: str = ""
    true_value: float | None = None
    enterprises: int | None = None
    top_share: float | None = None
    reason: str | None = None

    def __str__(self) -> str:
        parts = [self.kind, fmt_key(self.key) if self.key else ""]
        if self.lo is not None or self.hi is not None:
            parts.append(f"[{_num(self.lo)}, {_num(self.hi)}]")
        if self.true_value is not None:
            parts.append(f"true {_num(self.true_value)} ({self.enterprises} enterprise(s), top {self.top_share:.1%})"
                         if self.top_share is not None else f"true {_num(self.true_value)}")
        if self.reason:
            parts.append(f"reason {self.reason}")
        if self.detail:
            parts.append(self.detail)
        return " ".join(p for p in parts if p)


@dataclass
class PublicModel:
    path: Path | None
    mode: str                                   # 'contract' or 'legacy'
    cells: dict
    relations: list
    findings: list                              # found while reading (copies, suppressed rows)
    tol_abs: float = 1e-6
    tol_rel: float = 1e-9
    hidden_count_floor: float = 0.0             # a suppressed cell holds ≥ this many enterprises
    top_down_processes: frozenset = frozenset()  # (region, year, 'process_<code>') counted top-down there

    def tolerance(self, cell: Cell) -> float:
        value = cell.co2 or 0.0
        return max(self.tol_abs, self.tol_rel * abs(value)) + cell.co2_tol


@dataclass
class ScanHit:
    schema: str
    table: str
    column: str
    kind: str
    secret: str
    sample: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}.{self.column}: {self.kind} {self.secret!r} in {self.sample[:120]!r}"


def fmt_key(key: Key | None) -> str:
    if key is None:
        return ""
    measure, year, region, scope, breakdown = key
    return f"{measure}/{year}/{region}/{scope}/{breakdown}"


def _num(value) -> str:
    if value is None:
        return "?"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:,.2f}"


# ----------------------------------------------------------------------------------------------
# files

def public_file(folder: Path) -> Path:
    """The public DuckDB file of a warehouse folder (<folder> or <folder>/current), or the file itself."""
    folder = Path(folder)
    if folder.is_file():
        return folder
    for candidate in (folder / "ghg_public.duckdb", folder / "current" / "ghg_public.duckdb"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no ghg_public.duckdb in {folder} or {folder / 'current'}")


def full_file(public: Path) -> Path:
    """The full (confidential) warehouse next to a public file."""
    candidate = Path(public).parent / "ghg.duckdb"
    if not candidate.exists():
        raise FileNotFoundError(f"no ghg.duckdb next to {public}")
    return candidate


def _tables(con) -> set[tuple[str, str]]:
    return {(s, t) for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}


def _columns(con, schema: str, table: str) -> set[str]:
    return {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table]).fetchall()}


def _select(con, schema: str, table: str, wanted: list[str], where: str = "") -> list[dict]:
    """Rows as dicts; a column the table lacks reads as None."""
    have = _columns(con, schema, table)
    exprs = [f'"{c}"' if c in have else f'null as "{c}"' for c in wanted]
    sql = f'select {", ".join(exprs)} from "{schema}"."{table}"'
    if where:
        sql += f" where {where}"
    return [dict(zip(wanted, row)) for row in con.execute(sql).fetchall()]


# ----------------------------------------------------------------------------------------------
# reading the public file into a model

class _Observations:
    """Everything the public file says about each cell, before it is resolved."""

    def __init__(self):
        self.primary: dict[Key, dict] = {}
        self.copies: dict[Key, list[dict]] = defaultdict(list)
        self.findings: list[Finding] = []

    def add(self, key: Key, *, source: str, value=None, count=None, suppressed=False, reason=None,
            primary: bool, tol: float = 0.0, extra_values: dict | None = None):
        if suppressed:
            shown = {name: v for name, v in {"value": value, "count": count, **(extra_values or {})}.items()
                     if v is not None}
            if shown:
                self.findings.append(Finding(VALUE_ON_SUPPRESSED, key, reason=reason,
                                             detail=f"{source}: a suppressed row shows {shown}"))
        if suppressed and value is not None:
            # the attacker reads what the row shows, suppressed or not
            self.copies[key].append({"source": f"{source} (on a suppressed row)", "value": float(value),
                                     "count": None if count is None else float(count), "suppressed": False,
                                     "reason": reason, "tol": tol})
        obs = {"source": source, "value": None if value is None else float(value),
               "count": None if count is None else float(count), "suppressed": bool(suppressed),
               "reason": reason, "tol": tol}
        if primary:
            self.primary[key] = obs
        else:
            self.copies[key].append(obs)


def _regions(con) -> tuple[dict[str, str | None], dict[str, str]]:
    rows = con.execute("select region_code, parent_code, level from marts.dim_region").fetchall()
    return {r: p for r, p, _ in rows}, {r: lvl for r, _, lvl in rows}


def _read_contract(con, obs: _Observations, have: set):
    for row in _select(con, "marts", "agg_enterprise_emissions",
                       ["measure", "region_code", "year", "region_scope", "breakdown_code", "enterprise_count",
                        "incomplete_reports_count", "co2_t", "activity_value", "suppressed", "suppression_reason"]):
        key = (row["measure"], int(row["year"]), row["region_code"], row["region_scope"], row["breakdown_code"])
        obs.add(key, source="agg_enterprise_emissions", value=row["co2_t"], count=row["enterprise_count"],
                suppressed=row["suppressed"], reason=row["suppression_reason"], primary=True,
                extra_values={"incomplete_reports_count": row["incomplete_reports_count"],
                              "activity_value": row["activity_value"]})


def _read_legacy(con, obs: _Observations, have: set):
    """The layout before the contract (agg_enterprise_sector_year; no 'all' or not_allocated_below)."""
    if ("marts", "agg_enterprise_sector_year") in have:
        for row in _select(con, "marts", "agg_enterprise_sector_year",
                           ["region_code", "year", "sector_code", "enterprise_count", "co2_t", "suppressed",
                            "suppression_reason"]):
            key = (ENTERPRISE, int(row["year"]), row["region_code"], TOTAL, f"sector_{row['sector_code']}")
            obs.add(key, source="agg_enterprise_sector_year", value=row["co2_t"], count=row["enterprise_count"],
                    suppressed=row["suppressed"], reason=row["suppression_reason"], primary=True)


def _read_copies(con, obs: _Observations, have: set, primary: bool):
    """fct_region_year, fct_energy_emissions (process rows), fct_market_coverage.

    primary=True for the legacy layout, where these tables are the only publication of the cells.
    Where the files split process CO2 by method (fct_energy_emissions.process_method), top-down rows
    are statistics: the attacker subtracts them from the totals that contain them.
    """
    combustion_co2e: dict[tuple[str, int], tuple[float, float]] = {}
    top_down: dict[tuple[str, int], tuple[float, float]] = {}          # (CO2, CO2e) of statistics rows
    if ("marts", "fct_energy_emissions") in have:
        cols = _columns(con, "marts", "fct_energy_emissions")
        split = "process_method" in cols
        if "co2e_t" in cols:
            for region, year, total, magnitude in con.execute("""
                    select region_code, year, sum(co2e_t), sum(abs(co2e_t)) from marts.fct_energy_emissions
                    where not coalesce(is_process, false) group by all""").fetchall():
                combustion_co2e[(region, int(year))] = (total or 0.0, magnitude or 0.0)
        if split:
            for region, year, co2, co2e in con.execute("""
                    select region_code, year, sum(co2_t), sum(co2e_t) from marts.fct_energy_emissions
                    where is_process and process_method = 'top_down' group by all""").fetchall():
                top_down[(region, int(year))] = (co2 or 0.0, co2e or 0.0)
        for row in _select(con, "marts", "fct_energy_emissions",
                           ["region_code", "year", "sector_code", "co2_t", "co2e_t", "activity_value", "energy_tce",
                            "ch4_t", "n2o_t", "incomplete_reports_count", "suppressed", "suppression_reason"]
                           + (["process_method"] if split else []),
                           where="coalesce(is_process, false)"):
            if split and row["process_method"] == "top_down":
                continue                          # statistics, not an enterprise cell
            if split and row["sector_code"] == "process_bottom_up":
                breakdown = METHOD_BU             # a region's bottom-up part below the province
            elif row["sector_code"] in PROCESS_TOTAL_SECTORS:
                breakdown = ALL                   # before the split: the region's total
            else:
                breakdown = row["sector_code"]
            key = (PROCESS, int(row["year"]), row["region_code"], TOTAL, breakdown)
            extra = {k: row[k] for k in ("activity_value", "energy_tce", "ch4_t", "n2o_t", "incomplete_reports_count")}
            obs.add(key, source="fct_energy_emissions.co2_t", value=row["co2_t"], suppressed=row["suppressed"],
                    reason=row["suppression_reason"], primary=primary, extra_values=extra)
            if row["co2e_t"] is not None or row["suppressed"]:
                obs.add(key, source="fct_energy_emissions.co2e_t", value=row["co2e_t"], suppressed=row["suppressed"],
                        reason=row["suppression_reason"], primary=False)

    if ("marts", "fct_inventory") in have and "suppressed" in _columns(con, "marts", "fct_inventory"):
        # the inventory's bottom-up process rows: a province's by process, one per region below it
        for row in _select(con, "marts", "fct_inventory",
                           ["region_code", "year", "sub_category", "emissions_t", "co2e_t", "activity_value",
                            "suppressed", "suppression_reason"],
                           where="method = 'bottom_up' and gas = 'CO2'"):
            breakdown = METHOD_BU if row["sub_category"] == "bottom_up" else f"process_{row['sub_category']}"
            key = (PROCESS, int(row["year"]), row["region_code"], TOTAL, breakdown)
            obs.add(key, source="fct_inventory.emissions_t", value=row["emissions_t"], suppressed=row["suppressed"],
                    reason=row["suppression_reason"], primary=primary,
                    extra_values={"co2e_t": row["co2e_t"], "activity_value": row["activity_value"]})

    if ("marts", "fct_region_year") in have:
        split = "co2_process_bottom_up_t" in _columns(con, "marts", "fct_region_year")
        for row in _select(con, "marts", "fct_region_year",
                           ["region_code", "year", "co2_t", "co2_process_t", "co2_with_process_t", "co2e_t",
                            "process_suppressed", "process_suppression_reason", "process_incomplete_reports_count"]
                           + (["co2_process_top_down_t", "co2_process_bottom_up_t"] if split else [])):
            year, region = int(row["year"]), row["region_code"]
            hidden = bool(row["process_suppressed"])
            reason = row["process_suppression_reason"]
            # the statistics part, subtracted from every total that contains it
            td_co2, td_co2e = top_down.get((region, year), (0.0, 0.0)) if split else (0.0, 0.0)
            if split:
                key = (PROCESS, year, region, TOTAL, METHOD_BU)
                value = row["co2_process_bottom_up_t"]
                if row["co2_process_top_down_t"] is not None:
                    td_co2 = row["co2_process_top_down_t"]
            else:
                key = (PROCESS, year, region, TOTAL, ALL)
                value = row["co2_process_t"]
            if value is None and not hidden:
                value = 0.0                      # no process enterprise in the region (or part)
            obs.add(key, source="fct_region_year." + ("co2_process_bottom_up_t" if split else "co2_process_t"),
                    value=value, suppressed=hidden, reason=reason,
                    primary=primary, extra_values={"co2_process_t": row["co2_process_t"] if split else None,
                                                   "co2_with_process_t": row["co2_with_process_t"],
                                                   "co2e_t": row["co2e_t"],
                                                   "process_incomplete_reports_count": row["process_incomplete_reports_count"]})
            if split and row["co2_process_t"] is not None:
                obs.add(key, source="fct_region_year.co2_process_t − co2_process_top_down_t",
                        value=row["co2_process_t"] - td_co2, primary=False,
                        tol=1e-9 * (abs(row["co2_process_t"]) + abs(td_co2)))
            if row["co2_with_process_t"] is not None and row["co2_t"] is not None:
                obs.add(key, source="fct_region_year.co2_with_process_t − co2_t" + (" − top-down" if split else ""),
                        value=row["co2_with_process_t"] - row["co2_t"] - td_co2, primary=False,
                        tol=1e-9 * (abs(row["co2_with_process_t"]) + abs(row["co2_t"]) + abs(td_co2)))
            if row["co2e_t"] is not None and (region, year) in combustion_co2e:
                combustion, magnitude = combustion_co2e[(region, year)]
                obs.add(key, source="fct_region_year.co2e_t − Σ combustion" + (" and top-down" if split else "")
                        + " co2e_t",
                        value=row["co2e_t"] - combustion - td_co2e, primary=False,
                        tol=1e-8 * (abs(row["co2e_t"]) + magnitude + abs(td_co2e)))

    if ("marts", "fct_market_coverage") in have:
        for row in _select(con, "marts", "fct_market_coverage",
                           ["region_code", "year", "ets_enterprises_count", "ets_verified_co2_t",
                            "ets_verified_direct_co2_t", "inventory_co2_t", "coverage_share", "direct_coverage_share",
                            "suppressed", "suppression_reason"]):
            year, region = int(row["year"]), row["region_code"]
            hidden, reason = bool(row["suppressed"]), row["suppression_reason"]
            for measure, column, share in ((MARKET, "ets_verified_co2_t", "coverage_share"),
                                           (MARKET_DIRECT, "ets_verified_direct_co2_t", "direct_coverage_share")):
                key = (measure, year, region, TOTAL, ALL)
                obs.add(key, source=f"fct_market_coverage.{column}", value=row[column],
                        count=row["ets_enterprises_count"], suppressed=hidden, reason=reason, primary=primary,
                        extra_values={share: row[share]})
                if row[share] is not None and row["inventory_co2_t"] is not None:
                    obs.add(key, source=f"fct_market_coverage.{share} × inventory_co2_t",
                            value=row[share] * row["inventory_co2_t"], primary=False,
                            tol=1e-9 * abs(row["inventory_co2_t"]))


def _rounding_unit(values: list[float]) -> float:
    """The unit the published CO2 values are rounded to (0 when they are not rounded)."""
    values = [v for v in values if v is not None and abs(v) < 1e12]
    if len(values) < 20:
        return 0.0
    for decimals in range(0, 7):
        scale = 10 ** decimals
        if all(abs(v * scale - round(v * scale)) <= max(1e-9, 1e-12 * abs(v * scale)) for v in values):
            return 10.0 ** -decimals
    return 0.0


def read_public_model(path: Path, *, unpublished_residual_is_zero: bool = False) -> PublicModel:
    """Read the public file into cells and relations (see the module docstring).

    unpublished_residual_is_zero: only for the legacy layout, which publishes no
    not_allocated_below cells: assume the enterprise and process ones 0 (every enterprise in a
    county, as the export format documents) instead of unknown ≥ 0.
    """
    path = Path(path)
    with duckdb.connect(str(path), read_only=True) as con:
        have = _tables(con)
        parents, levels = _regions(con)
        obs = _Observations()
        mode = "contract" if ("marts", "agg_enterprise_emissions") in have else "legacy"
        if mode == "contract":
            _read_contract(con, obs, have)
            _read_copies(con, obs, have, primary=False)
        else:
            _read_legacy(con, obs, have)
            _read_copies(con, obs, have, primary=True)
        top_down = _top_down_processes(con, have)
    model = _build_model(obs, parents, mode, unpublished_residual_is_zero, levels)
    model.top_down_processes = top_down
    _add_method_relations(model)
    model.path = path
    return model


def _top_down_processes(con, have: set) -> frozenset:
    """The processes whose inventory figure is statistics, per region and year (the used top-down
    rows of fct_process_emissions)."""
    if ("marts", "fct_process_emissions") not in have:
        return frozenset()
    return frozenset((r, int(y), f"process_{p}") for r, y, p in con.execute(
        "select distinct region_code, year, process_code from marts.fct_process_emissions "
        "where used_in_inventory").fetchall())


def _add_method_relations(model: PublicModel) -> None:
    """Relation 4 (module docstring), for files that publish the bottom-up part."""
    if not any(key[4] == METHOD_BU for key in model.cells):
        return
    observed = list(model.cells)
    for measure, year, region, scope, breakdown in observed:
        if measure == PROCESS and scope == TOTAL and breakdown == ALL:
            parts = tuple(_cell(model, (PROCESS, year, region, TOTAL, method), False) for method in (METHOD_BU, METHOD_TD))
            model.relations.append(Relation((PROCESS, year, region, TOTAL, ALL), parts,
                                            f"method split {year}/{region}", frozenset({"co2"})))
    by_method: dict[tuple, list[Key]] = defaultdict(list)
    for key in observed:
        measure, year, region, scope, breakdown = key
        if measure == PROCESS and scope == TOTAL and breakdown.startswith("process_"):
            method = METHOD_TD if (region, year, breakdown) in model.top_down_processes else METHOD_BU
            by_method[(year, region, method)].append(key)
    for (year, region, method), parts in by_method.items():
        total = _cell(model, (PROCESS, year, region, TOTAL, method), False)
        model.relations.append(Relation(total, tuple(sorted(parts)), f"method {method} {year}/{region}",
                                        frozenset({"co2"})))


def _build_model(obs: _Observations, parents: dict, mode: str, residual_zero: bool = False,
                 levels: dict | None = None) -> PublicModel:
    findings = list(obs.findings)
    cells: dict[Key, Cell] = {}
    keys = set(obs.primary) | set(obs.copies)
    for key in keys:
        primary = obs.primary.get(key)
        copies = obs.copies.get(key, [])
        sources = ([primary["source"]] if primary else []) + [c["source"] for c in copies]
        if primary is not None:
            cell = Cell(key, HIDDEN if primary["suppressed"] else SHOWN,
                        co2=None if primary["suppressed"] else primary["value"],
                        count=None if primary["suppressed"] else primary["count"],
                        reason=primary["reason"], sources=sources)
            if cell.status == SHOWN and cell.co2 is None:
                cell.status = HIDDEN                 # shown without a value: treat as unknown
        else:
            cell = Cell(key, ZERO if mode == "contract" else HIDDEN, co2=0.0 if mode == "contract" else None,
                        count=0.0 if mode == "contract" else None, sources=sources)
            if mode != "contract":
                # legacy: only copies; the first visible copy becomes the value
                cell.reason = next((c["reason"] for c in copies if c["reason"]), None)
        for copy in copies:
            _apply_copy(cell, copy, primary, findings)
        cells[key] = cell

    model = PublicModel(None, mode, cells, [], findings,
                        hidden_count_floor=1.0 if mode == "contract" else 0.0)
    model.tol_abs = max(1e-6, _rounding_unit([c.co2 for c in cells.values() if c.status == SHOWN]) / 2)
    _add_relations(model, parents, residual_zero, levels or {})
    return model


def _apply_copy(cell: Cell, copy: dict, primary: dict | None, findings: list) -> None:
    """Fold one copy of a cell into it: a visible copy of a hidden cell is a leak and gives the value."""
    key, source = cell.key, copy["source"]
    primary_hidden = primary is not None and primary["suppressed"]
    if copy["count"] is not None and not copy["suppressed"]:
        if cell.count is None:
            if primary_hidden:
                findings.append(Finding(COPY_LEAK, key, lo=copy["count"], hi=copy["count"], reason=cell.reason,
                                        detail=f"{source} shows the enterprise count {copy['count']:g} of a cell "
                                               f"{primary['source']} hides"))
            cell.count = copy["count"]
        elif abs(cell.count - copy["count"]) > 0.5:
            findings.append(Finding(COPY_MISMATCH, key, detail=f"{source} count {copy['count']:g} ≠ {cell.count:g}"))
    if copy["suppressed"] or copy["value"] is None:
        return
    value, tol = copy["value"], copy["tol"]
    if cell.status == HIDDEN:
        if primary is not None:
            findings.append(Finding(COPY_LEAK, key, lo=value - tol, hi=value + tol, reason=cell.reason,
                                    detail=f"{source} shows {_num(value)} where {primary['source']} hides the cell"))
        cell.status, cell.co2, cell.co2_tol = SHOWN, value, tol
    elif cell.status == ZERO:
        if abs(value) > 1e-6 + tol:
            findings.append(Finding(COPY_MISMATCH, key, lo=value, hi=value,
                                    detail=f"{source} shows {_num(value)} for a cell the table does not have "
                                           "(absent = 0)"))
            cell.status, cell.co2, cell.co2_tol = SHOWN, value, tol
    elif abs(value - cell.co2) > max(1e-3, 1e-7 * abs(cell.co2)) + tol + cell.co2_tol:
        findings.append(Finding(COPY_MISMATCH, key, lo=value, hi=value,
                                detail=f"{source} shows {_num(value)}, {cell.sources[0]} {_num(cell.co2)}"))


def _children(parents: dict) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for region, parent in parents.items():
        if parent is not None:
            children[parent].append(region)
    return children


def _absent_status(model: PublicModel, key: Key, residual_zero: bool) -> str:
    measure, _, _, scope, breakdown = key
    if measure == NONMARKET or breakdown == METHOD_TD:
        return DERIVED
    if model.mode == "contract":
        if scope == NAB and not (measure in (ENTERPRISE, PROCESS) and breakdown == ALL):
            return FREE                           # a residual the contract does not publish
        return ZERO
    if scope == NAB:
        return ZERO if residual_zero and measure in (ENTERPRISE, PROCESS) else FREE
    if measure == ENTERPRISE and breakdown == ALL:
        return FREE                               # the legacy layout publishes sectors only
    return ZERO


def _cell(model: PublicModel, key: Key, residual_zero: bool) -> Key:
    if key not in model.cells:
        status = _absent_status(model, key, residual_zero)
        model.cells[key] = Cell(key, status, co2=0.0 if status == ZERO else None,
                                count=0.0 if status == ZERO else None)
    return key


def _add_relations(model: PublicModel, parents: dict, residual_zero: bool, levels: dict) -> None:
    children = _children(parents)
    observed = list(model.cells)
    relations: list[Relation] = []
    # 1 hierarchy, per measure, year and breakdown that is published below the top of the tree,
    #   for the parents whose children are at a level where it is published
    groups: dict[tuple, set[str]] = defaultdict(set)
    for measure, year, region, scope, breakdown in observed:
        if measure in MEASURES and breakdown not in METHOD_CELLS:   # method parts differ by level: no hierarchy
            groups[(measure, year, breakdown)].add(region)
    published_levels: dict[tuple, set] = defaultdict(set)
    for (measure, year, breakdown), regions in groups.items():
        published_levels[(measure, breakdown)] |= {levels.get(r) for r in regions if parents.get(r)}
    for (measure, year, breakdown), regions in groups.items():
        if not any(parents.get(r) for r in regions):
            continue                               # only the top level (province) has this cell
        for region, kids in children.items():
            if not any(levels.get(c) in published_levels[(measure, breakdown)] for c in kids):
                continue
            members = [(measure, year, c, TOTAL, breakdown) for c in kids]
            nab = (measure, year, region, NAB, breakdown)
            total = (measure, year, region, TOTAL, breakdown)
            present = [k for k in (total, nab, *members) if k in model.cells]
            if not present:
                continue
            parts = tuple(_cell(model, k, residual_zero) for k in members if k in model.cells)
            parts += (_cell(model, nab, residual_zero),)
            relations.append(Relation(_cell(model, total, residual_zero), parts,
                                      f"hierarchy {measure}/{year}/{region}/{breakdown}"))
    # 2 breakdowns
    breakdowns: dict[tuple, list[Key]] = defaultdict(list)
    for key in observed:
        measure, year, region, scope, breakdown = key
        if measure in MEASURES and scope == TOTAL and breakdown != ALL and breakdown not in METHOD_CELLS:
            breakdowns[(measure, year, region)].append(key)
    for (measure, year, region), parts in breakdowns.items():
        total = _cell(model, (measure, year, region, TOTAL, ALL), residual_zero)
        # an enterprise with several processes counts in several process cells: counts do not add up
        quantities = frozenset({"co2"}) if measure == PROCESS else frozenset({"co2", "count"})
        relations.append(Relation(total, tuple(sorted(parts)), f"breakdown {measure}/{year}/{region}", quantities))
    # 3 market subset
    for key in observed:
        measure, year, region, scope, breakdown = key
        if measure == MARKET and scope == TOTAL and breakdown == ALL:
            total = _cell(model, (ENTERPRISE, year, region, TOTAL, ALL), residual_zero)
            rest = _cell(model, (NONMARKET, year, region, TOTAL, ALL), residual_zero)
            relations.append(Relation(total, (key, rest), f"market subset {year}/{region}"))
            direct = (MARKET_DIRECT, year, region, TOTAL, ALL)
            if direct in model.cells:
                relations.append(Relation(key, (direct,), f"market count {year}/{region}", frozenset({"count"})))
    model.relations = relations


# ----------------------------------------------------------------------------------------------
# the attack

@dataclass
class _Component:
    variables: list[Key]
    index: dict
    a_ub: object
    b_ub: np.ndarray
    a_eq: object
    b_eq: np.ndarray
    bounds: list
    relations: list[Relation]


class _System:
    """The linear system of one quantity ('co2' or 'count') over the model's unknown cells."""

    def __init__(self, model: PublicModel, quantity: str, pinned: dict | None = None):
        self.model, self.quantity = model, quantity
        self.findings: list[Finding] = []
        self.known: dict[Key, tuple[float, float]] = {}
        self.lower: dict[Key, float] = {}
        self.pinned = dict(pinned or {})        # unknown cells the simple attacks already gave away
        for key, cell in model.cells.items():
            value = cell.co2 if quantity == "co2" else cell.count
            if cell.status in (SHOWN, ZERO) and value is not None:
                tol = model.tolerance(cell) if quantity == "co2" else 0.0
                self.known[key] = (value, tol)
            elif key in self.pinned:
                self.known[key] = self.pinned[key]
            else:
                floor = model.hidden_count_floor if (quantity == "count" and cell.status == HIDDEN) else 0.0
                self.lower[key] = floor
        self.rows: list[tuple[dict, float, float, Relation]] = []
        for relation in model.relations:
            if quantity not in relation.quantities:
                continue
            coefficients: dict[Key, float] = defaultdict(float)
            constant, tolerance = 0.0, 0.0
            for key, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
                if key in self.known:
                    value, tol = self.known[key]
                    constant += sign * value
                    tolerance += tol
                else:
                    coefficients[key] += sign
            coefficients = {k: c for k, c in coefficients.items() if c != 0}
            if not coefficients:
                if abs(constant) > tolerance + (1e-6 if quantity == "co2" else 0.5):
                    self.findings.append(Finding(INCONSISTENT, relation.total, detail=(
                        f"{quantity}: {relation.label} does not add up: total − parts = {_num(constant)} "
                        f"(tolerance {_num(tolerance)})")))
                continue
            # Σ coef·x = −constant ± tolerance
            self.rows.append((coefficients, -constant, tolerance, relation))
        self.components = self._components()

    def _components(self) -> list[_Component]:
        parent: dict[Key, Key] = {}

        def find(k):
            parent.setdefault(k, k)
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for key in self.lower:
            find(key)
        for coefficients, *_ in self.rows:
            keys = list(coefficients)
            for other in keys[1:]:
                ra, rb = find(keys[0]), find(other)
                if ra != rb:
                    parent[ra] = rb
        groups: dict[Key, list[Key]] = defaultdict(list)
        for key in self.lower:
            groups[find(key)].append(key)
        rows_of: dict[Key, list] = defaultdict(list)
        for row in self.rows:
            rows_of[find(next(iter(row[0])))].append(row)
        components = []
        for root, variables in groups.items():
            variables.sort(key=str)
            components.append(self._matrices(variables, rows_of.get(root, [])))
        return components

    def _matrices(self, variables: list[Key], rows: list) -> _Component:
        index = {k: i for i, k in enumerate(variables)}
        ub_data, ub_rows, ub_cols, b_ub = [], [], [], []
        eq_data, eq_rows, eq_cols, b_eq = [], [], [], []
        for coefficients, rhs, tol, _ in rows:
            if tol == 0:
                r = len(b_eq)
                for k, c in coefficients.items():
                    eq_rows.append(r), eq_cols.append(index[k]), eq_data.append(c)
                b_eq.append(rhs)
            else:
                for sign in (1.0, -1.0):
                    r = len(b_ub)
                    for k, c in coefficients.items():
                        ub_rows.append(r), ub_cols.append(index[k]), ub_data.append(sign * c)
                    b_ub.append(sign * rhs + tol)
        n = len(variables)
        a_ub = csr_matrix((ub_data, (ub_rows, ub_cols)), shape=(len(b_ub), n)) if b_ub else None
        a_eq = csr_matrix((eq_data, (eq_rows, eq_cols)), shape=(len(b_eq), n)) if b_eq else None
        bounds = [(self.lower[k], None) for k in variables]
        return _Component(variables, index, a_ub, np.array(b_ub), a_eq, np.array(b_eq), bounds,
                          [row[3] for row in rows])

    def _solve(self, component: _Component, objective: np.ndarray):
        return linprog(objective, A_ub=component.a_ub, b_ub=component.b_ub if component.a_ub is not None else None,
                       A_eq=component.a_eq, b_eq=component.b_eq if component.a_eq is not None else None,
                       bounds=component.bounds, method="highs")

    def intervals(self) -> dict[Key, tuple[float, float]]:
        out: dict[Key, tuple[float, float]] = {
            key: (value - tol, value + tol) for key, (value, tol) in self.pinned.items()}
        for component in self.components:
            n = len(component.variables)
            if not component.relations:
                for key in component.variables:
                    out[key] = (self.lower[key], math.inf)
                continue
            infeasible = False
            for i, key in enumerate(component.variables):
                objective = np.zeros(n)
                objective[i] = 1.0
                low = self._solve(component, objective)
                if low.status == 2:
                    infeasible = True
                    break
                high = self._solve(component, -objective)
                lo = float(low.fun) if low.status == 0 else self.lower[key]
                hi = -float(high.fun) if high.status == 0 else math.inf
                out[key] = (max(lo, self.lower[key]), hi)
            if infeasible:
                labels = sorted({r.label for r in component.relations})
                self.findings.append(Finding(INCONSISTENT, component.variables[0], detail=(
                    f"{self.quantity}: no values satisfy the published relations of this component "
                    f"({len(component.variables)} unknowns; relations {', '.join(labels[:6])}"
                    f"{' …' if len(labels) > 6 else ''})")))
                for key in component.variables:
                    out[key] = (math.nan, math.nan)
        return out

    def bound(self, combination: dict[Key, float]) -> tuple[float, float]:
        """[min, max] of Σ coef·cell over everything the public file allows."""
        constant, slack = 0.0, 0.0
        unknown: dict[Key, float] = {}
        for key, coef in combination.items():
            if key in self.known:
                value, tol = self.known[key]
                constant += coef * value
                slack += abs(coef) * tol
            elif key in self.lower:
                unknown[key] = coef
            else:
                raise KeyError(f"{fmt_key(key)} is not a cell of the model")
        lo = hi = constant
        lo -= slack
        hi += slack
        touched = [c for c in self.components if any(k in c.index for k in unknown)]
        for component in touched:
            objective = np.zeros(len(component.variables))
            for key, coef in unknown.items():
                if key in component.index:
                    objective[component.index[key]] = coef
            if not component.relations:
                low = sum(c * (self.lower[k] if c > 0 else math.inf) for k, c in unknown.items() if k in component.index)
                high = sum(c * (math.inf if c > 0 else self.lower[k]) for k, c in unknown.items() if k in component.index)
                lo, hi = lo + low, hi + high
                continue
            low, high = self._solve(component, objective), self._solve(component, -objective)
            if low.status == 2:
                return (math.nan, math.nan)
            lo += float(low.fun) if low.status == 0 else -math.inf
            hi += -float(high.fun) if high.status == 0 else math.inf
        return lo, hi


@dataclass
class AttackResult:
    model: PublicModel
    intervals: dict            # co2: key -> (lo, hi) for every unknown cell
    count_intervals: dict      # enterprise counts, likewise
    findings: list             # read-time findings, inconsistencies, subtractions, LP intervals
    systems: dict = field(default_factory=dict)

    def bound(self, combination: dict, quantity: str = "co2") -> tuple[float, float]:
        return self.systems[quantity].bound(combination)

    def interval(self, key: Key) -> tuple[float, float]:
        cell = self.model.cells[key]
        if cell.status in (SHOWN, ZERO):
            tol = self.model.tolerance(cell)
            return (cell.co2 - tol, cell.co2 + tol)
        return self.intervals[key]

    def of_kind(self, *kinds: str) -> list[Finding]:
        return [f for f in self.findings if f.kind in kinds]

    def leaks(self) -> list[Finding]:
        """What the public file gives away without any truth to compare with."""
        return self.of_kind(COPY_LEAK, VALUE_ON_SUPPRESSED)


def _propagate(model: PublicModel, quantity: str = "co2") -> tuple[dict, list[Finding]]:
    """Relations with exactly one unknown member give it away; repeated to a fixpoint.

    Returns {key: (value, tolerance)} of the unknown cells so pinned, and (CO2 only) a finding
    with the arithmetic for each hidden or derived cell, or unpublished residual that is not 0.
    """
    known: dict[Key, tuple[float, float, str]] = {}
    for key, cell in model.cells.items():
        value = cell.co2 if quantity == "co2" else cell.count
        if cell.status in (SHOWN, ZERO) and value is not None:
            tol = model.tolerance(cell) if quantity == "co2" else 0.0
            known[key] = (value, tol, "shown" if cell.status == SHOWN else "absent")
    pinned: dict[Key, tuple[float, float]] = {}
    findings: list[Finding] = []

    def term(k):
        return f"{fmt_key(k)} {_num(known[k][0])}{' (derived)' if known[k][2] == 'derived' else ''}"

    changed = True
    while changed:
        changed = False
        for relation in model.relations:
            if quantity not in relation.quantities:
                continue
            members = [relation.total, *relation.parts]
            unknown = [k for k in members if k not in known]
            if len(unknown) != 1:
                continue
            target = unknown[0]
            parts_value = sum(known[p][0] for p in relation.parts if p != target)
            tol = sum(known[k][1] for k in members if k != target)
            value = parts_value if target == relation.total else known[relation.total][0] - parts_value
            known[target] = (value, tol, "derived")
            pinned[target] = (value, tol)
            changed = True
            cell = model.cells[target]
            if value < -tol - (1e-6 if quantity == "co2" else 0.5):
                findings.append(Finding(INCONSISTENT, target, lo=value, hi=value, detail=(
                    f"{quantity}: {relation.label} makes a cell negative")))
            if quantity != "co2" or (cell.status in (FREE, DERIVED) and abs(value) <= tol):
                continue
            parts = [term(p) for p in relation.parts if p != target and known[p][2] != "absent"]
            how = (" + ".join(parts) or "0") if target == relation.total else " − ".join([term(relation.total), *parts])
            findings.append(Finding(SUBTRACTION, target, lo=value - tol, hi=value + tol, reason=cell.reason,
                                    detail=f"{cell.status}; {relation.label}: = {how}"))
    return pinned, findings


def simple_attacks(model: PublicModel) -> list[Finding]:
    """Parent minus visible children, total minus visible parts …, with the arithmetic (CO2)."""
    return _propagate(model, "co2")[1]


def attack(public: Path | PublicModel, **options) -> AttackResult:
    """Run the simple attacks and the LP on a public file (or an already read model)."""
    model = public if isinstance(public, PublicModel) else read_public_model(public, **options)
    findings = list(model.findings)
    systems = {}
    for quantity in ("co2", "count"):
        pinned, found = _propagate(model, quantity)
        findings += found
        systems[quantity] = _System(model, quantity, pinned)
    intervals = systems["co2"].intervals()
    count_intervals = systems["count"].intervals()
    findings += systems["co2"].findings + systems["count"].findings
    for key, (lo, hi) in sorted(intervals.items(), key=lambda item: str(item[0])):
        cell = model.cells[key]
        findings.append(Finding(INTERVAL, key, lo=lo, hi=hi, reason=cell.reason,
                                detail=f"{cell.status}; enterprises {_interval_text(count_intervals.get(key))}"))
    return AttackResult(model, intervals, count_intervals, findings, systems)


def _interval_text(interval) -> str:
    if not interval:
        return "?"
    lo, hi = interval
    return f"[{_num(lo)}, {_num(hi)}]"


# ----------------------------------------------------------------------------------------------
# the truth

@dataclass
class Truth:
    """cell key → {atom: value}; an atom is one enterprise's contribution: ('co2', code),
    ('direct', code) or ('process', code, process_code)."""
    cells: dict
    years: set

    def atoms(self, key: Key) -> dict:
        return self.cells.get(key, {})


def enterprise_shares(atoms: dict) -> tuple[float, int, float]:
    """(total, enterprises, largest enterprise's share) of a cell's atoms."""
    by_enterprise: dict[str, float] = defaultdict(float)
    for atom, value in atoms.items():
        by_enterprise[atom[1]] += value
    total = sum(by_enterprise.values())
    top = max(by_enterprise.values(), default=0.0)
    return total, len(by_enterprise), (top / total if total > 0 else (1.0 if by_enterprise else 0.0))


def load_truth(full_db: Path) -> Truth:
    """Every enterprise's contribution to every cell, from the full warehouse.

    Enterprises: marts.fct_enterprise_year (the authoritative version of each enterprise-year).
    Process CO2: the process lines (activity × emission factor) of that version, by process
    (reference.ref_industrial_processes aliases; unknown names → 'other'), and by the method the
    region's inventory counts each process with (marts.fct_process_emissions). A region's 'total'
    holds the enterprises registered at it or below (marts.dim_region parents), its
    'not_allocated_below' those registered at its own code (regions with children only).
    """
    with duckdb.connect(str(full_db), read_only=True) as con:
        parents = dict(con.execute("select region_code, parent_code from marts.dim_region").fetchall())
        enterprises = con.execute("""
            select credit_code, year, region_code, sector_code, coalesce(in_ets, false), data_status,
                   co2_t, coalesce(co2_combustion_t, 0) + coalesce(co2_process_t, 0)
            from marts.fct_enterprise_year""").fetchall()
        process = _process_contributions(con)
        # the method the inventory counts each process with at each region (bottom-up where no row says otherwise)
        counted_top_down = set()
        if ("marts", "fct_process_emissions") in _tables(con):
            counted_top_down = {(r, int(y), p) for r, y, p in con.execute("""
                select region_code, year, process_code from marts.fct_process_emissions
                where method = 'bottom_up' and gas = 'CO2' and not used_in_inventory""").fetchall()}
    children = _children(parents)

    def ancestors(region: str) -> list[str]:
        chain, seen = [], set()
        while region is not None and region not in seen:
            chain.append(region)
            seen.add(region)
            region = parents.get(region)
        return chain

    cells: dict[Key, dict] = defaultdict(dict)
    located: dict[tuple[str, int], str] = {}
    for code, year, region, sector, in_ets, status, co2, direct in enterprises:
        year = int(year)
        located[(code, year)] = region
        market = bool(in_ets) and status in ("verified", "rechecked")
        for i, r in enumerate(ancestors(region)):
            scopes = [TOTAL] + ([NAB] if i == 0 and r in children else [])
            for scope in scopes:
                for breakdown in (ALL, f"sector_{sector}"):
                    cells[(ENTERPRISE, year, r, scope, breakdown)][("co2", code)] = co2
                    if market:
                        cells[(MARKET, year, r, scope, breakdown)][("co2", code)] = co2
                        cells[(MARKET_DIRECT, year, r, scope, breakdown)][("direct", code)] = direct
                    elif scope == TOTAL and breakdown == ALL:
                        cells[(NONMARKET, year, r, TOTAL, ALL)][("co2", code)] = co2
    for code, year, process_code, co2 in process:
        year = int(year)
        region = located.get((code, year))
        if region is None:
            continue
        for i, r in enumerate(ancestors(region)):
            scopes = [TOTAL] + ([NAB] if i == 0 and r in children else [])
            for scope in scopes:
                for breakdown in (ALL, f"process_{process_code}"):
                    cells[(PROCESS, year, r, scope, breakdown)][("process", code, process_code)] = co2
            method = METHOD_TD if (r, year, process_code) in counted_top_down else METHOD_BU
            cells[(PROCESS, year, r, TOTAL, method)][("process", code, process_code)] = co2
    return Truth(dict(cells), {int(y) for _, y, *_ in enterprises})


def _process_contributions(con) -> list[tuple]:
    have = _tables(con)
    version_cols = _columns(con, "marts", "fct_enterprise_report_version")
    lines = next((f'"{s}"."{t}"' for s, t in (("intermediate", "int_enterprise_report_lines"),
                                             ("staging", "stg_raw__enterprise_report_lines"),
                                             ("raw", "enterprise_report_lines")) if (s, t) in have), None)
    if lines is None or not version_cols:
        return []
    same_file = "and a.source_file = l.source_file" if "source_file" in version_cols else ""
    return con.execute(f"""
        with a as (
            select * from marts.fct_enterprise_report_version where is_authoritative
        ), names as (
            select process_code, trim(unnest(string_split(aliases, '|'))) as source_name
            from reference.ref_industrial_processes
        ), mapped as (
            select distinct on (source_name) source_name, process_code from names order by source_name, process_code
        )
        select l.credit_code, l.report_year, coalesce(m.process_code, 'other'),
               sum(l.activity_value * l.emission_factor)
        from {lines} as l
        join a on a.credit_code = l.credit_code and a.year = l.report_year and a.data_status = l.data_status
              and a.submitted_on is not distinct from l.submitted_on {same_file}
        left join mapped m on m.source_name = l.source_name
        where l.source_category = 'process'
        group by all
    """).fetchall()


# ----------------------------------------------------------------------------------------------
# evaluation

def _within(lo: float, hi: float, value: float, share: float) -> bool:
    if any(math.isnan(x) for x in (lo, hi)):
        return False
    return lo >= (1 - share) * value - 1e-9 and hi <= (1 + share) * value + 1e-9


def with_truth(findings: list[Finding], truth: Truth) -> list[Finding]:
    """The findings with the true value, enterprise count and largest share of their cell filled in."""
    out = []
    for finding in findings:
        if finding.key is not None and finding.true_value is None and truth.atoms(finding.key):
            value, n, top = enterprise_shares(truth.atoms(finding.key))
            finding = Finding(finding.kind, finding.key, finding.lo, finding.hi, finding.detail, value, n, top,
                              finding.reason)
        out.append(finding)
    return out


def _contract_grain(key: Key, children: set, levels: dict) -> bool:
    """Whether the contract says this truth cell must exist in agg_enterprise_emissions."""
    measure, _, region, scope, breakdown = key
    level = levels.get(region)
    if measure not in MEASURES:
        return False
    if measure in (MARKET, MARKET_DIRECT):
        return level == "province" and scope == TOTAL and breakdown == ALL
    if scope == NAB:
        return breakdown == ALL and region in children
    if breakdown == ALL or breakdown == METHOD_BU:
        return True
    if breakdown == METHOD_TD:
        return False
    return level == "province" and breakdown.startswith("sector_" if measure == ENTERPRISE else "process_")


def evaluate(result: AttackResult, truth: Truth, *, within: float = 0.01,
             regions: tuple[dict, dict] | None = None) -> list[Finding]:
    """Compare what the attack can prove with the truth (see the module docstring)."""
    model = result.model
    findings: list[Finding] = []
    tol_truth = lambda value: max(1e-3, 1e-7 * abs(value)) + 2 * model.tol_abs  # noqa: E731

    # 1 does the public file say what the truth says? (else the attack's model is wrong)
    for key, cell in model.cells.items():
        if key[0] not in MEASURES and key[0] != NONMARKET:
            continue
        atoms = truth.atoms(key)
        value, n, top = enterprise_shares(atoms)
        if cell.status == SHOWN:
            if abs(cell.co2 - value) > tol_truth(value) + cell.co2_tol:
                findings.append(Finding(TRUTH_MISMATCH, key, lo=cell.co2, hi=cell.co2, true_value=value,
                                        enterprises=n, top_share=top, detail="shown value ≠ truth"))
            elif cell.count is not None and abs(cell.count - n) > 0.5:
                findings.append(Finding(TRUTH_MISMATCH, key, true_value=value, enterprises=n, top_share=top,
                                        detail=f"shown count {cell.count:g} ≠ {n} enterprises"))
        elif cell.status == ZERO and n and model.mode == "contract" and key[1] in truth.years:
            findings.append(Finding(TRUTH_MISMATCH, key, true_value=value, enterprises=n, top_share=top,
                                    detail="the table has no such cell, but enterprises are in it"))
        elif cell.status == HIDDEN and not n and model.mode == "contract":
            findings.append(Finding(TRUTH_MISMATCH, key, reason=cell.reason,
                                    detail="a suppressed cell holds no enterprise"))
    if model.mode == "contract" and regions is not None:
        parents, levels = regions
        children = {p for p in parents.values() if p is not None}
        years = {k[1] for k in model.cells}
        for key, atoms in truth.cells.items():
            if key[1] in years and atoms and _contract_grain(key, children, levels) and key not in model.cells:
                value, n, top = enterprise_shares(atoms)
                findings.append(Finding(TRUTH_MISMATCH, key, true_value=value, enterprises=n, top_share=top,
                                        detail="enterprises are in this cell, but the table has no row for it"))

    # 2 single cells
    for key, cell in model.cells.items():
        atoms = truth.atoms(key)
        if not atoms:
            continue
        value, n, top = enterprise_shares(atoms)
        lo, hi = result.interval(key)
        pinned = _within(lo, hi, value, within)
        common = dict(lo=lo, hi=hi, true_value=value, enterprises=n, top_share=top, reason=cell.reason)
        if pinned and (n == 1 or top > 0.99):
            findings.append(Finding(RECOVERY, key, detail=f"{cell.status} cell; one enterprise's figure", **common))
        if cell.status == HIDDEN and cell.reason in PRIMARY_REASONS and pinned:
            findings.append(Finding(PRIMARY_PINNED, key, detail="primary-suppressed cell pinned within "
                                                                 f"{within:.0%}", **common))
        breaks_rule = n < MIN_ENTERPRISES or top > MAX_SHARE
        if cell.status in (FREE, DERIVED) and pinned and breaks_rule:
            findings.append(Finding(CONFIDENTIAL_PINNED, key, detail=f"{cell.status} cell breaks the rule and is "
                                                                      f"pinned within {within:.0%}", **common))
        if cell.status == SHOWN and breaks_rule:
            findings.append(Finding(RULE_VIOLATION, key, detail="shown although the rule suppresses it", **common))

    # 3 pairs of cells that differ by one enterprise
    findings += _difference_recoveries(result, truth, within)
    return findings


def _difference_recoveries(result: AttackResult, truth: Truth, within: float) -> list[Finding]:
    """Pairs small ⊂ big (same year, same atoms with the same values) whose difference is one
    enterprise: bound big − small. Cells are matched by an order-free hash of their atoms."""
    model = result.model
    atoms_of = {key: truth.atoms(key) for key in model.cells if truth.atoms(key)}
    signature = lambda atoms: (len(atoms), _xor(hash((a, v)) for a, v in atoms.items()))  # noqa: E731
    by_signature: dict[tuple, list[Key]] = defaultdict(list)
    for key, atoms in atoms_of.items():
        by_signature[(key[1], *signature(atoms))].append(key)
    findings, seen = [], set()
    for big, atoms in atoms_of.items():
        own_of: dict[str, dict] = defaultdict(dict)
        for atom, value in atoms.items():
            own_of[atom[1]][atom] = value
        if len(own_of) < 2:
            continue                                      # a single-enterprise cell: see RECOVERY
        size, whole = signature(atoms)
        for code, own in own_of.items():
            own_size, own_hash = signature(own)
            for small in by_signature.get((big[1], size - own_size, whole ^ own_hash), []):
                small_atoms = atoms_of[small]
                if (small, big) in seen or any(atoms.get(a) != v for a, v in small_atoms.items()):
                    continue
                seen.add((small, big))
                value = sum(own.values())
                if model.cells[big].status in (SHOWN, ZERO) and model.cells[small].status in (SHOWN, ZERO):
                    lo_b, hi_b = result.interval(big)
                    lo_s, hi_s = result.interval(small)
                    lo, hi = lo_b - hi_s, hi_b - lo_s
                else:
                    lo, hi = result.bound({big: 1.0, small: -1.0})
                if _within(lo, hi, value, within):
                    findings.append(Finding(DIFFERENCE_RECOVERY, big, lo=lo, hi=hi, true_value=value, enterprises=1,
                                            top_share=1.0, detail=f"minus {fmt_key(small)} = one enterprise's "
                                                                  "contribution"))
    return findings


def _xor(values) -> int:
    out = 0
    for v in values:
        out ^= v
    return out


def attack_against_truth(public: Path, full: Path | None = None, *, model: PublicModel | None = None,
                         **options) -> tuple[AttackResult, list[Finding]]:
    """attack() on a public file (or its model, already read) and evaluate() against the full
    file next to it."""
    public = Path(public)
    full = full or full_file(public)
    result = attack(model if model is not None else public, **options)
    with duckdb.connect(str(public), read_only=True) as con:
        regions = _regions(con)
    return result, evaluate(result, load_truth(full), regions=regions)


# ----------------------------------------------------------------------------------------------
# the scan for identifying text

# a column that holds an identifier or a place in an input file (source_rows_count, a count, is fine)
FORBIDDEN_COLUMN = re.compile(r"credit_code|enterprise_name|信用代码|企业名称|(^|_)source_(file|sheet|row)s?$",
                              re.IGNORECASE)
IDENTIFYING_HEADERS = {"credit_code", "统一社会信用代码", "信用代码", "enterprise_name", "企业名称", "单位名称"}
CODE_LIKE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$", re.IGNORECASE)
MIN_SECRET_LENGTH = 4


def identifying_strings(full_db: Path) -> dict[str, set[str]]:
    """{'credit_code': …, 'enterprise_name': …, 'source_file': …} from the full warehouse."""
    codes, names, files = set(), set(), set()
    with duckdb.connect(str(full_db), read_only=True) as con:
        have = _tables(con)

        def values(schema, table, column, where=""):
            if (schema, table) not in have or column not in _columns(con, schema, table):
                return set()
            sql = f'select distinct cast("{column}" as varchar) from "{schema}"."{table}" where "{column}" is not null'
            return {v for (v,) in con.execute(sql + (f" and {where}" if where else "")).fetchall()}

        # every raw table (enterprise_report_lines, ets_allocations, quarantine, source_files, …)
        for schema, table in sorted(have):
            if schema != "raw":
                continue
            codes |= values("raw", table, "credit_code")
            names |= values("raw", table, "enterprise_name")
            files |= values("raw", table, "source_file")
        if ("raw", "quarantine") in have and {"column_name", "value"} <= _columns(con, "raw", "quarantine"):
            for column, value in con.execute("select distinct column_name, cast(value as varchar) from raw.quarantine "
                                             "where value is not null").fetchall():
                if column and column.strip() in IDENTIFYING_HEADERS:
                    (codes if "code" in column or "代码" in column else names).add(value)
        if ("raw", "source_files") in have:
            for column in _columns(con, "raw", "source_files"):
                if re.search(r"file|path", column, re.IGNORECASE):
                    files |= values("raw", "source_files", column)
        for table in ("fct_enterprise_year", "fct_enterprise_report_version"):
            codes |= values("marts", table, "credit_code")
            names |= values("marts", table, "enterprise_name")
            files |= values("marts", table, "source_file")
    file_strings = set()
    for relative in files:
        file_strings.add(relative)
        base = Path(relative.replace("\\", "/")).name
        file_strings.add(base)
        stem = Path(base).stem
        if CODE_LIKE.match(stem):
            codes.add(stem)
    keep = lambda items: {s.strip() for s in items if s and len(s.strip()) >= MIN_SECRET_LENGTH}  # noqa: E731
    return {"credit_code": keep(codes), "enterprise_name": keep(names), "source_file": keep(file_strings)}


def scan_identifiers(public_db: Path, full_db: Path | None = None, secrets: dict[str, set[str]] | None = None,
                     limit: int = 20) -> list[ScanHit]:
    """Every column of every table of the public file against the identifying strings."""
    public_db = Path(public_db)
    if secrets is None:
        secrets = identifying_strings(full_db or full_file(public_db))
    rows = [(kind, s, s.lower() if kind == "credit_code" else s, kind == "credit_code",
             bool(re.fullmatch(r"[0-9.+\-eE]+", s)))
            for kind, items in secrets.items() for s in sorted(items)]
    hits: list[ScanHit] = []
    with duckdb.connect(str(public_db), read_only=True) as con:
        columns = con.execute("""
            select c.table_schema, c.table_name, c.column_name, c.data_type
            from information_schema.columns c
            join information_schema.tables t using (table_catalog, table_schema, table_name)
            where t.table_type = 'BASE TABLE' or t.table_type = 'VIEW'
            order by 1, 2, c.ordinal_position""").fetchall()
        for schema, table, column, _ in columns:
            if FORBIDDEN_COLUMN.search(column):
                hits.append(ScanHit(schema, table, column, "column_name", column, column))
        if not rows:
            return hits
        con.execute("create temp table secrets (kind varchar, v varchar, lv varchar, ci boolean, numeric_like boolean)")
        con.executemany("insert into secrets values (?, ?, ?, ?, ?)", rows)
        for schema, table, column, data_type in columns:
            text = data_type.upper().startswith(("VARCHAR", "TEXT", "STRING", "BLOB")) or "[]" in data_type \
                or data_type.upper().startswith(("STRUCT", "MAP", "UNION", "JSON"))
            candidates = "" if text else "where numeric_like"
            found = con.execute(f"""
                with x as (
                    select distinct cast("{column}" as varchar) as x from "{schema}"."{table}"
                    where "{column}" is not null
                ), s as (select * from temp.secrets {candidates})
                select s.kind, s.v, any_value(x.x)
                from x join s on (case when s.ci then contains(lower(x.x), s.lv) else contains(x.x, s.v) end)
                group by all order by 1, 2 limit {int(limit)}""").fetchall()
            hits += [ScanHit(schema, table, column, kind, secret, sample) for kind, secret, sample in found]
    return hits


# ----------------------------------------------------------------------------------------------
# reporting

def summarize(findings: list, limit: int = 15) -> str:
    """Counts per kind, then up to `limit` lines per kind (not INTERVAL)."""
    by_kind: dict[str, list] = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    lines = [f"{kind}: {len(items)}" for kind, items in sorted(by_kind.items())]
    for kind, items in sorted(by_kind.items()):
        if kind == INTERVAL:
            continue
        lines.append(f"-- {kind}")
        lines += [f"   {item}" for item in items[:limit]]
        if len(items) > limit:
            lines.append(f"   … {len(items) - limit} more")
    return "\n".join(lines)
