"""Ingestion assets: one per source family, each a thin wrapper over a pure reader.

A reader takes the inbox folder and returns clean frames for its raw tables plus the rows it
rejected and the files it looked at; the asset waits until the family's files have finished
arriving (pipelines/inbox.py), reads them, makes sure none changed while it read, and writes into
this run's build file: for a full build (partition "all") the whole tables, for a year backfill
(partition "2018", pipelines/partitions.py) only that report year's rows of the year-keyed tables,
on top of the published copy the build file starts as; and either way its slice of the
quarantine register and of the file register (raw.source_files). A fourth asset copies what the
last publication covered, the completeness gate's yardstick (dbt model audit_completeness_drops).
Whatever lands in schema raw of the build file is then copied into the raw-data Parquet lake the
same way (whole tables, one year's partitions, one family's register slices: pipelines/lake.py).
"""


from collections.abc import Callable

import duckdb
import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, asset, multi_asset

from pipelines import inbox as inbox_files
from pipelines import incremental, lake, partitions, publication
from pipelines.ingest.families import FAMILIES
from pipelines.ingest.results import files_frame
from pipelines.ingest.schemas import PREVIOUS_PUBLICATION_COVERAGE_SCHEMA as PREVIOUS_COVERAGE_SCHEMA
from pipelines.ingest.schemas import QUARANTINE_SCHEMA, SOURCE_FILES_SCHEMA
from pipelines.resources import WarehouseResource
from pipelines.retries import INGESTION_RETRY
from pipelines.warehouse import ensure_table, replace_rows, replace_table, replace_year_rows
from pipelines.writer_lock import WRITER_POOL

RAW = "raw"
INGESTION_GROUP = "ingestion"

# The families, their readers and raw tables: pipelines/ingest/families.py (FAMILIES), the one
# registry the assets, `ghg ingest` and the schema checks share.

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
    before = inbox_files.wait_until_settled(inbox, family, log=log)
    result = FAMILIES[family].reader(inbox)
    changed = inbox_files.changed_since(before, inbox, family)
    if changed:
        raise inbox_files.InboxChanged(
            f"{len(changed)} file(s) of {family} changed while they were read ({', '.join(changed[:5])}); "
            "what was read is discarded and the step will retry"
        )
    return result


def unchanged_family(family: str, inbox, build_file, root, log: Callable[[str], None] | None = None) -> int | None:
    """In an incremental run whose base publication recorded the same fingerprint for the family's
    files, record it and return the number of files (the family is not read); else None
    (pipelines/incremental.py)."""
    mode = incremental.read_mode(build_file)
    if not mode.incremental:
        return None
    inbox_files.wait_until_settled(inbox, family, log=log)
    files = inbox_files.inbox_files(inbox, family)
    fingerprint = incremental.family_fingerprint(inbox, files)
    published, _ = incremental.read_state(publication.generation_file(root, mode.base_generation, "full"))
    if published.get(family) != fingerprint:
        return None
    incremental.record_family(build_file, family, fingerprint, len(files))
    return len(files)


def record_fingerprint(family: str, inbox, build_file) -> None:
    """The fingerprint of the family's files as they were read (read_settled saw none change)."""
    files = inbox_files.inbox_files(inbox, family)
    incremental.record_family(build_file, family, incremental.family_fingerprint(inbox, files), len(files))


def write_family(db, lake_dir, family: str, result, year: int | None) -> dict[str, str]:
    """Write one family's reading into the build file, then the same tables, partitions and register
    slices from the build file into the lake; returns what happened to each table.

    Full build: every table replaced. Year backfill: the year's rows of the year-keyed tables
    replaced (DELETE + INSERT, the same rows every time), the other tables kept as published.
    The family's quarantine and file registers are refreshed whole either way (a quarantined row
    may have no readable year).
    """
    replace_rows(db, RAW, "quarantine", result.quarantine.cast(QUARANTINE_SCHEMA), "source_family", family)
    replace_rows(db, RAW, "source_files", files_frame(result), "source_family", family)
    done = {}
    for table in FAMILIES[family].tables.values():
        frame = result.tables[table.name]
        if year is None:
            done[table.name] = f"{replace_table(db, RAW, table.name, frame)} rows"
        elif table.year_column:
            deleted, inserted = replace_year_rows(db, RAW, table.name, frame, table.year_column, [year])
            done[table.name] = f"{year}: {deleted} rows replaced by {inserted}"
        else:
            done[table.name] = "kept as published (no report year)"
    lake.write_family(db, lake_dir, family, year)
    return done


