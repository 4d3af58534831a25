"""The names offices write, and what they mean: one place for every spelling.

Fuel, balance-item, sector, activity-variable and indicator names come from the dbt seeds
(column `aliases`, '|'-separated), so an office's new spelling is added to one seed row and both
the readers and the warehouse see it. Region codes and renamed codes come from the seeds too.
The few vocabularies that exist only in the file formats (column headers, data statuses, source
categories, trade types) are spelled here, as sources/README.md gives them.
Everything is loaded once per process.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines import paths
from pipelines.ingest.text import alias_lookup, name_key


def _seed(name: str) -> list[dict[str, str]]:
    path: Path = paths.SEEDS_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _aliases(row: dict[str, str], *extra: str) -> list[str]:
    """The row's '|'-separated aliases plus its Chinese name and code, which are always accepted."""
    return [alias for alias in (row.get("aliases") or "").split("|") if alias.strip()] + [e for e in extra if e]


@dataclass(frozen=True)
class Vocabulary:
    """Names → codes for one kind of thing, and a short list of names for reason texts."""

    kind: str  # 'fuel', 'sector', … as a clerk reads it in a reason
    lookup: dict[str, str]  # name_key(alias) → code
    display: str  # '原煤, 洗精煤, …' (the Chinese names)

    def code(self, text: str | None) -> str | None:
        return self.lookup.get(name_key(text)) if text else None


def _vocabulary(kind: str, seed: str, code_column: str) -> Vocabulary:
    rows = _seed(seed)
    lookup = alias_lookup({row[code_column]: _aliases(row, row.get("name_zh", ""), row[code_column]) for row in rows})
    return Vocabulary(kind, lookup, ", ".join(row.get("name_zh") or row[code_column] for row in rows))


@cache
def fuels() -> Vocabulary:
    return _vocabulary("fuel", "ref_fuels", "fuel_code")


@cache
def fuel_canonical_units() -> dict[str, str]:
    """fuel_code → canonical activity unit ('t', '10^4Nm3', 'GJ', 'MWh')."""
    return {row["fuel_code"]: row["canonical_unit"] for row in _seed("ref_fuels")}


@cache
def balance_items() -> Vocabulary:
    return _vocabulary("energy balance item", "ref_energy_balance_items", "item_code")


@cache
def industry_divisions() -> Vocabulary:
    """GB/T 4754-2017 industrial divisions 06–46 (rows of 工业分行业终端能源消费量), by name or code."""
    return _vocabulary("industry", "ref_industry_divisions", "division_code")


@cache
def industry_section_names() -> frozenset[str]:
    """Name keys of the GB/T 4754 sections (采矿业, 制造业, …): subtotal rows of the industry table."""
    return frozenset(name_key(row["section_name_zh"]) for row in _seed("ref_industry_divisions"))


@cache
def sectors() -> Vocabulary:
    return _vocabulary("sector", "ref_enterprise_sectors", "sector_code")


@cache
def process_products() -> Vocabulary:
    """Products of the production statistics (ref_process_products): 水泥熟料 → clinker …"""
    return _vocabulary("product", "ref_process_products", "product_code")


@cache
def inventory_items() -> Vocabulary:
    """Items of the inventory activity statistics (ref_inventory_activity_items): 猪 → livestock_swine …"""
    return _vocabulary("item", "ref_inventory_activity_items", "item_code")


@cache
def inventory_item_units() -> dict[str, str]:
    """item_code → canonical unit ('head', 'ha', 't', 't N', 'kg/person/yr')."""
    return {row["item_code"]: row["canonical_unit"] for row in _seed("ref_inventory_activity_items")}


@dataclass(frozen=True)
class Variable:
    """An activity variable or department indicator, with its published and canonical units."""

    code: str
    aliases: tuple[str, ...]
    unit_published: str
    canonical_unit: str
    multiplier: float | None  # indicators: canonical = published × multiplier
    department: str | None


@cache
def activity_variables() -> dict[str, Variable]:
    return {
        row["variable_code"]: Variable(
            row["variable_code"],
            tuple(_aliases(row, row["name_zh"], row["variable_code"])),
            row["unit_published"],
            row["canonical_unit"],
            None,
            None,
        )
        for row in _seed("ref_activity_variables")
    }


