"""Ingestion assets: one per source family, each a thin wrapper over a pure reader.

A reader takes the inbox folder and returns clean frames for its raw tables plus the rows it
rejected and the files it looked at; the asset waits until the family's files have finished
arriving (pipelines/inbox.py), reads them, makes sure none changed while it read, and writes the
tables, its slice of the quarantine register and its slice of the file register (raw.source_files)
into this run's build file. A fourth asset copies what the last publication covered, the
completeness gate's yardstick (dbt model audit_completeness_drops).
"""


from collections.abc import Callable

import duckdb
import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, asset, multi_asset

from pipelines import inbox as inbox_files
from pipelines import publication
from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.ingest.common import files_frame
from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.exchange_prices import read_exchange_prices
from pipelines.ingest.schemas import PREVIOUS_PUBLICATION_COVERAGE_SCHEMA as PREVIOUS_COVERAGE_SCHEMA
from pipelines.ingest.schemas import QUARANTINE_SCHEMA, SOURCE_FILES_SCHEMA
from pipelines.resources import WarehouseResource
from pipelines.retries import INGESTION_RETRY
from pipelines.warehouse import ensure_table, replace_rows, replace_table
from pipelines.writer_lock import WRITER_POOL

RAW = "raw"
INGESTION_GROUP = "ingestion"

# family → (reader, raw tables it fills, what the tables hold)
FAMILIES: dict[str, tuple[Callable, dict[str, str]]] = {
    "enterprise_reports": (
        read_enterprise_reports_and_allocations,  # read_enterprise_reports + read_allocations
        {
            "enterprise_report_lines": "企业温室气体排放报告明细行 / enterprise GHG report lines, the delivery in force of every version",
            "enterprise_report_deliveries": "企业报告交付记录 / every delivery of a report and what the re-delivery rules made of it",
            "ets_allocations": "碳市场配额分配与清缴 / carbon-market allowance allocation and surrender",
        },
    ),
    "energy_statistics": (
        read_energy_statistics,
        {
            "energy_balance": "能源平衡表（实物量） / energy balance flows, canonical physical units",
            "activity_statistics": "GDP、工业增加值、电力调入调出等 / GDP, industry value added, electricity flows",
            "indicator_statistics": "部门报送指标 / indicator statistics reported by other departments",
        },
    ),
    "exchange_prices": (
        read_exchange_prices,
        {"market_daily": "碳交易所日行情 / daily exchange trading rows"},
    ),
}

# Registers every family writes a slice of (keyed by source_family).
REGISTERS = {
    "quarantine": ("隔离区 / every rejected row of this build, with file, sheet, row, column, value and reason", QUARANTINE_SCHEMA),
    "source_files": ("文件登记 / every file this build read: size, time, rows loaded and quarantined, problems", SOURCE_FILES_SCHEMA),
}

PREVIOUS_COVERAGE_TABLE = "previous_publication_coverage"


def _quarantine_summary(quarantine: pl.DataFrame) -> str:
    if quarantine.is_empty():
        return "no rows quarantined"
    counts = quarantine.group_by("reason").len().sort(["len", "reason"], descending=[True, False]).head(10)
    return "\n".join(f"{row['len']:>6}  {row['reason']}" for row in counts.iter_rows(named=True))


def read_settled(family: str, inbox, log: Callable[[str], None] | None = None):
    """Read one family once its files have settled; raise InboxChanged if one changed meanwhile."""
    reader, _ = FAMILIES[family]
    before = inbox_files.wait_until_settled(inbox, family, log=log)
    result = reader(inbox)
    changed = inbox_files.changed_since(before, inbox, family)
    if changed:
        raise inbox_files.InboxChanged(
            f"{len(changed)} file(s) of {family} changed while they were read ({', '.join(changed[:5])}); "
            "what was read is discarded and the step will retry"
        )
    return result


