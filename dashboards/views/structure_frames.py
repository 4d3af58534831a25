"""The emissions structure page's data shaping: warehouse rows into the frames its charts and tables show.

The cells of a region-year grouped for the treemap and the sankey (mix_frame, sankey_frame), the
cells table with suppressed cells explained (cells_table), the territorial vs electricity-adjusted
totals by year (adjusted_table), the trend by sector with the process band and its wide table and
sum check (trend_frame, trend_table, trend_check), the sums that reconcile the cells with the
region totals (sector_sums); plus the codes those frames use for merged groups (PROCESS_GROUP,
OTHER_FUELS, …), sector names, and the figures' text (万吨, signs, missing as "—"). No Streamlit
element is drawn here; dashboards.views.structure draws, structure_charts builds the figures.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboards import auth, components, i18n
from dashboards.components import PER_TEN_THOUSAND
from dashboards.i18n import code_label, is_missing, t

MWH_PER_100M_KWH = 100_000  # 亿千瓦时 (10⁸ kWh) = 10⁵ MWh, the unit electricity statistics use
TOP_FUELS = 7  # fuels drawn by name; the rest are one "all other fuels" box, so the charts stay readable
# Sums are compared in tonnes; a difference below half a displayed unit (0.005 万吨 = 50 t) is rounding.
CHECK_TOLERANCE_T = 50.0

PROCESS_GROUP = "industrial_processes"  # the group every process cell belongs to in the charts
INDUSTRY_SECTOR = "final_industry"  # where the sankey sends process emissions: they occur in industry
OTHER_FUELS = "other_fuels"
OTHER_SECTORS = "other_sectors"


# --- names and figures as text ----------------------------------------------------------------


def sector_name(code: str, name_zh: object, name_en: object = None) -> str:
    """A sector's name in the session language. ref_energy_balance_items has Chinese names only,
    so the English name of an energy-balance sector comes from i18n.csv (structure_sector_<code>)."""
    key = f"structure_sector_{code}"
    if key in i18n.table():
        name_en = i18n.text(key, "en") if is_missing(name_en) else name_en
        name_zh = i18n.text(key, "zh") if is_missing(name_zh) else name_zh
    zh = None if is_missing(name_zh) else name_zh
    return components.localized({"name_zh": zh, "name_en": None if is_missing(name_en) else name_en}) or code


def measure_unit(measure: str) -> str:
    return t(f"structure_unit_{measure}")


def number_text(value: object, decimals: int = 2) -> str:
    """A figure for a card or a sentence; missing stays missing ("—"), never 0."""
    if is_missing(value):
        return t("missing_value")
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def signed_text(value: object) -> str:
    if is_missing(value):
        return t("missing_value")
    shown = round(float(value), 2)  # type: ignore[arg-type]
    return "0.00" if shown == 0 else f"{shown:+,.2f}"


def ten_thousand(value: object) -> float:
    return math.nan if is_missing(value) else float(value) / PER_TEN_THOUSAND  # type: ignore[arg-type]


# --- the sum check ---------------------------------------------------------------------------


def sector_sums(cells: pd.DataFrame) -> dict[str, object]:
    """Sums of the cells in tonnes, to reconcile with the region totals: combustion, process
    (shown cells only), and how many process cells are suppressed."""
    combustion = cells.loc[~cells["is_process"].astype(bool), "co2_t"]
    process = cells.loc[cells["is_process"].astype(bool) & ~cells["suppressed"], "co2_t"]
    return {
        "combustion_t": combustion.sum(min_count=1),
        "process_t": process.sum(min_count=1),
        "suppressed": int(cells["suppressed"].sum()),
        "process_cells": int(cells["is_process"].astype(bool).sum()),
    }


# --- 1. sector and fuel mix -------------------------------------------------------------------


def _top_fuels(cells: pd.DataFrame, value: str) -> list[str]:
    combustion = cells[~cells["is_process"].astype(bool)]
    by_fuel = combustion.groupby("fuel_code")[value].sum().sort_values(ascending=False)
    return list(by_fuel.index[:TOP_FUELS]) if len(by_fuel) > TOP_FUELS + 1 else list(by_fuel.index)


def mix_frame(cells: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The treemap's and sankey's data: group (sector or process group) × item (fuel or process),
    in 万吨, fuels outside the top ones merged into "all other fuels"; suppressed cells left out."""
    value = f"{measure}_10k_t"
    shown = cells[~cells["suppressed"] & cells[value].notna()].copy()
    if shown.empty:
        return pd.DataFrame(columns=["group_code", "group_name", "item_code", "item_name", "value"])
    top = set(_top_fuels(shown, value))
    combustion = ~shown["is_process"].astype(bool)
    merge = combustion & ~shown["item_code"].isin(top)
    shown.loc[merge, "item_code"] = OTHER_FUELS
    shown.loc[merge, "item_name"] = t("structure_other_fuels")
    frame = (
        shown.groupby(["group_code", "group_name", "item_code", "item_name"], as_index=False, sort=False)[value].sum()
        .rename(columns={value: "value"})
    )
    frame = frame[frame["value"] > 0]
    order = frame.groupby("group_code")["value"].transform("sum")
    return frame.assign(order=order).sort_values(["order", "value"], ascending=False).drop(columns="order").reset_index(drop=True)


