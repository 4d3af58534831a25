"""Carbon-market allowance allocation and surrender files (配额分配与清缴).

One CSV per compliance year of the national market's first period (2019, 2020), one row per
carbon-market enterprise that has a verified (核查) or rechecked (复查) report for the year:
free allowances 95–100 % of the verified emissions; about 80 % close the gap with auctioned
allowances or CCER (within the 5 % cap), the others are short; and the allowances actually surrendered.
Deterministic: every draw comes from stream(seed, 'allocations', province, year).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.samplegen.enterprises import RECHECKED, VERIFIED, ProvinceReports
from pipelines.samplegen.randomness import stream

ALLOCATION_DIR = Path("enterprise_reports") / "allocations"
COMPLIANCE_YEARS = (2019, 2020)
HEADER = ("统一社会信用代码", "履约年度", "免费配额(吨)", "有偿配额(吨)", "清缴CCER(吨)", "实际清缴配额(吨)")


def verified_emissions(reports: ProvinceReports, year: int) -> dict[str, float]:
    """credit code → CO2 of the latest authoritative version (复查 > 核查) of market enterprises."""
    rank = {VERIFIED: 1, RECHECKED: 2}
    best: dict[str, tuple[int, float]] = {}
    for version in reports.versions:
        if version.year != year or not version.enterprise.in_ets or version.status not in rank:
            continue
        key = version.enterprise.credit_code
        if key not in best or rank[version.status] >= best[key][0]:
            best[key] = (rank[version.status], version.total_co2_t)
    return {code: value for code, (_, value) in sorted(best.items())}


def allocation_rows(reports: ProvinceReports, seed: int, province: str, year: int) -> list[tuple]:
    rng = stream(seed, "allocations", province, year)
    rows = []
    for code, verified in verified_emissions(reports, year).items():
        free = round(verified * rng.uniform(0.95, 1.0))
        auctioned, ccer = 0, 0
        gap = verified * 1.005 - free  # a small margin over the verified total
        if rng.random() < 0.8:  # most close the gap: bought at auction or with CCER (≤ 5 %)
            if rng.random() < 0.5:
                auctioned = max(0, round(gap) + 1)
            else:
                ccer = max(0, round(gap) + 1)
        elif rng.random() < 0.5:  # the rest fall short, some after a part covered by CCER
            ccer = round(max(0.0, gap) * rng.uniform(0.2, 0.6))
        # Most surrender what they hold up to their emissions; a few hold back.
        need = max(0.0, verified - ccer)
        surrendered = round(min(free + auctioned, need) * (rng.uniform(0.7, 0.95) if rng.random() < 0.05 else 1.0))
        rows.append((code, year, free, auctioned, ccer, surrendered))
    return rows


def write_allocations(out_dir: Path, reports: ProvinceReports, seed: int, province: str, per_province_names: bool = False,
                      without: set[tuple[str, int]] = frozenset()) -> list[Path]:
    """配额分配与清缴_<year>.csv (UTF-8 with BOM, as Excel saves 'CSV UTF-8') per compliance year.

    without: (credit code, year) left out, the enterprise-years whose verification the MRV sample
    withholds (samplegen/mrv.py); the others keep the draws they had before it.
    """
    folder = Path(out_dir) / ALLOCATION_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in COMPLIANCE_YEARS:
        rows = [row for row in allocation_rows(reports, seed, province, year) if (row[0], year) not in without]
        if not rows:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        name = f"配额分配与清缴_{province}_{year}.csv" if per_province_names else f"配额分配与清缴_{year}.csv"
        path = folder / name
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        written.append(path)
    return written
