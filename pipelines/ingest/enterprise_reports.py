"""Enterprise GHG reports → raw.enterprise_report_lines, raw.enterprise_report_deliveries (§1).

Two shapes arrive: the reporting platform's bulk CSV export (every version of every report,
GBK; enterprise_export.py) and the per-enterprise Excel template (the year's own submissions;
enterprise_workbooks.py). Both are extracted to the same frame of strings and parsed and checked
by one vectorised step (enterprise_lines.py), so a rule exists once whichever shape a line came
in. Re-delivered reports are then resolved (deliveries.py). The family's allocation files are read
beside these, in allocations.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.catalog import EXPORT_FOLDER, WORKBOOK_FOLDER
from pipelines.ingest.deliveries import resolve_deliveries
from pipelines.ingest.enterprise_export import read_export
from pipelines.ingest.enterprise_lines import ReportsRead, empty_register, empty_totals, flag_unit_slips
from pipelines.ingest.enterprise_workbooks import read_workbooks
from pipelines.ingest.files import relative_source
from pipelines.ingest.results import ReadResult, rejected_file, unexpected_error


def read_enterprise_reports(inbox_dir: Path) -> ReadResult:
    """Every export CSV and template workbook under the inbox's enterprise_reports folder, with
    re-delivered reports resolved (resolve_deliveries) and raw.enterprise_report_deliveries."""
    inbox_dir = Path(inbox_dir)
    parts = [
        _guarded(lambda path=path: read_export(path, inbox_dir), path, inbox_dir, EXPORT_FOLDER.kind)
        for path in EXPORT_FOLDER.files(inbox_dir)
    ]
    workbooks = WORKBOOK_FOLDER.files(inbox_dir)
    if workbooks:
        try:
            # Workbooks are small and many: extract each, then parse and check them all at once.
            parts.append(read_workbooks(workbooks, inbox_dir))
        except Exception:  # the batch broke in an unforeseen way: read them one by one instead
            parts += [
                _guarded(lambda path=path: read_workbooks([path], inbox_dir), path, inbox_dir, WORKBOOK_FOLDER.kind)
                for path in workbooks
            ]
    combined = ReadResult.combine([part.result for part in parts], FAMILY)
    register = pl.concat([part.register for part in parts], how="vertical") if parts else empty_register()
    totals = pl.concat([part.totals for part in parts], how="vertical") if parts else empty_totals()
    return resolve_deliveries(flag_unit_slips(combined), inbox_dir, register=register, totals=totals)


def _guarded(read: Callable[[], ReportsRead], path: Path, root: Path, kind: str) -> ReportsRead:
    """read(), or the file quarantined whole when it breaks the reader in an unforeseen way."""
    try:
        return read()
    except Exception as exc:  # one bad file must not cost the office every other file
        return ReportsRead.of(rejected_file(FAMILY, relative_source(path, root), kind, unexpected_error(exc), path=path))