def sankey_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Flows for the sankey, source → target in 万吨: fuel → sector, and the industrial processes (all
    types as one source, so the left column stays readable) → industry, where they take place."""
    if frame.empty:
        return pd.DataFrame(columns=["source_code", "source", "target_code", "target", "value"])
    process = frame["group_code"] == PROCESS_GROUP
    industry = frame.loc[frame["group_code"] == INDUSTRY_SECTOR, "group_name"]
    industry_name = industry.iat[0] if not industry.empty else sector_name(INDUSTRY_SECTOR, None)
    flows = pd.DataFrame({
        "source_code": frame["item_code"].where(~process, PROCESS_GROUP),
        "source": frame["item_name"].where(~process, t("structure_process_group")),
        "target_code": frame["group_code"].where(~process, INDUSTRY_SECTOR),
        "target": frame["group_name"].where(~process, industry_name),
        "value": frame["value"],
    })
    flows = flows.groupby(["source_code", "source", "target_code", "target"], as_index=False, sort=False)["value"].sum()
    # Fuels largest first, then "all other fuels", then the processes, so the sankey reads top-down.
    rank = flows.groupby("source_code")["value"].transform("sum")
    last = flows["source_code"].map({OTHER_FUELS: 1, PROCESS_GROUP: 2}).fillna(0)
    return (
        flows.assign(last=last, rank=rank).sort_values(["last", "rank", "value"], ascending=[True, False, False])
        .drop(columns=["last", "rank"]).reset_index(drop=True)
    )


def suppression_note(reason: object) -> str:
    if is_missing(reason):
        return t("structure_suppressed")
    return code_label("structure_suppressed", str(reason))


def cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per sector × fuel (or process) cell; suppressed cells keep NaN values and say why."""
    columns = ["sector_name", "fuel_name", "kind", "activity_value", "activity_unit", "energy_10k_tce", "co2_10k_t", "co2e_10k_t", "note"]
    if auth.is_authorised():
        columns += ["factor_source", "source_files"]
    if cells.empty:
        return pd.DataFrame(columns=columns)
    table = cells.assign(
        kind=[t("structure_kind_process" if is_process else "structure_kind_combustion") for is_process in cells["is_process"]],
        note=[suppression_note(reason) if suppressed else None for suppressed, reason in zip(cells["suppressed"], cells["suppression_reason"])],
    )
    table["activity_unit"] = [
        None if is_missing(unit) else code_label("structure_activity_unit", str(unit)) for unit in table["activity_unit"]
    ]
    # A suppressed cell shows no activity either: the public file keeps only its unit.
    table.loc[table["suppressed"], ["activity_value", "energy_10k_tce", "co2_10k_t", "co2e_10k_t"]] = math.nan
    return table[columns].reset_index(drop=True)


# --- 2. territorial vs electricity-adjusted ---------------------------------------------------

ADJUSTED_FIELDS = ("co2_t", "co2_net_electricity_import_t", "co2_for_intensity_t", "co2_process_t", "co2_with_process_t")


