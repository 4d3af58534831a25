"""What each source family reads and fills: its inbox folders and its raw tables.

Declarations only. The readers take their folders from here and ReadResult its tables, so these
sit below every reader; pipelines/ingest/families.py adds the reader functions on top and is the
registry the rest of the platform uses (families.FAMILIES). A new kind of file is one InboxFolder
here and a reader; a new raw table is one RawTable here and its schema in schemas.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest import schemas
from pipelines.ingest.files import find_files

ENTERPRISE_REPORTS = "enterprise_reports"
ENERGY_STATISTICS = "energy_statistics"
EXCHANGE_PRICES = "exchange_prices"

# The suffixes the readers read (and `ghg ingest` accepts): one list for every CSV and Excel folder.
CSV_SUFFIXES = (".csv",)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


# --------------------------------------------------------------------------------------------
# Inbox folders
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LooseFile:
    """How `ghg ingest` tells that a file given outside the inbox layout is of a folder's kind.

    A CSV matches when its header line holds one of header_words; a workbook when one of its sheet
    names holds one of sheet_words or the first five rows of its first sheet one of cell_words;
    either when its file name (lower case) holds one of name_words. Folders are tried by rank,
    the first match wins.
    """

    rank: int
    header_words: tuple[str, ...] = ()
    sheet_words: tuple[str, ...] = ()
    cell_words: tuple[str, ...] = ()
    name_words: tuple[str, ...] = ()
    by_year: bool = False  # filed in a year folder: the file's own folder when named like a year, else last year


@dataclass(frozen=True)
class InboxFolder:
    """A folder of the inbox: which family reads it, the kind of file in it, the suffixes read."""

    family: str
    path: str  # relative to the inbox, POSIX
    kind: str  # raw.source_files.kind of its files
    suffixes: tuple[str, ...]
    loose_file: LooseFile

    def files(self, inbox_dir: Path) -> list[Path]:
        """The folder's files (recursively), sorted by path relative to the inbox."""
        return find_files(inbox_dir, self.path, self.suffixes)


# Ranks: an allocation file names the credit code too, so it is tried before the export.
EXPORT_FOLDER = InboxFolder(
    ENTERPRISE_REPORTS, "enterprise_reports/export", "enterprise_export_csv", CSV_SUFFIXES,
    LooseFile(rank=3, header_words=("统一社会信用代码", "credit_code")),
)  # fmt: skip
WORKBOOK_FOLDER = InboxFolder(
    ENTERPRISE_REPORTS, "enterprise_reports/workbooks", "enterprise_workbook", EXCEL_SUFFIXES,
    LooseFile(rank=5, sheet_words=("化石燃料", "排放", "企业"), by_year=True),
)  # fmt: skip
ALLOCATIONS_FOLDER = InboxFolder(
    ENTERPRISE_REPORTS, "enterprise_reports/allocations", "ets_allocations_csv", CSV_SUFFIXES,
    LooseFile(rank=1, header_words=("履约年度", "配额")),
)  # fmt: skip
# The MRV year's files (verifier tasks, captive power plants), told apart by their names.
MRV_FOLDER = InboxFolder(
    ENTERPRISE_REPORTS, "enterprise_reports/mrv", "mrv_csv", CSV_SUFFIXES,
    LooseFile(rank=1, header_words=("核查机构", "任务类型", "自备电厂"), name_words=("核查任务", "自备电厂")),
)  # fmt: skip
BALANCE_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/energy_balance", "energy_balance_workbook", EXCEL_SUFFIXES,
    LooseFile(rank=7, cell_words=("能源",), name_words=("平衡", "balance")),
)  # fmt: skip
INDUSTRY_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/industry_energy", "industry_energy_workbook", EXCEL_SUFFIXES,
    # tried before the balance (rank 7), whose word 能源 the industry table's title holds too
    LooseFile(rank=6, cell_words=("分行业",), name_words=("分行业",)),
)  # fmt: skip
ACTIVITY_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/activity", "activity_workbook", EXCEL_SUFFIXES,
    LooseFile(rank=6, cell_words=("地区生产总值", "GDP")),
)  # fmt: skip
INDICATOR_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/department_indicators", "department_indicators_csv", CSV_SUFFIXES,
    LooseFile(rank=4, header_words=("指标名称", "指标", "indicator")),
)  # fmt: skip
PRODUCTION_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/production", "production_statistics_csv", CSV_SUFFIXES,
    LooseFile(rank=8, header_words=("产品名称", "产量", "production")),
)  # fmt: skip
INVENTORY_FOLDER = InboxFolder(
    ENERGY_STATISTICS, "energy_statistics/inventory_activity", "inventory_activity_csv", CSV_SUFFIXES,
    # Its header is the department indicators' (指标名称, 数值, 单位), so a loose file is told by its
    # name (words no other kind of file is named with), tried before the indicators (rank 4).
    LooseFile(rank=3, name_words=("农业统计", "畜牧业统计", "废弃物统计", "清单活动水平", "inventory_activity")),
)  # fmt: skip
PRICES_FOLDER = InboxFolder(
    EXCHANGE_PRICES, "exchange_prices", "exchange_prices_csv", CSV_SUFFIXES,
    LooseFile(rank=2, header_words=("交易日期", "trade_date", "收盘价")),
)  # fmt: skip

