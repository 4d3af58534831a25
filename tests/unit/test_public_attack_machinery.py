"""The attack on the public file finds what it must (so the attack test can fail), and nothing
in a safe file. Tiny public files are written by hand, following docs/methodology.md ('The public warehouse and confidentiality')."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from tests.attack import public_attack as pa
from tests.attack.public_attack import (
    ALL, ENTERPRISE, MARKET, MARKET_DIRECT, NAB, NONMARKET, PROCESS, TOTAL, Cell, PublicModel, Relation, Truth,
)

YEAR = 2020
P, C1, C2, C3 = "620000", "620100", "620300", "620400"
K11, K12, K13 = "620102", "620103", "620104"
K21, K22 = "620302", "620321"
K31, K32 = "620402", "620403"
REGIONS = [
    (P, "甘肃省", "province", None, P, None),
    (C1, "兰州市", "city", P, P, None), (K11, "城关区", "county", C1, P, C1), (K12, "七里河区", "county", C1, P, C1),
    (K13, "西固区", "county", C1, P, C1),
    (C2, "金昌市", "city", P, P, None), (K21, "金川区", "county", C2, P, C2), (K22, "永昌县", "county", C2, P, C2),
    (C3, "白银市", "city", P, P, None), (K31, "白银区", "county", C3, P, C3), (K32, "平川区", "county", C3, P, C3),
]
FEW, DOMINANT, COMPLEMENTARY = pa.REASON_FEW, pa.REASON_DOMINANT, pa.REASON_COMPLEMENTARY


def shown(measure, region, value, count, scope=TOTAL, breakdown=ALL):
    return (measure, region, YEAR, scope, breakdown, count, 0, value, False, None)


def hidden(measure, region, reason, scope=TOTAL, breakdown=ALL):
    return (measure, region, YEAR, scope, breakdown, None, None, None, True, reason)


def write_public(path: Path, agg: list[tuple], *, region_year: list[dict] | None = None,
                 market: list[dict] | None = None, process_rows: list[dict] | None = None,
                 extra_sql: list[str] = ()) -> Path:
    """A public file with the contract's tables (only the columns the attack reads, plus a few)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema reference")
        con.execute("""create table marts.dim_region (region_code varchar, name_zh varchar, level varchar,
                       parent_code varchar, province_code varchar, city_code varchar)""")
        con.executemany("insert into marts.dim_region values (?, ?, ?, ?, ?, ?)", REGIONS)
        con.execute("""create table marts.agg_enterprise_emissions (measure varchar, region_code varchar, year integer,
                       region_scope varchar, breakdown_code varchar, enterprise_count integer,
                       incomplete_reports_count integer, co2_t double, suppressed boolean, suppression_reason varchar)""")
        if agg:
            con.executemany("insert into marts.agg_enterprise_emissions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", agg)
        con.execute("""create table marts.fct_region_year (region_code varchar, year integer, co2_t double,
                       co2_process_t double, co2_with_process_t double, co2e_t double, process_suppressed boolean,
                       process_suppression_reason varchar)""")
        for row in region_year or []:
            con.execute(f"insert into marts.fct_region_year by name {_values(row)}")
        con.execute("""create table marts.fct_market_coverage (region_code varchar, year integer, level varchar,
                       ets_enterprises_count integer, ets_verified_co2_t double, ets_verified_direct_co2_t double,
                       inventory_co2_t double, coverage_share double, direct_coverage_share double,
                       suppressed boolean, suppression_reason varchar)""")
        for row in market or []:
            con.execute(f"insert into marts.fct_market_coverage by name {_values(row)}")
        con.execute("""create table marts.fct_energy_emissions (region_code varchar, year integer, sector_code varchar,
                       fuel_code varchar, is_process boolean, activity_value double, co2_t double, co2e_t double,
                       suppressed boolean, suppression_reason varchar)""")
        for row in process_rows or []:
            con.execute(f"insert into marts.fct_energy_emissions by name {_values(row)}")
        for sql in extra_sql:
            con.execute(sql)
    return path


