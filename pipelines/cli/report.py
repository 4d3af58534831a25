"""`ghg report`: the inventory report of one region and year as an Excel workbook
(pipelines/reporting/inventory_report.py), from the public warehouse, or with --confidential the full one."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from pipelines import paths
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, safe, stderr


def write_inventory_report(region_code: str, year: int, out: Path, *, confidential: bool = False) -> Path:
    """Write the report of the published file (public, or full when confidential) to out; returns
    the file it read. Raises ReportUnavailable when that file cannot make one."""
    import duckdb

    from pipelines import publication
    from pipelines.reporting import inventory_report as report

    root = paths.warehouse_dir()
    source = publication.published_file(root, "full" if confidential else "public")
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(source), read_only=True, config=config) as con:
        summary, crt, region_name = report.load_report(
            lambda sql, params: con.execute(sql, list(params)).df(), region_code, year
        )
    header = report.report_header(crt, region_code, region_name, year, _published_at(root, source), public=not confidential)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a reader of `out` never sees half a file.
    partial = out.with_name(f".{out.name}.partial")
    report.write_report(summary, crt, header, partial)
    os.replace(partial, out)
    return source


def _published_at(root: Path, source: Path) -> str:
    from pipelines import publication

    generation = publication.current_generation(root)
    if generation is not None and generation.published_at is not None:
        moment = generation.published_at.replace(tzinfo=dt.UTC).astimezone()
    else:  # a warehouse published before generations existed: the file's time
        moment = dt.datetime.fromtimestamp(source.stat().st_mtime).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M %z")


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.cli.export import refuse_output
    from pipelines.reporting.inventory_report import ReportUnavailable

    out = Path(args.out)
    if refuse_output(out):
        return EXIT_USAGE
    try:
        write_inventory_report(args.region, args.year, out, confidential=args.confidential)
    except ReportUnavailable as error:
        hint = "" if args.confidential else " (the public warehouse may not publish the inventory yet; authorised staff: --confidential)"
        stderr(f"no report: {safe(error)}{hint}")
        return EXIT_USAGE
    except (duckdb.Error, OSError) as error:
        stderr(f"report failed: {safe(str(error).splitlines()[0])}")
        return EXIT_FAILED
    if args.confidential:
        stderr(f"CONFIDENTIAL: {safe(out)} is a report of the full warehouse (it includes enterprise-derived "
               "process figures); keep it where only authorised staff can read it")
    source = "full (confidential)" if args.confidential else "public"
    print(f"wrote the inventory report of {safe(args.region)} {args.year} from the {source} warehouse to {safe(out)}")
    return EXIT_OK
