"""`generate()`: write the sample source files for one or more provinces.

Same arguments → byte-identical files: every random draw comes from a stream keyed by
(seed, province, family, …), iteration order is fixed, workbooks carry a fixed creation time
and nothing writes a timestamp.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.samplegen import profiles
from pipelines.samplegen.allocations import ALLOCATION_DIR, write_allocations
from pipelines.samplegen.economy import Economy
from pipelines.samplegen.energy import EnergyModel
from pipelines.samplegen.enterprises import (
    ANOMALIES_FILE, EXPORT_DIR, WORKBOOK_DIR, REPORTED, VERIFIED, RECHECKED, ReportGenerator,
    write_anomalies, write_exports, write_workbooks,
)
from pipelines.samplegen.exchanges import EXCHANGE_DIR, write_exchange_prices
from pipelines.samplegen.geography import build_geography
from pipelines.samplegen.industry import INDUSTRY_DIR, write_industry_tables
from pipelines.samplegen.inventory import INVENTORY_DIR, write_inventory_activity
from pipelines.samplegen.mrv import MRV_CASES_FILE, MRV_DIR, place_name, plan_mrv, write_mrv, write_mrv_cases
from pipelines.samplegen.production import PRODUCTION_DIR, write_production_statistics
from pipelines.samplegen.readme import write_readme
from pipelines.samplegen.reference import Reference
from pipelines.samplegen.statistics_files import (
    ACTIVITY_DIR, DEPARTMENT_DIR, ENERGY_BALANCE_DIR, write_activity, write_department_indicators, write_energy_balances,
)

DEFAULT_SEED = 20161231

# Files this generator owns inside the output folder. Only these are removed before writing,
# so files others put there (the real Shenzhen prices and their licence) survive.
GENERATED_PATTERNS = (
    f"{ENERGY_BALANCE_DIR.as_posix()}/能源平衡表_*.xlsx",
    f"{INDUSTRY_DIR.as_posix()}/工业分行业能源消费_*.xlsx",
    f"{ACTIVITY_DIR.as_posix()}/主要经济指标_*.xlsx",
    f"{DEPARTMENT_DIR.as_posix()}/部门统计指标_*.csv",
    f"{PRODUCTION_DIR.as_posix()}/工业产品产量_*.csv",
    f"{INVENTORY_DIR.as_posix()}/农业统计_*.csv",
    f"{INVENTORY_DIR.as_posix()}/废弃物统计_*.csv",
    f"{EXPORT_DIR.as_posix()}/温室气体排放报告_*.csv",
    f"{WORKBOOK_DIR.as_posix()}/*/*.xlsx",
    ANOMALIES_FILE.as_posix(),
    f"{ALLOCATION_DIR.as_posix()}/配额分配与清缴_*.csv",
    f"{MRV_DIR.as_posix()}/核查任务_*.csv",
    f"{MRV_DIR.as_posix()}/自备电厂_*.csv",
    MRV_CASES_FILE.as_posix(),
    f"{EXCHANGE_DIR.as_posix()}/*_daily_2014-2020.csv",
    "README.md",
)


def resolve_provinces(ref: Reference, provinces: list[str] | str) -> list[str]:
    """'all' (or ['all']) → every province with an adcode, in seed order; else validated codes."""
    if isinstance(provinces, str):
        provinces = [p.strip() for p in provinces.split(",") if p.strip()]
    if provinces == ["all"]:
        return [region.adcode for region in ref.provinces]
    known = {region.adcode for region in ref.provinces}
    unknown = [p for p in provinces if p not in known]
    if unknown:
        raise ValueError(f"not province adcodes in ref_regions.csv: {', '.join(unknown)}")
    return list(dict.fromkeys(provinces))  # keep order, drop repeats


def _clean(out_dir: Path) -> None:
    for pattern in GENERATED_PATTERNS:
        for path in sorted(out_dir.glob(pattern)):
            if path.is_file():
                path.unlink()


def generate(out_dir: Path, provinces: list[str] | None = None, scale: float = 1.0, seed: int = DEFAULT_SEED) -> dict:
    """Write the sample for `provinces` into `out_dir`; returns a small summary.

    `scale` multiplies enterprise counts (1.0 ≈ 400 carbon-market and 1,500 other reporting
    enterprises for Gansu; other provinces in proportion to their size).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    ref = Reference()
    codes = resolve_provinces(ref, provinces if provinces is not None else [profiles.GANSU])
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean(out_dir)

    summary: dict = {"seed": seed, "scale": scale, "provinces": {}, "files": 0}
    used_codes: set[str] = set()
    used_names: set[str] = set()
    anomalies = []
    mrv_cases = []
    written: list[Path] = []
    for index, code in enumerate(codes):
        geography = build_geography(ref, code, seed)
        economy = Economy(geography, seed)
        model = EnergyModel(ref, geography, economy, seed)
        written += write_energy_balances(out_dir, ref, geography, model)
        written += write_industry_tables(out_dir, ref, geography, model, seed)
        written.append(write_activity(out_dir, geography, economy, model))
        written.append(write_department_indicators(out_dir, ref, geography, economy, seed))
        written += write_production_statistics(out_dir, geography, seed)
        written += write_inventory_activity(out_dir, geography, seed)

        generator = ReportGenerator(ref, geography, model, seed, scale, include_script_enterprise=(index == 0),
                                    used_codes=used_codes, used_names=used_names)
        reports = generator.build_reports(generator.build_register())
        # The MRV year: verifier tasks and captive plants, with late and missing submissions planted
        # in the reports the export and the workbooks write (mrv_plan.reports).
        mrv_plan = plan_mrv(reports, seed, code, place_name(geography.province.name), used_codes)
        written += write_exports(out_dir, mrv_plan.reports, ref, code, per_province_names=len(codes) > 1)
        written += write_workbooks(out_dir, mrv_plan.reports, ref)
        written += write_allocations(out_dir, reports, seed, code, per_province_names=len(codes) > 1,
                                     without=mrv_plan.dropped)
        written += write_mrv(out_dir, mrv_plan, code, per_province_names=len(codes) > 1)
        anomalies += reports.anomalies
        mrv_cases += mrv_plan.cases
        summary["provinces"][code] = _province_summary(model, economy, reports) | {
            "mrv_tasks": len(mrv_plan.tasks), "mrv_cases": len(mrv_plan.cases),
            "captive_plants": len({row[0] for row in mrv_plan.captive}),
        }
    written.append(write_anomalies(out_dir, anomalies))
    written.append(write_mrv_cases(out_dir, mrv_cases))
    written += write_exchange_prices(out_dir, ref, seed)
    summary["files"] = len(written) + 1  # + README
    write_readme(out_dir, codes, scale, seed, summary)
    return summary


