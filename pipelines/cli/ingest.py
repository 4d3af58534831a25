"""`ghg ingest FILE...`: validate files and load them into a scratch build file (never a served one).

A file is read by its family's reader in a private one-file inbox. Which family: the inbox folder
its path names, else what its contents look like (the registry's LooseFile words,
pipelines/ingest/catalog.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import paths
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, interactive, safe, stderr
from pipelines.cli.export import served_file_reason

# Dagster, polars, DuckDB and the readers are imported by the commands that use them, so that
# `ghg --help` and `ghg status` start at once.


class UnknownKind(Exception):
    pass


def _folder_from_path(path: Path) -> tuple[str, Path] | None:
    """(folder, path below it) when the file sits under one of the inbox folders."""
    from pipelines.ingest.families import FOLDERS

    posix = path.resolve().as_posix()
    for folder in sorted(FOLDERS, key=len, reverse=True):
        marker = f"/{folder}/"
        if marker in posix:
            return folder, Path(posix.split(marker, 1)[1])
    return None


def classify(path: Path) -> tuple[str, Path]:
    """The inbox folder a file belongs to and its path below that folder.

    The path decides first (offices keep the inbox layout); otherwise the contents do: the
    folders that read the file's suffix are tried by rank, each with its LooseFile words.
    """
    from pipelines.ingest.families import CSV_SUFFIXES, FOLDERS

    found = _folder_from_path(path)
    if found:
        return found
    suffix = path.suffix.lower()
    folders = sorted((f for f in FOLDERS.values() if suffix in f.suffixes), key=lambda f: f.loose_file.rank)
    if not folders:
        raise UnknownKind(f"extension {suffix or '(none)'} is not read (CSV or Excel only)")
    if suffix in CSV_SUFFIXES:
        first_line = _header_line(path)
        for folder in folders:
            words = folder.loose_file
            if any(word in first_line for word in words.header_words) or any(
                word in path.name.lower() for word in words.name_words
            ):
                return folder.path, Path(path.name)
        raise UnknownKind("CSV headers match no source family")
    workbook = _LooseWorkbook(path)
    for folder in folders:
        words = folder.loose_file
        if (
            any(word in workbook.sheet_text for word in words.sheet_words)
            or any(word in workbook.cell_text for word in words.cell_words)
            or any(word in path.name.lower() for word in words.name_words)
        ):
            if not words.by_year:
                return folder.path, Path(path.name)
            year = path.parent.name if re.fullmatch(r"(19|20)\d\d", path.parent.name) else str(dt.date.today().year - 1)
            return folder.path, Path(year) / path.name
    raise UnknownKind("workbook's sheets and headers match no source family")


def _header_line(path: Path) -> str:
    """The first line of a CSV file, decoded as the readers decode it (as far as it can be)."""
    from pipelines.ingest.files import decode_to_utf8

    with path.open("rb") as handle:
        head = handle.read(4096)
    try:
        text = decode_to_utf8(head)[0].decode("utf-8", errors="ignore")
    except Exception:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


class _LooseWorkbook:
    """A workbook's sheet names and the first five rows of its first sheet, read when first asked for."""

    def __init__(self, path: Path):
        self.path = path
        self._sheets: list[str] | None = None
        self._cells: str | None = None

    @property
    def sheets(self) -> list[str]:
        from pipelines.ingest.excel import open_workbook

        if self._sheets is None:
            self._sheets = list(open_workbook(self.path).sheet_names)
        return self._sheets

    @property
    def sheet_text(self) -> str:
        return " ".join(self.sheets)

    @property
    def cell_text(self) -> str:
        from pipelines.ingest.excel import open_workbook

        if self._cells is None:
            first = open_workbook(self.path).load_sheet(self.sheets[0], header_row=None, n_rows=5).to_polars()
            self._cells = " ".join(str(value) for row in first.rows() for value in row if value is not None)
        return self._cells


@dataclass
class FileReport:
    path: Path
    folder: str = ""
    loaded: int = 0
    quarantined: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)
    error: str = ""


def _append_into(con, tables: dict, quarantine) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table, frame in [*tables.items(), ("quarantine", quarantine)]:
        con.register("incoming_frame", frame.to_arrow())
        con.execute(f'CREATE TABLE IF NOT EXISTS raw."{table}" AS SELECT * FROM incoming_frame LIMIT 0')
        con.execute(f'INSERT INTO raw."{table}" BY NAME SELECT * FROM incoming_frame')
        con.unregister("incoming_frame")


def _classified(path: Path) -> tuple[FileReport, Path | None]:
    """A report with the file's inbox folder, and its path below that folder (None: not readable)."""
    from pipelines.ingest.families import FOLDERS

    report = FileReport(path)
    try:
        report.folder, below = classify(path)
    except UnknownKind as error:
        report.error = f"cannot tell which source family this is ({error}); put it under one of: {', '.join(FOLDERS)}"
        return report, None
    except Exception as error:
        report.error = f"cannot be read: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
        return report, None
    return report, below


def _read_batch(family, placed: list[tuple[FileReport, Path]]):
    """Read files of one family together in a private inbox (one reader call, as the build reads them)."""
    with tempfile.TemporaryDirectory(prefix="ghg-ingest-") as scratch:
        for report, below in placed:
            target = Path(scratch) / report.folder / below
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(report.path, target)
        return family.reader(Path(scratch))


