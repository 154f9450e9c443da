"""P3: a chart rendered on a cache miss (≤ 150 ms), and memory after 500 renders (≤ 10 MB).

Every render gets distinct data, so each one misses the content cache and draws a whole
matplotlib Figure to SVG, as the dashboard does for a worker whose numbers just changed.
Memory is the process's resident set (ru_maxrss is a peak, so the growth is read from
/proc/self/statm) after the first 50 renders have warmed matplotlib's font and path caches.
"""

from __future__ import annotations

import gc
import os

from bench.timing import Result, median, timed
from portfolio.charts import progress

RENDERS = 500
QUICK_RENDERS = 100
WARM_UP = 50
TARGET_MS = 150.0
TARGET_GROWTH_MB = 10.0


def _data(n: int) -> dict:
    """Registration progress like the dashboard's, different for every n."""
    rows = [
        {"label": "Geaccrediteerde scholing", "counted": float(n % 60), "required": 60.0,
         "projected": float(n % 90), "met": n % 60 >= 60, "text": f"{n % 60} / 60"},
        {"label": "Reflectie", "counted": float(n % 45), "required": 60.0,
         "projected": float(n % 70), "met": False, "text": f"{n % 45} / 60"},
        {"label": "Werkervaring", "counted": float(n * 7 % 3368), "required": 3368.0,
         "projected": 3000.0, "met": False, "text": f"{n * 7 % 3368} / 3368"},
    ]  # fmt: skip
    return {"rows": rows, "axis": "Percentage van de eis"}


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def run(*, quick: bool) -> list[Result]:
    """Render distinct progress charts; report the median miss and the memory growth."""
    renders = QUICK_RENDERS if quick else RENDERS
    for n in range(WARM_UP):
        progress.progress_svg(_data(-1 - n))
    gc.collect()
    before = _resident_mb()
    times = [timed(lambda n=n: progress.progress_svg(_data(n))) for n in range(renders)]
    gc.collect()
    growth = _resident_mb() - before
    miss_ms = median(times) * 1000
    return [
        Result("P3", "progress chart, cache miss (median)", miss_ms / 1000,
               target=f"≤ {TARGET_MS:.0f} ms", passed=miss_ms <= TARGET_MS),
        Result("P3", f"resident memory growth after {renders} renders: {growth:.1f} MB", None,
               target=f"≤ {TARGET_GROWTH_MB:.0f} MB", passed=growth <= TARGET_GROWTH_MB),
    ]  # fmt: skip
