"""Enterprise report lines: a frame of line strings → typed lines, their quarantine, their register.

Both shapes of report (the export CSV, enterprise_export.py; the template workbook,
enterprise_workbooks.py) are extracted to the same frame of strings, one column per field of the
export, and parsed and checked here in one vectorised step, so a rule exists once whichever shape
a line came in. The step also keeps a register of every line read, valid or not, with the report
it names; re-deliveries are resolved on it (deliveries.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from pipelines.identifiers import credit_code_problem
from pipelines.ingest import vocab
from pipelines.ingest.catalog import ENTERPRISE_REPORTS as FAMILY
from pipelines.ingest.checks import (
    Check,
    apply_checks,
    check_date,
    check_not_negative,
    check_number,
    check_recognised,
    check_region,
    check_required,
    check_unit,
    check_year,
    quarantine_frame,
    quarantine_row,
)
from pipelines.ingest.csv_cells import DAMAGED_COLUMN, RAGGED_COLUMN, split_damaged
from pipelines.ingest.results import ReadResult
from pipelines.ingest.schemas import empty_frame
from pipelines.ingest.units import lookup_ratio_unit, lookup_unit, unit_columns
from pipelines.ingest.values import (
    blank,
    eval_distinct,
    map_distinct,
    parse_date,
    parse_year,
    region_code_expr,
    scale,
    strip_text,
    with_numbers,
)

TABLE = "enterprise_report_lines"
DELIVERIES = "enterprise_report_deliveries"

FIELDS = tuple(vocab.ENTERPRISE_FIELDS)
NUMERIC_FIELDS = ("activity_value", "ncv", "carbon_content", "oxidation_rate", "emission_factor", "co2_t")
# Fields a workbook states once on its 基本信息 sheet and every line repeats.
INFO_FIELDS = tuple(vocab.WORKBOOK_INFO_FIELDS)

# The report a line belongs to, and where a line was read.
REPORT_KEY = ("credit_code", "report_year", "data_status")
PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")

# A line already quarantined while the workbook was extracted (a formula without a saved value,
# a line sheet that could not be read): not checked again, but an invalid line of its report.
HELD_BACK = "__held_back"


# Every line read that names its report, valid or not: what resolution sees. The key is as
# parsed, or as written where a key cell is itself invalid (a year '去年', a status '草稿').
REGISTER_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "source_sheet": pl.Utf8,
        "source_row": pl.Int32,  # null for a line sheet that could not be read (it counts as one invalid line)
        "credit_code": pl.Utf8,
        "report_year": pl.Utf8,
        "data_status": pl.Utf8,
        "source_category": pl.Utf8,  # the line's identity: category and source name
        "source_name": pl.Utf8,
        "content": pl.Utf8,  # the line's cells, numbers parsed: tells an identical copy from a different one
        "co2_t": pl.Float64,
    }
)
# The totals a report states about itself: the 汇总 sheet's 排放总量, a line sheet's 合计 row, a
# CSV 合计 row. source_category null: the report's total; else that category's.
TOTALS_SCHEMA = pl.Schema(
    {
        "source_file": pl.Utf8,
        "credit_code": pl.Utf8,
        "report_year": pl.Utf8,
        "data_status": pl.Utf8,
        "source_category": pl.Utf8,
        "co2_t": pl.Float64,
        "rank": pl.Int32,  # of several statements the highest counts: a 合计 over a 小计, then the last
    }
)


def empty_register() -> pl.DataFrame:
    return pl.DataFrame(schema=REGISTER_SCHEMA)


def empty_totals() -> pl.DataFrame:
    return pl.DataFrame(schema=TOTALS_SCHEMA)


@dataclass
class ReportsRead:
    """Enterprise files read, before re-deliveries are resolved: the result (valid lines, their
    quarantine, the files), every attributable line read (REGISTER_SCHEMA) and the totals the
    reports state (TOTALS_SCHEMA)."""

    result: ReadResult
    register: pl.DataFrame
    totals: pl.DataFrame

    @classmethod
    def of(cls, result: ReadResult) -> ReportsRead:
        return cls(result, empty_register(), empty_totals())


# A line in a scaled unit (万t, 万m³ …) whose converted value is more than this many times the same
# source's value in the enterprise's other lines written in the base unit (other years,
# versions) is a slip: the figure was written in the base unit. 10⁴-fold slips give ~10⁴;
# real year-on-year changes stay well below 10².
SLIP_RATIO = 1000


def flag_unit_slips(result: ReadResult) -> ReadResult:
    """The enterprise-relative unit-slip rule (the absolute one is check_unit_slip)."""
    lines = result.tables[TABLE]
    if lines.is_empty():
        return result
    factor = map_distinct(lines, "activity_unit_original", lambda u: (lookup_unit(u).factor if lookup_unit(u) else None), pl.Float64)
    lines = lines.with_columns(_factor=factor)
    source = ["credit_code", "source_category", "source_name"]
    reference = (
        lines.filter((pl.col("_factor") == 1) & (pl.col("activity_value") > 0))
        .group_by(source)
        .agg(_typical=pl.col("activity_value").median())
    )
    marked = lines.join(reference, on=source, how="left", nulls_equal=True, maintain_order="left")
    slip = (pl.col("_factor") >= 1000) & (pl.col("activity_value") > pl.col("_typical") * SLIP_RATIO)
    slipped = marked.filter(slip.fill_null(False))
    if slipped.is_empty():
        return result.__class__(result.family, {**result.tables, TABLE: lines.drop("_factor")}, result.quarantine, result.files)
    problems = [
        quarantine_row(
            FAMILY,
            r["source_file"],
            f"unit '{r['activity_unit_original']}' with value {figure_text(r['activity_value_original'])} looks like "
            f"{_UNIT_WORDS.get(r['activity_unit'], r['activity_unit'])} (×{_POWERS.get(r['_factor'], int(r['_factor']))} too large): "
            f"this source is about {figure_text(r['_typical'])} {r['activity_unit']} in the enterprise's other reports; row quarantined",
            sheet=r["source_sheet"],
            row=r["source_row"],
            column="活动水平",
            value=figure_text(r["activity_value_original"]),
        )
        for r in slipped.iter_rows(named=True)
    ]
    kept = marked.filter(~slip.fill_null(False)).drop("_factor", "_typical")
    quarantine = pl.concat([result.quarantine, quarantine_frame(problems)], how="vertical")
    return ReadResult.build(FAMILY, {**result.tables, TABLE: kept}, quarantine, result.files)


def figure_text(value: float | None) -> str:
    """A figure as a reason quotes it: at most four decimals, no trailing zeros (15000, 0.1234)."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Parsing and checking (vectorised, shared by both shapes)
