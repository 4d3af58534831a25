"""The MRV year's files: verifier tasks (核查任务_<year>.csv), captive power plants (自备电厂_*.csv)
and the answer key of the planted cases (MRV_CASES.csv).

Eight verification bodies serve the province. Every enterprise-year with a 核查 version has a
verification task, assigned in April of the following year (before the 核查 is submitted); every
复查 version a re-check task, assigned a few days after the 核查 to a different body; about 4 % of
the verified enterprise-years had consulting from a body not assigned to them.

Planted cases (carbon-market enterprise-years, listed in MRV_CASES.csv), in 2019 and 2020 and a
few in 2016–2018: a re-check given to the first verifier (recheck_same_verifier), a verification
given to a body that consulted for the enterprise (consulted_verifier), a 核查 submitted after
06-30 (late_verification), a 企业自报 submitted after 03-31 (late_report), and a verification task
whose 核查 never arrived (missing_verification: the version is dropped from the export). The late
and missing cases change the reports (plan_mrv returns them changed), nothing else: the inventory
does not read submission dates, and the allocation files keep their draws (core.py).
Deterministic: every draw comes from stream(seed, 'mrv', province, …).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.samplegen.enterprises import RECHECKED, REPORTED, VERIFIED, ProvinceReports, Version, new_credit_code
from pipelines.samplegen.randomness import stream, weighted_choice

MRV_DIR = Path("enterprise_reports") / "mrv"
MRV_CASES_FILE = Path("enterprise_reports") / "MRV_CASES.csv"
TASK_HEADER = ("统一社会信用代码", "报告年度", "任务类型", "核查机构代码", "核查机构名称", "指派日期")
CAPTIVE_HEADER = ("统一社会信用代码", "年度", "自备电厂装机容量(千瓦)")
VERIFICATION, RECHECK, CONSULTING = "核查", "复查", "咨询"
TASK_ORDER = {VERIFICATION: 0, RECHECK: 1, CONSULTING: 2}
CAPTIVE_YEARS = tuple(range(2015, 2021))

# (trade word, business) of the bodies, and how much of the work each gets.
VERIFIER_NAMES = (
    ("陇原", "低碳科技有限公司"), ("中碳", "环境咨询有限公司"), ("河西", "碳资产管理有限公司"),
    ("金城", "节能技术服务有限公司"), ("祁连", "环保科技有限公司"), ("丝路", "绿色发展研究院有限公司"),
    ("黄河", "能源审计有限公司"), ("敦煌", "质量认证有限公司"),
)  # fmt: skip
VERIFIER_WEIGHTS = (1.6, 1.4, 1.2, 1.0, 1.0, 0.8, 0.6, 0.4)
CONSULTING_SHARE = 0.04

# Planted cases per report year: kind → how many.
FULL_CASES = {"recheck_same_verifier": 2, "consulted_verifier": 2, "late_verification": 3, "late_report": 3,
              "missing_verification": 2}  # fmt: skip
FEW_CASES = {"recheck_same_verifier": 1, "consulted_verifier": 1, "late_verification": 1, "late_report": 1}
PLANTED = {2016: FEW_CASES, 2017: FEW_CASES, 2018: FEW_CASES, 2019: FULL_CASES, 2020: FULL_CASES}

# Captive power plants: how many, of which sectors (mostly non-market ones), and the fixed
# capacities that sit on the 6,000 kW threshold or cross it.
CAPTIVE_COUNT = 15
CAPTIVE_FIXED_KW = (6000.0, 5999.0, 15000.0, 9000.0)
CAPTIVE_GROWTH = (4500.0, 7500.0, 2018)  # one plant extended past the threshold from 2018 on


@dataclass(frozen=True)
class Verifier:
    code: str
    name: str


@dataclass
class Task:
    credit_code: str
    year: int
    kind: str  # VERIFICATION | RECHECK | CONSULTING
    verifier: Verifier
    assigned_on: str  # ISO date; '' for some consulting rows


@dataclass(frozen=True)
class Case:
    credit_code: str
    year: int
    kind: str
    detail: str


@dataclass
class MrvPlan:
    reports: ProvinceReports  # the reports as the export and the workbooks write them
    tasks: list[Task]
    captive: list[tuple[str, int, float]]  # (credit code, year, kW)
    cases: list[Case] = field(default_factory=list)
    dropped: set[tuple[str, int]] = field(default_factory=set)  # enterprise-years without their 核查


def _day(year: int, month: int, day: int, rng, spread_days: int) -> str:
    return (dt.date(year, month, day) + dt.timedelta(days=rng.randint(0, spread_days))).isoformat()


def _after(iso: str, rng, low: int, high: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=rng.randint(low, high))).isoformat()


def verifiers(seed: int, province: str, place: str, used_codes: set[str]) -> list[Verifier]:
    """The province's verification bodies, registered in its capital (the province's 01 city)."""
    rng = stream(seed, "mrv", province, "verifiers")
    capital = province[:2] + "0100"
    return [Verifier(new_credit_code(rng, capital, used_codes), f"{place}{word}{business}")
            for word, business in VERIFIER_NAMES]  # fmt: skip


def place_name(province_name: str) -> str:
    """甘肃省 → 甘肃, 北京市 → 北京, 宁夏回族自治区 → 宁夏 (as in firm names)."""
    return re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", province_name)


def _by_report(versions: list[Version]) -> dict[tuple[str, int], dict[str, Version]]:
    found: dict[tuple[str, int], dict[str, Version]] = {}
    for version in versions:
        found.setdefault((version.enterprise.credit_code, version.year), {})[version.status] = version
    return found


def _assign(reports: ProvinceReports, bodies: list[Verifier], seed: int, province: str) -> dict:
    """(code, year) → {kind: Task} for every verification and re-check, before any case is planted."""
    assigned: dict[tuple[str, int], dict[str, Task]] = {}
    for key, group in _by_report(reports.versions).items():
        if VERIFIED not in group:
            continue
        rng = stream(seed, "mrv", province, "tasks", *key)
        first = weighted_choice(rng, bodies, list(VERIFIER_WEIGHTS))
        tasks = {VERIFICATION: Task(*key, VERIFICATION, first, _day(key[1] + 1, 4, 1, rng, 27))}
        if RECHECKED in group:
            others = [body for body in bodies if body != first]
            tasks[RECHECK] = Task(*key, RECHECK, rng.choice(others), _after(group[VERIFIED].submitted_on, rng, 1, 10))
        assigned[key] = tasks
    return assigned


def _candidates(kind: str, year: int, groups: dict, assigned: dict, excluded: set) -> list[tuple[str, int]]:
    """The market enterprise-years of a year a case of this kind can be planted on."""
    found = []
    for key, group in groups.items():
        if key[1] != year or key in excluded or not group[REPORTED].enterprise.in_ets or key not in assigned:
            continue
        if kind == "recheck_same_verifier" and RECHECKED not in group:
            continue
        if kind in ("late_verification", "missing_verification") and RECHECKED in group:
            continue  # a 核查 moved past (or missing before) its 复查 would be a different story
        if kind == "missing_verification" and group[REPORTED].enterprise.first_year >= year:
            continue  # keep the enterprise in the export through its earlier years
        found.append(key)
    return found


def _plant(kind: str, key: tuple[str, int], group: dict, tasks: dict, rng, plan: MrvPlan) -> None:
    """Plant one case: change the tasks or the reports, and record it."""
    first = tasks[VERIFICATION]
    year = key[1]
    if kind == "recheck_same_verifier":
        tasks[RECHECK].verifier = first.verifier
        detail = f"复查 assigned {tasks[RECHECK].assigned_on} to {first.verifier.code}, the 核查 verifier"
    elif kind == "consulted_verifier":
        plan.tasks.append(Task(*key, CONSULTING, first.verifier, _day(year + 1, 1, 5, rng, 50)))
        detail = f"核查 verifier {first.verifier.code} also has a consulting row for the year"
    elif kind == "late_verification":
        late = _day(year + 1, 7, 3, rng, 45)
        group[VERIFIED].submitted_on = late
        detail = f"核查 submitted {late}, due {year + 1}-06-30"
    elif kind == "late_report":
        late = _day(year + 1, 4, 2, rng, 24)
        group[REPORTED].submitted_on = late
        detail = f"企业自报 submitted {late}, due {year + 1}-03-31"
    else:  # missing_verification
        plan.dropped.add(key)
        detail = f"核查 task assigned {first.assigned_on} to {first.verifier.code}; no 核查 version delivered"
    plan.cases.append(Case(*key, kind, detail))


def plan_mrv(reports: ProvinceReports, seed: int, province: str, place: str, used_codes: set[str]) -> MrvPlan:
    """The tasks, the captive plants and the planted cases; plan.reports are the reports with the
    late dates shifted and the missing 核查 versions dropped (the given reports are not changed)."""
    bodies = verifiers(seed, province, place, used_codes)
    versions = [replace(version) for version in reports.versions]  # shallow copies: dates may move
    groups = _by_report(versions)
    assigned = _assign(reports, bodies, seed, province)
    plan = MrvPlan(ProvinceReports(reports.enterprises, versions, reports.anomalies), [], captive_plants(reports, seed, province))
    taken = {(anomaly.credit_code, anomaly.year) for anomaly in reports.anomalies}  # keep those stories apart
    for year, counts in PLANTED.items():
        rng = stream(seed, "mrv", province, "cases", year)
        for kind, count in counts.items():
            candidates = _candidates(kind, year, groups, assigned, taken)
            for key in sorted(rng.sample(candidates, k=min(count, len(candidates)))):
                taken.add(key)
                _plant(kind, key, groups[key], assigned[key], rng, plan)
    plan.reports.versions = [v for v in versions if not (v.status == VERIFIED and (v.enterprise.credit_code, v.year) in plan.dropped)]
    plan.tasks += [task for tasks in assigned.values() for task in tasks.values()]
    plan.tasks += _consulting(assigned, bodies, seed, province)
    plan.tasks.sort(key=lambda t: (t.year, t.credit_code, TASK_ORDER[t.kind], t.verifier.code))
    plan.cases.sort(key=lambda c: (c.year, c.kind, c.credit_code))
    return plan


def _consulting(assigned: dict, bodies: list[Verifier], seed: int, province: str) -> list[Task]:
    """Ordinary consulting: a body not assigned to the enterprise-year (no conflict)."""
    rng = stream(seed, "mrv", province, "consulting")
    rows = []
    for key in sorted(assigned):
        if rng.random() >= CONSULTING_SHARE:
            continue
        busy = {task.verifier for task in assigned[key].values()}
        body = rng.choice([b for b in bodies if b not in busy])
        when = "" if rng.random() < 0.5 else _day(key[1], 6, 1, rng, 180)  # during the report year
        rows.append(Task(*key, CONSULTING, body, when))
    return rows


def captive_plants(reports: ProvinceReports, seed: int, province: str) -> list[tuple[str, int, float]]:
    """~15 enterprises outside the market (mostly 其他) with a captive power plant, one row a year."""
    rng = stream(seed, "mrv", province, "captive")
    pool = [e for e in reports.enterprises if not e.in_ets and e.first_year <= CAPTIVE_YEARS[-1]
            and e.last_year >= CAPTIVE_YEARS[0]]  # fmt: skip
    other = [e for e in pool if e.sector == "other"]
    market_sector = [e for e in pool if e.sector != "other"]
    chosen = rng.sample(other, k=min(CAPTIVE_COUNT - 3, len(other)))
    chosen += rng.sample(market_sector, k=min(3, len(market_sector)))
    chosen.sort(key=lambda e: e.credit_code)
    rng.shuffle(order := list(range(len(chosen))))
    rows = []
    for rank, enterprise in zip(order, chosen):
        capacity = CAPTIVE_FIXED_KW[rank] if rank < len(CAPTIVE_FIXED_KW) else float(rng.randrange(4000, 20001, 100))
        for year in CAPTIVE_YEARS:
            if not enterprise.first_year <= year <= enterprise.last_year:
                continue
            if rank == len(CAPTIVE_FIXED_KW):  # the plant extended past the threshold
                capacity = CAPTIVE_GROWTH[1] if year >= CAPTIVE_GROWTH[2] else CAPTIVE_GROWTH[0]
            rows.append((enterprise.credit_code, year, capacity))
    return rows


def _csv_bytes(header: tuple[str, ...], rows: list[tuple], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:  # a place name outside GBK (other provinces only)
        return text.encode("gb18030")


def write_mrv(out_dir: Path, plan: MrvPlan, province: str, per_province_names: bool = False) -> list[Path]:
    """核查任务_<year>.csv (GBK, as the reporting platform exports) and 自备电厂_<province>.csv (UTF-8
    with BOM, as Excel saves 'CSV UTF-8')."""
    folder = Path(out_dir) / MRV_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in sorted({task.year for task in plan.tasks}):
        rows = [(t.credit_code, t.year, t.kind, t.verifier.code, t.verifier.name, t.assigned_on)
                for t in plan.tasks if t.year == year]  # fmt: skip
        path = folder / (f"核查任务_{province}_{year}.csv" if per_province_names else f"核查任务_{year}.csv")
        path.write_bytes(_csv_bytes(TASK_HEADER, rows, "gbk"))
        written.append(path)
    if plan.captive:
        path = folder / f"自备电厂_{province}.csv"
        path.write_bytes(_csv_bytes(CAPTIVE_HEADER, [(c, y, f"{kw:g}") for c, y, kw in plan.captive], "utf-8-sig"))
        written.append(path)
    return written


def write_mrv_cases(out_dir: Path, cases: list[Case]) -> Path:
    """The answer key beside ANOMALIES.csv (outside every inbox folder, so never ingested)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["credit_code", "report_year", "kind", "detail"])
    writer.writerows((c.credit_code, c.year, c.kind, c.detail) for c in cases)
    path = Path(out_dir) / MRV_CASES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path
