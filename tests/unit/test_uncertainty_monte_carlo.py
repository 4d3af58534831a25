"""The Monte Carlo of the dbt Python model int_uncertainty_approach_2 (IPCC Approach 2), tested
as the pure function it is: against Approach 1 where both must agree (normal inputs), for the
correlation of a factor shared across regions, and for its determinism (seed 20161231)."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
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


def test_the_percentiles_are_numpys_linear_ones():
    rng = np.random.default_rng(7)
    for n_draws in (1, 2, 3, 40, 10_000):
        draws = rng.lognormal(size=(20, n_draws)).astype(np.float32)
        expected = np.percentile(draws.astype(float), mc.PERCENTILES, axis=1).T
        np.testing.assert_allclose(mc.quantiles(draws), expected, rtol=1e-12)


def test_the_same_rows_in_any_order_give_the_same_bits_and_sums_need_not_be_drawn_row_by_row():
    rows = [
        _row(region, category, 100.0 + i * 7.5, family, 3.0, 5.0, year=year)
        for i, (region, year) in enumerate([("620000", 2019), ("620100", 2020), ("620200", 2020)])
        for category, family in [("1.A.1.a", "coal_co2"), ("1.A.2.a", "coal_co2"), ("2.A.1", "cement")]
    ]
    frame = pd.DataFrame(rows)
    first = mc.monte_carlo(frame)
    shuffled = mc.monte_carlo(frame.sample(frac=1, random_state=1))
    pd.testing.assert_frame_equal(first, shuffled, check_exact=True)
    # nine category rows and three totals; two rows of the same shape (one family, same relative σ)
    # have the same relative interval
    assert len(first) == 12
    one = first[(first["category_code"] == "2.A.1")].set_index("region_code")
    assert one.loc["620000", "uncertainty_pct"] == pytest.approx(one.loc["620100", "uncertainty_pct"], rel=1e-6)


def test_category_rows_only_for_the_detailed_regions_but_every_total():
    frame = pd.DataFrame([
        _row("620000", "1.A.1.a", 300.0, "coal_co2", 3.0, 4.0),
        _row("620000", "2.A.1", 200.0, "cement", 6.0, 8.0),
        _row("620100", "1.A.1.a", 100.0, "coal_co2", 3.0, 4.0),
        _row("620100", "2.A.1", 50.0, "cement", 6.0, 8.0),
    ])
    result = mc.monte_carlo(frame, category_regions={"620000"})
    assert sorted(zip(result["region_code"], result["category_code"])) == [
        ("620000", "1.A.1.a"), ("620000", "2.A.1"), ("620000", "total"), ("620100", "total"),
    ]
    everything = mc.monte_carlo(frame).set_index(["region_code", "category_code"])
    # the totals do not depend on which regions are detailed
    totals = result.set_index(["region_code", "category_code"]).loc[[("620000", "total"), ("620100", "total")]]
    pd.testing.assert_frame_equal(totals, everything.loc[totals.index])


def test_the_spark_transform_script_gives_the_python_models_rows_exactly():
    """On Spark's session method the Monte Carlo runs as a SQL TRANSFORM script
    (dbt_project/scripts/uncertainty_approach_2_transform.py): Spark's text rows in, text rows out.
    It must give the model's numbers bit for bit, category rows only for the flagged regions, and
    nothing for an empty partition."""
    import subprocess
    import sys

    script = paths.DBT_PROJECT_DIR / "scripts" / "uncertainty_approach_2_transform.py"
    rows = [
        _row("620000", "1.A.1.a", 300.123456789, "coal_co2", 3.0, 4.0),
        _row("620000", "2.A.1", 200.0, "cement", 6.0, 80.0, distribution="lognormal"),
        _row("620100", "1.A.1.a", 50.5, "coal_co2", 5.0, 4.0),
    ]
    is_province = {"620000": "true", "620100": "false"}
    text = "".join(
        "\t".join(str(r[c]) for c in mc.INPUT_COLUMNS) + "\t" + is_province[r["region_code"]] + "\n" for r in rows
    )
    run = subprocess.run([sys.executable, str(script)], input=text, capture_output=True, text=True, check=True)
    got = [line.split("\t") for line in run.stdout.splitlines()]
    expected = mc.monte_carlo(pd.DataFrame(rows), category_regions={"620000"})
    assert len(got) == len(expected) == 4  # 620000: 2 categories + total; 620100: total only
    for line, (_, row) in zip(got, expected.iterrows()):
        assert line[:5] == [row["region_code"], str(row["year"]), row["category_code"], row["gas"], "approach_2"]
        assert [float(v) for v in line[5:9]] == [row["co2e_t"], row["lower_t"], row["upper_t"], row["uncertainty_pct"]]
        assert line[9] == "\\N"  # no trend uncertainty: Spark's null
    empty = subprocess.run([sys.executable, str(script)], input="", capture_output=True, text=True, check=True)
    assert empty.stdout == ""