def make_ingestion_asset(family: str):
    tables = FAMILIES[family].tables

    @multi_asset(
        name=f"ingest_{family}",
        specs=[
            AssetSpec(AssetKey([RAW, name]), description=table.description, group_name=INGESTION_GROUP, kinds={"polars", "duckdb"})
            for name, table in tables.items()
        ],
        partitions_def=partitions.BUILD_PARTITIONS,
        description=f"Read sources/inbox/{family}/ into raw tables (a year backfill: that year's rows); bad rows go to raw.quarantine.",
        retry_policy=INGESTION_RETRY,
        pool=WRITER_POOL,
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource):
        inbox = warehouse.inbox()
        build_file = warehouse.build_file(context.run.run_id)
        year = partitions.reload_year(context.partition_key)
        unchanged = unchanged_family(family, inbox, build_file, warehouse.root(), log=context.log.info)
        if unchanged is not None:
            context.log.info(f"{family}: {unchanged} file(s) unchanged since the publication this run builds on: not read, "
                             "raw tables kept as published")
            # The lake may hold a later, unpublished read of the family (a run the checks stopped):
            # it gets the published tables this run builds on, copied from the build file.
            lake.write_family(build_file, warehouse.lake(), family, None)
            for table in tables:
                yield MaterializeResult(asset_key=AssetKey([RAW, table]),
                                        metadata={"rows_loaded": "kept as published (files unchanged)", "files_read": 0})
            return
        context.log.info(f"reading {family} from {inbox / family}" + (f" to reload {year}" if year else ""))
        result = read_settled(family, inbox, log=context.log.info)
        done = write_family(build_file, warehouse.lake(), family, result, year)
        record_fingerprint(family, inbox, build_file)
        summary = _quarantine_summary(result.quarantine)
        if result.quarantine.height:
            context.log.warning(f"{family}: {result.quarantine.height} rows quarantined\n{summary}")
        for table in tables:
            yield MaterializeResult(
                asset_key=AssetKey([RAW, table]),
                metadata={
                    "rows_loaded": done[table],
                    "rows_quarantined_in_family": result.quarantine.height,
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
            deps=[AssetKey([RAW, table]) for family in FAMILIES.values() for table in family.tables],
            group_name=INGESTION_GROUP,
            kinds={"duckdb"},
        )
        for register, (description, _) in REGISTERS.items()
    ],
    partitions_def=partitions.BUILD_PARTITIONS,
    pool=WRITER_POOL,
    description="The quarantine and file registers every family writes a slice of: made to exist even when empty, and reported.",
)
def raw_registers(context: AssetExecutionContext, warehouse: WarehouseResource):
    db = warehouse.build_file(context.run.run_id)
    for register, (_, schema) in REGISTERS.items():
        ensure_table(db, RAW, register, pl.DataFrame(schema=schema))
    lake.ensure_tables(db, warehouse.lake(), REGISTERS)
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
    partitions_def=partitions.BUILD_PARTITIONS,
    pool=WRITER_POOL,
    description="上次发布的数据覆盖范围 / what the current publication covers, copied into the build file for the completeness gate.",
)
def previous_publication_coverage(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    frame = previous_coverage(warehouse.root())
    build_file = warehouse.build_file(context.run.run_id)
    rows = replace_table(build_file, RAW, PREVIOUS_COVERAGE_TABLE, frame)
    lake.write_tables(build_file, warehouse.lake(), [PREVIOUS_COVERAGE_TABLE])
    return MaterializeResult(metadata={"units": rows})