def _values(row: dict) -> str:
    def literal(v):
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(float(v)) if isinstance(v, float) else str(v)
        return "'" + str(v).replace("'", "''") + "'"
    return "select " + ", ".join(f"{literal(v)} as {k}" for k, v in row.items())


def key(measure, region, scope=TOTAL, breakdown=ALL):
    return (measure, YEAR, region, scope, breakdown)


def one(code: str, value: float) -> dict:
    return {("co2", code): value}


def kinds(findings) -> set[str]:
    return {f.kind for f in findings}


def findings_for(findings, kind, cell_key):
    return [f for f in findings if f.kind == kind and f.key == cell_key]


# ----------------------------------------------------------------------------------------------

def test_city_minus_its_counties_gives_away_its_not_allocated_below(tmp_path):
    """兰州: two visible counties and one enterprise registered at the city code (its only hidden cell)."""
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 1000.37, 7), shown(ENTERPRISE, C1, 1000.37, 7),
        shown(ENTERPRISE, K11, 400.11, 3), shown(ENTERPRISE, K12, 350.19, 3),
        hidden(ENTERPRISE, C1, FEW, scope=NAB),
    ])
    result = pa.attack(public)
    nab = key(ENTERPRISE, C1, NAB)
    [found] = findings_for(result.findings, pa.SUBTRACTION, nab)
    assert "620100" in found.detail and "620102" in found.detail and "620103" in found.detail
    lo, hi = result.intervals[nab]
    assert lo == pytest.approx(250.07, abs=1e-3) and hi == pytest.approx(250.07, abs=1e-3)

    truth = Truth({nab: one("91620100MA0000000X", 250.07)}, {YEAR})
    evaluation = pa.evaluate(result, truth)
    assert findings_for(evaluation, pa.RECOVERY, nab) and findings_for(evaluation, pa.PRIMARY_PINNED, nab)


def test_absent_cells_are_zero(tmp_path):
    """A county absent from the table holds no enterprise: it cannot hide the remainder."""
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 700.25, 6), shown(ENTERPRISE, C1, 700.25, 6),
        shown(ENTERPRISE, K11, 400.13, 5), hidden(ENTERPRISE, K12, FEW),   # K13 and C1's NAB absent
    ])
    result = pa.attack(public)
    assert result.intervals[key(ENTERPRISE, K12)] == pytest.approx((300.12, 300.12), abs=1e-3)
    assert result.model.cells[key(ENTERPRISE, C1, NAB)].status == pa.ZERO
    assert key(ENTERPRISE, K13) not in result.model.cells            # an absent child adds nothing


def test_lp_pins_a_cell_that_no_single_relation_gives_away(tmp_path):
    """Two hidden cities, each with a visible county and a tiny hidden one: the province and the
    two city relations together bound 兰州 within 1 % though no subtraction yields it."""
    c1_true, c3_true = 4990.13 + 10.21, 2000.41 + 12.33
    province = c1_true + 3000.52 + c3_true
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, province, 40),
        hidden(ENTERPRISE, C1, DOMINANT), shown(ENTERPRISE, K11, 4990.13, 9), hidden(ENTERPRISE, K12, FEW),
        shown(ENTERPRISE, C2, 3000.52, 12), shown(ENTERPRISE, K21, 3000.52, 12),
        hidden(ENTERPRISE, C3, COMPLEMENTARY), shown(ENTERPRISE, K31, 2000.41, 8), hidden(ENTERPRISE, K32, FEW),
    ])
    result = pa.attack(public)
    city = key(ENTERPRISE, C1)
    assert not findings_for(result.findings, pa.SUBTRACTION, city)
    lo, hi = result.intervals[city]
    assert lo == pytest.approx(4990.13, abs=1e-3) and hi == pytest.approx(province - 3000.52 - 2000.41, abs=1e-3)
    truth = Truth({city: {("co2", "A"): 0.9 * c1_true, ("co2", "B"): 0.05 * c1_true, ("co2", "C"): 0.05 * c1_true}},
                  {YEAR})
    [pinned] = findings_for(pa.evaluate(result, truth), pa.PRIMARY_PINNED, city)
    assert pinned.lo >= 0.99 * c1_true and pinned.hi <= 1.01 * c1_true


