"""Ingestion assets: one per source family, each a thin wrapper over a pure reader.

A reader takes the inbox folder and returns clean frames for its raw tables plus the rows it
rejected; the asset writes both into this run's build file and reports the counts.
"""


from collections.abc import Callable

import duckdb
import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, asset, multi_asset

from pipelines.ingest.energy_statistics import read_energy_statistics
from pipelines.ingest.allocations import read_enterprise_reports_and_allocations
from pipelines.ingest.exchange_prices import read_exchange_prices
from pipelines.ingest.schemas import QUARANTINE_SCHEMA
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
            "enterprise_report_lines": "企业温室气体排放报告明细行 / enterprise GHG report lines, every version",
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


def _quarantine_summary(quarantine: pl.DataFrame) -> str:
    if quarantine.is_empty():
        return "no rows quarantined"
    counts = quarantine.group_by("reason").len().sort(["len", "reason"], descending=[True, False]).head(10)
    return "\n".join(f"{row['len']:>6}  {row['reason']}" for row in counts.iter_rows(named=True))


def make_ingestion_asset(family: str):
    reader, tables = FAMILIES[family]

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
        result = reader(inbox)
        quarantined = replace_rows(db, RAW, "quarantine", result.quarantine.cast(QUARANTINE_SCHEMA), "source_family", family)
        summary = _quarantine_summary(result.quarantine)
        if quarantined:
            context.log.warning(f"{family}: {quarantined} rows quarantined\n{summary}")
        for table in tables:
            frame = result.tables[table]
            rows = replace_table(db, RAW, table, frame)
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


@asset(
    key=AssetKey([RAW, "quarantine"]),
    deps=[AssetKey([RAW, table]) for _, tables in FAMILIES.values() for table in tables],
    group_name=INGESTION_GROUP,
    kinds={"duckdb"},
    pool=WRITER_POOL,
    description="隔离区 / every rejected row of this build, with file, sheet, row, column, value and reason.",
)
def raw_quarantine(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The quarantine register: make sure it exists even when nothing was rejected, and report it."""
    db = warehouse.build_file(context.run.run_id)
    ensure_table(db, RAW, "quarantine", pl.DataFrame(schema=QUARANTINE_SCHEMA))
    with duckdb.connect(str(db), read_only=True) as con:
        by_family = dict(con.execute("SELECT source_family, count(*) FROM raw.quarantine GROUP BY 1 ORDER BY 1").fetchall())
    return MaterializeResult(metadata={"rows": sum(by_family.values()), **{f"rows_{k}": v for k, v in by_family.items()}})
