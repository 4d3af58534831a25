"""`ghg export TABLE`: one marts table of the public (or, authorised, the full) warehouse to a file."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from pipelines import paths
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, safe, stderr

# Dagster, polars, DuckDB and the readers are imported by the commands that use them, so that
# `ghg --help` and `ghg status` start at once.


EXPORT_FORMATS = ("csv", "xlsx", "parquet")
_TABLE_NAME = re.compile(r"^(?:marts\.)?([a-z_][a-z0-9_]*)$")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header
IDENTIFYING_COLUMNS = ("credit_code", "enterprise_name", "source_file", "source_files", "source_sheet")


class ConfidentialTable(LookupError):
    """The table is only in the full warehouse: exporting it needs --confidential."""


def served_file_reason(path: Path) -> str | None:
    """Why writing to `path` would touch what readers are served (None when it would not):
    the publication (generations/, current, the stable names), the build files, the operations store."""
    from pipelines import publication

    root = paths.warehouse_dir().absolute()
    candidates = {path.absolute(), path.resolve()}
    protected = [root / name for name in (publication.GENERATIONS, publication.CURRENT, publication.BUILD_FOLDER,
                                          publication.FULL_NAME, publication.PUBLIC_NAME, "operations.duckdb")]
    protected += [place.resolve() for place in protected if place.exists()]
    for candidate in candidates:
        for place in protected:
            if candidate == place or place in candidate.parents:
                return f"{candidate} is part of the published warehouse ({place}); it is never written by a command"
    return None


def export_table(table: str, fmt: str, out: Path, warehouse: Path | None = None, *, confidential: bool = False) -> tuple[int, list[str]]:
    """Write marts.<table> to out; returns (rows, identifying columns it holds).

    Without `confidential` the table is read from the public warehouse; a table only the full
    warehouse has raises ConfidentialTable. Raises LookupError for an unknown table. CSV cells
    that Excel would take for a formula are neutralised (pipelines/safe_text.py).
    """
    import duckdb
    import polars as pl

    from pipelines import publication
    from pipelines.safe_text import neutralise_frame_formulas

    root = paths.warehouse_dir()
    match = _TABLE_NAME.match(table.strip().lower())
    if not match:
        raise LookupError(f"{table!r} is not a table name")
    name = match.group(1)
    source = warehouse or publication.published_file(root, "full" if confidential else "public")
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(source), read_only=True, config=config) as con:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchall()}
        if name not in tables:
            if not confidential and warehouse is None:
                full = publication.published_file(root, "full")
                if full.exists():
                    with duckdb.connect(str(full), read_only=True, config=config) as full_con:
                        if full_con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                                            "AND table_name = ?", [name]).fetchone()[0]:
                            raise ConfidentialTable(
                                f"marts.{name} is not in the public warehouse: it holds enterprise-level (confidential) "
                                "data. Export it with --confidential, only for someone authorised to receive it")
            raise LookupError(f"marts.{name} is not a table; tables: {', '.join(sorted(tables))}")
        frame = pl.from_arrow(con.sql(f'SELECT * FROM marts."{name}"').to_arrow_table())
    identifying = [column for column in IDENTIFYING_COLUMNS if column in frame.columns]
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a reader of `out` never sees half a file.
    partial = out.with_name(f".{out.name}.partial")
    if fmt == "csv":
        neutralise_frame_formulas(frame).write_csv(partial)
    elif fmt == "parquet":
        frame.write_parquet(partial)
    elif fmt == "xlsx":
        if frame.height > XLSX_MAX_ROWS:
            raise ValueError(f"marts.{name} has {frame.height:,} rows, more than an Excel sheet holds; use csv or parquet")
        # xlsxwriter stores strings as text (strings_to_formulas off): '=…' stays text.
        frame.write_excel(partial, worksheet=name[:31], autofit=True)
    else:
        raise ValueError(f"unknown format {fmt}")
    os.replace(partial, out)
    return frame.height, identifying


def refuse_output(out: Path) -> bool:
    """True (after saying why on stderr) when there is no published warehouse to read, or `out`
    would overwrite part of it: the usage errors every command writing a file from it checks first."""
    from pipelines import publication

    if publication.current_generation(paths.warehouse_dir()) is None and not paths.published_path().exists():
        stderr(f"no published warehouse in {paths.warehouse_dir()}; run `ghg build` first")
        return True
    refused = served_file_reason(out)
    if refused:
        stderr(f"--out {safe(out)}: {refused}; choose a file outside the warehouse folder's publication")
        return True
    return False


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    out = Path(args.out)
    if refuse_output(out):
        return EXIT_USAGE
    try:
        rows, identifying = export_table(args.table, args.format, out, confidential=args.confidential)
    except ConfidentialTable as error:
        stderr(str(error))
        return EXIT_USAGE
    except LookupError as error:
        stderr(safe(error))
        return EXIT_USAGE
    except (ValueError, duckdb.Error, OSError) as error:
        stderr(f"export failed: {safe(str(error).splitlines()[0])}")
        return EXIT_FAILED
    table = _TABLE_NAME.match(args.table.strip().lower()).group(1)
    if args.confidential:
        holds = f" — it holds {', '.join(identifying)}" if identifying else ""
        stderr(f"CONFIDENTIAL: {out} is an export of the full warehouse (enterprise-level data{holds}); "
                "keep it where only authorised staff can read it")
    source = "full (confidential)" if args.confidential else "public"
    print(f"wrote {rows:,} rows of marts.{table} from the {source} warehouse to {safe(out)}")
    return EXIT_OK