@cache
def indicators() -> dict[str, Variable]:
    return {
        row["indicator_code"]: Variable(
            row["indicator_code"],
            tuple(_aliases(row, row["name_zh"], row["indicator_code"])),
            row["unit_published"],
            row["canonical_unit"],
            float(row["multiplier"]),
            row["department"] or None,
        )
        for row in _seed("ref_indicator_statistics")
    }


@cache
def indicator_names() -> Vocabulary:
    table = indicators()
    return Vocabulary(
        "indicator",
        alias_lookup({code: variable.aliases for code, variable in table.items()}),
        ", ".join(variable.aliases[0] for variable in table.values()),
    )


@cache
def region_codes() -> frozenset[str]:
    """Every valid region code of the 2024 division list (province, prefecture, county)."""
    return frozenset(row["adcode"] for row in _seed("ref_regions"))


@cache
def region_code_changes() -> dict[str, str]:
    """Old → current code for renamed units (620824 华亭县 → 620881 华亭市)."""
    return {row["old_code"]: row["new_code"] for row in _seed("ref_region_code_changes")}


@cache
def exchanges() -> dict[str, dict[str, str]]:
    return {row["exchange_code"]: row for row in _seed("ref_exchanges")}


# Exchange files are named '<exchange_code>_daily_….csv'; the real Shenzhen file is named after
# its city. These are the city/province words that name an exchange in a file name.
EXCHANGE_PLACE_NAMES: dict[str, str] = {
    "beijing": "BJ",
    "北京": "BJ",
    "tianjin": "TJ",
    "天津": "TJ",
    "shanghai": "SH",
    "上海": "SH",
    "chongqing": "CQ",
    "重庆": "CQ",
    "hubei": "HB",
    "湖北": "HB",
    "guangdong": "GD",
    "广东": "GD",
    "guangzhou": "GD",
    "广州": "GD",
    "shenzhen": "SZ",
    "深圳": "SZ",
    "fujian": "FJ",
    "福建": "FJ",
}

# ---- vocabularies of the file formats (sources/README.md) ----------------------------------

DATA_STATUSES = Vocabulary(
    "data status",
    alias_lookup(
        {
            "reported": ["企业自报", "自报", "reported"],
            "verified": ["核查", "核查数据", "verified"],
            "rechecked": ["复查", "复核", "rechecked"],
        }
    ),
    "企业自报, 核查, 复查",
)

SOURCE_CATEGORIES = Vocabulary(
    "emission source category",
    alias_lookup(
        {
            "combustion": ["化石燃料燃烧", "化石燃料燃烧排放", "燃料燃烧", "combustion"],
            "process": ["工业生产过程", "工业生产过程排放", "生产过程", "过程排放", "process"],
            "electricity": ["净购入电力", "净购入使用的电力", "购入电力", "electricity"],
            "heat": ["净购入热力", "净购入使用的热力", "购入热力", "heat"],
        }
    ),
    "化石燃料燃烧, 工业生产过程, 净购入电力, 净购入热力",
)

YES_NO = Vocabulary(
    "yes/no value",
    alias_lookup({"true": ["是", "Y", "yes", "true", "1"], "false": ["否", "N", "no", "false", "0"]}),
    "是, 否",
)

TRADE_TYPES = Vocabulary(
    "trade type",
    alias_lookup(
        {
            "auction": ["挂牌", "竞价", "挂牌交易", "竞价交易", "挂牌点选", "线上交易", "auction"],
            "block": ["协议转让", "大宗", "大宗交易", "协议交易", "线下交易", "block"],
        }
    ),
    "挂牌, 竞价, 协议转让, 大宗",
)

# Column headers of the enterprise report CSV export (1a), field → accepted headers.
ENTERPRISE_FIELDS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "credit_code"),
    "enterprise_name": ("企业名称", "单位名称", "enterprise_name"),
    "region_code": ("行政区划代码", "所在地区代码", "region_code"),
    "sector": ("所属行业", "行业", "sector"),
    "in_ets": ("是否纳入碳市场", "纳入碳排放权交易", "in_ets"),
    "report_year": ("报告年度", "年度", "report_year"),
    "data_status": ("数据状态", "版本", "data_status"),
    "submitted_on": ("提交日期", "填报日期", "submitted_on"),
    "source_category": ("排放类别", "排放源类别", "source_category"),
    "source_name": ("排放源", "燃料品种", "排放源名称", "source_name"),
    "activity_value": ("活动水平", "消耗量", "活动水平数据", "activity_value"),
    "activity_unit": ("活动水平单位", "单位", "activity_unit"),
    "ncv": ("低位发热量", "ncv"),
    "ncv_unit": ("低位发热量单位", "ncv_unit"),
    "carbon_content": ("单位热值含碳量(tC/TJ)", "单位热值含碳量", "carbon_content"),
    "oxidation_rate": ("碳氧化率(%)", "碳氧化率", "oxidation_rate"),
    "emission_factor": ("排放因子", "emission_factor"),
    "emission_factor_unit": ("排放因子单位", "emission_factor_unit"),
    "co2_t": ("排放量(tCO2)", "排放量", "co2_t"),
}
ENTERPRISE_REQUIRED = (
    "credit_code",
    "region_code",
    "sector",
    "report_year",
    "data_status",
    "source_category",
    "source_name",
    "activity_value",
    "activity_unit",
)