def adjusted_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Per year, in 万吨 CO₂: territorial combustion, the electricity adjustment (negative for a net
    exporter), CO2 for the intensity indicator, process, territorial with process; the net
    electricity import (亿千瓦时) and grid factor that make the adjustment."""
    table = pd.DataFrame({"year": totals["year"].astype(int)})
    for field in ADJUSTED_FIELDS:
        table[field.removesuffix("_t") + "_10k_t"] = totals[field] / PER_TEN_THOUSAND
    table["net_electricity_import_100m_kwh"] = totals["net_electricity_import_mwh"] / MWH_PER_100M_KWH
    table["grid_factor_tco2_per_mwh"] = totals["grid_factor_tco2_per_mwh"]
    return table.reset_index(drop=True)


ADJUSTED_HEADERS = {
    "year": "col_year",
    "co2_10k_t": "structure_col_co2",
    "co2_net_electricity_import_10k_t": "structure_col_co2_net_electricity_import",
    "co2_for_intensity_10k_t": "structure_col_co2_for_intensity",
    "co2_process_10k_t": "structure_col_co2_process",
    "co2_with_process_10k_t": "structure_col_co2_with_process",
    "net_electricity_import_100m_kwh": "structure_col_net_electricity_import",
    "grid_factor_tco2_per_mwh": "structure_col_grid_factor",
}


# --- 3. trend by sector -----------------------------------------------------------------------


def trend_frame(sectors: pd.DataFrame, totals: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Long frame year × sector (code, name, value in 万吨): combustion by energy-balance sector, plus
    one process band from the region totals (suppressed cells do not shrink it). For CO2e the
    process band is the region's CO2e minus its combustion CO2e (process cells are not summed)."""
    value = f"{measure}_t"
    rows = sectors.assign(
        sector=[sector_name(code, zh) for code, zh in zip(sectors["sector_code"], sectors["sector_name_zh"])],
        value=sectors[value] / PER_TEN_THOUSAND,
    )[["year", "sector_code", "sector", "sector_sort", "value"]]
    if measure == "co2":
        process = totals[["year", "co2_process_t"]].rename(columns={"co2_process_t": "process_t"})
    else:
        combustion = sectors.groupby("year", as_index=False)["co2e_t"].sum(min_count=1)
        process = totals[["year", "co2e_t"]].merge(combustion, on="year", how="left", suffixes=("_region", "_combustion"))
        process["process_t"] = process["co2e_t_region"] - process["co2e_t_combustion"]
        # A difference of rounding size is no process emission; a year without process data stays missing.
        process.loc[process["process_t"].abs() <= CHECK_TOLERANCE_T, "process_t"] = math.nan
    process = process[process["process_t"].notna()]
    process_rows = pd.DataFrame({
        "year": process["year"], "sector_code": PROCESS_GROUP, "sector": t("structure_process_group"),
        "sector_sort": 1_000, "value": process["process_t"] / PER_TEN_THOUSAND,
    })
    frame = pd.concat([rows, process_rows], ignore_index=True)
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["year", "sector_sort", "sector_code"]).reset_index(drop=True)


def trend_table(frame: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Wide table: one row per sector (every sector, none merged) and a total row, one column per
    year; returns the table and the on-screen header of each column (a year with its unit)."""
    keyed = frame.assign(sector_sort=frame["sector_sort"].fillna(999))  # a sector not in the reference list goes last
    wide = keyed.set_index(["sector_sort", "sector_code", "sector", "year"])["value"].unstack("year")
    wide = wide.reset_index().drop(columns=["sector_sort", "sector_code"])
    wide.columns.name = None
    years = [column for column in wide.columns if column != "sector"]
    total = {"sector": t("structure_total_row")} | {year: wide[year].sum(min_count=1) for year in years}
    wide = pd.concat([wide, pd.DataFrame([total])], ignore_index=True)
    wide.columns = ["sector"] + [str(year) for year in years]
    unit = measure_unit(measure)
    headers = {"sector": t("structure_col_sector")} | {str(year): t("structure_col_year_value", year=year, unit=unit) for year in years}
    return wide, headers


def trend_check(frame: pd.DataFrame, totals: pd.DataFrame, measure: str) -> str | None:
    """One line: do the sector sums of every year equal the region total (with process)?"""
    region_field = "co2_with_process_t" if measure == "co2" else "co2e_t"
    sums = frame.groupby("year")["value"].sum(min_count=1) * PER_TEN_THOUSAND
    region = totals.set_index(totals["year"].astype(int))[region_field]
    joined = pd.concat([sums.rename("sectors"), region.rename("region")], axis=1).dropna()
    if joined.empty:
        return None
    worst = (joined["sectors"] - joined["region"]).abs().max()
    key = "structure_trend_check_ok" if worst <= CHECK_TOLERANCE_T else "structure_trend_check_differs"
    return t(key, years=len(joined), difference=number_text(worst / PER_TEN_THOUSAND))