def _attribute(placed: list[tuple[FileReport, Path]], result) -> None:
    """Each file's accepted and quarantined rows, found by the source_file every row carries."""
    import polars as pl

    keys = {f"{report.folder}/{below.as_posix()}": report for report, below in placed}
    loaded: dict[str, int] = {}
    # Loaded rows are the data tables' rows (the deliveries register describes them, it adds none).
    for table, frame in result.tables.items():
        if table != "enterprise_report_deliveries" and frame.height and "source_file" in frame.columns:
            for key, count in frame.group_by("source_file").len().iter_rows():
                loaded[key] = loaded.get(key, 0) + count
    quarantine = result.quarantine
    for key, report in keys.items():
        report.loaded = loaded.get(key, 0)
        mine = quarantine.filter(pl.col("source_file") == key) if quarantine.height else quarantine
        report.quarantined = mine.height
        if mine.height:
            counts = mine.group_by("reason").len().sort(["len", "reason"], descending=[True, False])
            report.reasons = [(row["len"], row["reason"]) for row in counts.iter_rows(named=True)]


def _batches(placed: list[tuple[FileReport, Path]]) -> list[list[tuple[FileReport, Path]]]:
    """Files grouped by family, a file whose inbox path another already takes starting a new batch."""
    from pipelines.ingest.families import family_of_folder

    batches: dict[tuple[str, int], list[tuple[FileReport, Path]]] = {}
    taken: dict[tuple[str, int], set[str]] = {}
    for report, below in placed:
        family = family_of_folder(report.folder).name
        key = f"{report.folder}/{below.as_posix()}"
        round_ = 0
        while key in taken.setdefault((family, round_), set()):
            round_ += 1
            taken.setdefault((family, round_), set())
        taken[(family, round_)].add(key)
        batches.setdefault((family, round_), []).append((report, below))
    return list(batches.values())


def ingest_files(paths_: list[Path], db: Path) -> list[FileReport]:
    """Read the files with their families' readers — all files of a family in one private inbox, as
    the build reads them (~100× faster than one inbox per file) — and load them into db. A batch that
    breaks the reader is read again one file at a time, so one bad file costs only itself."""
    from pipelines.ingest.families import family_of_folder

    classified = [_classified(path) for path in paths_]
    placed = [(report, below) for report, below in classified if below is not None]
    loads = []
    for batch in _batches(placed):
        family = family_of_folder(batch[0][0].folder)
        try:
            parts = [(batch, _read_batch(family, batch))]
        except Exception as error:
            if len(batch) == 1:
                batch[0][0].error = f"reader failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                continue
            parts = []
            for one in batch:
                try:
                    parts.append(([one], _read_batch(family, [one])))
                except Exception as single_error:
                    one[0].error = (f"reader failed: {type(single_error).__name__}: "
                                    f"{str(single_error).splitlines()[0] if str(single_error) else ''}")
        for part, result in parts:
            _attribute(part, result)
            loads.append(result)
    _append_results(db, loads)
    return [report for report, _ in classified]


def ingest_file(path: Path, db: Path) -> FileReport:
    """Read one file with its family's reader (in a private one-file inbox) and load it into db."""
    return ingest_files([path], db)[0]


def _append_results(db: Path, results: list) -> None:
    if results:
        import duckdb

        db.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(db)) as con:
            for result in results:
                _append_into(con, result.tables, result.quarantine)


def cmd_ingest(args: argparse.Namespace) -> int:
    files = [Path(name) for name in args.files]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        stderr(f"no such file: {safe(', '.join(missing))}")
        return EXIT_USAGE
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    # Beside the warehouse, never a served file; *.duckdb there is git-ignored and `make clean` removes it.
    db = Path(args.db) if args.db else paths.warehouse_dir() / f"scratch-ingest-{stamp}-{os.getpid()}.duckdb"
    refused = served_file_reason(db)
    if refused:
        stderr(f"--db {safe(db)}: {refused}; give a scratch file outside the publication")
        return EXIT_USAGE
    if interactive() and len(files) > 1:
        from rich.console import Console

        with Console(stderr=True).status(f"reading {len(files)} files …"):
            reports = ingest_files(files, db)
    else:
        reports = ingest_files(files, db)
    for report in reports:
        # Reasons quote cells of the file: shown with control characters escaped, one line each.
        if report.error:
            print(f"{safe(report.path)}: NOT LOADED — {safe(report.error)}")
            continue
        print(f"{safe(report.path)} [{report.folder}]: {report.loaded} rows accepted, {report.quarantined} quarantined")
        for count, reason in report.reasons[:20]:
            print(f"    {count:>6}  {safe(reason)}")
        if len(report.reasons) > 20:
            print(f"    … {len(report.reasons) - 20} more reasons (see raw.quarantine in {safe(db)})")
    total = sum(report.loaded for report in reports)
    print(f"total: {total} rows accepted, {sum(r.quarantined for r in reports)} quarantined; scratch build file {safe(db)}")
    return EXIT_OK if total > 0 else EXIT_FAILED
