"""The blocking dbt test "no negative emissions or intensities in any mart" scans every mart the
database holds, but dbt only runs it after the marts it names (its `depends_on` lines): a mart
missing from that list could be scanned before it is built. Every mart must be named."""

from __future__ import annotations

import re

from pipelines import paths

TEST_FILE = paths.DBT_PROJECT_DIR / "tests" / "assert_no_negative_emissions_or_intensities_in_marts.sql"


def test_every_mart_is_built_before_the_negative_values_test():
    marts = {path.stem for path in (paths.DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")}
    named = set(re.findall(r"--\s*depends_on:\s*\{\{\s*ref\('([a-z0-9_]+)'\)\s*\}\}", TEST_FILE.read_text(encoding="utf-8")))
    assert marts, "no marts found"
    assert marts <= named, f"add a depends_on line for: {sorted(marts - named)}"