def make_ingestion_asset(family: str):
    _, tables = FAMILIES[family]

    @multi_asset(
        name=f"ingest_{family}",
        specs=[
            AssetSpec(AssetKey([RAW, table]), description=description, group_name=INGESTION_GROUP, kinds={"polars", "duckdb"})
            for table, description in tables.items()
        ],
        description=f"Read sources/inbox/{family}/ into raw tables; bad rows go to raw.quarantine.",
        retry_policy=INGESTION_RETRY,
        pool=WRITER_POOL,
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource):
        inbox = warehouse.inbox()
        db = warehouse.build_file(context.run.run_id)
        context.log.info(f"reading {family} from {inbox / family}")
        result = read_settled(family, inbox, log=context.log.info)
        quarantined = replace_rows(db, RAW, "quarantine", result.quarantine.cast(QUARANTINE_SCHEMA), "source_family", family)
        replace_rows(db, RAW, "source_files", files_frame(result), "source_family", family)
        summary = _quarantine_summary(result.quarantine)
        if quarantined:
            context.log.warning(f"{family}: {quarantined} rows quarantined\n{summary}")
        for table in tables:
            rows = replace_table(db, RAW, table, result.tables[table])
            yield MaterializeResult(
                asset_key=AssetKey([RAW, table]),
                metadata={
                    "rows_loaded": rows,
                    "rows_quarantined_in_family": quarantined,
                    "files_read": len(result.files),
                    "quarantine_reasons": summary,
                },
            )

    return _ingest


ingestion_assets = [make_ingestion_asset(family) for family in FAMILIES]


@multi_asset(
    name="raw_registers",
    specs=[
        AssetSpec(
            AssetKey([RAW, register]),
            description=description,
            deps=[AssetKey([RAW, table]) for _, tables in FAMILIES.values() for table in tables],
            group_name=INGESTION_GROUP,
            kinds={"duckdb"},
        )
        for register, (description, _) in REGISTERS.items()
    ],
    pool=WRITER_POOL,
    description="The quarantine and file registers every family writes a slice of: made to exist even when empty, and reported.",
)
def raw_registers(context: AssetExecutionContext, warehouse: WarehouseResource):
    db = warehouse.build_file(context.run.run_id)
    for register, (_, schema) in REGISTERS.items():
        ensure_table(db, RAW, register, pl.DataFrame(schema=schema))
    with duckdb.connect(str(db), read_only=True) as con:
        for register in REGISTERS:
            by_family = dict(con.execute(f'SELECT source_family, count(*) FROM {RAW}."{register}" GROUP BY 1 ORDER BY 1').fetchall())
            yield MaterializeResult(
                asset_key=AssetKey([RAW, register]),
                metadata={"rows": sum(by_family.values()), **{f"rows_{k}": v for k, v in by_family.items()}},
            )


def previous_coverage(root) -> pl.DataFrame:
    """audit.audit_coverage of the current publication (empty before the first one, or for a
    warehouse published before the completeness gate existed)."""
    published = publication.published_file(root, "full")
    if not published.exists():
        return pl.DataFrame(schema=PREVIOUS_COVERAGE_SCHEMA)
    with duckdb.connect(str(published), read_only=True) as con:
        # fetchall: DuckDB 2.0 refuses con.sql() while an execute() result is not read to its end.
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'audit' AND table_name = 'audit_coverage'"
        ).fetchall()[0][0]
        if not exists:
            return pl.DataFrame(schema=PREVIOUS_COVERAGE_SCHEMA)
        frame = pl.from_arrow(con.sql("SELECT source_family, unit_kind, year, unit_key, rows_count FROM audit.audit_coverage").to_arrow_table())
    return frame.cast(PREVIOUS_COVERAGE_SCHEMA)


@asset(
    key=AssetKey([RAW, PREVIOUS_COVERAGE_TABLE]),
    group_name=INGESTION_GROUP,
    kinds={"duckdb"},
    pool=WRITER_POOL,
    description="上次发布的数据覆盖范围 / what the current publication covers, copied into the build file for the completeness gate.",
)
def previous_publication_coverage(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    frame = previous_coverage(warehouse.root())
    rows = replace_table(warehouse.build_file(context.run.run_id), RAW, PREVIOUS_COVERAGE_TABLE, frame)
    return MaterializeResult(metadata={"units": rows})