# --------------------------------------------------------------------------------------------


def _dimension_of_canonical(unit: str | None) -> str | None:
    found = lookup_unit(unit)
    return found.dimension if found else None


def _parse(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed columns beside the strings: p_<field> parsed values, codes looked up."""
    frame = raw.with_columns(
        p_activity_unit=strip_text(pl.col("activity_unit")),
        p_source_name=strip_text(pl.col("source_name")),
        p_enterprise_name=strip_text(pl.col("enterprise_name")),
        # 98, 98% and 0.98 all mean 98 %: the spec allows percent or fraction in one column.
        p_oxidation_text=pl.col("oxidation_rate").str.replace_all("[%％]", ""),
        p_oxidation_percent=pl.col("oxidation_rate").str.contains("[%％]").fill_null(False),
    )
    numbers = {name: f"p_{name}" for name in NUMERIC_FIELDS if name != "oxidation_rate"}
    frame = with_numbers(frame, numbers | {"p_oxidation_text": "p_oxidation_rate"})
    frame = frame.with_columns(
        p_credit_code=eval_distinct(frame, "credit_code", lambda e: strip_text(e).str.to_uppercase(), pl.Utf8),
        p_region_code=eval_distinct(frame, "region_code", region_code_expr, pl.Utf8),
        p_report_year=eval_distinct(frame, "report_year", parse_year, pl.Int32),
        p_submitted_on=eval_distinct(frame, "submitted_on", parse_date, pl.Date),
        p_oxidation_rate=pl.when(pl.col("p_oxidation_percent") | (pl.col("p_oxidation_rate") > 1))
        .then(pl.col("p_oxidation_rate") / 100)
        .otherwise(pl.col("p_oxidation_rate")),
    )
    frame = frame.with_columns(
        p_sector_code=map_distinct(frame, "sector", vocab.sectors().code, pl.Utf8),
        p_data_status=map_distinct(frame, "data_status", vocab.DATA_STATUSES.code, pl.Utf8),
        p_source_category=map_distinct(frame, "source_category", vocab.SOURCE_CATEGORIES.code, pl.Utf8),
        p_in_ets=map_distinct(frame, "in_ets", vocab.YES_NO.code, pl.Utf8),
        p_fuel_name_code=map_distinct(frame, "source_name", vocab.fuels().code, pl.Utf8),
        p_credit_problem=map_distinct(frame, "p_credit_code", _credit_code_problem, pl.Utf8),
        p_ncv_canonical=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "canonical"), pl.Utf8),
        p_ncv_factor=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "factor"), pl.Float64),
        p_ncv_dimension=map_distinct(frame, "ncv_unit", lambda u: _ratio(u, "heat", "denominator_dimension"), pl.Utf8),
        p_ef_canonical=map_distinct(frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "canonical"), pl.Utf8),
        p_ef_factor=map_distinct(frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "factor"), pl.Float64),
        p_ef_dimension=map_distinct(
            frame, "emission_factor_unit", lambda u: _ratio(u, "co2", "denominator_dimension"), pl.Utf8
        ),
    )
    frame = unit_columns(frame, "activity_unit", "p_unit")
    # Combustion lines name a fuel; purchased electricity and heat are the fuels of those
    # names in ref_fuels; a process line (熟料生产) has no fuel.
    fuel_dimensions = {code: _dimension_of_canonical(unit) for code, unit in vocab.fuel_canonical_units().items()}
    frame = frame.with_columns(
        p_fuel_code=pl.when(pl.col("p_source_category") == "combustion")
        .then(pl.col("p_fuel_name_code"))
        .when(pl.col("p_source_category").is_in(["electricity", "heat"]))
        .then(pl.col("p_source_category")),
    )
    return frame.with_columns(
        # The kind of unit the line needs: a fuel's canonical unit (t for coal, 10^4Nm3 for
        # gas), MWh for electricity, GJ for heat; process lines take any unit in the table.
        p_expected_dimension=pl.when(pl.col("p_source_category") == "process")
        .then(None)
        .otherwise(pl.col("p_fuel_code").replace_strict(fuel_dimensions, default=None, return_dtype=pl.Utf8)),
    )


# The same enterprises report every year and in several versions: check each code once.
_credit_code_problem = lru_cache(maxsize=None)(credit_code_problem)


def _ratio(text: str, numerator: str, attribute: str):
    found = lookup_ratio_unit(text, numerator)
    return getattr(found, attribute) if found else None


def _checks(headers: Mapping[str, str | pl.Expr]) -> list[Check]:
    """Every rule for a report line, one function each (see the check_* functions below)."""
    h = headers
    checks = [check_required(name, h[name]) for name in vocab.ENTERPRISE_REQUIRED]
    checks += [check_number(name, f"p_{name}", h[name]) for name in NUMERIC_FIELDS]  # p_oxidation_rate: the % stripped
    checks += [
        check_credit_code(h["credit_code"]),
        check_region("region_code", "p_region_code", h["region_code"]),
        check_year("report_year", "p_report_year", h["report_year"]),
        check_date("submitted_on", "p_submitted_on", h["submitted_on"]),
        check_recognised("sector", "p_sector_code", h["sector"], "sector", vocab.sectors().display),
        check_recognised("in_ets", "p_in_ets", h["in_ets"], "yes/no value", vocab.YES_NO.display),
        check_recognised("data_status", "p_data_status", h["data_status"], "data status", vocab.DATA_STATUSES.display),
        check_recognised(
            "source_category",
            "p_source_category",
            h["source_category"],
            "emission source category",
            vocab.SOURCE_CATEGORIES.display,
        ),
        check_fuel(h["source_name"]),
        check_unit("activity_unit", "p_unit_dimension", h["activity_unit"], expected=pl.col("p_expected_dimension")),
        check_ratio_unit("ncv_unit", "p_ncv_dimension", h["ncv_unit"], "net calorific value", "GJ/t, GJ/万Nm³, kJ/kg"),
        check_ratio_unit(
            "emission_factor_unit",
            "p_ef_dimension",
            h["emission_factor_unit"],
            "emission factor",
            "tCO2/t, tCO2/MWh, tCO2/GJ",
        ),
        check_oxidation(h["oxidation_rate"]),
        check_unit_slip(h["activity_value"]),
    ]
    # Net purchased electricity and heat (购入 − 外供) may be negative for an enterprise that
    # sells power or steam; fuels burned and process activity cannot be.
    burned_or_processed = pl.col("p_source_category").is_in(["combustion", "process"]).fill_null(True)
    checks += [
        check_not_negative("activity_value", "p_activity_value", h["activity_value"], when=burned_or_processed),
        check_not_negative("co2_t", "p_co2_t", h["co2_t"], when=burned_or_processed),
        check_not_negative("ncv", "p_ncv", h["ncv"]),
        check_not_negative("carbon_content", "p_carbon_content", h["carbon_content"]),
        check_not_negative("emission_factor", "p_emission_factor", h["emission_factor"]),
    ]
    return checks


def check_credit_code(header: str | pl.Expr) -> Check:
    """GB 32100 unified social credit code (length, characters, check character)."""
    return Check.of(
        header,
        pl.col("credit_code"),
        (~blank(pl.col("credit_code")) & pl.col("p_credit_problem").is_not_null(), pl.col("p_credit_problem")),
    )


def check_fuel(header: str | pl.Expr) -> Check:
    """A combustion line's source must be a fuel of ref_fuels (under any of its aliases)."""
    return Check.of(
        header,
        pl.col("source_name"),
        (
            (pl.col("p_source_category") == "combustion")
            & ~blank(pl.col("source_name"))
            & pl.col("p_fuel_code").is_null(),
            pl.format("fuel '{}' is not recognised (known: {})", pl.col("source_name"), pl.lit(vocab.fuels().display)),
        ),
    )


def check_ratio_unit(raw: str, dimension: str, header: str | pl.Expr, what: str, known: str) -> Check:
    """NCV and emission-factor units must be understood and per the line's own kind of unit."""
    return Check.of(
        header,
        pl.col(raw),
        (
            ~blank(pl.col(raw)) & pl.col(dimension).is_null(),
            pl.format("{} unit '{}' is not known (known: {})", pl.lit(what), pl.col(raw), pl.lit(known)),
        ),
        (
            pl.col("p_unit_dimension").is_not_null() & (pl.col(dimension) != pl.col("p_unit_dimension")),
            pl.format(
                "{} unit '{}' is per {} but the activity is in {} ({})",
                pl.lit(what),
                pl.col(raw),
                pl.col(dimension),
                pl.col("activity_unit"),
                pl.col("p_unit_dimension"),
            ),
        ),
    )


# The most one report line can plausibly hold, per canonical unit. Set far above the largest
# real figure (China's biggest coal plants burn ~1.5×10⁷ t a year) so that a line above it can
# only be a unit slip: 5×10⁷ t of one fuel, 10⁶ ×10⁴Nm³ (10 billion m³) of gas, 10⁸ MWh of
# electricity, 10⁹ GJ of heat.
IMPLAUSIBLE_LINE = {"t": 5e7, "10^4Nm3": 1e6, "MWh": 1e8, "GJ": 1e9}
_UNIT_WORDS = {"t": "tonnes", "10^4Nm3": "m³", "MWh": "kWh", "GJ": "GJ"}
_POWERS = {10.0: "10", 100.0: "10²", 1000.0: "10³", 10000.0: "10⁴", 100000.0: "10⁵"}


def check_unit_slip(header: str | pl.Expr) -> Check:
    """A line written in a large unit (万吨, 万m³, 亿kWh …) whose value, converted, is impossible for
    one enterprise: the clerk most likely typed tonnes into the 万吨 column."""
    limit = pl.col("p_unit_canonical").replace_strict(IMPLAUSIBLE_LINE, default=None, return_dtype=pl.Float64)
    converted = pl.col("p_activity_value") * pl.col("p_unit_factor")
    factor = pl.col("p_unit_factor")
    return Check.of(
        header,
        pl.col("activity_value"),
        (
            (factor > 1) & (converted.abs() > limit),
            pl.format(
                "unit '{}' with value {} looks like {} (×{} too large); row quarantined",
                pl.col("activity_unit"),
                pl.col("activity_value"),
                pl.col("p_unit_canonical").replace_strict(_UNIT_WORDS, default=pl.col("p_unit_canonical"), return_dtype=pl.Utf8),
                factor.replace_strict(_POWERS, default=factor.cast(pl.Int64).cast(pl.Utf8), return_dtype=pl.Utf8),
            ),
        ),
    )


def check_oxidation(header: str | pl.Expr) -> Check:
    """An oxidation rate is between 0 and 100 % (0–1 as a fraction)."""
    return Check.of(
        header,
        pl.col("oxidation_rate"),
        (
            (pl.col("p_oxidation_rate") > 1) | (pl.col("p_oxidation_rate") < 0),
            pl.format("oxidation rate {} is outside 0–100 %", pl.col("oxidation_rate")),
        ),
    )


def parse_and_check(
    raw: pl.DataFrame,
    headers: Mapping[str, str | pl.Expr],
    *,
    extra_checks: Sequence[Check] = (),
    info_location: Mapping[str, tuple[pl.Expr, pl.Expr]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Strings → typed lines in the raw schema, the quarantine rows of the lines that failed, and
    the register of every line that names its report (REGISTER_SCHEMA), valid or not."""
    if raw.is_empty():
        return empty_frame(TABLE), empty_frame("quarantine"), empty_register()
    frame = _parse(raw)
    register = _register(frame)
    # Lines quarantined before (at extraction, or damaged by the file itself) are not checked again.
    if HELD_BACK in frame.columns:
        frame = frame.filter(~pl.col(HELD_BACK).fill_null(False))
    damaged = empty_frame("quarantine")
    if DAMAGED_COLUMN in frame.columns:
        frame, damaged = split_damaged(frame, FAMILY)
    checks = []
    for check in _checks(headers):
        # Problems in a 基本信息 value point at the 基本信息 cell, not at every line.
        name = _field_of(check)
        if info_location and name in info_location:
            check = check.at(*info_location[name])
        checks.append(check)
    good, quarantine = apply_checks(frame, [*checks, *extra_checks], FAMILY)
    quarantine = pl.concat([damaged, quarantine], how="vertical")
    lines = good.select(
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("p_credit_code").alias("credit_code"),
        pl.col("p_enterprise_name").alias("enterprise_name"),
        pl.col("p_region_code").alias("region_code"),
        pl.col("p_sector_code").alias("sector_code"),
        (pl.col("p_in_ets") == "true").alias("in_ets"),
        pl.col("p_report_year").alias("report_year"),
        pl.col("p_data_status").alias("data_status"),
        pl.col("p_submitted_on").alias("submitted_on"),
        pl.col("p_source_category").alias("source_category"),
        pl.col("p_source_name").alias("source_name"),
        pl.col("p_fuel_code").alias("fuel_code"),
        scale(pl.col("p_activity_value"), pl.col("p_unit_factor")).alias("activity_value"),
        pl.col("p_unit_canonical").alias("activity_unit"),
        pl.col("p_activity_value").alias("activity_value_original"),
        pl.col("p_activity_unit").alias("activity_unit_original"),
        # A blank NCV unit means the file's default, GJ per t or per 10^4 Nm3.
        scale(pl.col("p_ncv"), pl.col("p_ncv_factor").fill_null(1.0)).alias("ncv_gj_per_unit"),
        pl.col("p_carbon_content").alias("carbon_content_tc_per_tj"),
        pl.col("p_oxidation_rate").alias("oxidation_fraction"),
        # Emission factors are stored per canonical activity unit; with no unit written, the
        # factor is taken to be per canonical unit already (tCO2/t, tCO2/MWh, tCO2/GJ).
        scale(pl.col("p_emission_factor"), pl.col("p_ef_factor").fill_null(1.0)).alias("emission_factor"),
        pl.when(pl.col("p_emission_factor").is_not_null())
        .then(pl.coalesce("p_ef_canonical", pl.lit("tCO2/") + pl.col("p_unit_canonical")))
        .alias("emission_factor_unit"),
        pl.col("p_co2_t").alias("reported_co2_t"),
    )
    return lines, quarantine, register


def with_report_key(frame: pl.DataFrame) -> pl.DataFrame:
    """k_credit_code, k_report_year, k_data_status: the report a row belongs to, as text.

    Parsed where the cell parses (2020年 → '2020', 核查 → 'verified'), else the cell as written,
    so that a line whose key cell is invalid still counts against its report; null when blank.
    """
    return frame.with_columns(
        k_credit_code=eval_distinct(frame, "credit_code", lambda e: strip_text(e).str.to_uppercase(), pl.Utf8),
        k_report_year=pl.coalesce(
            eval_distinct(frame, "report_year", parse_year, pl.Int32).cast(pl.Utf8), strip_text(pl.col("report_year"))
        ),
        k_data_status=pl.coalesce(
            map_distinct(frame, "data_status", vocab.DATA_STATUSES.code, pl.Utf8), strip_text(pl.col("data_status"))
        ),
    )


# A line can be attributed to a report only when all three key cells are written.
KEY_PRESENT = pl.all_horizontal(pl.col("k_credit_code", "k_report_year", "k_data_status").is_not_null())


def _register(frame: pl.DataFrame) -> pl.DataFrame:
    """Every parsed line that names its report, valid or not (REGISTER_SCHEMA).

    content compares two lines cell by cell as read: numbers, codes and dates parsed where they
    parse (15,000 = 15000), text trimmed, so an invalid line compares by what was written.
    """
    parsed = {
        "credit_code": "k_credit_code", "report_year": "k_report_year", "data_status": "k_data_status",
        "region_code": "p_region_code", "submitted_on": "p_submitted_on", "source_category": "p_source_category",
        "oxidation_rate": "p_oxidation_rate", **{name: f"p_{name}" for name in NUMERIC_FIELDS if name != "oxidation_rate"},
    }  # fmt: skip
    cells = [
        pl.coalesce(pl.col(parsed[name]).cast(pl.Utf8), strip_text(pl.col(name)))
        if name in parsed
        else strip_text(pl.col(name))
        for name in FIELDS
    ]
    if RAGGED_COLUMN in frame.columns:
        cells.append(pl.col(RAGGED_COLUMN))
    return (
        with_report_key(frame)
        .filter(KEY_PRESENT)
        .select(
            *PROVENANCE_COLUMNS,
            pl.col("k_credit_code").alias("credit_code"),
            pl.col("k_report_year").alias("report_year"),
            pl.col("k_data_status").alias("data_status"),
            pl.coalesce("p_source_category", strip_text(pl.col("source_category"))).alias("source_category"),
            pl.col("p_source_name").alias("source_name"),
            pl.concat_str([cell.fill_null("∅") for cell in cells], separator="\x1f").alias("content"),
            pl.col("p_co2_t").alias("co2_t"),
        )
        .cast(REGISTER_SCHEMA)  # type: ignore[arg-type]
    )


def _field_of(check: Check) -> str | None:
    """The raw field a check reads (its value column), to relocate 基本信息 problems."""
    names = check.value.meta.root_names()
    return names[0] if names else None
