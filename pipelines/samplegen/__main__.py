"""python -m pipelines.samplegen --out sources/sample [--provinces 620000|all|a,b] [--scale 1.0] [--seed 20161231]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipelines.samplegen.core import DEFAULT_SEED, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.samplegen", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="output folder, e.g. sources/sample")
    parser.add_argument("--provinces", default="620000",
                        help="comma-separated province adcodes, or 'all' (default 620000, Gansu)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplier on enterprise counts (default 1.0)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        summary = generate(args.out, args.provinces, args.scale, args.seed)
    except ValueError as error:
        print(f"samplegen: {error}", file=sys.stderr)
        return 2
    for code, figures in summary["provinces"].items():
        print(f"{code}: energy 2015 {figures['energy_2015_tce'] / 1e4:,.0f} 万tce, "
              f"GDP {figures['gdp_2015_10k_yuan'] / 1e4:,.0f} 亿元, "
              f"intensity {figures['energy_intensity_2015_tce_per_10k_yuan']:.3f} tce/万元, "
              f"combustion CO2 {figures['combustion_co2_2015_t'] / 1e6:,.1f} Mt, "
              f"enterprises {figures['enterprises_market']}+{figures['enterprises_other']}")
    print(f"wrote {summary['files']} files to {args.out} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
