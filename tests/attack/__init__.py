"""Red-team tooling: an independent attack on the public warehouse file (see public_attack)."""