def _province_summary(model: EnergyModel, economy: Economy, reports) -> dict:
    province = model.province
    year = 2015
    energy_tce = model.energy_tce(province, year)
    gdp_10k_yuan = economy[province][year].gdp_current_100m_yuan * 10_000
    # The latest authoritative version of each 2015 market report (复查 > 核查 > 企业自报).
    rank = {REPORTED: 0, VERIFIED: 1, RECHECKED: 2}
    latest: dict[str, tuple[int, float]] = {}
    for version in reports.versions:
        if version.year == year and version.enterprise.in_ets:
            key = version.enterprise.credit_code
            if key not in latest or rank[version.status] > latest[key][0]:
                latest[key] = (rank[version.status], version.total_co2_t)
    return {
        "energy_2015_tce": round(energy_tce),
        "gdp_2015_10k_yuan": round(gdp_10k_yuan),
        "energy_intensity_2015_tce_per_10k_yuan": round(energy_tce / gdp_10k_yuan, 4),
        "combustion_co2_2015_t": round(model.combustion_co2_t(province, year)),
        "co2_for_intensity_2015_t": round(model.co2_for_intensity_t(province, year)),
        "enterprises_market": sum(1 for e in reports.enterprises if e.in_ets),
        "enterprises_other": sum(1 for e in reports.enterprises if not e.in_ets),
        "report_versions": len(reports.versions),
        "market_co2_2015_t": round(sum(v for _, v in latest.values())),
        "anomalies": len(reports.anomalies),
    }