def test_two_dimensional_table_pinned_by_lp():
    """Rows × breakdown with row, column and grand totals: the hidden block is all tiny except
    one cell; each row and column has two hidden members, yet the LP pins the big one within 1 %."""
    rows, columns = ["R1", "R2", "R3"], ["b1", "b2", "b3"]
    values = {("R1", "b1"): 1000.31, ("R1", "b2"): 1.13, ("R2", "b1"): 2.21, ("R2", "b2"): 1.72,
              ("R1", "b3"): 50.5, ("R2", "b3"): 61.3, ("R3", "b1"): 70.7, ("R3", "b2"): 80.9, ("R3", "b3"): 90.1}
    hidden_cells = {("R1", "b1"), ("R1", "b2"), ("R2", "b1"), ("R2", "b2")}
    cells, relations = {}, []

    def add(k, value, hide):
        cells[k] = Cell(k, pa.HIDDEN if hide else pa.SHOWN, co2=None if hide else value,
                        reason=FEW if hide else None)

    for (r, b), value in values.items():
        add(key(ENTERPRISE, r, TOTAL, b), value, (r, b) in hidden_cells)
    for r in rows:
        add(key(ENTERPRISE, r), sum(values[(r, b)] for b in columns), False)
        relations.append(Relation(key(ENTERPRISE, r), tuple(key(ENTERPRISE, r, TOTAL, b) for b in columns), f"row {r}"))
    for b in columns:
        add(key(ENTERPRISE, P, TOTAL, b), sum(values[(r, b)] for r in rows), False)
        relations.append(Relation(key(ENTERPRISE, P, TOTAL, b), tuple(key(ENTERPRISE, r, TOTAL, b) for r in rows),
                                  f"column {b}"))
    add(key(ENTERPRISE, P), sum(values.values()), False)
    relations.append(Relation(key(ENTERPRISE, P), tuple(key(ENTERPRISE, P, TOTAL, b) for b in columns), "grand"))
    model = PublicModel(None, "contract", cells, relations, [])

    result = pa.attack(model)
    big = key(ENTERPRISE, "R1", TOTAL, "b1")
    assert not pa.simple_attacks(model)
    lo, hi = result.intervals[big]
    assert 0.99 * 1000.31 <= lo <= 1000.31 <= hi <= 1.01 * 1000.31
    # x11 = t, x12 = r1 − t, x21 = c1 − t, x22 = r2 − c1 + t ≥ 0 over the hidden block's margins
    r1, r2, c1 = 1000.31 + 1.13, 2.21 + 1.72, 1000.31 + 2.21
    assert (lo, hi) == pytest.approx((c1 - r2, r1), abs=1e-3)
    truth = Truth({big: one("A", 1000.31)}, {YEAR})
    assert findings_for(pa.evaluate(result, truth), pa.RECOVERY, big)


