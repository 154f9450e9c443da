"""Benchmarks of QUALITY.md's performance targets: the app beside the cheapest floor, one run.

Run with `make bench` (or `.venv/bin/python -m bench --quick --only P1,P9`). Not part of the
test suite: tests assert query counts, never seconds.
"""
