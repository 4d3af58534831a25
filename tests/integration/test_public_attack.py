"""The attack on real public files: no enterprise figure can be recovered, no identifying text.

(a) the nightly build of the bundled sample (the session-wide `sample_warehouse`);
(b) the nightly build of the placement inbox (tests/fixtures/placement_inbox.py), whose
    enterprises sit where each published relation is easiest to attack;
(c) the placement build holds what it is there to test, so (b) cannot pass vacuously.
The attack and its criteria: tests/attack/public_attack.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pytest

from tests.attack import public_attack as pa
from tests.fixtures.placement_inbox import ENTERPRISES, YEAR, expected_credit_codes, placement_inbox
from tests.integration.build_helpers import run_nightly_build

pytestmark = pytest.mark.integration

WAREHOUSES = ("sample_warehouse", "placement_warehouse")


@pytest.fixture(scope="module")
def placement_warehouse(tmp_path_factory) -> Path:
    inbox = placement_inbox(tmp_path_factory.mktemp("placement_inbox"))
    folder = tmp_path_factory.mktemp("placement_warehouse")
    result = run_nightly_build(inbox, folder)
    assert result.success, "the nightly build failed on the placement inbox"
    return folder


@cache
def _attack(public: Path) -> tuple[pa.AttackResult, list[pa.Finding]]:
    """The attack and its evaluation against the full warehouse, once per public file."""
    model = pa.read_public_model(public)
    assert model.mode == "contract", (
        f"{public} has no marts.agg_enterprise_emissions: it does not follow docs/methodology.md ('The public warehouse and confidentiality')")
    return pa.attack_against_truth(public, model=model)


def _public(request, name: str) -> Path:
    return pa.public_file(request.getfixturevalue(name))


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_public_file_follows_the_contract(request, warehouse):
    public = _public(request, warehouse)
    with duckdb.connect(str(public), read_only=True) as con:
        tables = {(s, t) for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()}
    assert ("marts", "agg_enterprise_emissions") in tables, (
        f"{public} has no marts.agg_enterprise_emissions: it does not follow docs/methodology.md ('The public warehouse and confidentiality'), and the "
        "attack cannot read its cells")


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_no_enterprise_figure_can_be_recovered(request, warehouse):
    public = _public(request, warehouse)
    result, evaluation = _attack(public)
    problems = [f for f in result.findings + evaluation if f.kind in pa.LEAK_KINDS]
    assert not problems, f"the public file gives enterprise figures away:\n{pa.summarize(problems)}"


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_the_attack_models_the_file_correctly(request, warehouse):
    """The relations hold, copies agree, and every cell matches the full warehouse: otherwise
    'nothing recovered' would mean nothing."""
    public = _public(request, warehouse)
    result, evaluation = _attack(public)
    problems = [f for f in result.findings + evaluation if f.kind in pa.MODEL_PROBLEM_KINDS]
    assert not problems, f"the attack's model of the public file is wrong:\n{pa.summarize(problems)}"
    unknown = [k for k, c in result.model.cells.items() if c.status in pa.UNKNOWN_STATES]
    assert unknown and result.model.relations, "nothing is hidden or related: the attack had nothing to attack"


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_no_identifying_text_in_the_public_file(request, warehouse):
    public = _public(request, warehouse)
    secrets = pa.identifying_strings(pa.full_file(public))
    assert secrets["credit_code"] and secrets["enterprise_name"] and secrets["source_file"]
    hits = pa.scan_identifiers(public, secrets=secrets)
    assert hits == [], "identifying text in the public file:\n" + "\n".join(map(str, hits[:40]))


# ----------------------------------------------------------------------------------------------
# (c) the placement build holds what it is there to test

def _agg(public: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(public), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_placement_enterprises_are_where_they_were_placed(placement_warehouse):
    codes = expected_credit_codes()
    with duckdb.connect(str(placement_warehouse / "ghg.duckdb"), read_only=True) as con:
        rows = {code: (region, in_ets, status) for code, region, in_ets, status in con.execute(
            "select credit_code, region_code, in_ets, data_status from marts.fct_enterprise_year where year = ?",
            [YEAR]).fetchall()}
    assert len(rows) == len(ENTERPRISES)
    for ident, region, _sector, in_ets, *_ in ENTERPRISES:
        assert rows[codes[ident]] == (region, in_ets, "verified" if in_ets else "reported"), ident


def test_placement_truth_has_the_cells_it_attacks(placement_warehouse):
    """Single-enterprise cells at every level, a dominant county, a one-enterprise market remainder."""
    truth = pa.load_truth(placement_warehouse / "ghg.duckdb")
    codes = expected_credit_codes()

    def members(*key):
        return {atom[1] for atom in truth.atoms((key[0], YEAR, *key[1:]))}

    assert members(pa.ENTERPRISE, "620100", pa.NAB, pa.ALL) == {codes["E11"]}        # city code of 兰州
    assert members(pa.ENTERPRISE, "620400", pa.NAB, pa.ALL) == {codes["E18"]}        # city code of 白银
    assert members(pa.ENTERPRISE, "620000", pa.NAB, pa.ALL) == {codes["E26"]}        # province code
    assert members(pa.ENTERPRISE, "620321", pa.TOTAL, pa.ALL) == {codes["E25"]}      # 金昌 minus 金川区
    assert members(pa.NONMARKET, "620000", pa.TOTAL, pa.ALL) == {codes["E28"]}       # relation 3
    for sector, ident in (("paper", "E10"), ("aviation", "E26"), ("nonferrous", "E25"), ("petrochemical", "E18")):
        assert members(pa.ENTERPRISE, "620000", pa.TOTAL, f"sector_{sector}") == {codes[ident]}
    for process, ident in (("calcium_carbide", "E11"), ("aluminium_anode", "E25"), ("catalyst_regeneration", "E18")):
        assert members(pa.PROCESS, "620000", pa.TOTAL, f"process_{process}") == {codes[ident]}
    _, n, top = pa.enterprise_shares(truth.atoms((pa.ENTERPRISE, YEAR, "620104", pa.TOTAL, pa.ALL)))
    assert n == 3 and top > 0.8                                                       # dominant county


def test_placement_public_file_has_the_cells_and_reasons(placement_warehouse):
    public = pa.public_file(placement_warehouse)
    nab = {r for (r,) in _agg(public, "select region_code from marts.agg_enterprise_emissions where measure = "
                                      "'enterprise_co2' and region_scope = 'not_allocated_below' and year = ?", [YEAR])}
    assert {"620000", "620100", "620400"} <= nab and "620200" not in nab            # 嘉峪关 has no children
    reasons = {r for (r,) in _agg(public, "select distinct suppression_reason from marts.agg_enterprise_emissions "
                                          "where suppressed")}
    assert {pa.REASON_FEW, pa.REASON_DOMINANT, pa.REASON_COMPLEMENTARY} <= reasons
    assert _agg(public, "select suppression_reason from marts.agg_enterprise_emissions where measure = "
                        "'enterprise_co2' and region_code = '620104' and region_scope = 'total' and breakdown_code = 'all' "
                        "and year = ?",
                [YEAR]) == [(pa.REASON_DOMINANT,)]
    markets = {m for (m,) in _agg(public, "select measure from marts.agg_enterprise_emissions where region_code = "
                                          "'620000' and year = ? and measure like 'market%'", [YEAR])}
    assert markets == {pa.MARKET, pa.MARKET_DIRECT}
    # the copies the attack reads exist for the placement year
    assert _agg(public, "select count(*) from marts.fct_region_year where year = ? and region_code = '620000'",
                [YEAR]) == [(1,)]
    assert _agg(public, "select count(*) from marts.fct_market_coverage where year = ? and region_code = '620000'",
                [YEAR]) == [(1,)]
    assert _agg(public, "select count(*) from marts.fct_energy_emissions where year = ? and region_code = '620000' "
                        "and is_process", [YEAR])[0][0] >= 5


def test_placement_attack_has_work_to_do(placement_warehouse):
    """The attack sees the relations of every kind and unknown cells in each."""
    result, _ = _attack(pa.public_file(placement_warehouse))
    labels = {r.label.split(" ")[0] for r in result.model.relations}
    assert {"hierarchy", "breakdown", "market"} <= labels
    hidden = {k[0] for k, c in result.model.cells.items() if c.status == pa.HIDDEN}
    assert {pa.ENTERPRISE, pa.PROCESS} <= hidden
    assert (pa.NONMARKET, YEAR, "620000", pa.TOTAL, pa.ALL) in result.intervals


def test_a_partial_report_is_marked_and_counted_where_it_is_aggregated(placement_warehouse):
    """E29's verified report (in force) has a quarantined line: the enterprise-year says how many,
    with the review flag, and the public aggregates that include it count it."""
    code = expected_credit_codes()["E29"]
    with duckdb.connect(str(pa.full_file(pa.public_file(placement_warehouse))), read_only=True) as con:
        quarantined, flags = con.execute(
            "select quarantined_lines_count, review_flags from marts.fct_enterprise_year where credit_code = ?", [code]
        ).fetchall()[0]
    assert quarantined == 1 and "incomplete_report" in flags.split("|")
    # 620302 and 金昌 are hidden (complementary to 620321's single enterprise), and so is the
    # province's market cell (E28 alone outside the market); the province total shows the count.
    with duckdb.connect(str(pa.public_file(placement_warehouse)), read_only=True) as con:
        counts = dict(con.execute("""
            select measure, incomplete_reports_count from marts.agg_enterprise_emissions
            where region_code = '620000' and region_scope = 'total' and breakdown_code = 'all'
              and measure in ('enterprise_co2', 'market_co2')""").fetchall())
    assert counts == {"enterprise_co2": 1, "market_co2": None}