def test_copy_in_fct_region_year_that_the_table_hides(tmp_path):
    """process_co2 of 兰州 hidden in agg_enterprise_emissions, but fct_region_year publishes it —
    directly (co2_process_t) and by subtraction (co2_with_process_t − co2_t)."""
    agg = [shown(PROCESS, P, 900.5, 6), hidden(PROCESS, C1, COMPLEMENTARY), hidden(PROCESS, C2, FEW),
           hidden(PROCESS, K11, FEW), hidden(PROCESS, K12, FEW), hidden(PROCESS, K21, FEW)]
    region_year = [
        dict(region_code=C1, year=YEAR, co2_t=1e6, co2_process_t=600.25, co2_with_process_t=1e6 + 600.25,
             process_suppressed=False),
        dict(region_code=C2, year=YEAR, co2_t=2e6, co2_process_t=None, co2_with_process_t=2e6 + 300.25,
             process_suppressed=True, process_suppression_reason=FEW),
    ]
    result = pa.attack(write_public(tmp_path / "ghg_public.duckdb", agg, region_year=region_year))
    direct = findings_for(result.findings, pa.COPY_LEAK, key(PROCESS, C1))
    assert direct and "co2_process_t" in direct[0].detail
    # a suppressed row that still shows co2_with_process_t is a leak by itself, and a copy too
    assert findings_for(result.findings, pa.VALUE_ON_SUPPRESSED, key(PROCESS, C2))
    assert any("co2_with_process_t − co2_t" in f.detail for f in findings_for(result.findings, pa.COPY_LEAK,
                                                                              key(PROCESS, C2)))
    assert result.leaks()


def test_market_coverage_share_and_process_rows_are_copies(tmp_path):
    """coverage_share × inventory_co2_t gives a hidden market_co2; a process row of
    fct_energy_emissions shows what the breakdown cell hides."""
    agg = [shown(ENTERPRISE, P, 5000.5, 20), hidden(MARKET, P, DOMINANT), hidden(MARKET_DIRECT, P, DOMINANT),
           shown(PROCESS, P, 300.3, 5), hidden(PROCESS, P, FEW, breakdown="process_calcium_carbide"),
           hidden(PROCESS, P, COMPLEMENTARY, breakdown="process_cement_clinker")]
    market = [dict(region_code=P, year=YEAR, level="province", ets_enterprises_count=None, ets_verified_co2_t=None,
                   ets_verified_direct_co2_t=None, inventory_co2_t=1e7, coverage_share=4000.4 / 1e7,
                   direct_coverage_share=None, suppressed=False)]
    process_rows = [dict(region_code=P, year=YEAR, sector_code="process_cement_clinker", fuel_code="none",
                         is_process=True, co2_t=200.1, co2e_t=200.1, suppressed=False)]
    result = pa.attack(write_public(tmp_path / "ghg_public.duckdb", agg, market=market, process_rows=process_rows))
    [share] = findings_for(result.findings, pa.COPY_LEAK, key(MARKET, P))
    assert "coverage_share" in share.detail and share.lo == pytest.approx(4000.4, abs=0.02)
    assert findings_for(result.findings, pa.COPY_LEAK, key(PROCESS, P, TOTAL, "process_cement_clinker"))
    # and then the other process cell follows by subtraction
    carbide = key(PROCESS, P, TOTAL, "process_calcium_carbide")
    assert result.intervals[carbide] == pytest.approx((100.2, 100.2), abs=1e-3)


def test_non_market_remainder_of_one_enterprise(tmp_path):
    """enterprise_co2 − market_co2 of the province is one enterprise (relation 3)."""
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 8000.8, 12), shown(MARKET, P, 7400.3, 11), shown(MARKET_DIRECT, P, 6100.1, 11),
        shown(ENTERPRISE, P, 3000.1, 4, breakdown="sector_power"), shown(ENTERPRISE, P, 5000.7, 8, breakdown="sector_other"),
    ])
    result = pa.attack(public)
    rest = key(NONMARKET, P)
    assert findings_for(result.findings, pa.SUBTRACTION, rest)
    assert result.count_intervals[rest] == pytest.approx((1, 1))
    truth = Truth({rest: one("E28", 600.5), key(ENTERPRISE, P): {("co2", c): 8000.8 / 12 for c in "ABCDEFGHIJKL"}},
                  {YEAR})
    evaluation = pa.evaluate(result, truth)
    assert findings_for(evaluation, pa.RECOVERY, rest) and findings_for(evaluation, pa.CONFIDENTIAL_PINNED, rest)


