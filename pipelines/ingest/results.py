"""Results: what a reader returns (ReadResult) and the files it looked at (FileRead).

A result holds every raw table of its family (empty ones too, with their schemas), the rows it
quarantined and one FileRead per file; files_frame turns the FileReads into raw.source_files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import table_names
from pipelines.ingest.checks import quarantine_frame, quarantine_row
from pipelines.ingest.files import relative_source
from pipelines.ingest.schemas import SOURCE_FILES_SCHEMA, conform, empty_frame


@dataclass
class FileRead:
    """One file a reader looked at, and what came of it (a row of raw.source_files, files_frame)."""

    source_file: str
    kind: str  # e.g. 'enterprise_export_csv', 'energy_balance_workbook'
    encoding: str | None = None  # for CSV: 'utf-8', 'utf-8-sig' or 'gb18030'
    rows_loaded: int = 0  # rows in the raw tables from this file
    rows_quarantined: int = 0  # quarantine rows pointing at this file
    rejected: bool = False  # the file could not be read at all
    size_bytes: int | None = None
    modified_at: datetime | None = None  # UTC; re-deliveries are ordered by it
    truncated: bool = False  # the file ends mid-row (cut off in transfer)
    problem: str | None = None  # the file-level reason: rejected, truncated, no data rows

    @classmethod
    def of(cls, path: Path, source_file: str, kind: str, encoding: str | None = None) -> FileRead:
        """A FileRead with the file's size and modification time as found on disk."""
        return cls(source_file, kind, encoding).stat(path)

    def stat(self, path: Path) -> FileRead:
        """Fill size and modification time from the file (left unknown if it vanished)."""
        try:
            facts = Path(path).stat()
        except OSError:
            return self
        self.size_bytes = facts.st_size
        self.modified_at = datetime.fromtimestamp(facts.st_mtime, tz=timezone.utc)
        return self


@dataclass
class ReadResult:
    """The raw tables of one source family, the rejected rows, and the files read."""

    family: str
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    files: list[FileRead] = field(default_factory=list)

    @classmethod
    def empty(cls, family: str) -> ReadResult:
        return cls(family, {table: empty_frame(table) for table in table_names(family)}, empty_frame("quarantine"))

    @classmethod
    def build(
        cls,
        family: str,
        tables: Mapping[str, pl.DataFrame],
        quarantine: pl.DataFrame,
        files: Sequence[FileRead],
    ) -> ReadResult:
        """Conform every table to its schema (adding the family's empty ones) and count rows per file."""
        conformed = {
            table: conform(tables[table], table) if table in tables else empty_frame(table)
            for table in table_names(family)
        }
        # File, then sheet, then row: the order a clerk works through a quarantine list.
        quarantine = conform(quarantine, "quarantine").with_columns(pl.col("blocks_publication").fill_null(False)).sort(
            "source_file", "source_sheet", "source_row", nulls_last=False, maintain_order=True
        )
        loaded: dict[str, int] = {}
        for frame in conformed.values():
            if "source_row" not in frame.columns:  # a table about files (deliveries), not rows of them
                continue
            for source_file, count in frame.group_by("source_file").len().iter_rows():
                loaded[source_file] = loaded.get(source_file, 0) + count
        rejected = dict(quarantine.group_by("source_file").len().iter_rows())
        counted = [
            replace(f, rows_loaded=loaded.get(f.source_file, 0), rows_quarantined=rejected.get(f.source_file, 0))
            for f in files
        ]
        return cls(family, conformed, quarantine, counted)

    @classmethod
    def combine(cls, results: Sequence[ReadResult], family: str | None = None) -> ReadResult:
        """Several results of one family as one (tables and quarantine concatenated in order)."""
        if not results:
            if family is None:
                raise ValueError("combine() of no results needs the family")
            return cls.empty(family)
        family = family or results[0].family
        tables = {
            table: pl.concat(
                [r.tables[table] for r in results if table in r.tables] or [empty_frame(table)], how="vertical"
            )
            for table in table_names(family)
        }
        quarantine = pl.concat([r.quarantine for r in results], how="vertical")
        return cls(family, tables, quarantine, [f for r in results for f in r.files])

    def row_counts(self) -> dict[str, int]:
        return {table: frame.height for table, frame in self.tables.items()} | {"quarantine": self.quarantine.height}


def rejected_file(
    family: str, source_file: str, kind: str, reason: str, encoding: str | None = None, path: Path | None = None
) -> ReadResult:
    """The result for a file that could not be read at all: one quarantine row, no data."""
    info = FileRead(source_file, kind, encoding, rejected=True, problem=reason)
    if path is not None:
        info.stat(path)
    return ReadResult.build(family, {}, quarantine_frame([quarantine_row(family, source_file, reason)]), [info])


def read_each(
    family: str, kind: str, reader: Callable[[Path, Path], ReadResult], paths: Sequence[Path], root: Path
) -> list[ReadResult]:
    """reader over each file; a file that breaks the reader in an unforeseen way is quarantined
    whole (with the error, for the platform team) and the other files are still read."""
    results = []
    for path in paths:
        try:
            result = reader(path, root)
        except Exception as exc:  # one bad file must not cost the office every other file
            result = rejected_file(family, relative_source(path, root), kind, unexpected_error(exc), path=path)
        for info in result.files:  # a reader that did not stat its file
            if info.size_bytes is None and info.source_file == relative_source(path, root):
                info.stat(path)
        results.append(result)
    return results


def files_frame(result: ReadResult) -> pl.DataFrame:
    """raw.source_files for one family: every file its reader looked at, and what came of it."""
    records = [
        {
            "source_family": result.family,
            "source_file": f.source_file,
            "kind": f.kind,
            "encoding": f.encoding,
            "size_bytes": f.size_bytes,
            "modified_at": f.modified_at,
            "rows_loaded": f.rows_loaded,
            "rows_quarantined": f.rows_quarantined,
            "rejected": f.rejected,
            "truncated": f.truncated,
            "problem": f.problem,
        }
        for f in result.files
    ]
    return pl.DataFrame(records, schema=SOURCE_FILES_SCHEMA) if records else pl.DataFrame(schema=SOURCE_FILES_SCHEMA)


def unexpected_error(exc: Exception) -> str:
    first_line = (str(exc).splitlines() or [""])[0]
    return f"file could not be read ({type(exc).__name__}: {first_line}); please report this file to the platform team"
