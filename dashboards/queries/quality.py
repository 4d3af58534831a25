"""SQL of the quality page (dashboards/views/quality.py); the rules for every query: dashboards.queries."""

# The operations store (warehouse/operations.duckdb, pipelines/run_summary.py and alerts.py) holds
# no enterprise rows, but its quarantine reasons and messages can quote cell values and file
# names: the quality page groups reasons into categories before a leader sees anything.

# The newest summary of each build, newest build first (a run whose several steps failed writes
# several rows; its latest is its summary, as in run_summary.latest_summaries). Params: how many runs.
QUALITY_RUN_SUMMARIES = """
SELECT
    run_id,
    recorded_at,
    status,
    published,
    rows_read,
    rows_loaded,
    rows_quarantined,
    checks_passed,
    checks_failed,
    failed_checks,
    failed_steps,
    message
FROM ops.run_summary
QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY recorded_at DESC) = 1
ORDER BY recorded_at DESC
LIMIT ?
"""

# When the last build that published was recorded (NULL when none has). No params.
QUALITY_LAST_PUBLICATION = """
SELECT max(recorded_at) AS recorded_at
FROM ops.run_summary
WHERE published
"""

# The figures behind one build's summary, from its newest record: rows loaded per raw table,
# rows quarantined per family and reason (as written), and every check with its result.
# Params: run_id.
QUALITY_RUN_DETAIL = """
SELECT kind, source_family, name, rows, passed
FROM ops.run_summary_detail
WHERE run_id = ?
QUALIFY recorded_at = max(recorded_at) OVER ()
ORDER BY kind, source_family, name
"""

# Builds started with `ghg build` (pipelines/cli/build.py), for their duration; the table exists only
# once such a build ran. Params: how many runs.
QUALITY_BUILD_DURATIONS = """
SELECT run_id, seconds
FROM ops.build_runs
ORDER BY started_at_utc DESC
LIMIT ?
"""

# Alerts raised for failed runs, newest first (the table exists only once a run failed).
# Params: how many alerts.
QUALITY_ALERTS = """
SELECT raised_at_utc, kind, run_id, job_name, failed_steps, message, notified
FROM ops.alerts
ORDER BY raised_at_utc DESC
LIMIT ?
"""

# Rows in the published warehouse's quarantine register, per source family (full warehouse
# only: authorised roles). No params.
QUALITY_QUARANTINE_FAMILIES = """
SELECT source_family, count(*) AS rows
FROM raw.quarantine
GROUP BY source_family
ORDER BY source_family
"""

# The quarantined rows of some families whose file, sheet, row, column, value or reason contains
# a search text (case-insensitive, taken literally; '' matches every row), in the order a clerk
# works through them. Full warehouse only. Params: search text, search text, families (list).
QUALITY_QUARANTINE_ROWS = """
SELECT source_family, source_file, source_sheet, source_row, column_name, value, reason
FROM raw.quarantine
WHERE (
        ? = ''
        OR contains(
            lower(concat_ws(' ', source_file, source_sheet, CAST(source_row AS VARCHAR), column_name, value, reason)),
            lower(?)
        )
    )
  AND list_contains(?, source_family)
ORDER BY source_family, source_file, source_sheet, source_row, column_name
"""

# Review flags of the published build (audit.audit_review_flags: region-years whose figures are
# unusual but possible; they never block), with the region's names, in the order an officer works
# through them: newest year first. Full warehouse only (authorised roles). No params.
QUALITY_REVIEW_FLAGS = """
SELECT
    flags.region_code,
    region.name_zh,
    region.name_en,
    flags.year,
    flags.rule_code,
    flags.indicator,
    flags.value,
    flags.reference_value,
    flags.message_zh,
    flags.message_en
FROM audit.audit_review_flags AS flags
LEFT JOIN marts.dim_region AS region ON region.region_code = flags.region_code
ORDER BY flags.year DESC, flags.region_code, flags.rule_code
"""
