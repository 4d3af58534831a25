"""What one run of the build rebuilds: everything, or one report year on top of the publication.

The nightly build and a year backfill are the same asset graph (ingestion → dbt → checks →
publication), partitioned by this definition:

- partition "all": read the whole inbox into a fresh build file — the nightly build;
- partition "2018" (any year 2005–2035): copy the published full warehouse into the build file and
  replace only that report year's rows of the year-keyed raw tables from the inbox as it is now —
  a backfill, e.g. when a corrected 2018 balance table or a batch of re-checked 2018 reports
  arrives long after the year closed. Exchange prices have no report year and are kept as published.

Everything after ingestion (dbt build, the Great Expectations checks, the completeness gate, the
one publication) is identical for both.
"""

from __future__ import annotations

from dagster import StaticPartitionsDefinition

FULL = "all"
# The 2005 base year of the 11th plan to the end of the 15th plan.
FIRST_YEAR, LAST_YEAR = 2005, 2035
BUILD_PARTITIONS = StaticPartitionsDefinition([FULL, *(str(year) for year in range(FIRST_YEAR, LAST_YEAR + 1))])


def reload_year(partition_key: str | None) -> int | None:
    """The report year a run reloads, or None for a full build ("all", or no partition)."""
    if partition_key in (None, "", FULL):
        return None
    year = int(partition_key)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"partition {partition_key!r}: years run from {FIRST_YEAR} to {LAST_YEAR}")
    return year
