"""Enterprise GHG reports: the register, the annual reports and their versions, the anomalies.

Each enterprise has an archetype (a cement plant, an aluminium smelter, …) that fixes which
lines its report has and how its CO2 splits between them. Every year the enterprise's size
moves a little (power plants follow the province's thermal output), each line's CO2 is drawn
around its share, and the activity data are derived backwards from the factors the line uses,
so every line is internally consistent: co2_t = activity × NCV × CC × OF × 44/12 (or activity ×
EF) with the values written on the line, defaults where NCV/CC are blank.

Versions: 企业自报 for every enterprise-year; 核查 for all carbon-market enterprises and ~70 % of
the others (activity adjusted by 0–3 %); 复查 for ~5 % of verified reports (0–2 % more).
Planted anomalies (≈0.5 % of reports each, listed in ANOMALIES.csv): a 万t unit on a tonnes
figure and a kWh figure under MWh — both only in the 企业自报 version, corrected by the
verifier — and a large year-on-year jump carried by every version of that year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char, org_code_check_char
from pipelines.samplegen import profiles
from pipelines.samplegen.energy import EnergyModel, INDICES, SECTOR_INDICES, _path
from pipelines.samplegen.geography import Geography
from pipelines.samplegen.randomness import lognormal_factor, stream, weighted_choice
from pipelines.samplegen.reference import Reference
from pipelines.samplegen.xlsx import cell_text, new_workbook

EXPORT_DIR = Path("enterprise_reports") / "export"
WORKBOOK_DIR = Path("enterprise_reports") / "workbooks"
ANOMALIES_FILE = Path("enterprise_reports") / "ANOMALIES.csv"

REPORTED, VERIFIED, RECHECKED = "企业自报", "核查", "复查"
COMBUSTION, PROCESS, ELECTRICITY, HEAT = "化石燃料燃烧", "工业生产过程", "净购入电力", "净购入热力"
SCRIPT_NAME = "<script>alert(1)</script>某化工厂"  # tests HTML escaping downstream

EXPORT_HEADERS = (
    "统一社会信用代码", "企业名称", "行政区划代码", "所属行业", "是否纳入碳市场", "报告年度", "数据状态", "提交日期",
    "排放类别", "排放源", "活动水平", "活动水平单位", "低位发热量", "低位发热量单位", "单位热值含碳量(tC/TJ)",
    "碳氧化率(%)", "排放因子", "排放因子单位", "排放量(tCO2)",
)

# Process emission factors as enterprises report them (typical guideline-style values; the
# platform takes the factor written on the line, so these are report content, not seeds).
# The clinker factor 0.5383 tCO2/t is the one the provincial template prints.
PROCESS_FACTORS_T_PER_T = {
    "熟料生产": 0.5383, "石灰石分解": 0.440, "熔剂消耗": 0.471, "电解铝阳极消耗": 3.52,
    "合成氨原料": 2.10, "电石生产": 1.154, "催化剂烧焦": 3.14,
}
# Purchased heat: the guideline default, tCO2/GJ (not a seed: enterprises write it on the line).
HEAT_FACTOR_T_PER_GJ = 0.11

# Carbon-market enterprises in Gansu at scale 1 (≈400), by sector; other provinces × their size.
MARKET_COUNTS = {"power": 12, "building_materials": 110, "steel": 12, "nonferrous": 45, "chemical": 180,
                 "petrochemical": 12, "paper": 25, "aviation": 4}
OTHER_COUNT = 1500
# Sectors of non-market reporters: mostly 其他, some market sectors below the threshold.
OTHER_SECTOR_WEIGHTS = {"other": 0.75, "building_materials": 0.08, "chemical": 0.06, "paper": 0.04,
                        "nonferrous": 0.03, "power": 0.02, "steel": 0.01, "petrochemical": 0.01}

# Archetype → list of (category, source key, share of the enterprise's CO2). Source keys are
# fuel codes for combustion, process names, or 'electricity'/'heat'.
ARCHETYPE_LINES = {
    "power": [(COMBUSTION, "raw_coal", 0.975), (COMBUSTION, "diesel", 0.004), (COMBUSTION, "natural_gas", 0.021)],
    "cement": [(COMBUSTION, "raw_coal", 0.33), (COMBUSTION, "diesel", 0.015), (PROCESS, "熟料生产", 0.55), (ELECTRICITY, "electricity", 0.105)],
    "building_other": [(COMBUSTION, "natural_gas", 0.30), (COMBUSTION, "raw_coal", 0.10), (PROCESS, "石灰石分解", 0.32), (ELECTRICITY, "electricity", 0.28)],
    "steel": [(COMBUSTION, "coke", 0.45), (COMBUSTION, "raw_coal", 0.12), (COMBUSTION, "coke_oven_gas", 0.06), (COMBUSTION, "natural_gas", 0.03),
              (PROCESS, "石灰石分解", 0.05), (PROCESS, "熔剂消耗", 0.03), (ELECTRICITY, "electricity", 0.26)],
    "aluminium": [(COMBUSTION, "natural_gas", 0.04), (COMBUSTION, "raw_coal", 0.03), (PROCESS, "电解铝阳极消耗", 0.13), (ELECTRICITY, "electricity", 0.80)],
    "nonferrous": [(COMBUSTION, "raw_coal", 0.30), (COMBUSTION, "coke", 0.15), (COMBUSTION, "natural_gas", 0.05), (ELECTRICITY, "electricity", 0.50)],
    "chemical": [(COMBUSTION, "raw_coal", 0.45), (COMBUSTION, "natural_gas", 0.10), (ELECTRICITY, "electricity", 0.30), (HEAT, "heat", 0.15)],
    "ammonia": [(COMBUSTION, "raw_coal", 0.30), (COMBUSTION, "natural_gas", 0.05), (PROCESS, "合成氨原料", 0.35), (ELECTRICITY, "electricity", 0.25), (HEAT, "heat", 0.05)],
    "carbide": [(COMBUSTION, "coke", 0.20), (COMBUSTION, "raw_coal", 0.10), (PROCESS, "电石生产", 0.15), (ELECTRICITY, "electricity", 0.55)],
    "petrochemical": [(COMBUSTION, "refinery_gas", 0.35), (COMBUSTION, "fuel_oil", 0.08), (COMBUSTION, "natural_gas", 0.12),
                      (PROCESS, "催化剂烧焦", 0.25), (ELECTRICITY, "electricity", 0.15), (HEAT, "heat", 0.05)],
    "paper": [(COMBUSTION, "raw_coal", 0.55), (ELECTRICITY, "electricity", 0.30), (HEAT, "heat", 0.15)],
    "aviation": [(COMBUSTION, "kerosene", 0.985), (COMBUSTION, "gasoline", 0.015)],
}
OTHER_FUEL_CHOICES = ("raw_coal", "natural_gas", "diesel", "gasoline", "lpg", "fuel_oil")

# Where each archetype is located: the energy-model driver that places it.
LOCATION_DRIVER = {
    "power": "thermal_power", "cement": "industry_coal", "building_other": "industry_coal", "steel": "steel",
    "aluminium": "industry_elec", "nonferrous": "industry_elec", "chemical": "chemical", "ammonia": "chemical",
    "carbide": "chemical", "petrochemical": "refining", "paper": "industry_oil", "aviation": "transport",
    "other": "industry_oil",
}
NAME_SUFFIXES = {
    "power": ("发电有限责任公司", "热电有限公司", "发电有限公司", "能源发电有限公司", "电厂"),
    "cement": ("水泥有限责任公司", "水泥有限公司", "水泥股份有限公司"),
    "building_other": ("玻璃有限公司", "石灰有限公司", "新型建材有限公司", "耐火材料有限公司", "建材有限公司"),
    "steel": ("钢铁有限责任公司", "特钢有限公司", "钢铁集团有限责任公司", "铸钢有限公司"),
    "aluminium": ("铝业有限公司", "铝电有限公司", "电解铝有限责任公司"),
    "nonferrous": ("有色金属有限公司", "铜业有限公司", "镍业有限公司", "冶炼有限责任公司", "铁合金有限公司"),
    "chemical": ("化工有限责任公司", "化学工业有限公司", "精细化工有限公司", "化工股份有限公司"),
    "ammonia": ("化肥有限公司", "煤化工有限公司", "氮肥有限责任公司"),
    "carbide": ("电化有限公司", "电石有限公司", "氯碱化工有限公司"),
    "petrochemical": ("石化有限公司", "炼化有限公司", "石油化工有限责任公司"),
    "paper": ("纸业有限公司", "造纸有限责任公司"),
    "aviation": ("航空有限公司", "通用航空有限公司", "航空服务有限公司"),
    "other": ("食品有限公司", "酿酒有限责任公司", "制药有限公司", "矿业有限责任公司", "纺织有限公司", "乳业有限公司",
              "陶瓷有限公司", "机械制造有限公司", "淀粉有限公司", "热力有限公司", "马铃薯制品有限公司", "铸业有限公司",
              "农产品加工有限公司", "商砼有限公司", "供热有限公司", "医药有限公司", "印染有限公司", "砖瓦有限公司"),
}
TRADE_WORDS = (
    "祁连", "陇原", "河西", "黄河", "丝路", "雪山", "宏达", "恒源", "鑫源", "华瑞", "金泰", "瑞丰", "昌盛", "中天",
    "永盛", "宏远", "天成", "博源", "鼎盛", "汇通", "兴隆", "盛达", "光明", "新星", "顺达", "金鼎", "银河", "万通",
    "泰和", "嘉禾", "长城", "陇星", "西部", "金山", "腾达", "众诚", "聚源", "红星", "东方", "西北", "安泰", "新源",
    "峰汇", "荣达", "海天", "晟通", "远景", "华源", "正通", "三联", "润丰", "信达", "德隆", "国泰", "康宁", "通达",
)

# The 55 minority nationalities' names (without 族), longest first, to strip from autonomous
# prefectures and counties: 积石山保安族东乡族撒拉族自治县 → 积石山.
_NATIONALITIES = sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
), key=len, reverse=True)
_AUTONOMY = re.compile(r"自治(县|州|旗)$")


def short_place_name(name: str) -> str:
    """兰州市 → 兰州, 临夏回族自治州 → 临夏, 积石山保安族东乡族撒拉族自治县 → 积石山 (as in firm names)."""
    if _AUTONOMY.search(name):
        stem = _AUTONOMY.sub("", name)
        changed = True
        while changed:
            changed = False
            for nationality in _NATIONALITIES:
                if stem.endswith(nationality + "族") and len(stem) > len(nationality) + 1:
                    stem, changed = stem[: -(len(nationality) + 1)], True
                    break
        if stem.endswith("族") and stem[:-1] in _NATIONALITIES:  # 东乡族自治县 → 东乡
            stem = stem[:-1]
        if len(stem) >= 2:
            return stem
    for suffix in ("地区", "市", "县", "区", "州", "盟", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def new_credit_code(rng, region_code: str, used_codes: set[str]) -> str:
    """A company's unified social credit code (91 + region + organisation code, both check
    characters valid) not in used_codes, which it joins."""
    while True:
        if rng.random() < 0.7:  # older registrations: an all-digit organisation code
            body = "".join(rng.choice("0123456789") for _ in range(8))
        else:  # newer ones start with MA, as the registration authorities issue them
            body = "MA" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(6))
        org_code = body + org_code_check_char(body)
        first17 = "91" + region_code + org_code
        code = first17 + credit_code_check_char(first17)
        if code not in used_codes:
            used_codes.add(code)
            return code


@dataclass
class LineTemplate:
    category: str
    key: str  # fuel code, process name, 'electricity' or 'heat'
    share: float
    unit: str  # as written in the reports
    ncv_measured: bool = False
    ncv_in_kj_per_kg: bool = False
    cc_measured: bool = False
    ncv_factor: float = 1.0  # measured NCV relative to the default
    cc_factor: float = 1.0
    oxidation_percent: float | None = None  # measured oxidation, %; None = default
    oxidation_as_fraction: bool = False  # written as 0.98 under the (%) header (a real quirk)
    large_in_wan_tonnes: bool = False  # big solid/liquid amounts written in 万t rather than t


@dataclass
class Enterprise:
    credit_code: str
    name: str
    region_code: str
    sector: str
    in_ets: bool
    archetype: str
    size_co2_t: float
    first_year: int
    last_year: int
    lines: list[LineTemplate]


@dataclass
class Line:
    category: str
    source_name: str
    activity_value: float
    activity_unit: str
    ncv: float | None = None
    ncv_unit: str = ""
    carbon_content: float | None = None
    oxidation_percent: float | None = None
    oxidation_as_fraction: bool = False
    emission_factor: float | None = None
    emission_factor_unit: str = ""
    co2_t: float = 0.0


@dataclass
class Version:
    enterprise: Enterprise
    year: int
    status: str
    submitted_on: str
    lines: list[Line]

    @property
    def total_co2_t(self) -> float:
        return sum(line.co2_t for line in self.lines)


@dataclass
class Anomaly:
    credit_code: str
    year: int
    status: str
    kind: str
    detail: str


@dataclass
class ProvinceReports:
    enterprises: list[Enterprise]
    versions: list[Version]
    anomalies: list[Anomaly] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
class ReportGenerator:
    def __init__(self, ref: Reference, geography: Geography, model: EnergyModel, seed: int, scale: float,
                 include_script_enterprise: bool, used_codes: set[str], used_names: set[str]):
        self.ref = ref
        self.geography = geography
        self.model = model
        self.seed = seed
        self.scale = scale
        self.province = geography.province.adcode
        self.include_script_enterprise = include_script_enterprise
        self.used_codes = used_codes
        self.used_names = used_names
        self.grid_factor = ref.grid_factor_t_per_mwh(self.province, 2015)
        self.regions = ref.regions
        self._location_cache: dict[str, tuple[list[str], list[float]]] = {}
        self.fuel_by_name = {fuel.name_zh: fuel.code for fuel in ref.fuels.values()}
        self.fuel_by_name["航空煤油"] = "kerosene"  # an alias of 煤油 in ref_fuels, as airlines write it

    # ------------------------------------------------------------ register
    def _locations(self, driver: str) -> tuple[list[str], list[float]]:
        if driver not in self._location_cache:
            weights = self.model.location_weights(driver)
            keys = sorted(weights)
            self._location_cache[driver] = (keys, [weights[k] for k in keys])
        return self._location_cache[driver]

    def _credit_code(self, rng, region_code: str) -> str:
        return new_credit_code(rng, region_code, self.used_codes)

    def _name(self, rng, region_code: str, archetype: str) -> str:
        region = self.regions.get(region_code)
        province_short = self.ref.province_short_name(self.province)
        city = self.regions.get(region.parent_adcode) if region and region.level == "county" else region
        for attempt in range(200):
            roll = rng.random()
            if roll < 0.5 or region is None or region.level == "province":
                place = province_short
            elif roll < 0.85 and city is not None and city.level != "province":
                place = short_place_name(city.name)
            else:
                place = short_place_name(region.name)
            word = rng.choice(TRADE_WORDS)
            if attempt > 50:  # a crowded namespace: add a second trade word
                word += rng.choice(TRADE_WORDS)
            name = place + word + rng.choice(NAME_SUFFIXES[archetype])
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("could not find an unused enterprise name")

    def _archetype(self, rng, sector: str, in_ets: bool) -> str:
        if sector == "building_materials":
            return "cement" if rng.random() < (0.6 if in_ets else 0.3) else "building_other"
        if sector == "nonferrous":
            return "aluminium" if (in_ets and rng.random() < 0.15) else "nonferrous"
        if sector == "chemical":
            roll = rng.random()
            return "ammonia" if roll < 0.09 else ("carbide" if roll < 0.15 else "chemical")
        if sector == "other":
            return "other"
        return sector  # power, steel, petrochemical, paper, aviation

    def _size_co2_t(self, rng, archetype: str, in_ets: bool, flagship: bool) -> float:
        if not in_ets:  # reporting enterprises below the market threshold: 5–60 kt
            return min(60_000.0, max(5_000.0, 16_000.0 * lognormal_factor(rng, 0.6)))
        if flagship:  # the integrated steelworks / the big refinery of the province
            return {"steel": 5.5e6, "petrochemical": 1.8e6}[archetype] * self.geography.scale ** 0.5 * lognormal_factor(rng, 0.05)
        if archetype == "power":  # 2–10 Mt, most plants near the low end (mean ≈ 2.9 Mt)
            return 2e6 * 5 ** (rng.random() ** 4)
        median, sigma, low, high = {
            "cement": (120_000, 0.5, 60_000, 900_000), "building_other": (45_000, 0.4, 26_000, 150_000),
            "steel": (250_000, 0.6, 30_000, 1_500_000), "aluminium": (800_000, 0.35, 300_000, 2_500_000),
            "nonferrous": (60_000, 0.6, 26_000, 500_000), "chemical": (30_000, 0.4, 26_000, 200_000),
            "ammonia": (80_000, 0.5, 30_000, 400_000), "carbide": (90_000, 0.5, 30_000, 400_000),
            "petrochemical": (80_000, 0.6, 30_000, 500_000), "paper": (35_000, 0.4, 26_000, 150_000),
            "aviation": (60_000, 0.8, 20_000, 400_000),
        }[archetype]
        return min(high, max(low, median * lognormal_factor(rng, sigma)))

    def _line_templates(self, rng, archetype: str, in_ets: bool) -> list[LineTemplate]:
        if archetype == "other":
            plan = []
            fuels = rng.sample(OTHER_FUEL_CHOICES, k=rng.choice((1, 2, 2, 3)))
            combustion_share = rng.uniform(0.4, 0.7)
            for fuel in fuels:
                plan.append((COMBUSTION, fuel, combustion_share / len(fuels)))
            if rng.random() < 0.2:
                plan.append((HEAT, "heat", 0.1))
            plan.append((ELECTRICITY, "electricity", 1 - combustion_share))
        else:
            plan = list(ARCHETYPE_LINES[archetype])
            if archetype == "power" and rng.random() < 0.7:  # most coal plants burn no gas
                plan = [p for p in plan if p[1] != "natural_gas"]
        templates = []
        for category, key, share in plan:
            share *= lognormal_factor(rng, 0.15)
            if category == COMBUSTION:
                fuel = self.ref.fuels[key]
                is_gas = fuel.canonical_unit == "10^4Nm3"
                template = LineTemplate(category, key, share, "万Nm3" if is_gas else "t",
                                        large_in_wan_tonnes=rng.random() < 0.4)
                # Measured NCV on ~52 % of solid/liquid lines (≈40 % of all combustion lines:
                # gases keep the default, as GBK cannot write 'GJ/万Nm³'), a few written in
                # kJ/kg; measured CC on ~20 %.
                if not is_gas and rng.random() < 0.52:
                    template.ncv_measured = True
                    spread = 0.08 if fuel.group == "coal" else 0.02
                    template.ncv_factor = 1 + rng.uniform(-spread, spread)
                    template.ncv_in_kj_per_kg = fuel.group == "coal" and rng.random() < 0.12
                if rng.random() < 0.2:
                    template.cc_measured = True
                    template.cc_factor = 1 + rng.uniform(-0.04, 0.04)
                if fuel.group == "coal" and rng.random() < 0.25:
                    template.oxidation_percent = round(rng.uniform(92.0, 98.5), 1)
                template.oxidation_as_fraction = (not in_ets) and rng.random() < 0.02
            elif category == PROCESS:
                template = LineTemplate(category, key, share, "t")
            elif category == ELECTRICITY:
                template = LineTemplate(category, key, share, "万kWh" if rng.random() < 0.2 else "MWh")
            else:
                template = LineTemplate(category, key, share, "GJ")
            templates.append(template)
        total = sum(t.share for t in templates)
        for template in templates:
            template.share /= total
        return templates

    def build_register(self) -> list[Enterprise]:
        rng = stream(self.seed, self.province, "enterprise-register")
        size = self.scale * self.geography.scale
        plan: list[tuple[str, bool]] = []
        for sector, count in MARKET_COUNTS.items():
            plan.extend([(sector, True)] * max(1, round(count * size)))
        sectors, weights = list(OTHER_SECTOR_WEIGHTS), list(OTHER_SECTOR_WEIGHTS.values())
        for _ in range(max(1, round(OTHER_COUNT * size))):
            plan.append((weighted_choice(rng, sectors, weights), False))

        enterprises: list[Enterprise] = []
        flagships_done: set[str] = set()
        script_done = not self.include_script_enterprise
        for sector, in_ets in plan:
            erng = stream(self.seed, self.province, "enterprise", len(enterprises))
            archetype = self._archetype(erng, sector, in_ets)
            flagship = in_ets and archetype in ("steel", "petrochemical") and archetype not in flagships_done
            keys, location_weights = self._locations(LOCATION_DRIVER[archetype])
            if flagship:  # the big works sits where the driver is largest (嘉峪关, 西固区)
                flagships_done.add(archetype)
                region_code = max(zip(location_weights, keys))[1]
            else:
                region_code = weighted_choice(erng, keys, location_weights)
            name = self._name(erng, region_code, archetype)
            if not script_done and sector == "chemical" and in_ets:
                # Exactly one enterprise whose name is markup: every page must escape it.
                self.used_names.discard(name)
                name, script_done = SCRIPT_NAME, True
            first_year, last_year = profiles.REPORT_YEARS[0], profiles.REPORT_YEARS[-1]
            roll = erng.random()
            if roll < (0.03 if in_ets else 0.07):  # joined the reporting programme later
                first_year = erng.choice((2016, 2017, 2018))
            elif roll < (0.05 if in_ets else 0.11):  # closed down
                last_year = erng.choice((2018, 2019))
            enterprises.append(Enterprise(
                credit_code=self._credit_code(erng, region_code), name=name, region_code=region_code, sector=sector,
                in_ets=in_ets, archetype=archetype, size_co2_t=self._size_co2_t(erng, archetype, in_ets, flagship),
                first_year=first_year, last_year=last_year, lines=self._line_templates(erng, archetype, in_ets),
            ))
        enterprises.sort(key=lambda e: (e.region_code, e.credit_code))
        return enterprises

    # ------------------------------------------------------------ reports
    def _trend(self, archetype: str, year: int) -> float:
        """Sector activity relative to 2015, from the same paths as the energy balance."""
        if archetype == "power":
            return self.model.thermal_output_index(year) ** 0.6  # new capacity was mostly not market-listed
        if archetype == "steel":
            return _path(INDICES["steel"], year) / _path(INDICES["steel"], 2015)
        if archetype in ("cement", "building_other"):
            return _path(SECTOR_INDICES["final_construction"], year) ** 0.5
        if archetype == "aviation":
            return _path(SECTOR_INDICES["final_transport"], year)
        return 1.0 + 0.015 * (year - 2015)

    def _line(self, template: LineTemplate, co2_target_t: float, rng) -> Line:
        """A line whose activity is derived so that its CO2, recomputed from the line, ≈ target."""
        if template.category == COMBUSTION:
            fuel = self.ref.fuels[template.key]
            factor = self.ref.factors[template.key]
            # Measured values differ from the default by a plant-specific amount and move a
            # little from year to year (a new coal contract, a new lab).
            ncv = factor.ncv_gj_per_unit * template.ncv_factor * (1 + rng.uniform(-0.01, 0.01))
            cc = factor.carbon_content_tc_per_tj * template.cc_factor * (1 + rng.uniform(-0.005, 0.005))
            oxidation = (template.oxidation_percent if template.oxidation_percent is not None
                         else round(factor.oxidation_fraction * 100, 1))
            per_unit = ncv * cc / 1000 * oxidation / 100 * 44 / 12  # t CO2 per t (or 10^4 Nm3)
            amount_canonical = co2_target_t / per_unit
            line = Line(COMBUSTION, "航空煤油" if template.key == "kerosene" else fuel.name_zh, 0.0, template.unit,
                        oxidation_percent=oxidation, oxidation_as_fraction=template.oxidation_as_fraction)
            if template.ncv_measured:
                if template.ncv_in_kj_per_kg:
                    line.ncv, line.ncv_unit = round(ncv * 1000), "kJ/kg"
                else:
                    line.ncv, line.ncv_unit = round(ncv, 3), "GJ/t"
            if template.cc_measured:
                line.carbon_content = round(cc, 2)
            if template.unit == "t" and template.large_in_wan_tonnes and amount_canonical >= 100_000:
                line.activity_unit, line.activity_value = "万t", round(amount_canonical / 10_000, 4)
            else:
                line.activity_value = round(amount_canonical, 2)
            return self._recompute(line)
        if template.category == PROCESS:
            factor = PROCESS_FACTORS_T_PER_T[template.key]
            line = Line(PROCESS, template.key, round(co2_target_t / factor, 2), "t",
                        emission_factor=factor, emission_factor_unit="tCO2/t")
            return self._recompute(line)
        if template.category == ELECTRICITY:
            mwh = co2_target_t / self.grid_factor
            value = round(mwh / 10, 2) if template.unit == "万kWh" else round(mwh, 2)
            line = Line(ELECTRICITY, "净购入电力", value, template.unit,
                        emission_factor=self.grid_factor, emission_factor_unit="tCO2/MWh")
            return self._recompute(line)
        line = Line(HEAT, "净购入热力", round(co2_target_t / HEAT_FACTOR_T_PER_GJ, 2), "GJ",
                    emission_factor=HEAT_FACTOR_T_PER_GJ, emission_factor_unit="tCO2/GJ")
        return self._recompute(line)

    def _recompute(self, line: Line) -> Line:
        """co2_t from the values written on the line (defaults where NCV/CC are blank)."""
        amount = line.activity_value * UNIT_TO_CANONICAL[line.activity_unit]
        if line.category == COMBUSTION:
            fuel_code = self.fuel_by_name[line.source_name]
            default = self.ref.factors[fuel_code]
            ncv = default.ncv_gj_per_unit if line.ncv is None else (line.ncv / 1000 if line.ncv_unit == "kJ/kg" else line.ncv)
            cc = default.carbon_content_tc_per_tj if line.carbon_content is None else line.carbon_content
            line.co2_t = round(amount * ncv * cc / 1000 * line.oxidation_percent / 100 * 44 / 12, 2)
        else:
            line.co2_t = round(amount * line.emission_factor, 2)
        return line

    def _adjusted(self, lines: list[Line], rng, spread: float) -> list[Line]:
        """The verifier's (or re-checker's) version: each activity moved by up to ±spread."""
        out = []
        for line in lines:
            decimals = 4 if line.activity_unit == "万t" else 2
            value = round(line.activity_value * (1 + rng.uniform(-spread, spread)), decimals)
            out.append(self._recompute(replace(line, activity_value=value)))
        return out

    def build_reports(self, enterprises: list[Enterprise]) -> ProvinceReports:
        versions: list[Version] = []
        anomalies: list[Anomaly] = []
        years = profiles.REPORT_YEARS
        for enterprise in enterprises:
            rng = stream(self.seed, self.province, "reports", enterprise.credit_code)
            multiplier = 1.0
            for year in years:
                multiplier *= lognormal_factor(rng, 0.04)
                if not enterprise.first_year <= year <= enterprise.last_year:
                    continue
                size = enterprise.size_co2_t * multiplier * self._trend(enterprise.archetype, year)
                reported = [self._line(t, size * t.share * lognormal_factor(rng, 0.03), rng) for t in enterprise.lines]
                has_verified = enterprise.in_ets or rng.random() < 0.7
                has_rechecked = has_verified and rng.random() < 0.05
                submitted = _date(year + 1, 3, 1, rng, 30 if enterprise.in_ets else 58)
                verified = self._adjusted(reported, rng, 0.03) if has_verified else None
                rechecked = self._adjusted(verified, rng, 0.02) if has_rechecked else None
                year_versions = [Version(enterprise, year, REPORTED, submitted, reported)]
                if verified is not None:
                    year_versions.append(Version(enterprise, year, VERIFIED, _date(year + 1, 5, 1, rng, 60), verified))
                if rechecked is not None:
                    year_versions.append(Version(enterprise, year, RECHECKED, _date(year + 1, 7, 15, rng, 75), rechecked))
                versions.extend(year_versions)
        anomalies = self._plant_anomalies(versions)
        return ProvinceReports(enterprises, versions, anomalies)

    # ------------------------------------------------------------ anomalies
    def _plant_anomalies(self, versions: list[Version]) -> list[Anomaly]:
        rng = stream(self.seed, self.province, "anomalies")
        by_report: dict[tuple[str, int], list[Version]] = {}
        for version in versions:
            by_report.setdefault((version.enterprise.credit_code, version.year), []).append(version)
        reports = list(by_report)
        position = {key: i for i, key in enumerate(reports)}
        target = max(1, round(0.005 * len(reports)))
        anomalies: list[Anomaly] = []
        taken: set[tuple[str, int]] = set()

        def eligible(kind: str, key: tuple[str, int]) -> bool:
            if key in taken:
                return False
            group = by_report[key]
            if kind == "yoy_jump":
                # Smaller emitters only: a tripled power plant would swamp every provincial total.
                return ((key[0], key[1] - 1) in by_report and (key[0], key[1] - 1) not in taken
                        and group[0].enterprise.size_co2_t < 500_000)
            if len(group) < 2:  # unit slips are caught by the verifier: need a 核查 version
                return False
            lines = group[0].lines
            if kind == "unit_wan_tonne":
                return any(l.category == COMBUSTION and l.activity_unit == "t" for l in lines)
            return any(l.category == ELECTRICITY and l.activity_unit == "MWh" for l in lines)

        for kind in ("unit_wan_tonne", "unit_kwh_as_mwh", "yoy_jump"):
            candidates = [key for key in reports if eligible(kind, key)]
            chosen = rng.sample(candidates, k=min(target, len(candidates)))
            for key in sorted(chosen, key=position.__getitem__):
                taken.add(key)
                group = by_report[key]
                if kind == "unit_wan_tonne":
                    lines = group[0].lines
                    index = next(i for i, l in enumerate(lines) if l.category == COMBUSTION and l.activity_unit == "t")
                    line = lines[index]
                    lines[index] = self._recompute(replace(line, activity_unit="万t"))
                    anomalies.append(Anomaly(key[0], key[1], REPORTED, kind,
                                             f"{line.source_name}: {cell_text(line.activity_value)} is in tonnes but the unit says 万t "
                                             f"(×10⁴ too large; CO2 {cell_text(lines[index].co2_t)} t instead of {cell_text(line.co2_t)} t)"))
                elif kind == "unit_kwh_as_mwh":
                    lines = group[0].lines
                    index = next(i for i, l in enumerate(lines) if l.category == ELECTRICITY and l.activity_unit == "MWh")
                    line = lines[index]
                    lines[index] = self._recompute(replace(line, activity_value=round(line.activity_value * 1000, 2)))
                    anomalies.append(Anomaly(key[0], key[1], REPORTED, kind,
                                             f"净购入电力: {cell_text(lines[index].activity_value)} is in kWh but the unit says MWh "
                                             f"(×1000 too large; true value {cell_text(line.activity_value)} MWh)"))
                else:
                    factor = round(rng.uniform(2.5, 4.0), 2)
                    previous = by_report[(key[0], key[1] - 1)][-1].total_co2_t
                    for version in group:
                        version.lines = [self._recompute(replace(l, activity_value=round(l.activity_value * factor, 4 if l.activity_unit == "万t" else 2)))
                                         for l in version.lines]
                    for version in group:
                        anomalies.append(Anomaly(key[0], key[1], version.status, kind,
                                                 f"total {cell_text(version.total_co2_t)} tCO2 vs {cell_text(previous)} tCO2 "
                                                 f"the year before (×{factor:.2f} planted on every line)"))
        anomalies.sort(key=lambda a: (a.credit_code, a.year, STATUS_ORDER[a.status], a.kind))
        return anomalies


STATUS_ORDER = {REPORTED: 0, VERIFIED: 1, RECHECKED: 2}
UNIT_TO_CANONICAL = {"t": 1.0, "万t": 10_000.0, "万Nm3": 1.0, "MWh": 1.0, "万kWh": 10.0, "GJ": 1.0}


def _date(year: int, month: int, day: int, rng, spread_days: int) -> str:
    return (dt.date(year, month, day) + dt.timedelta(days=rng.randint(0, spread_days))).isoformat()


# --------------------------------------------------------------------------------------------
# Writers
def _unit_for_csv(unit: str) -> str:
    # GBK has no '³': the platform's export writes gas volumes as 万立方米 (an accepted spelling).
    return "万立方米" if unit == "万Nm3" else unit


def _unit_for_workbook(unit: str) -> str:
    return "万Nm³" if unit == "万Nm3" else unit


def _oxidation_text(line: Line) -> str:
    if line.oxidation_percent is None:
        return ""
    if line.oxidation_as_fraction:
        return cell_text(line.oxidation_percent / 100, 4)
    return cell_text(line.oxidation_percent, 1)


def export_rows(version: Version, sector_names: dict[str, str]) -> list[list[str]]:
    enterprise = version.enterprise
    head = [enterprise.credit_code, enterprise.name, enterprise.region_code, sector_names[enterprise.sector],
            "是" if enterprise.in_ets else "否", str(version.year), version.status, version.submitted_on]
    rows = []
    for line in version.lines:
        rows.append(head + [
            line.category, line.source_name, cell_text(line.activity_value, 4), _unit_for_csv(line.activity_unit),
            cell_text(line.ncv, 3), line.ncv_unit, cell_text(line.carbon_content, 2), _oxidation_text(line),
            cell_text(line.emission_factor, 4), line.emission_factor_unit, cell_text(line.co2_t, 2),
        ])
    return rows


def write_exports(out_dir: Path, reports: ProvinceReports, ref: Reference, province: str, per_province_names: bool) -> list[Path]:
    """One GBK CSV per reporting year: every version except the 2020 企业自报 of market enterprises."""
    sector_names = {code: row["name_zh"] for code, row in ref.sectors.items()}
    workbook_year = profiles.REPORT_YEARS[-1]
    by_year: dict[int, list[Version]] = {}
    for version in reports.versions:
        if version.year == workbook_year and version.status == REPORTED and version.enterprise.in_ets:
            continue  # these arrive as per-enterprise workbooks
        by_year.setdefault(version.year, []).append(version)
    written = []
    for year in sorted(by_year):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_HEADERS)
        for version in by_year[year]:
            writer.writerows(export_rows(version, sector_names))
        name = f"温室气体排放报告_{province}_{year}.csv" if per_province_names else f"温室气体排放报告_{year}.csv"
        path = out_dir / EXPORT_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = buffer.getvalue()
        try:
            data = text.encode("gbk")  # as the provincial reporting platform exports
        except UnicodeEncodeError:  # a place name outside GBK (other provinces only)
            data = text.encode("gb18030")
        path.write_bytes(data)
        written.append(path)
    return written


def write_workbooks(out_dir: Path, reports: ProvinceReports, ref: Reference) -> list[Path]:
    """The provincial template, one workbook per carbon-market enterprise for the last year."""
    sector_names = {code: row["name_zh"] for code, row in ref.sectors.items()}
    year = profiles.REPORT_YEARS[-1]
    written = []
    for version in reports.versions:
        if not (version.year == year and version.status == REPORTED and version.enterprise.in_ets):
            continue
        enterprise = version.enterprise
        path = out_dir / WORKBOOK_DIR / str(year) / f"{enterprise.credit_code}.xlsx"
        workbook = new_workbook(path, f"{year}年度温室气体排放报告")
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "0.00"})

        info = workbook.add_worksheet("基本信息")
        info.set_column(0, 0, 18)
        info.set_column(1, 1, 44)
        for row, (label, value) in enumerate([
            ("统一社会信用代码", enterprise.credit_code), ("企业名称", enterprise.name),
            ("行政区划代码", enterprise.region_code), ("所属行业", sector_names[enterprise.sector]),
            ("是否纳入碳市场", "是"), ("报告年度", str(year)), ("提交日期", version.submitted_on),
        ]):
            info.write_string(row, 0, label, bold)
            info.write_string(row, 1, value)

        def line_sheet(sheet_name: str, title: str, headers: list[str], rows: list[list]) -> float:
            sheet = workbook.add_worksheet(sheet_name)
            sheet.set_column(0, len(headers) - 1, 16)
            sheet.write_string(0, 0, title, bold)
            sheet.write_row(1, 0, headers, bold)
            total = 0.0
            for r, values in enumerate(rows, start=2):
                for c, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    else:
                        sheet.write_number(r, c, value, number if c == len(headers) - 1 else None)
                total += values[-1]
            if rows:  # sheets with no lines keep only the title and the header
                sheet.write_string(len(rows) + 2, 0, "合计", bold)
                sheet.write_number(len(rows) + 2, len(headers) - 1, round(total, 2), number)
            return total

        lines = version.lines
        combustion = [[l.source_name, l.activity_value, _unit_for_workbook(l.activity_unit), l.ncv, l.ncv_unit,
                       l.carbon_content, (l.oxidation_percent / 100 if l.oxidation_as_fraction else l.oxidation_percent), l.co2_t]
                      for l in lines if l.category == COMBUSTION]
        process = [[l.source_name, l.activity_value, l.activity_unit, l.emission_factor, l.emission_factor_unit, l.co2_t]
                   for l in lines if l.category == PROCESS]
        electricity = [[l.source_name, l.activity_value, l.activity_unit, l.emission_factor, l.co2_t]
                       for l in lines if l.category == ELECTRICITY]
        heat = [[l.source_name, l.activity_value, l.activity_unit, l.emission_factor, l.co2_t]
                for l in lines if l.category == HEAT]
        totals = {
            COMBUSTION: line_sheet(COMBUSTION, "一、化石燃料燃烧排放", ["燃料品种", "消耗量", "单位", "低位发热量", "低位发热量单位",
                                                                 "单位热值含碳量(tC/TJ)", "碳氧化率(%)", "排放量(tCO2)"], combustion),
            PROCESS: line_sheet(PROCESS, "二、工业生产过程排放", ["排放源", "活动水平", "单位", "排放因子", "排放因子单位", "排放量(tCO2)"], process),
            ELECTRICITY: line_sheet(ELECTRICITY, "三、净购入电力排放", ["项目", "电量", "单位", "排放因子(tCO2/MWh)", "排放量(tCO2)"], electricity),
            HEAT: line_sheet(HEAT, "四、净购入热力排放", ["项目", "热量", "单位", "排放因子(tCO2/GJ)", "排放量(tCO2)"], heat),
        }
        summary = workbook.add_worksheet("汇总")
        summary.set_column(0, 0, 28)
        summary.set_column(1, 1, 18)
        rows = [(f"{category}排放量(tCO2)", round(total, 2)) for category, total in totals.items()]
        rows.append(("排放总量(tCO2)", round(sum(totals.values()), 2)))
        for r, (label, value) in enumerate(rows):
            summary.write_string(r, 0, label, bold)
            summary.write_number(r, 1, value, number)
        workbook.close()
        written.append(path)
    return written


def write_anomalies(out_dir: Path, anomalies: list[Anomaly]) -> Path:
    path = out_dir / ANOMALIES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["credit_code", "year", "status", "kind", "detail"])
    for anomaly in anomalies:
        writer.writerow([anomaly.credit_code, anomaly.year, anomaly.status, anomaly.kind, anomaly.detail])
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path
