"""Benchmarks for kubelint: corpus generator, checks and the bench.py runner (not shipped)."""
