"""The benchmarks are code too: they must at least import after a restructure."""

import importlib
import pkgutil

import bench


def test_every_benchmark_module_imports():
    names = [m.name for m in pkgutil.iter_modules(bench.__path__)]
    assert "timing" in names
    for name in names:
        importlib.import_module(f"bench.{name}")