def test_difference_of_two_visible_cells_is_one_enterprise(tmp_path):
    """sector_power (A, B, C) and market_co2 (A, B) are both shown: their difference is C."""
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 900.9, 6), shown(ENTERPRISE, P, 600.6, 3, breakdown="sector_power"),
        shown(ENTERPRISE, P, 300.3, 3, breakdown="sector_other"), shown(MARKET, P, 450.4, 2),
    ])
    result = pa.attack(public)
    truth = Truth({
        key(ENTERPRISE, P, TOTAL, "sector_power"): {("co2", "A"): 250.2, ("co2", "B"): 200.2, ("co2", "C"): 150.2},
        key(MARKET, P): {("co2", "A"): 250.2, ("co2", "B"): 200.2},
    }, {YEAR})
    [found] = [f for f in pa.evaluate(result, truth) if f.kind == pa.DIFFERENCE_RECOVERY]
    assert found.key == key(ENTERPRISE, P, TOTAL, "sector_power") and found.true_value == pytest.approx(150.2)


def test_safe_pattern_gives_nothing_away(tmp_path):
    """Every relation with a hidden member has at least two, of comparable size: nothing pinned."""
    agg = [
        shown(ENTERPRISE, P, 2581.68, 14),
        shown(ENTERPRISE, C1, 1001.27, 8), shown(ENTERPRISE, K11, 420.03, 6),
        hidden(ENTERPRISE, K12, FEW), hidden(ENTERPRISE, K13, FEW),            # 300.41 and 280.83
        hidden(ENTERPRISE, C2, FEW), hidden(ENTERPRISE, K21, FEW),             # 790.2, one county
        hidden(ENTERPRISE, C3, COMPLEMENTARY), hidden(ENTERPRISE, K31, FEW), hidden(ENTERPRISE, K32, FEW),
        shown(ENTERPRISE, P, 1800.5, 10, breakdown="sector_power"),
        hidden(ENTERPRISE, P, FEW, breakdown="sector_paper"), hidden(ENTERPRISE, P, FEW, breakdown="sector_steel"),
    ]
    result = pa.attack(write_public(tmp_path / "ghg_public.duckdb", agg))
    assert not result.leaks() and not result.of_kind(pa.SUBTRACTION, pa.INCONSISTENT)
    k12 = key(ENTERPRISE, K12)
    assert result.intervals[k12] == pytest.approx((0.0, 1001.27 - 420.03), abs=1e-3)
    truth = Truth({
        k12: one("A", 300.41), key(ENTERPRISE, K13): one("B", 280.83),
        key(ENTERPRISE, C2): {("co2", "C"): 790.2}, key(ENTERPRISE, K21): {("co2", "C"): 790.2},
        key(ENTERPRISE, C3): {("co2", "D"): 400.1, ("co2", "E"): 390.11},
        key(ENTERPRISE, K31): one("D", 400.1), key(ENTERPRISE, K32): one("E", 390.11),
        key(ENTERPRISE, P, TOTAL, "sector_paper"): one("A", 300.41),
        key(ENTERPRISE, P, TOTAL, "sector_steel"): {("co2", "B"): 280.83, ("co2", "F"): 199.94},
    }, {YEAR})
    evaluation = pa.evaluate(result, truth)
    assert not [f for f in evaluation if f.kind in pa.LEAK_KINDS], pa.summarize(evaluation)


def test_relations_that_do_not_hold_are_reported(tmp_path):
    """A file whose published relations are wrong cannot pass: the attack says so."""
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 1000.0, 9), shown(ENTERPRISE, C1, 800.0, 6), shown(ENTERPRISE, C2, 300.0, 3),
        shown(PROCESS, P, 100.0, 3), shown(PROCESS, C1, 60.0, 3), hidden(PROCESS, C2, FEW), hidden(PROCESS, C3, FEW),
        shown(PROCESS, P, 200.0, 3, breakdown="process_limestone"),
    ])
    result = pa.attack(public)
    inconsistent = result.of_kind(pa.INCONSISTENT)
    assert any("hierarchy enterprise_co2/2020/620000" in f.detail for f in inconsistent)
    assert any(f.key[0] == PROCESS for f in inconsistent)