# The template's line sheets (1b) use the export's headers, plus 项目 for the line's name and
# 电量/热量 for the amount on the purchased electricity and heat sheets.
WORKBOOK_LINE_FIELDS: dict[str, tuple[str, ...]] = {
    **ENTERPRISE_FIELDS,
    "source_name": (*ENTERPRISE_FIELDS["source_name"], "项目"),
    "activity_value": (*ENTERPRISE_FIELDS["activity_value"], "电量", "热量"),
}

# Labels of the 基本信息 sheet (label in one column, value in the next).
WORKBOOK_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    name: ENTERPRISE_FIELDS[name]
    for name in ("credit_code", "enterprise_name", "region_code", "sector", "in_ets", "report_year", "submitted_on")
}

# Activity statistics (2b): the key columns; the value columns come from ref_activity_variables.
ACTIVITY_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "region_code": ("地区代码", "行政区划代码", "region_code"),
    "region_name": ("地区名称", "地区", "region_name"),
    "year": ("年份", "年度", "year"),
}

# Department indicator statistics (2c).
INDICATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "region_code": ("地区代码", "行政区划代码", "region_code"),
    "year": ("年份", "年度", "year"),
    "indicator": ("指标名称", "指标", "indicator"),
    "value": ("数值", "指标值", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "department": ("报送部门", "部门", "department"),
}
# A row whose value is blank or '—' is kept with a null value: the department said "no figure".
INDICATOR_REQUIRED = ("region_code", "year", "indicator")

# Production statistics (2d).
PRODUCTION_FIELDS: dict[str, tuple[str, ...]] = {
    "region_code": ("地区代码", "行政区划代码", "region_code"),
    "region_name": ("地区名称", "地区", "region_name"),
    "year": ("年份", "年度", "year"),
    "product": ("产品名称", "产品", "product"),
    "amount": ("产量", "数量", "amount"),
    "unit": ("计量单位", "单位", "unit"),
}
# A row whose amount is blank or '—' is kept with a null amount: the office said "no figure".
PRODUCTION_REQUIRED = ("region_code", "year", "product", "unit")

# Inventory activity statistics (2f): agriculture, waste and the other inventory sectors. The
# source column (数据来源) is informative: accepted, not loaded (the file is the lineage).
INVENTORY_FIELDS: dict[str, tuple[str, ...]] = {
    "region_code": ("地区代码", "行政区划代码", "region_code"),
    "region_name": ("地区名称", "地区", "region_name"),
    "year": ("年份", "年度", "year"),
    "item": ("指标名称", "指标", "项目", "item"),
    "amount": ("数值", "数量", "amount", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "source": ("数据来源", "来源", "source"),
}
# As for production: a unit is never guessed (万头 and 头 differ by 10⁴); a blank or '—' amount is
# kept with a null amount (the office said "no figure").
INVENTORY_REQUIRED = ("region_code", "year", "item", "unit")

# Exchange prices (3a, 3b).
PRICE_FIELDS: dict[str, tuple[str, ...]] = {
    "trade_date": ("交易日期", "日期", "trade_date"),
    "product_code": ("交易品种", "产品", "instrument", "product_code"),
    "open": ("开盘价", "开盘价(元/吨)", "open"),
    "high": ("最高价", "high"),
    "low": ("最低价", "low"),
    "close": ("收盘价", "close"),
    "vwap": ("成交均价", "均价", "vwap"),
    "volume_t": ("成交量(吨)", "成交量", "volume_t"),
    "turnover_yuan": ("成交额(元)", "成交金额", "turnover_cny", "turnover_yuan"),
    "trade_type": ("交易方式", "trade_type"),
}
PRICE_REQUIRED = ("trade_date", "product_code", "close")
