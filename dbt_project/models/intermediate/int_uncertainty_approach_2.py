"""IPCC 2006 Vol.1 ch.3 Approach 2 (Monte Carlo) for the inventory's uncertainty.

Every row of int_uncertainty_inputs is CO2e = activity × factor. Per draw:
- each factor family (ref_uncertainty_ranges.uncertainty_id) gets ONE multiplier, shared by every
  region, year and category that uses it: the same coal CO2 factor is applied everywhere, so its
  error is common to all of them (correlated), as IPCC ch.3 §3.2.3 asks;
- each activity gets its own normal multiplier (statistics of different places and years err
  independently).
Factors are normal, or lognormal where the seed says so (IPCC: large, skewed ranges), both with
mean 1 and standard deviation U/1.96 (U = the 95 % half-width in %). The rows of one region,
year, category, gas and family are summed first: with one shared factor and independent normal
activities that sum is exact (a sum of independent normals is normal with σ = √Σσ²), and it keeps
the draws small. Each region-year's total and each category × gas get the 2.5 and 97.5
percentiles of their draws.

The Monte Carlo is the pure function `monte_carlo` (tests/unit/test_uncertainty_monte_carlo.py
checks it against Approach 1); `model` is the dbt wrapper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20161231
N_DRAWS = 10_000
Z_95 = 1.959963984540054  # two-sided 95 % of a standard normal

OUTPUT_COLUMNS = [
    "region_code", "year", "category_code", "gas", "approach", "co2e_t",
    "lower_t", "upper_t", "uncertainty_pct", "trend_uncertainty_pct",
]


def factor_multipliers(families: pd.DataFrame, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """(n_draws × families) multipliers of mean 1; one column per factor family, drawn once."""
    sigma = families["factor_uncertainty_pct"].to_numpy(dtype=float) / 100 / Z_95
    z = rng.standard_normal((n_draws, len(families)))
    normal = 1 + z * sigma
    # lognormal of mean 1 and the same standard deviation: s² = ln(1 + σ²), μ = −s²/2
    s = np.sqrt(np.log1p(sigma**2))
    lognormal = np.exp(-(s**2) / 2 + z * s)
    is_lognormal = (families["factor_distribution"] == "lognormal").to_numpy()
    return np.where(is_lognormal, lognormal, normal)


def _units(inputs: pd.DataFrame) -> pd.DataFrame:
    """Rows of one region, year, category, gas and factor family summed: CO2e and the activity σ (t)."""
    frame = inputs.assign(
        activity_sigma_sq=(inputs["co2e_t"] * inputs["activity_uncertainty_pct"] / 100 / Z_95) ** 2
    )
    keys = ["region_code", "year", "category_code", "gas", "uncertainty_id"]
    units = frame.groupby(keys, as_index=False, sort=True).agg(
        co2e_t=("co2e_t", "sum"), activity_sigma_sq=("activity_sigma_sq", "sum")
    )
    units["activity_sigma_t"] = np.sqrt(units["activity_sigma_sq"])
    return units.drop(columns="activity_sigma_sq")


def _intervals(units: pd.DataFrame, factors: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """The category × gas and total intervals of one region-year's units (sorted by category, gas)."""
    # one row per unit, one column per draw (rows contiguous: sums over units add whole rows)
    z = rng.standard_normal((len(units), factors.shape[1]), dtype=np.float32)
    point = units["co2e_t"].to_numpy()
    activity = point.astype(np.float32)[:, None] + z * units["activity_sigma_t"].to_numpy(dtype=np.float32)[:, None]
    draws = activity * factors[units["family"].to_numpy()]
    # units are sorted by category and gas: each category × gas is a run of adjacent rows
    category_gas = units["category_gas"].to_numpy()
    first = np.flatnonzero(np.r_[True, category_gas[1:] != category_gas[:-1]])
    summed = np.vstack([np.add.reduceat(draws, first, axis=0), draws.sum(axis=0)])
    lower, upper = np.percentile(summed, [2.5, 97.5], axis=1)
    co2e = np.append(np.add.reduceat(point, first), point.sum())
    labels = units.iloc[first]
    half = (upper - lower) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(co2e != 0, half / np.abs(co2e) * 100, np.nan)
    return pd.DataFrame({
        "region_code": units["region_code"].iloc[0], "year": int(units["year"].iloc[0]),
        "category_code": np.append(labels["category_code"].to_numpy(), "total"),
        "gas": np.append(labels["gas"].to_numpy(), "all"),
        "approach": "approach_2", "co2e_t": co2e, "lower_t": lower.astype(float), "upper_t": upper.astype(float),
        "uncertainty_pct": pct, "trend_uncertainty_pct": np.nan,
    })


def monte_carlo(inputs: pd.DataFrame, n_draws: int = N_DRAWS, seed: int = SEED) -> pd.DataFrame:
    """95 % intervals of each region-year's total (category 'total', gas 'all') and of each category × gas.

    `inputs`: region_code, year, category_code, gas, co2e_t, uncertainty_id, activity_uncertainty_pct,
    factor_uncertainty_pct, factor_distribution (int_uncertainty_inputs)."""
    if inputs.empty:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    # The same inputs in any order give the same result to the last bit: DuckDB hands the table over
    # in no promised order, and sums of floats depend on their order (two identical builds differed).
    inputs = inputs.sort_values(list(inputs.columns), kind="mergesort", ignore_index=True)
    rng = np.random.default_rng(seed)
    families = (
        inputs.groupby("uncertainty_id", sort=True)[["factor_uncertainty_pct", "factor_distribution"]]
        .first().reset_index()
    )
    factors = np.ascontiguousarray(factor_multipliers(families, n_draws, rng).T, dtype=np.float32)
    units = _units(inputs)
    units["family"] = units["uncertainty_id"].map({f: i for i, f in enumerate(families["uncertainty_id"])})
    units["category_gas"] = units["category_code"] + "|" + units["gas"]
    parts = [_intervals(group, factors, rng) for _, group in units.groupby(["region_code", "year"], sort=True)]
    return pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_uncertainty_inputs").df()
    result = monte_carlo(inputs)
    result["year"] = result["year"].astype("int32")
    for column in ("co2e_t", "lower_t", "upper_t", "uncertainty_pct", "trend_uncertainty_pct"):
        result[column] = result[column].astype("float64")
    return result
