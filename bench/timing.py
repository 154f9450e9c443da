"""Timing helpers and the result table shared by every benchmark."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One row of the table: the app's time beside its floor's, and the target."""

    id: str
    what: str
    app_s: float | None
    floor_s: float | None = None
    target: str = "—"
    passed: bool | None = None  # None: reported only

    @property
    def ratio(self) -> float | None:
        """App time over floor time, when both were measured."""
        if self.app_s is None or not self.floor_s:
            return None
        return self.app_s / self.floor_s


def within_ratio(app_s: float, floor_s: float, limit: float) -> bool:
    """True when the app is at most `limit` times its floor."""
    return app_s <= limit * floor_s


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of `action` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median(samples: Iterable[float]) -> float:
    """The median of the samples."""
    return statistics.median(list(samples))


def p95(samples: Iterable[float]) -> float:
    """The 95th percentile (nearest rank) of the samples."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.2f} ms"
    return f"{value:.2f} s"


def _verdict(passed: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "info"}[passed]


def format_table(results: Iterable[Result]) -> str:
    """The results as a plain-text table."""
    header = ("id", "what", "app time", "floor time", "ratio", "target", "result")
    rows = [
        (
            r.id,
            r.what,
            _seconds(r.app_s),
            _seconds(r.floor_s),
            "—" if r.ratio is None else f"{r.ratio:.2f}×",
            r.target,
            _verdict(r.passed),
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def alternate(
    app_call: Callable[[], object],
    floor_call: Callable[[], object],
    *,
    warmup: int,
    count: int,
    budget_s: float,
) -> tuple[list[float], list[float]]:
    """Time the app and its floor by turns, `count` times or until `budget_s` is spent.

    Taking turns spreads any noise of the machine over both; the budget keeps a slow page
    (seconds per request) from making the run endless. At least three samples each.
    """
    deadline = time.perf_counter() + budget_s
    for _ in range(warmup):
        app_call()
        floor_call()
        if time.perf_counter() > deadline - budget_s / 2:
            break
    app_samples: list[float] = []
    floor_samples: list[float] = []
    while len(app_samples) < count and (len(app_samples) < 3 or time.perf_counter() < deadline):
        floor_samples.append(timed(floor_call))
        app_samples.append(timed(app_call))
    return app_samples, floor_samples
