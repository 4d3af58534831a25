"""The Monte Carlo of the dbt Python model int_uncertainty_approach_2 (IPCC Approach 2), tested
as the pure function it is: against Approach 1 where both must agree (normal inputs), for the
correlation of a factor shared across regions, and for its determinism (seed 20161231)."""

from __future__ import annotations

import importlib.util
import math

import pandas as pd
import pytest

from pipelines import paths

MODEL_FILE = paths.DBT_PROJECT_DIR / "models" / "intermediate" / "int_uncertainty_approach_2.py"


def _load_model():
    spec = importlib.util.spec_from_file_location("int_uncertainty_approach_2", MODEL_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mc = _load_model()


def _row(region, category, co2e, family, activity_pct, factor_pct, distribution="normal", year=2020, gas="CO2"):
    return {
        "region_code": region, "year": year, "category_code": category, "gas": gas, "co2e_t": co2e,
        "uncertainty_id": family, "activity_uncertainty_pct": activity_pct,
        "factor_uncertainty_pct": factor_pct, "factor_distribution": distribution,
    }


def _approach_1(rows):
    """IPCC 2006 Vol.1 eq. 3.1 and 3.2: U_i = √(a² + f²); U = √Σ(U_i x_i)² / |Σx_i| (%)."""
    half = math.sqrt(sum((math.hypot(r["activity_uncertainty_pct"], r["factor_uncertainty_pct"]) * r["co2e_t"] / 100) ** 2 for r in rows))
    return half / abs(sum(r["co2e_t"] for r in rows)) * 100


def test_monte_carlo_is_within_2_percent_of_approach_1_for_normal_inputs():
    rows = [
        _row("620000", "1.A.1.a", 300.0, "coal_co2", 3.0, 4.0),
        _row("620000", "2.A.1", 200.0, "cement", 6.0, 8.0),
    ]
    result = mc.monte_carlo(pd.DataFrame(rows)).set_index("category_code")
    expected_total = _approach_1(rows)  # √(15² + 20²) / 500 = 5 %
    assert expected_total == pytest.approx(5.0)
    assert result.loc["total", "gas"] == "all"
    assert result.loc["total", "co2e_t"] == pytest.approx(500.0)
    assert result.loc["total", "uncertainty_pct"] == pytest.approx(expected_total, rel=0.02)
    assert result.loc["1.A.1.a", "uncertainty_pct"] == pytest.approx(5.0, rel=0.02)
    assert result.loc["2.A.1", "uncertainty_pct"] == pytest.approx(10.0, rel=0.02)
    # the interval is centred on the estimate for normal inputs
    assert (result.loc["total", "lower_t"] + result.loc["total", "upper_t"]) / 2 == pytest.approx(500.0, rel=0.005)


def test_a_factor_shared_by_two_categories_is_drawn_once_so_their_errors_add_up():
    # factor-only uncertainty of 10 % on both: one shared draw gives the sum's 10 % (perfect
    # correlation); two independent families give 10 % / √2 for two equal halves
    shared = mc.monte_carlo(pd.DataFrame([
        _row("620000", "1.A.2.a", 100.0, "coal_co2", 0.0, 10.0),
        _row("620000", "1.A.3", 100.0, "coal_co2", 0.0, 10.0),
    ])).set_index("category_code")
    independent = mc.monte_carlo(pd.DataFrame([
        _row("620000", "1.A.2.a", 100.0, "coal_co2", 0.0, 10.0),
        _row("620000", "1.A.3", 100.0, "oil_co2", 0.0, 10.0),
    ])).set_index("category_code")
    assert shared.loc["total", "uncertainty_pct"] == pytest.approx(10.0, rel=0.02)
    assert independent.loc["total", "uncertainty_pct"] == pytest.approx(10.0 / math.sqrt(2), rel=0.02)


def test_the_same_factor_draw_serves_every_region_and_year():
    # with factor-only uncertainty, two regions using one family get identical relative intervals
    result = mc.monte_carlo(pd.DataFrame([
        _row("620100", "1.A.1.a", 100.0, "coal_co2", 0.0, 10.0),
        _row("620200", "1.A.1.a", 300.0, "coal_co2", 0.0, 10.0, year=2015),
    ]))
    totals = result[result["category_code"] == "total"].set_index("region_code")
    assert totals.loc["620100", "lower_t"] / 100 == pytest.approx(totals.loc["620200", "lower_t"] / 300, rel=1e-5)


def test_lognormal_factors_are_skewed_and_stay_positive():
    result = mc.monte_carlo(pd.DataFrame([_row("620000", "3.D.1", 100.0, "soils", 0.0, 150.0, "lognormal", gas="N2O")]))
    total = result.set_index("category_code").loc["total"]
    assert total["lower_t"] > 0
    assert total["upper_t"] - total["co2e_t"] > total["co2e_t"] - total["lower_t"]


def test_the_seed_makes_the_run_repeatable_and_the_output_has_the_mart_columns():
    frame = pd.DataFrame([_row("620000", "1.A.1.a", 300.0, "coal_co2", 3.0, 4.0)])
    first, second = mc.monte_carlo(frame), mc.monte_carlo(frame)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == mc.OUTPUT_COLUMNS
    assert set(first["approach"]) == {"approach_2"}
    assert mc.N_DRAWS >= 10_000 and mc.SEED == 20161231
    assert mc.monte_carlo(frame.iloc[0:0]).empty
