"""Seeded random streams: one independent stream per (seed, province, family, …) key.

Every stream is derived from a SHA-256 of its key, never from Python's salted `hash()`, so the
same arguments give the same bytes on every machine and in every process. Giving each family
its own stream also means that adding a column to one family does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
import math
import random


def stream(seed: int, *keys: object) -> random.Random:
    """A `random.Random` seeded from the run seed and a path of keys ('620000', 'energy', 2015)."""
    text = "/".join([str(seed), *map(str, keys)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def lognormal_factor(rng: random.Random, sigma: float) -> float:
    """A multiplicative noise factor with median 1 (exp of a normal draw)."""
    return math.exp(rng.gauss(0.0, sigma))


def weighted_choice(rng: random.Random, keys: list, weights: list[float]):
    """One key drawn with probability proportional to its weight (weights need not sum to 1)."""
    total = sum(weights)
    target = rng.random() * total
    running = 0.0
    for key, weight in zip(keys, weights):
        running += weight
        if target < running:
            return key
    return keys[-1]