def test_truth_mismatch_is_reported(tmp_path):
    """When the public file and the full warehouse disagree, the model is wrong: say so."""
    public = write_public(tmp_path / "ghg_public.duckdb", [shown(ENTERPRISE, P, 1000.0, 5), shown(ENTERPRISE, C1, 1000.0, 5)])
    result = pa.attack(public)
    truth = Truth({key(ENTERPRISE, P): {("co2", c): 250.0 for c in "ABCD"},
                   key(ENTERPRISE, C1): {("co2", c): 250.0 for c in "ABCD"},
                   key(ENTERPRISE, C2): one("E", 10.0)}, {YEAR})
    regions = ({r: parent for r, _, _, parent, _, _ in REGIONS}, {r: level for r, _, level, _, _, _ in REGIONS})
    mismatches = [f for f in pa.evaluate(result, truth, regions=regions) if f.kind == pa.TRUTH_MISMATCH]
    assert {f.key for f in mismatches} >= {key(ENTERPRISE, P), key(ENTERPRISE, C2)}


def test_public_file_is_found_in_the_folder_or_current(tmp_path):
    direct = write_public(tmp_path / "a" / "ghg_public.duckdb", [])
    nested = write_public(tmp_path / "b" / "current" / "ghg_public.duckdb", [])
    assert pa.public_file(tmp_path / "a") == direct
    assert pa.public_file(tmp_path / "b") == nested
    with pytest.raises(FileNotFoundError):
        pa.public_file(tmp_path)


# ----------------------------------------------------------------------------------------------
# truth

def test_truth_assigns_each_enterprise_to_its_cells(tmp_path):
    full = tmp_path / "ghg.duckdb"
    with duckdb.connect(str(full)) as con:
        for schema in ("marts", "raw", "reference"):
            con.execute(f"create schema {schema}")
        con.execute("""create table marts.dim_region (region_code varchar, name_zh varchar, level varchar,
                       parent_code varchar, province_code varchar, city_code varchar)""")
        con.executemany("insert into marts.dim_region values (?, ?, ?, ?, ?, ?)", REGIONS)
        con.execute("""create table marts.fct_enterprise_year (credit_code varchar, year integer, region_code varchar,
                       sector_code varchar, in_ets boolean, data_status varchar, co2_t double, co2_combustion_t double,
                       co2_process_t double)""")
        con.executemany("insert into marts.fct_enterprise_year values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("A", YEAR, K11, "power", True, "verified", 100.0, 90.0, 0.0),
            ("B", YEAR, C1, "building_materials", True, "reported", 50.0, 20.0, 30.0),   # at the city code
            ("C", YEAR, P, "aviation", False, "reported", 7.0, 7.0, 0.0),                # at the province code
        ])
        con.execute("""create table marts.fct_enterprise_report_version (credit_code varchar, year integer,
                       data_status varchar, submitted_on date, source_file varchar, is_authoritative boolean)""")
        con.executemany("insert into marts.fct_enterprise_report_version values (?, ?, ?, ?, ?, ?)", [
            ("B", YEAR, "reported", "2021-03-01", "x.csv", True), ("B", YEAR - 1, "reported", "2020-03-01", "x.csv", True),
        ])
        con.execute("""create table raw.enterprise_report_lines (credit_code varchar, report_year integer,
                       data_status varchar, submitted_on date, source_file varchar, source_category varchar,
                       source_name varchar, activity_value double, emission_factor double)""")
        con.executemany("insert into raw.enterprise_report_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("B", YEAR, "reported", "2021-03-01", "x.csv", "process", "熟料生产", 40.0, 0.5),
            ("B", YEAR, "reported", "2021-03-01", "x.csv", "process", "石灰石分解", 20.0, 0.5),
            ("B", YEAR, "reported", "2021-03-01", "x.csv", "combustion", "原煤", 10.0, None),
        ])
        con.execute("create table reference.ref_industrial_processes (process_code varchar, aliases varchar)")
        con.executemany("insert into reference.ref_industrial_processes values (?, ?)",
                        [("cement_clinker", "熟料生产|熟料"), ("limestone", "石灰石分解|石灰石")])
    truth = pa.load_truth(full)
    assert truth.atoms(key(ENTERPRISE, P)) == {("co2", "A"): 100.0, ("co2", "B"): 50.0, ("co2", "C"): 7.0}
    assert truth.atoms(key(ENTERPRISE, P, NAB)) == {("co2", "C"): 7.0}
    assert truth.atoms(key(ENTERPRISE, C1, NAB)) == {("co2", "B"): 50.0}
    assert truth.atoms(key(ENTERPRISE, C1)) == {("co2", "A"): 100.0, ("co2", "B"): 50.0}
    assert truth.atoms(key(ENTERPRISE, K11, NAB)) == {}                      # a county has no children
    assert truth.atoms(key(ENTERPRISE, P, TOTAL, "sector_aviation")) == {("co2", "C"): 7.0}
    assert truth.atoms(key(MARKET, P)) == {("co2", "A"): 100.0}              # B is only self-reported
    assert truth.atoms(key(MARKET_DIRECT, P)) == {("direct", "A"): 90.0}
    assert truth.atoms(key(NONMARKET, P)) == {("co2", "B"): 50.0, ("co2", "C"): 7.0}
    assert truth.atoms(key(PROCESS, P)) == {("process", "B", "cement_clinker"): 20.0, ("process", "B", "limestone"): 10.0}
    assert truth.atoms(key(PROCESS, P, TOTAL, "process_limestone")) == {("process", "B", "limestone"): 10.0}
    value, n, top = pa.enterprise_shares(truth.atoms(key(PROCESS, P)))
    assert (value, n, top) == (30.0, 1, 1.0)


