"""Named inbox sizes for the benchmark, generated once and cached.

    .venv/bin/python -m bench.inboxes PRESET [--seed N]      # prints the inbox folder

A preset is a scale of the deterministic sample generator (pipelines.samplegen.core.generate):
the same preset, seed and generator code give byte-identical files, so a generated inbox is kept
under the cache folder (default bench/.inboxes, git-ignored; GHG_BENCH_DIR moves it) in a folder
named after the preset, the seed and a hash of the generator's source files: editing the
generator makes a new folder instead of measuring stale files. `sample` is the bundled
sources/sample as it is (the figures the README quotes are of that inbox).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_ROOT / "sources" / "sample"
GENERATOR_DIR = PROJECT_ROOT / "pipelines" / "samplegen"
DONE_MARK = ".complete"  # written last: a folder without it is an interrupted generation


@dataclass(frozen=True)
class Preset:
    name: str
    provinces: str | None  # None: the bundled sample, copied as is
    scale: float
    note: str


# The national scale: the outside harness's inbox had ~100k enterprises (11.9M rows). `all` at 1.0
# is far more: 17 of the 31 provinces at 1.0 already wrote 137,168 credit codes, 5.0M export lines
# and 28,257 per-enterprise workbooks (1.1 GB, 29 min under load; 2026-12-05), so ~250k over all
# of them. Enterprises scale linearly with `scale`: 0.4 gives ~100k.
PRESETS = {
    preset.name: preset
    for preset in (
        Preset("tiny", "640000", 0.05, "宁夏 (27 regions), 5 % of the enterprises: the smoke test's build"),
        Preset("sample", None, 1.0, "the bundled sources/sample (甘肃, 101 regions), copied as is"),
        Preset("provinces5", "620000,640000,630000,650000,540000", 1.0, "甘肃, 宁夏, 青海, 新疆, 西藏 at full scale"),
        Preset("national", "all", 0.4, "every province, scale 0.4 (~100k enterprises, the issue's national inbox)"),
    )
}


def cache_root() -> Path:
    return Path(os.environ.get("GHG_BENCH_DIR", PROJECT_ROOT / "bench" / ".inboxes"))


def generator_hash() -> str:
    """A short hash of the generator's source: a changed generator is a different inbox."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def inbox_path(preset: str, seed: int | None = None) -> Path:
    from pipelines.samplegen.core import DEFAULT_SEED

    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}: one of {', '.join(PRESETS)}")
    if PRESETS[preset].provinces is None:
        return cache_root() / f"{preset}-{generator_hash()}"
    return cache_root() / f"{preset}-{seed if seed is not None else DEFAULT_SEED}-{generator_hash()}"


def ensure_inbox(preset: str, seed: int | None = None, log=print) -> Path:
    """The preset's inbox folder, generated (or copied) first when the cache has none."""
    from pipelines.samplegen.core import DEFAULT_SEED, generate

    folder = inbox_path(preset, seed)
    if (folder / DONE_MARK).exists():
        return folder
    spec = PRESETS[preset]
    if folder.exists():
        shutil.rmtree(folder)  # an interrupted generation
    started = time.monotonic()
    if spec.provinces is None:
        shutil.copytree(SAMPLE_DIR, folder)
    else:
        generate(folder, spec.provinces, spec.scale, seed if seed is not None else DEFAULT_SEED)
    (folder / DONE_MARK).write_text(f"{time.monotonic() - started:.1f} s\n")
    log(f"inbox {preset}: {folder} ({time.monotonic() - started:.1f} s)")
    return folder


def inbox_facts(folder: Path) -> dict:
    """Files and bytes of an inbox (the measured input)."""
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != DONE_MARK]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=sorted(PRESETS))
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    print(ensure_inbox(args.preset, args.seed, log=lambda text: print(text, file=sys.stderr)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
