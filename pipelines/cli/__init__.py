"""`ghg`: the platform's command line.

  ghg build [--sample] [--incremental] [--accept-drop REASON] [--years Y ...]
                                             ingest the inbox, build, publish if every blocking check passed
  ghg ingest FILE...  [--db PATH]            validate files and load them into a scratch build file
  ghg status                                 the last build and the published pair of files
  ghg export TABLE --format csv|xlsx|parquet --out PATH [--confidential]
                                             write one marts table of the public (or full) warehouse
  ghg report --region CODE --year YEAR --out PATH [--confidential]
                                             the inventory report (summary table and CRT table) as .xlsx
  ghg briefing --region CODE --year YEAR --out PATH.pdf [--excel PATH.xlsx]
                                             the leaders' briefing (barometer, path charts, changes) as
                                             an A4 PDF in Chinese, and as .xlsx, from the public warehouse
  ghg serve [--port N] [--address A]         the dashboard

Exit codes scripts can rely on:
  0  success
  1  the command ran but failed: the build failed (nothing published), another build holds
     the writer lock, no file given to `ghg ingest` had a single valid row, or the warehouse
     could not be read
  2  wrong usage or missing input: unknown command/option/table/format, missing inbox, file or
     warehouse, an output inside the publication, a confidential table without --confidential, a
     report the warehouse file cannot make (no inventory tables, or none for that region-year), a
     briefing of a region-year without targets
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.cli import build as build_command
from pipelines.cli.briefing import cmd_briefing, write_briefing
from pipelines.cli.build import (
    BUILD_RUNS_TABLE,
    BuildOutcome,
    run_build,
    seed_inbox_from_sample,
)
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, safe
from pipelines.cli.export import (
    EXPORT_FORMATS,
    IDENTIFYING_COLUMNS,
    XLSX_MAX_ROWS,
    ConfidentialTable,
    cmd_export,
    export_table,
    served_file_reason,
)
from pipelines.cli.ingest import (
    FileReport,
    UnknownKind,
    classify,
    cmd_ingest,
    ingest_file,
)
from pipelines.cli.report import cmd_report, write_inventory_report
from pipelines.cli.serve import cmd_serve
from pipelines.cli.status import cmd_status

__all__ = [
    "BUILD_RUNS_TABLE",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXPORT_FORMATS",
    "IDENTIFYING_COLUMNS",
    "XLSX_MAX_ROWS",
    "BuildOutcome",
    "ConfidentialTable",
    "FileReport",
    "Path",  # callers build the paths they pass with cli.Path
    "UnknownKind",
    "build_parser",
    "classify",
    "cmd_briefing",
    "cmd_build",
    "cmd_export",
    "cmd_ingest",
    "cmd_report",
    "cmd_serve",
    "cmd_status",
    "export_table",
    "ingest_file",
    "main",
    "run_build",
    "safe",
    "seed_inbox_from_sample",
    "served_file_reason",
    "write_briefing",
    "write_inventory_report",
]


def cmd_build(args: argparse.Namespace) -> int:
    # run_build is looked up in this package when the command runs, so that replacing
    # pipelines.cli.run_build (a test, an embedding tool) replaces the build it starts.
    return build_command.cmd_build(args, run_build)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ghg",
        description="Provincial GHG inventory platform",
        epilog="exit codes: 0 ok, 1 failed (nothing published / nothing loaded), 2 usage or missing input",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="ingest the inbox, build the warehouse, publish it if every blocking check passes")
    build.add_argument("--sample", action="store_true", help="copy the bundled sample into the inbox when the inbox is empty")
    build.add_argument("--accept-drop", metavar="REASON",
                       help="publish even though data the last publication had is missing (the completeness gate), "
                            "recording REASON with the publication")
    build.add_argument("--incremental", action="store_true",
                       help="read only the source families whose files changed since the publication and rebuild only "
                            "what depends on them (a full build when the code changed or nothing is published yet)")
    build.add_argument("--years", type=int, nargs="+", metavar="YEAR",
                       help="reload only these report years of the statistics and enterprise reports on top of the "
                            "published warehouse (one backfill run per year), then publish")
    build.set_defaults(func=cmd_build)
    ingest = sub.add_parser("ingest", help="validate files and load them into a scratch build file (never the served warehouse)")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help="scratch DuckDB file to load into (default warehouse/scratch-ingest-<time>.duckdb; "
                        "a published or build file is refused)")
    ingest.set_defaults(func=cmd_ingest)
    status = sub.add_parser("status", help="the last build and what is published")
    status.set_defaults(func=cmd_status)
    export = sub.add_parser("export", help="write one marts table of the public warehouse (or, with --confidential, of the full one) to a file")
    export.add_argument("table", help="a table of schema marts, e.g. fct_region_year")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", required=True, help="output file (never a file of the publication)")
    export.add_argument("--confidential", action="store_true",
                        help="read the full warehouse: enterprise-level tables (names, credit codes) for authorised use only")
    export.set_defaults(func=cmd_export)
    report = sub.add_parser("report", help="the inventory report of one region and year (summary and CRT tables) as an Excel workbook")
    report.add_argument("--region", required=True, help="region code, e.g. 620000")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--out", required=True, help="output .xlsx file (never a file of the publication)")
    report.add_argument("--confidential", action="store_true",
                        help="read the full warehouse (enterprise-derived process figures): for authorised use only")
    report.set_defaults(func=cmd_report)
    briefing = sub.add_parser("briefing", help="the leaders' briefing of one region and year (A4 PDF in Chinese; --excel: the same as .xlsx), from the public warehouse")
    briefing.add_argument("--region", required=True, help="region code, e.g. 620000")
    briefing.add_argument("--year", type=int, required=True)
    briefing.add_argument("--out", required=True, help="output .pdf file (never a file of the publication)")
    briefing.add_argument("--excel", help="also write the briefing as this .xlsx file")
    briefing.set_defaults(func=cmd_briefing)
    serve = sub.add_parser("serve", help="serve the dashboard")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.add_argument("--demo", action="store_true",
                       help="local demo mode: pick a role (leader/officer/analyst) in the sidebar; never use on a shared server")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    # argparse exits with 2 on wrong usage, which is our usage code too.
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `ghg status | head`: the reader left; not an error of ours
        sys.stderr.close()
        return EXIT_OK
