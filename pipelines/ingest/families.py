"""The source families: the one registry the assets, the year backfill and `ghg ingest` use.

For each family: the inbox folders it reads (with the kind of file, the suffixes read and how
`ghg ingest` recognises a loose file of that kind), its reader, and the raw tables it fills (with
what each holds, its schema and the column a year backfill replaces rows by). The folders and
tables are declared in catalog.py, below the readers that use them; the readers join them here.

    from pipelines.ingest.families import FAMILIES
    family = FAMILIES["energy_statistics"]
    result = family.reader(inbox)                    # ReadResult: result.tables[name] for each table
    for table in family.tables.values():             # RawTable: name, description, schema, year_column
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.ingest.catalog import (
    CSV_SUFFIXES,
    ENERGY_STATISTICS,
    ENTERPRISE_REPORTS,
    EXCEL_SUFFIXES,
    EXCHANGE_PRICES,
    INBOX_FOLDERS,
    InboxFolder,
    RAW_TABLES,
    LooseFile,
    RawTable,
    folders_of,
    tables_of,
)
from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.exchange_prices import read_exchange_prices
from pipelines.ingest.results import ReadResult

__all__ = [
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "FAMILIES",
    "FOLDERS",
    "Family",
    "InboxFolder",
    "LooseFile",
    "RawTable",
    "family_of_folder",
]


@dataclass(frozen=True)
class Family:
    """A source family: the folders it reads, the function that reads them, the tables it fills."""

    name: str
    folders: tuple[InboxFolder, ...]
    reader: Callable[[Path], ReadResult]  # inbox folder → every table of the family, quarantine, files
    tables: dict[str, RawTable]  # by name, in spec order

    @classmethod
    def of(cls, name: str, reader: Callable[[Path], ReadResult]) -> Family:
        return cls(name, folders_of(name), reader, {table.name: table for table in tables_of(name)})


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        # Enterprise reports (enterprise_reports.py), the carbon-market allocation files (allocations.py)
        # and the MRV year's verifier tasks and captive power plants (mrv.py).
        Family.of(ENTERPRISE_REPORTS, read_enterprise_reports_and_allocations),
        Family.of(ENERGY_STATISTICS, read_energy_statistics),
        Family.of(EXCHANGE_PRICES, read_exchange_prices),
    )
}

# Every inbox folder, by its path relative to the inbox, in listing order.
FOLDERS: dict[str, InboxFolder] = {folder.path: folder for family in FAMILIES.values() for folder in family.folders}

# Everything catalog.py declares belongs to a family listed here.
_ORPHANS = [f.path for f in INBOX_FOLDERS if f.family not in FAMILIES] + [
    t.name for t in RAW_TABLES if t.family not in FAMILIES
]
if _ORPHANS:
    raise RuntimeError(f"declared in pipelines/ingest/catalog.py but read by no family: {', '.join(_ORPHANS)}")


def family_of_folder(folder: str) -> Family:
    """The family that reads an inbox folder ('energy_statistics/activity' → energy_statistics)."""
    return FAMILIES[FOLDERS[folder].family]
