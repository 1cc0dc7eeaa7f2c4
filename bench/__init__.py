"""Benchmarks: `python -m bench` (or `make bench`) runs every bench_*.py module here.

Each module has `main(argv: list[str] | None = None) -> int` and appends its figures, with the
date and the machine, to docs/benchmarks.md. They are not tests: they take minutes.
"""