# ----------------------------------------------------------------------------------------------
# the scan

@pytest.fixture
def full_with_secrets(tmp_path) -> Path:
    full = tmp_path / "full" / "ghg.duckdb"
    full.parent.mkdir()
    with duckdb.connect(str(full)) as con:
        con.execute("create schema raw")
        con.execute("""create table raw.enterprise_report_lines (source_file varchar, source_sheet varchar,
                       credit_code varchar, enterprise_name varchar)""")
        con.executemany("insert into raw.enterprise_report_lines values (?, ?, ?, ?)", [
            ("enterprise_reports/export/温室气体排放报告_2020.csv", None, "91620102000243109H", "甘肃宏远水泥有限公司"),
            ("enterprise_reports/workbooks/2020/91620103323218493D.xlsx", "基本信息", "91620103323218493D", "某化工厂"),
        ])
        con.execute("create table raw.quarantine (source_family varchar, source_file varchar, column_name varchar, value varchar)")
        con.execute("insert into raw.quarantine values ('enterprise_reports', 'enterprise_reports/export/旧版_2019.csv', "
                    "'统一社会信用代码', '91620104ZZZZZZZZZ1')")
        con.execute("create table raw.ets_allocations (source_file varchar, credit_code varchar)")
        con.execute("insert into raw.ets_allocations values ('enterprise_reports/allocations/配额分配与清缴_2020.csv', "
                    "'91620105MA7777777Q')")
    return full


