"""P10, memory: the privacy scan in four forked workers, as gunicorn runs them.

Each mode runs in a fresh interpreter (`python -m bench.p10_memory preload|lazy`): `preload`
loads deduce's lists in the parent before forking (gunicorn.conf.py's `when_ready`), `lazy`
lets each child load its own on its first scan. Every child then scans a 20,000-character
reflection six times; printed as JSON: per child the seconds of its first scan and its resident
(RSS) and proportional (PSS: shared pages split between the processes) memory in MB,
taken while every child waits for the parent to close a pipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.timing import Result

WORKERS = 4
MODES = ("preload", "lazy")


def _memory_mb(pid: int) -> tuple[int, int]:
    fields = {}
    for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_unit = row.split()
        fields[name.rstrip(":")] = int(value) // 1024
    return fields["Rss"], fields["Pss"]


def _child(text: str, report: int, release: int) -> None:
    from competencies import scan_text

    started = time.perf_counter()
    scan_text(text)
    first_s = time.perf_counter() - started
    for _ in range(5):
        scan_text(text)
    os.write(report, f"{os.getpid()} {first_s:.3f}\n".encode())
    os.read(release, 1)  # until the parent has measured and closes the pipe


def measure(mode: str) -> list[dict]:
    """Fork the workers in this process (a fresh interpreter) and measure them."""
    from bench.p10_privacy import reflection
    from competencies.privacy import preload_before_fork

    text = reflection()
    if mode == "preload":
        preload_before_fork()
    read_end, write_end = os.pipe()
    release_read, release_write = os.pipe()
    children = []
    for _ in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            try:
                os.close(release_write)
                _child(text, write_end, release_read)
            finally:
                os._exit(0)
        children.append(pid)
    reported = b""
    while reported.count(b"\n") < WORKERS:
        reported += os.read(read_end, 4096)
    first = dict(line.split() for line in reported.decode().splitlines())
    rows = []
    for pid in children:
        rss, pss = _memory_mb(pid)
        rows.append({"first_scan_s": float(first[str(pid)]), "rss_mb": rss, "pss_mb": pss})
    os.close(release_write)  # every child's read returns: they exit
    for pid in children:
        os.waitpid(pid, 0)
    return rows


def run() -> list[Result]:
    """Both modes, each in its own interpreter; one row per mode."""
    results = []
    for mode in MODES:
        finished = subprocess.run(  # our own module, fixed arguments  # nosec B603
            [sys.executable, "-m", "bench.p10_memory", mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        rows = json.loads(finished.stdout)
        pss = sum(row["pss_mb"] for row in rows) / len(rows)
        rss = sum(row["rss_mb"] for row in rows) / len(rows)
        first = max(row["first_scan_s"] for row in rows)
        loaded = "before the fork" if mode == "preload" else "by each worker"
        results.append(
            Result(
                "P10",
                f"{WORKERS} forked workers, lists loaded {loaded}: "
                f"RSS {rss:.0f} MB, PSS {pss:.0f} MB per worker; slowest first scan {first:.1f} s",
                None,
            )
        )
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
