"""The public warehouse: aggregates only, small cells suppressed.

build_public_warehouse(full_db, public_db) reads the published, confidential warehouse
read-only and writes a new DuckDB file holding only aggregate marts. Cells built from
enterprise data (process rows of fct_energy_emissions, fct_market_coverage and
agg_enterprise_sector_year) follow the confidentiality rule of docs DOMAIN.md: suppressed
values are NULL (never 0), with `suppressed` and `suppression_reason`.
The caller publishes the file by the same CHECKPOINT / fsync / os.replace discipline
(publish_public_warehouse).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# Confidentiality thresholds — DOMAIN.md (confidentiality): an aggregate of fewer than 3
# enterprises, or one where a single enterprise exceeds 80 % of the total, is suppressed.
MIN_ENTERPRISES = 3
MAX_DOMINANT_SHARE = 0.80

REASON_FEW = "fewer_than_3_enterprises"
REASON_DOMINANT = "dominant_enterprise_over_80pct"
# Hidden because a published total and its other parts would give a suppressed value by
# subtraction (a city's total minus its visible counties, a region's process total minus its
# visible process sectors).
REASON_SECONDARY = "secondary_to_protect_a_suppressed_cell"

# Aggregate marts copied as they are (no enterprise data in them).
COPIED_TABLES = (
    "dim_region",
    "fct_target_progress",
    "fct_recalculation",
    "fct_market_daily",
    "fct_market_monthly",
    "fct_market_yearly",
)

# Reference tables a public page needs for names, units and sources (plan documents, factor
# sources and exchange names are public; nothing in them is about an enterprise).
COPIED_REFERENCE_TABLES = (
    "ref_targets",
    "ref_indicators",
    "ref_fuels",
    "ref_enterprise_sectors",
    "ref_energy_balance_items",
    "ref_industrial_processes",
    "ref_exchanges",
)

FORBIDDEN_COLUMNS = ("credit_code", "enterprise_name")


def secondary_suppression(values: dict, hidden: set, constraints: list[tuple[object, list]]) -> set:
    """The cells to hide as well, so that no published sum gives away a hidden cell.

    values: cell -> value; hidden: the cells suppressed by the rule; constraints: (total, parts)
    with total = sum(parts). A constraint leaks when exactly one of its non-zero members is
    hidden (the total minus the visible parts, or the total itself). Then the smallest visible
    part is hidden too (the total if it is the only one left); repeated until no constraint
    leaks. Returns the extra cells. Hidden only grows, so this ends.
    """
    hidden = set(hidden)
    extra: set = set()

    def nonzero(cell) -> bool:
        value = values.get(cell)
        return value is not None and value == value and value != 0  # not NULL, not NaN, not 0

    changed = True
    while changed:
        changed = False
        for total, parts in constraints:
            members = [cell for cell in (total, *parts) if nonzero(cell)]
            if sum(1 for cell in members if cell in hidden) != 1:
                continue
            visible_parts = sorted((cell for cell in members if cell not in hidden and cell != total),
                                   key=lambda cell: (abs(values[cell]), str(cell)))
            choice = visible_parts[0] if visible_parts else (total if total in members and total not in hidden else None)
            if choice is not None:
                hidden.add(choice)
                extra.add(choice)
                changed = True
    return extra


def _suppression_sql(n: str, top: str, total: str) -> tuple[str, str]:
    """SQL for (suppressed, suppression_reason) given enterprise count, largest and total."""
    few = f"coalesce({n}, 0) < {MIN_ENTERPRISES}"
    dominant = f"(coalesce({total}, 0) > 0 and {top} > {MAX_DOMINANT_SHARE} * {total})"
    suppressed = f"({few} or {dominant})"
    reason = f"case when {few} then '{REASON_FEW}' when {dominant} then '{REASON_DOMINANT}' end"
    return suppressed, reason


def _ancestors_sql() -> str:
    """Each region with itself, its city and its province (as in int_process_emissions)."""
    return """
        select region_code as leaf, region_code as own from full_db.marts.dim_region
        union
        select region_code, parent_code from full_db.marts.dim_region
        where parent_code is not null and parent_code <> province_code
        union
        select region_code, province_code from full_db.marts.dim_region
        where province_code is not null
    """


def _process_contributions_sql(con: duckdb.DuckDBPyConnection, lines_ok: bool = True) -> str:
    """Per (region, year, process sector, enterprise) process CO2.

    From the report lines of the authoritative versions when the full file has them
    (stg_raw__enterprise_report_lines); otherwise from fct_enterprise_year.co2_process_t
    (region × year, all processes together — conservative for single-process cells).
    """
    have = {
        (s, t)
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'full_db' "
            "union all select schema_name, view_name from duckdb_views() where database_name = 'full_db'"
        ).fetchall()
    }
    lines = next((f'full_db."{s}"."{t}"' for s, t in have if t == "stg_raw__enterprise_report_lines"), None)
    processes = next((f'full_db."{s}"."{t}"' for s, t in have if t == "ref_industrial_processes"), None)
    if lines and processes and lines_ok:
        return f"""
            with latest as (
                select credit_code, year, data_status, submitted_on, source_file
                from full_db.marts.fct_enterprise_report_version where is_authoritative
            ), names as (
                select process_code, unnest(string_split(aliases, '|')) as source_name from {processes}
            ), per_line as (
                select l.credit_code, l.region_code as county_code, l.report_year as year,
                       'process_' || coalesce(names.process_code, 'other') as sector_code,
                       l.activity_value * l.emission_factor as co2_t
                from {lines} as l
                inner join latest on latest.credit_code = l.credit_code and latest.year = l.report_year
                    and latest.data_status = l.data_status
                    and latest.submitted_on is not distinct from l.submitted_on
                    and latest.source_file = l.source_file
                left join names on names.source_name = l.source_name
                where l.source_category = 'process' and l.emission_factor_unit = 'tCO2/t'
            ), county as (
                select p.*, coalesce(e.region_code, p.county_code) as leaf
                from per_line p
                left join (select distinct credit_code, year, region_code from full_db.marts.fct_enterprise_year) e
                    on e.credit_code = p.credit_code and e.year = p.year
            )
            select a.own as region_code, county.year, county.sector_code, county.credit_code, sum(county.co2_t) as co2_t
            from county inner join ({_ancestors_sql()}) a on a.leaf = county.leaf
            group by all
        """
    return f"""
        select a.own as region_code, e.year, p.sector_code, e.credit_code, sum(e.co2_process_t) as co2_t
        from full_db.marts.fct_enterprise_year e
        inner join ({_ancestors_sql()}) a on a.leaf = e.region_code
        inner join (select distinct region_code, year, sector_code from full_db.marts.fct_energy_emissions
                    where is_process) p on p.region_code = a.own and p.year = e.year
        where coalesce(e.co2_process_t, 0) > 0
        group by all
    """


def _suppress_process_totals_and_cells(con: duckdb.DuckDBPyConnection) -> None:
    """marts.fct_energy_emissions and marts.fct_region_year of the public file.

    Process emissions come from enterprise reports, so both the process cells (region × year ×
    sector × fuel) and each region-year's process total (co2_process_t, and co2_with_process_t
    and co2e_t, which contain it) follow the rule; then secondary suppression keeps every
    published sum from giving a hidden value away: a region's total = its process cells, and
    a parent's total (or cell) = its children's.
    """
    suppressed, reason = _suppression_sql("s.n", "s.top", "s.total")
    con.execute(f"""
        CREATE TEMP TABLE region_flagged AS
        with per as (
            select region_code, year, credit_code, sum(co2_t) as co2_t from process_contrib group by all
        ), s as (
            select region_code, year, count(distinct credit_code) as n, max(co2_t) as top, sum(co2_t) as total
            from per group by all
        )
        select f.*, coalesce(f.co2_process_t, 0) > 0 and {suppressed} as process_suppressed,
               case when coalesce(f.co2_process_t, 0) > 0 then {reason} end as process_suppression_reason
        from full_db.marts.fct_region_year f
        left join s on s.region_code = f.region_code and s.year = f.year
    """)
    parents = dict(con.execute("select region_code, parent_code from full_db.marts.dim_region where parent_code is not null").fetchall())
    values: dict = {}
    hidden: set = set()
    for region, year, value, is_hidden in con.execute(
        "select region_code, year, co2_process_t, process_suppressed from region_flagged"
    ).fetchall():
        values[("total", region, year)] = value
        if is_hidden:
            hidden.add(("total", region, year))
    cells_of: dict = {}
    for region, year, sector, fuel, value, is_hidden in con.execute(
        "select region_code, year, sector_code, fuel_code, co2_t, suppressed from energy_flagged where is_process"
    ).fetchall():
        cell = ("cell", region, year, sector, fuel)
        values[cell] = value
        cells_of.setdefault((region, year), []).append(cell)
        if is_hidden:
            hidden.add(cell)
    constraints: list[tuple[object, list]] = [(("total", r, y), cells) for (r, y), cells in cells_of.items()]
    children: dict = {}
    for cell in values:
        parent = parents.get(cell[1])
        if parent is not None:
            parent_cell = (cell[0], parent, *cell[2:])
            if parent_cell in values:
                children.setdefault(parent_cell, []).append(cell)
    constraints += list(children.items())
    extra = secondary_suppression(values, hidden, constraints)
    con.execute("CREATE TEMP TABLE secondary (kind VARCHAR, region_code VARCHAR, year INTEGER, sector_code VARCHAR, fuel_code VARCHAR)")
    if extra:
        con.executemany("INSERT INTO secondary VALUES (?, ?, ?, ?, ?)",
                        [(cell[0], cell[1], cell[2], *(cell[3:] if cell[0] == "cell" else (None, None))) for cell in sorted(extra, key=str)])
    con.execute(f"""
        CREATE TABLE marts.fct_energy_emissions AS
        with e as (
            select f.* replace (
                f.suppressed or s.kind is not null as suppressed,
                coalesce(f.suppression_reason, case when s.kind is not null then '{REASON_SECONDARY}' end) as suppression_reason
            )
            from energy_flagged f
            left join secondary s on s.kind = 'cell' and f.is_process and s.region_code = f.region_code and s.year = f.year
                and s.sector_code is not distinct from f.sector_code and s.fuel_code is not distinct from f.fuel_code
        )
        select * replace (
            case when suppressed then null else activity_value end as activity_value,
            case when suppressed then null else energy_tce end as energy_tce,
            case when suppressed then null else co2_t end as co2_t,
            case when suppressed then null else ch4_t end as ch4_t,
            case when suppressed then null else n2o_t end as n2o_t,
            case when suppressed then null else co2e_t end as co2e_t,
            case when suppressed then null else source_files end as source_files
        ) from e
    """)
    con.execute(f"""
        CREATE TABLE marts.fct_region_year AS
        with r as (
            select f.* replace (
                coalesce(f.process_suppressed, false) or s.kind is not null as process_suppressed,
                coalesce(case when f.process_suppressed then f.process_suppression_reason end,
                         case when s.kind is not null then '{REASON_SECONDARY}' end) as process_suppression_reason
            )
            from region_flagged f
            left join secondary s on s.kind = 'total' and s.region_code = f.region_code and s.year = f.year
        )
        select * replace (
            case when process_suppressed then null else co2_process_t end as co2_process_t,
            case when process_suppressed then null else co2_with_process_t end as co2_with_process_t,
            case when process_suppressed then null else co2e_t end as co2e_t
        ) from r
    """)
    con.execute("DROP TABLE energy_flagged")
    con.execute("DROP TABLE region_flagged")
    con.execute("DROP TABLE secondary")


def _secondary_in_hierarchy(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...], value: str, nulled: tuple[str, ...]) -> int:
    """Secondary suppression in a published table whose rows add up region by region (a parent's
    row = its children's rows with the same other keys): hide the smallest visible sibling where
    one hidden child could be computed from the parent. Returns the rows hidden."""
    parents = dict(con.execute("select region_code, parent_code from marts.dim_region where parent_code is not null").fetchall())
    other = ", ".join(keys)
    values: dict = {}
    hidden: set = set()
    for row in con.execute(f"select region_code, {other}, {value}, suppressed from marts.{table}").fetchall():
        cell, amount, is_hidden = tuple(row[:-2]), row[-2], row[-1]
        # A hidden cell holds at least one enterprise: non-zero, its value unknown here (NULL).
        values[cell] = 1.0 if is_hidden else amount
        if is_hidden:
            hidden.add(cell)
    children: dict = {}
    for cell in values:
        parent = (parents.get(cell[0]), *cell[1:])
        if parent in values:
            children.setdefault(parent, []).append(cell)
    extra = secondary_suppression(values, hidden, list(children.items()))
    if extra:
        matches = " and ".join(f"t.{column} = x.{column}" for column in ("region_code", *keys))
        con.execute(f"create temp table extra_cells as select * from (values {', '.join(['(' + ', '.join(['?'] * (1 + len(keys))) + ')'] * len(extra))}) x(region_code, {other})",
                    [item for cell in sorted(extra, key=str) for item in cell])
        assignments = ", ".join(f"{column} = null" for column in nulled)
        con.execute(f"""
            update marts.{table} t set {assignments}, suppressed = true, suppression_reason = '{REASON_SECONDARY}'
            from extra_cells x where {matches}
        """)
        con.execute("drop table extra_cells")
    return len(extra)


def build_public_warehouse(full_db: Path, public_db: Path) -> dict:
    """Write public_db (replaced if present) from full_db; returns {table: rows}."""
    public_db = Path(public_db)
    public_db.parent.mkdir(parents=True, exist_ok=True)
    for stale in (public_db, public_db.with_name(public_db.name + ".wal")):
        if stale.exists():
            stale.unlink()
    with duckdb.connect(str(public_db)) as con:
        con.execute(f"ATTACH '{str(full_db)}' AS full_db (READ_ONLY)")
        con.execute("CREATE SCHEMA marts")
        for table in COPIED_TABLES:
            con.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM full_db.marts.{table}")
        con.execute("CREATE SCHEMA reference")
        for table in COPIED_REFERENCE_TABLES:
            con.execute(f"CREATE TABLE reference.{table} AS SELECT * FROM full_db.reference.{table}")

        # enterprise contributions to each process cell
        try:
            con.execute(f"CREATE TEMP TABLE process_contrib AS {_process_contributions_sql(con)}")
        except duckdb.Error:  # report-line view not readable here: region-level fallback
            con.execute(f"CREATE TEMP TABLE process_contrib AS {_process_contributions_sql(con, lines_ok=False)}")
        suppressed, reason = _suppression_sql("s.n", "s.top", "s.total")
        con.execute(f"""
            CREATE TEMP TABLE energy_flagged AS
            with s as (
                select region_code, year, sector_code, count(distinct credit_code) as n,
                       max(co2_t) as top, sum(co2_t) as total
                from (select region_code, year, sector_code, credit_code, sum(co2_t) as co2_t
                      from process_contrib group by all)
                group by all
            ), e as (
                select f.*, case when f.is_process then {suppressed} else false end as suppressed,
                       case when f.is_process then {reason} end as suppression_reason
                from full_db.marts.fct_energy_emissions f
                left join s on s.region_code = f.region_code and s.year = f.year and s.sector_code = f.sector_code
            )
            select * from e
        """)
        _suppress_process_totals_and_cells(con)

        # market enterprises' emissions per region-year
        suppressed, reason = _suppression_sql("s.n", "s.top", "s.total")
        con.execute(f"""
            CREATE TABLE marts.fct_market_coverage AS
            with ets as (
                select a.own as region_code, e.year, e.credit_code, sum(e.co2_t) as co2_t
                from full_db.marts.fct_enterprise_year e
                inner join ({_ancestors_sql()}) a on a.leaf = e.region_code
                where e.in_ets and e.data_status in ('verified', 'rechecked')
                group by all
            ), s as (
                select region_code, year, count(distinct credit_code) as n, max(co2_t) as top, sum(co2_t) as total
                from ets group by all
            ), c as (
                select m.*, {suppressed} as suppressed, {reason} as suppression_reason
                from full_db.marts.fct_market_coverage m
                left join s on s.region_code = m.region_code and s.year = m.year
            )
            select * replace (
                case when suppressed then null else ets_enterprises_count end as ets_enterprises_count,
                case when suppressed then null else ets_verified_co2_t end as ets_verified_co2_t,
                case when suppressed then null else ets_verified_direct_co2_t end as ets_verified_direct_co2_t,
                case when suppressed then null else coverage_share end as coverage_share,
                case when suppressed then null else direct_coverage_share end as direct_coverage_share
            ) from c
        """)

        # region × year × sector aggregate of enterprise emissions
        suppressed, reason = _suppression_sql("n", "top", "total")
        con.execute(f"""
            CREATE TABLE marts.agg_enterprise_sector_year AS
            with per as (
                select a.own as region_code, e.year, e.sector_code, e.credit_code, sum(e.co2_t) as co2_t
                from full_db.marts.fct_enterprise_year e
                inner join ({_ancestors_sql()}) a on a.leaf = e.region_code
                group by all
            ), s as (
                select region_code, year, sector_code, count(distinct credit_code) as n,
                       max(co2_t) as top, sum(co2_t) as total
                from per group by all
            )
            select region_code, year, sector_code,
                   case when {suppressed} then null else cast(n as integer) end as enterprise_count,
                   case when {suppressed} then null else total end as co2_t,
                   {suppressed} as suppressed,
                   {reason} as suppression_reason
            from s order by all
        """)
        _secondary_in_hierarchy(con, "fct_market_coverage", ("year",), "ets_verified_co2_t",
                                ("ets_enterprises_count", "ets_verified_co2_t", "ets_verified_direct_co2_t", "coverage_share", "direct_coverage_share"))
        _secondary_in_hierarchy(con, "agg_enterprise_sector_year", ("year", "sector_code"), "co2_t", ("enterprise_count", "co2_t"))
        con.execute("DROP TABLE process_contrib")
        con.execute("DETACH full_db")
        bad = con.execute(
            "select table_name, column_name from information_schema.columns where column_name in (select unnest(?))",
            [list(FORBIDDEN_COLUMNS)],
        ).fetchall()
        if bad:
            raise RuntimeError(f"public warehouse would hold enterprise columns: {bad}")
        counts = {
            f"marts.{t}": con.execute(f"select count(*) from marts.{t}").fetchone()[0]
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        }
        con.execute("CHECKPOINT")
    return counts


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_public_warehouse(full_db: Path, public_db: Path) -> dict:
    """Build into a temp file beside public_db, then CHECKPOINT, fsync, os.replace onto it."""
    public_db = Path(public_db)
    tmp = public_db.with_name(f".{public_db.stem}.{os.getpid()}.tmp.duckdb")
    try:
        counts = build_public_warehouse(full_db, tmp)
        with duckdb.connect(str(tmp)) as con:
            con.execute("CHECKPOINT")
        _fsync(tmp)
        os.replace(tmp, public_db)
        _fsync(public_db.parent)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    stale_wal = public_db.with_name(public_db.name + ".wal")
    if stale_wal.exists():
        stale_wal.unlink()
    return counts
