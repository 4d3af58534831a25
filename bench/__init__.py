"""Benchmarks and comparisons of builds (bench/README.md)."""