# In the order `ghg ingest` lists them.
INBOX_FOLDERS: tuple[InboxFolder, ...] = (
    EXPORT_FOLDER,
    WORKBOOK_FOLDER,
    ALLOCATIONS_FOLDER,
    MRV_FOLDER,
    BALANCE_FOLDER,
    INDUSTRY_FOLDER,
    ACTIVITY_FOLDER,
    INDICATOR_FOLDER,
    PRODUCTION_FOLDER,
    INVENTORY_FOLDER,
    PRICES_FOLDER,
)


# --------------------------------------------------------------------------------------------
# Raw tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    """A raw table a family's reader fills."""

    name: str
    family: str
    description: str  # zh / en, shown on the asset
    schema: pl.Schema  # from schemas.py, the contract with the dbt staging models
    year_column: str | None  # the column a year backfill replaces rows by; None: not reloaded by year


RAW_TABLES: tuple[RawTable, ...] = (
    RawTable(
        "enterprise_report_lines", ENTERPRISE_REPORTS,
        "企业温室气体排放报告明细行 / enterprise GHG report lines, the delivery in force of every version",
        schemas.ENTERPRISE_REPORT_LINES_SCHEMA, "report_year",
    ),
    RawTable(
        "enterprise_report_deliveries", ENTERPRISE_REPORTS,
        "企业报告交付记录 / every delivery of a report and what the re-delivery rules made of it",
        schemas.ENTERPRISE_REPORT_DELIVERIES_SCHEMA, "report_year",
    ),
    RawTable(
        "ets_allocations", ENTERPRISE_REPORTS,
        "碳市场配额分配与清缴 / carbon-market allowance allocation and surrender",
        schemas.ETS_ALLOCATIONS_SCHEMA, "compliance_year",
    ),
    RawTable(
        "mrv_verifier_tasks", ENTERPRISE_REPORTS,
        "核查任务（核查、复查、咨询） / verifier tasks: verification, re-check and consulting per enterprise and report year",
        schemas.MRV_VERIFIER_TASKS_SCHEMA, "report_year",
    ),
    RawTable(
        "mrv_captive_power", ENTERPRISE_REPORTS,
        "企业自备电厂装机容量 / installed capacity of enterprises' captive power plants, kW",
        schemas.MRV_CAPTIVE_POWER_SCHEMA, "year",
    ),
    RawTable(
        "energy_balance", ENERGY_STATISTICS,
        "能源平衡表（实物量） / energy balance flows, canonical physical units",
        schemas.ENERGY_BALANCE_SCHEMA, "year",
    ),
    RawTable(
        "industry_energy", ENERGY_STATISTICS,
        "工业分行业终端能源消费量（实物量） / final energy use by industrial division, canonical physical units",
        schemas.INDUSTRY_ENERGY_SCHEMA, "year",
    ),
    RawTable(
        "activity_statistics", ENERGY_STATISTICS,
        "GDP、工业增加值、电力调入调出等 / GDP, industry value added, electricity flows",
        schemas.ACTIVITY_STATISTICS_SCHEMA, "year",
    ),
    RawTable(
        "indicator_statistics", ENERGY_STATISTICS,
        "部门报送指标 / indicator statistics reported by other departments",
        schemas.INDICATOR_STATISTICS_SCHEMA, "year",
    ),
    RawTable(
        "production_statistics", ENERGY_STATISTICS,
        "工业产品产量（工业过程排放的活动水平） / industrial production statistics, the activity of top-down process emissions",
        schemas.PRODUCTION_STATISTICS_SCHEMA, "year",
    ),
    RawTable(
        "inventory_activity", ENERGY_STATISTICS,
        "农业、废弃物等清单领域的活动水平统计 / activity statistics of agriculture, waste and the other inventory sectors",
        schemas.INVENTORY_ACTIVITY_SCHEMA, "year",
    ),
    # Daily and delivered as whole-history exports: the nightly build reloads them, no backfill by year.
    RawTable(
        "market_daily", EXCHANGE_PRICES,
        "碳交易所日行情 / daily exchange trading rows",
        schemas.MARKET_DAILY_SCHEMA, None,
    ),
)  # fmt: skip


def folders_of(family: str) -> tuple[InboxFolder, ...]:
    """The inbox folders a family reads, in listing order."""
    return tuple(folder for folder in INBOX_FOLDERS if folder.family == family)


def tables_of(family: str) -> tuple[RawTable, ...]:
    """The raw tables a family fills, in spec order (quarantine and source_files are shared by all)."""
    return tuple(table for table in RAW_TABLES if table.family == family)


def table_names(family: str) -> tuple[str, ...]:
    """The names of tables_of(family); KeyError for a name that is no family."""
    names = tuple(table.name for table in tables_of(family))
    if not names:
        raise KeyError(family)
    return names
