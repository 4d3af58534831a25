"""Deterministic, seeded generator of the sample source files (sources/sample/).

`generate(out_dir, provinces, scale, seed)` writes energy statistics, enterprise GHG reports and
exchange prices in the formats of sources/README.md; `python -m pipelines.samplegen` is its CLI.
"""

from pipelines.samplegen.core import DEFAULT_SEED, generate

__all__ = ["DEFAULT_SEED", "generate"]
