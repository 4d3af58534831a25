"""`ghg briefing`: the leaders' briefing of one region and year as a PDF (and, with --excel, a
workbook) from the public warehouse — leaders' data (pipelines/reporting/briefing.py). Each run
keeps a snapshot under <warehouse>/briefings/ (GHG_BRIEFINGS_DIR), so the next briefing says what changed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipelines import paths
from pipelines.cli.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, safe, stderr


def write_briefing(region_code: str, year: int, out: Path, excel: Path | None = None) -> Path:
    """Write the briefing of the published public file to out (PDF) and excel; returns the file it
    read. Raises BriefingUnavailable, FontMissing."""
    import duckdb

    from pipelines import publication
    from pipelines.reporting import briefing, briefing_pdf

    root = paths.warehouse_dir()
    source = publication.published_file(root, "public")
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(source), read_only=True, config=config) as con:
        loaded = briefing.load(lambda sql, params: con.execute(sql, list(params)).df(), region_code, year)
    loaded = briefing.with_changes(loaded, paths.briefings_dir())
    briefing_pdf.cjk_font()  # fail before writing anything when the PDF could not show Chinese
    for target, write in ((out, briefing_pdf.write_pdf), (excel, briefing.write_excel)):
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a reader of `target` never sees half a file.
        partial = target.with_name(f".{target.name}.partial")
        write(loaded, partial)
        os.replace(partial, target)
    briefing.save_snapshot(loaded, paths.briefings_dir())
    return source


def cmd_briefing(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.cli.export import refuse_output
    from pipelines.reporting.briefing import BriefingUnavailable, FontMissing

    out = Path(args.out)
    excel = Path(args.excel) if args.excel else None
    if refuse_output(out) or (excel is not None and refuse_output(excel)):
        return EXIT_USAGE
    try:
        write_briefing(args.region, args.year, out, excel)
    except BriefingUnavailable as error:
        stderr(f"no briefing: {safe(error)} (the barometer has targets only for the years of a plan period)")
        return EXIT_USAGE
    except FontMissing as error:
        stderr(f"briefing failed: {safe(error)}")
        return EXIT_FAILED
    except (duckdb.Error, OSError) as error:
        stderr(f"briefing failed: {safe(str(error).splitlines()[0])}")
        return EXIT_FAILED
    written = safe(out) + (f" and {safe(excel)}" if excel else "")
    print(f"wrote the briefing of {safe(args.region)} {args.year} from the public warehouse to {written}")
    return EXIT_OK