def test_scan_finds_codes_names_files_and_columns(tmp_path, full_with_secrets):
    public = write_public(tmp_path / "ghg_public.duckdb", [], extra_sql=[
        "create table marts.notes (region_code varchar, note varchar, files varchar[], amount double)",
        "insert into marts.notes values ('620000', '含 甘肃宏远水泥有限公司 的数据', null, 1), "
        "('620100', 'see 91620104zzzzzzzzz1', ['enterprise_reports/export/温室气体排放报告_2020.csv'], 2), "
        "('620200', 'from 91620103323218493D.xlsx', null, 3), ('620300', '配额分配与清缴_2020.csv', null, 4)",
        "create table marts.lines (source_file varchar, source_rows_count integer, enterprise_name varchar)",
        "create schema meta", "create table meta.publication (run_id varchar)",
        "insert into meta.publication values ('旧版_2019.csv')",
    ])
    hits = pa.scan_identifiers(public, full_with_secrets)
    found = {(h.table, h.column, h.kind, h.secret) for h in hits}
    assert ("notes", "note", "enterprise_name", "甘肃宏远水泥有限公司") in found
    assert ("notes", "note", "credit_code", "91620104ZZZZZZZZZ1") in found          # from quarantine, any case
    assert ("notes", "files", "source_file", "enterprise_reports/export/温室气体排放报告_2020.csv") in found
    assert ("notes", "note", "credit_code", "91620103323218493D") in found           # a code-named workbook
    assert ("notes", "note", "source_file", "配额分配与清缴_2020.csv") in found          # a base name
    assert ("publication", "run_id", "source_file", "旧版_2019.csv") in found
    columns = {h.column for h in hits if h.kind == "column_name"}
    assert columns == {"source_file", "enterprise_name"}                           # not source_rows_count


def test_scan_of_a_clean_file_finds_nothing(tmp_path, full_with_secrets):
    public = write_public(tmp_path / "ghg_public.duckdb", [shown(ENTERPRISE, P, 1000.5, 9)], extra_sql=[
        "create table reference.ref_fuels (fuel_code varchar, name_zh varchar, source varchar)",
        "insert into reference.ref_fuels values ('raw_coal', '原煤', 'NDRC guideline')",
    ])
    assert pa.scan_identifiers(public, full_with_secrets) == []


def test_summary_names_every_kind():
    findings = [pa.Finding(pa.RECOVERY, key(ENTERPRISE, P), lo=1.0, hi=1.0, true_value=1.0, enterprises=1,
                           top_share=1.0), pa.Finding(pa.INTERVAL, key(ENTERPRISE, C1), lo=0.0, hi=math.inf)]
    text = pa.summarize(findings)
    assert "recovery: 1" in text and "interval: 1" in text and "enterprise_co2/2020/620000/total/all" in text


def test_findings_carry_the_true_value_when_given_the_truth(tmp_path):
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 1000.5, 9), shown(ENTERPRISE, C1, 1000.5, 9), shown(ENTERPRISE, K11, 500.25, 4),
        hidden(ENTERPRISE, K12, FEW), hidden(ENTERPRISE, K13, FEW),
    ])
    result = pa.attack(public)
    truth = Truth({key(ENTERPRISE, K12): one("A", 300.0), key(ENTERPRISE, K13): {("co2", "B"): 150.0, ("co2", "C"): 50.25}},
                  {YEAR})
    intervals = {f.key: f for f in pa.with_truth(result.of_kind(pa.INTERVAL), truth)}
    k12, k13 = intervals[key(ENTERPRISE, K12)], intervals[key(ENTERPRISE, K13)]
    assert (k12.lo, k12.hi, k12.true_value, k12.enterprises) == (pytest.approx(0.0), pytest.approx(500.25), 300.0, 1)
    assert k13.enterprises == 2 and k13.top_share == pytest.approx(150.0 / 200.25)


def test_a_value_left_on_a_suppressed_row_is_read(tmp_path):
    public = write_public(tmp_path / "ghg_public.duckdb", [
        shown(ENTERPRISE, P, 900.9, 8), shown(ENTERPRISE, C1, 900.9, 8), shown(ENTERPRISE, K11, 600.6, 5),
        (ENTERPRISE, K12, YEAR, TOTAL, ALL, None, None, 200.2, True, FEW), hidden(ENTERPRISE, K13, FEW),
    ])
    result = pa.attack(public)
    k12 = key(ENTERPRISE, K12)
    assert findings_for(result.findings, pa.VALUE_ON_SUPPRESSED, k12) and findings_for(result.findings, pa.COPY_LEAK, k12)
    assert result.intervals[key(ENTERPRISE, K13)] == pytest.approx((100.1, 100.1), abs=1e-3)
