"""P3: a chart rendered on a cache miss (≤ 150 ms), and memory after 500 renders (≤ 10 MB).

Both charts of the worker's pages are measured: the registration progress bars and the
competency radar. Every render gets distinct data, so each one misses the content cache and
draws a whole matplotlib Figure to SVG, as the dashboard does for a worker whose numbers just
changed.
Memory is the process's resident set (ru_maxrss is a peak, so the growth is read from
/proc/self/statm) after the first 50 renders have warmed matplotlib's font and path caches.
"""

from __future__ import annotations

import gc
import os

from bench.timing import Result, median, timed
from portfolio.charts import progress, radar

RENDERS = 500
QUICK_RENDERS = 100
WARM_UP = 50
TARGET_MS = 150.0
TARGET_GROWTH_MB = 10.0


def _data(n: int) -> dict:
    """Registration progress like the dashboard's, different for every n."""
    rows = [
        {
            "label": "Geaccrediteerde scholing",
            "counted": float(n % 60),
            "required": 60.0,
            "projected": float(n % 90),
            "met": n % 60 >= 60,
            "text": f"{n % 60} / 60",
        },
        {
            "label": "Reflectie",
            "counted": float(n % 45),
            "required": 60.0,
            "projected": float(n % 70),
            "met": False,
            "text": f"{n % 45} / 60",
        },
        {
            "label": "Werkervaring",
            "counted": float(n * 7 % 3368),
            "required": 3368.0,
            "projected": 3000.0,
            "met": False,
            "text": f"{n * 7 % 3368} / 3368",
        },
    ]
    return {"rows": rows, "axis": "Percentage van de eis"}


def _radar_data(n: int) -> dict:
    """A radar like the development page's (self now, earlier, supervisor), different per n."""
    axes = [f"WMO{i}" for i in range(1, 11)]

    def values(shift: int) -> list[int | None]:
        return [(n + shift + i) % 4 + 1 if (n + i) % 7 else None for i in range(10)]

    series = [
        {"key": "now", "label": "Nu", "values": values(0)},
        {"key": "before", "label": "Eerder", "values": values(1)},
        {"key": "supervisor", "label": "Leidinggevende", "values": values(2)},
    ]
    levels = ["beginner", "gevorderd beginner", "vakbekwaam", "vakvolwassen"]
    return {"axes": axes, "names": axes, "levels": levels, "series": series, "n": n}


CHARTS = (
    ("progress chart", progress.progress_svg, _data),
    ("competency radar", radar.radar_svg, _radar_data),
)


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _measure(name: str, render, data, renders: int) -> list[Result]:
    for n in range(WARM_UP):
        render(data(-1 - n))
    gc.collect()
    before = _resident_mb()
    times = [timed(lambda n=n: render(data(n))) for n in range(renders)]
    gc.collect()
    growth = _resident_mb() - before
    miss_ms = median(times) * 1000
    return [
        Result(
            "P3",
            f"{name}, cache miss (median)",
            miss_ms / 1000,
            target=f"≤ {TARGET_MS:.0f} ms",
            passed=miss_ms <= TARGET_MS,
        ),
        Result(
            "P3",
            f"{name}: resident memory growth after {renders} renders: {growth:.1f} MB",
            None,
            target=f"≤ {TARGET_GROWTH_MB:.0f} MB",
            passed=growth <= TARGET_GROWTH_MB,
        ),
    ]


def run(*, quick: bool) -> list[Result]:
    """Render distinct charts of each kind; report the median miss and the memory growth."""
    renders = QUICK_RENDERS if quick else RENDERS
    results = []
    for name, render, data in CHARTS:
        results += _measure(name, render, data, renders)
    return results
