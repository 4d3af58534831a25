"""IPCC 2006 Vol.1 ch.3 Approach 2 (Monte Carlo) for the inventory's uncertainty.

Every row of int_uncertainty_inputs is CO2e = activity × factor. Per draw:
- each factor family (ref_uncertainty_ranges.uncertainty_id) gets ONE multiplier F, shared by every
  region, year and category that uses it: the same coal CO2 factor is applied everywhere, so its
  error is common to all of them (correlated), as IPCC ch.3 §3.2.3 asks;
- each activity gets its own normal multiplier (statistics of different places and years err
  independently).
Factors are normal, or lognormal where the seed says so (IPCC: large, skewed ranges), both with
mean 1 and standard deviation U/1.96 (U = the 95 % half-width in %). Each region-year's total and
each category × gas of the regions at CATEGORY_LEVELS get the 2.5 and 97.5 percentiles ('linear',
as np.percentile) of their draws.

How it stays fast at any scale (linear in region-years; no draw loop per region-year):
- within one output row (a category × gas, or a region-year's total) the rows of one family f are
  summed first: with one shared factor and independent normal activities that sum is exact in
  distribution, Σ(x_i + σ_i·z_i)·F = (X + S·w)·F with X = Σx_i, S = √Σσ_i², w standard normal;
- so an output row's draws are Σ_f (X_f·F_f + S_f·G_f) with G_f = F_f·w_f: every row is a
  combination of the same 2 × families draw vectors. A row only sees its own w_f, one per family
  (independent of each other), so one w_f per family serves every row: each row's distribution is
  exact; only the draws of DIFFERENT rows are no longer independent, which no output depends on
  (each row is the interval of its own sum). The total is drawn from its own X_f, S_f;
- a row's percentiles scale with it: a row is normalised by its largest |X_f| or S_f, and rows with
  the same normalised (f, X_f, S_f) (rounded to 1e-9 of the scale, far below the draws' own error)
  are drawn once (of all 36,306 category rows of the sample, ~17,500 shapes).
Monte Carlo error at 10,000 draws: a 2.5/97.5 percentile of a normal has a standard error of
1.4 % of the half-width (≈ 1 % on the half-width), which is also how far the intervals moved when
this replaced one activity draw per unit and region-year (docs/methodology.md "Uncertainty").

The Monte Carlo is the pure function `monte_carlo` (tests/unit/test_uncertainty_monte_carlo.py
checks it against Approach 1); `model` is the dbt wrapper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20161231
N_DRAWS = 10_000
Z_95 = 1.959963984540054  # two-sided 95 % of a standard normal
PERCENTILES = (2.5, 97.5)
KEY_DECIMALS = 9  # normalised X_f, S_f equal to 1e-9 of the row's scale are one shape
CATEGORY_LEVELS = ("province",)  # the level whose category × gas rows get an Approach 2 interval
BATCH_CELLS = 4_000_000  # rows × draws per batch: ~32 MB of float64, whatever the inventory's size

INPUT_COLUMNS = [  # keys first, then the amounts (_encoded sorts by the first six as one number)
    "region_code", "year", "category_code", "gas", "uncertainty_id", "factor_distribution", "co2e_t",
    "activity_uncertainty_pct", "factor_uncertainty_pct",
]
TEXT_COLUMNS = ("region_code", "category_code", "gas", "uncertainty_id", "factor_distribution")
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
    """Rows of one region, year, category, gas and factor family summed: CO2e and the activity σ² (t²)."""
    frame = inputs.assign(
        activity_sigma_sq=(inputs["co2e_t"] * inputs["activity_uncertainty_pct"] / 100 / Z_95) ** 2
    )
    keys = ["region_code", "year", "category_code", "gas", "uncertainty_id"]
    return frame.groupby(keys, as_index=False, sort=True).agg(
        co2e_t=("co2e_t", "sum"), activity_sigma_sq=("activity_sigma_sq", "sum")
    )


def quantiles(draws: np.ndarray, percentiles=PERCENTILES) -> np.ndarray:
    """Per row of `draws`, the percentiles by linear interpolation between the order statistics k and
    k + 1 (np.percentile's default 'linear' method), from one np.partition at the k's: the (k + 1)-th
    is then the smallest value above position k, up to the next partition point."""
    n = draws.shape[1]
    virtual = np.asarray(percentiles, dtype=float) / 100 * (n - 1)
    below = np.floor(virtual).astype(int)
    ordered = np.partition(draws, below, axis=1)
    low = ordered[:, below].astype(float)
    high = np.column_stack([_next_smallest(ordered, k, below) for k in below]).astype(float)
    return low + (high - low) * (virtual - below)


def _next_smallest(ordered: np.ndarray, k: int, points: np.ndarray) -> np.ndarray:
    """The (k + 1)-th order statistic of rows partitioned at `points` (k among them)."""
    n = ordered.shape[1]
    if k + 1 >= n:
        return ordered[:, k]
    end = min([p for p in points if p > k], default=n - 1) + 1  # up to and including the next partition point
    return ordered[:, k + 1:end].min(axis=1)


def _shape_draws(shapes: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Draws of normalised rows, shapes (rows × slots × 3: family, X_f, S_f; family −1 = empty slot):
    one matrix product of the rows' coefficients with the basis [F_f; G_f] (2·families × draws)."""
    n_families = basis.shape[0] // 2
    coefficients = np.zeros((shapes.shape[0], 2 * n_families))
    family = shapes[:, :, 0].astype(int)
    row, slot = np.nonzero(family >= 0)
    coefficients[row, family[row, slot]] = shapes[row, slot, 1]
    coefficients[row, n_families + family[row, slot]] = shapes[row, slot, 2]
    return (coefficients @ basis).astype(np.float32)  # float32: half the memory to partition


def _intervals(shapes: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """(rows × 2) percentiles of normalised rows; each distinct shape drawn once, in batches."""
    flat = shapes.reshape(len(shapes), -1)
    distinct, inverse = np.unique(flat, axis=0, return_inverse=True)
    distinct = distinct.reshape(-1, *shapes.shape[1:])
    result = np.empty((len(distinct), len(PERCENTILES)))
    batch = max(1, BATCH_CELLS // basis.shape[1])
    for start in range(0, len(distinct), batch):
        part = distinct[start:start + batch]
        result[start:start + batch] = quantiles(_shape_draws(part, basis))
    return result[inverse.reshape(-1)]


def _shapes(row_id: np.ndarray, family: np.ndarray, x: np.ndarray, sigma_sq: np.ndarray):
    """Per output row (row_id 0…n−1, ascending), its families' (f, X_f, S_f) normalised by the row's
    scale, padded to the widest row, and that scale."""
    frame = pd.DataFrame({"row": row_id, "family": family, "x": x, "sigma_sq": sigma_sq})
    per = frame.groupby(["row", "family"], sort=True).agg(x=("x", "sum"), sigma_sq=("sigma_sq", "sum")).reset_index()
    per["s"] = np.sqrt(per["sigma_sq"])
    scale = np.maximum(per["x"].abs(), per["s"]).groupby(per["row"]).max().to_numpy()
    scale = np.where(scale > 0, scale, 1.0)
    rows = per["row"].to_numpy()
    slot = per.groupby("row").cumcount().to_numpy()
    shapes = np.zeros((len(scale), slot.max() + 1, 3))
    shapes[:, :, 0] = -1
    shapes[rows, slot, 0] = per["family"].to_numpy()
    shapes[rows, slot, 1] = np.round(per["x"].to_numpy() / scale[rows], KEY_DECIMALS)
    shapes[rows, slot, 2] = np.round(per["s"].to_numpy() / scale[rows], KEY_DECIMALS)
    return shapes, scale


def _estimates(units: pd.DataFrame, region_year: np.ndarray, category_row: np.ndarray):
    """The inventory's CO2e per category × gas row and per region-year (sums in unit order)."""
    point = units["co2e_t"].to_numpy()
    first = np.flatnonzero(np.r_[True, category_row[1:] != category_row[:-1]])
    by_category = np.add.reduceat(point, first)
    bounds = np.flatnonzero(np.r_[True, region_year[1:] != region_year[:-1], True])
    totals = np.array([point[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:])])
    return by_category, totals, first, bounds[:-1]


def _encoded(inputs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The columns the result reads, text as integer codes in sorted order (sorting and grouping
    numbers is fast at national scale), rows sorted by all of them; and each text column's values.

    The same inputs in any order give the same result to the last bit: DuckDB hands the table over
    in no promised order, and sums of floats depend on their order (two identical builds differed).
    Rows equal on every column read are interchangeable."""
    frame, text = pd.DataFrame(index=range(len(inputs))), {}
    for column in INPUT_COLUMNS:
        if column in TEXT_COLUMNS:
            codes, uniques = pd.factorize(inputs[column])  # the few distinct values are sorted below
            if (codes < 0).any():
                raise ValueError(f"int_uncertainty_inputs.{column} is null in {(codes < 0).sum()} rows")
            values = np.asarray(uniques, dtype=object)
            order = np.argsort(values, kind="stable")
            rank = np.empty(len(order), np.int64)
            rank[order] = np.arange(len(order))
            frame[column], text[column] = rank[codes], values[order]
        else:
            frame[column] = inputs[column].to_numpy(dtype=np.int64 if column == "year" else float)
    # the text codes and the year as one mixed-radix number (a few billion at most), then the amounts
    key = np.zeros(len(frame), np.int64)
    for column in INPUT_COLUMNS[:6]:
        codes = frame[column].to_numpy() - frame[column].min()
        key = key * (int(codes.max()) + 1) + codes
    order = np.lexsort([frame[column].to_numpy() for column in reversed(INPUT_COLUMNS[6:])] + [key])
    return frame.iloc[order].reset_index(drop=True), text


def monte_carlo(
    inputs: pd.DataFrame, n_draws: int = N_DRAWS, seed: int = SEED, category_regions: set[str] | None = None,
) -> pd.DataFrame:
    """95 % intervals of each region-year's total (category 'total', gas 'all') and of each category × gas
    of the regions in `category_regions` (None: every region).

    `inputs`: region_code, year, category_code, gas, co2e_t, uncertainty_id, activity_uncertainty_pct,
    factor_uncertainty_pct, factor_distribution (int_uncertainty_inputs)."""
    if inputs.empty:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    frame, text = _encoded(inputs)
    rng = np.random.default_rng(seed)
    # uncertainty_id codes are 0…n−1 in sorted order: a family's code is its index
    families = frame.groupby("uncertainty_id", sort=True)[["factor_uncertainty_pct", "factor_distribution"]].first()
    families["factor_distribution"] = text["factor_distribution"][families["factor_distribution"].to_numpy()]
    factors = np.ascontiguousarray(factor_multipliers(families, n_draws, rng).T)
    # one activity draw per family, G_f = F_f · w_f (module docstring)
    basis = np.vstack([factors, factors * rng.standard_normal(factors.shape)])
    units = _units(frame)
    family = units["uncertainty_id"].to_numpy()
    region_year = units.groupby(["region_code", "year"], sort=True).ngroup().to_numpy()
    category_row = units.groupby(["region_code", "year", "category_code", "gas"], sort=True).ngroup().to_numpy()
    by_category, totals, first, total_first = _estimates(units, region_year, category_row)
    x, sigma_sq = units["co2e_t"].to_numpy(), units["activity_sigma_sq"].to_numpy()
    region = units["region_code"].to_numpy()
    detailed = np.ones(len(units), bool) if category_regions is None else np.isin(text["region_code"], list(category_regions))[region]
    kept = detailed[first]
    by_category, first = by_category[kept], first[kept]
    renumbered = np.cumsum(kept) - 1  # category rows of the detailed regions, numbered 0…n−1
    category_shapes, category_scale = _shapes(
        renumbered[category_row[detailed]], family[detailed], x[detailed], sigma_sq[detailed]
    )
    total_shapes, total_scale = _shapes(region_year, family, x, sigma_sq)
    bounds = np.vstack([
        _intervals(category_shapes, basis) * category_scale[:, None],
        _intervals(total_shapes, basis) * total_scale[:, None],
    ])
    co2e = np.r_[by_category, totals]
    labels = pd.concat([units.iloc[first], units.iloc[total_first]], ignore_index=True)
    is_total = np.r_[np.zeros(len(first), bool), np.ones(len(total_first), bool)]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(co2e != 0, (bounds[:, 1] - bounds[:, 0]) / 2 / np.abs(co2e) * 100, np.nan)
    result = pd.DataFrame({
        "region_code": text["region_code"][labels["region_code"]], "year": labels["year"].astype(int),
        "category_code": np.where(is_total, "total", text["category_code"][labels["category_code"]]),
        "gas": np.where(is_total, "all", text["gas"][labels["gas"]]),
        "approach": "approach_2", "co2e_t": co2e, "lower_t": bounds[:, 0], "upper_t": bounds[:, 1],
        "uncertainty_pct": pct, "trend_uncertainty_pct": np.nan,
    })
    # each region-year's category rows, then its total
    order = np.argsort(np.r_[region_year[first], region_year[total_first]] * 2 + is_total, kind="stable")
    return result.iloc[order].reset_index(drop=True)[OUTPUT_COLUMNS]


def _pandas(relation) -> pd.DataFrame:
    # engine-neutral read of a ref: a Spark DataFrame (dbt-spark's Databricks submission methods)
    # has toPandas(), a DuckDB relation df(). Spark's session method runs the same monte_carlo
    # through spark/int_uncertainty_approach_2.sql instead (it runs no Python model).
    return relation.toPandas() if hasattr(relation, "toPandas") else relation.df()


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = _pandas(dbt.ref("int_uncertainty_inputs"))
    # Category × gas intervals where inventories are compiled and reviewed by category: the province
    # and its cities (市州). Every region-year gets its total (dashboards show any region's total);
    # Approach 1 gives every region's categories.
    regions = _pandas(dbt.ref("stg_reference__regions"))
    detailed = set(regions.loc[regions["level"].isin(CATEGORY_LEVELS), "region_code"])
    result = monte_carlo(inputs, category_regions=detailed)
    result["year"] = result["year"].astype("int32")
    for column in ("co2e_t", "lower_t", "upper_t", "uncertainty_pct", "trend_uncertainty_pct"):
        result[column] = result[column].astype("float64")
    return result
