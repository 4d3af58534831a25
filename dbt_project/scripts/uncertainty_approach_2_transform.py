"""The Approach 2 Monte Carlo as a Spark SQL TRANSFORM script (issue 18, target `spark`).

dbt-spark runs Python models only on Databricks; with the session method there is no way to run
the Python model int_uncertainty_approach_2.py. On that target the SQL model
models/intermediate/spark/int_uncertainty_approach_2.sql pipes int_uncertainty_inputs through
this script (SELECT TRANSFORM … USING, one partition), which calls the SAME pure function
`monte_carlo` of the Python model: same seed, same inputs, same numbers.

stdin: Spark's TRANSFORM text rows (tab-separated, null as \\N) of the columns INPUT_COLUMNS of the
model plus `is_category_region` (true where the region's level is one of CATEGORY_LEVELS).
stdout: the rows of OUTPUT_COLUMNS in the same format. No input rows (an empty partition) → no rows.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd

MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "intermediate" / "int_uncertainty_approach_2.py"
NULL = "\\N"  # Spark's text form of a null in TRANSFORM rows


def load_model():
    spec = importlib.util.spec_from_file_location("int_uncertainty_approach_2", MODEL_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_rows(lines, columns: list[str], numeric: set[str]) -> pd.DataFrame:
    rows = [line.rstrip("\n").split("\t") for line in lines if line.strip("\n")]
    frame = pd.DataFrame(rows, columns=columns + ["is_category_region"], dtype=object)
    frame = frame.where(frame != NULL, None)
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame


def text(value) -> str:
    # a float as Python writes it back exactly (repr round-trips); NaN (pandas' missing) as null,
    # as DuckDB stores the Python model's NaN
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NULL
    return repr(float(value)) if isinstance(value, float) else str(value)


def main() -> None:
    model = load_model()
    numeric = {"co2e_t", "activity_uncertainty_pct", "factor_uncertainty_pct"}
    inputs = read_rows(sys.stdin, list(model.INPUT_COLUMNS), numeric)
    if inputs.empty:
        return
    detailed = set(inputs.loc[inputs["is_category_region"] == "true", "region_code"])
    result = model.monte_carlo(inputs[model.INPUT_COLUMNS], category_regions=detailed)
    out = sys.stdout
    for row in result[model.OUTPUT_COLUMNS].itertuples(index=False):
        out.write("\t".join(text(value.item() if hasattr(value, "item") else value) for value in row) + "\n")


if __name__ == "__main__":
    main()
