"""`python -m bench [--quick] [--only P1,P8] [--sizes 5000,70000]`: measure, print the table,
exit 1 on a miss."""

from __future__ import annotations

import argparse
import platform
import sys
import time

from bench import (
    c1_certificates,
    demo_data,
    evaluation_exports,
    first_page,
    login,
    p2_query_counts,
    p3_charts,
    p6_reminders,
    p7_employee_import,
    p8_load,
    p10_privacy,
)
from bench.databases import POSTGRES, backends, demo_database
from bench.timing import format_table

BENCHMARKS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "C1")
FLOORS = (
    "Floors: P1 a bare route rendering a 50-row template (in the benchmark's app only), "
    "anonymous;\n        P4/P5 COPY (SELECT …) TO STDOUT (CSV) of one SELECT reading the same rows "
    "and aggregates (bench/evaluation_exports.py says what it does not compute), PostgreSQL;\n"
    "        P7 COPY FROM STDIN of exactly the rows the demo / the import wrote (PostgreSQL); "
    "P8 the bare route through the same gunicorn (req/s, wrk, 8 connections);\n"
    "        P9 one argon2id verification."
)
# Data behind the page and log-in benchmarks: a large employer (QUALITY.md), smaller with --quick.
# P1 and P8 run at every size of --sizes (P9 at the first only).
SEED = {"workers": 5000, "years": 5}
SIZES = (5000, 70000)
QUICK_SEED = {"workers": 500, "years": 1}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and less data")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated ids, e.g. P1,P9"
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="worker counts for P1/P8, comma-separated (default 5000,70000; 500 with --quick)",
    )
    parser.add_argument(
        "--sqlite-sizes",
        default="",
        help="worker counts for P1 on SQLite, when fewer than --sizes (demo data of 70,000 "
        "workers takes SQLite long)",
    )
    arguments = parser.parse_args(argv)
    arguments.only = {part.strip().upper() for part in arguments.only.split(",") if part.strip()}
    unknown = arguments.only - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark ids {sorted(unknown)}; known: {', '.join(BENCHMARKS)}")
    return arguments


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks on every configured database and print one table."""
    arguments = _arguments(argv)
    seed = QUICK_SEED if arguments.quick else SEED
    started = time.perf_counter()
    results = []
    sizes = (
        [int(part) for part in arguments.sizes.split(",") if part.strip()]
        if arguments.sizes
        else ([seed["workers"]] if arguments.quick else list(SIZES))
    )
    if arguments.only & {"P1", "P8", "P9"}:
        for backend in backends():
            for index, workers in enumerate(sizes):
                wanted = set(arguments.only) - ({"P9"} if index else set())
                if backend != POSTGRES:
                    wanted.discard("P8")
                    if arguments.sqlite_sizes and str(workers) not in arguments.sqlite_sizes.split(
                        ","
                    ):
                        continue
                if not wanted & {"P1", "P8", "P9"}:
                    continue
                _say(f"[{backend}] demo data: {workers} workers, {seed['years']} y")
                started_demo = time.perf_counter()
                with demo_database(backend, workers=workers, years=seed["years"]) as url:
                    _say(f"[{backend}] demo data took {time.perf_counter() - started_demo:.0f} s")
                    label = f", {workers:,} workers"
                    if "P1" in wanted:
                        _say(f"[{backend}] P1 logged-in pages at {workers} workers")
                        results += first_page.run(
                            url, backend=backend, quick=arguments.quick, label=label
                        )
                    if "P9" in wanted:
                        _say(f"[{backend}] P9 log-in")
                        results += login.run(url, backend=backend, quick=arguments.quick)
                    if "P8" in wanted:
                        _say(f"[{backend}] P8 gunicorn + wrk at {workers} workers")
                        results += p8_load.run(
                            url, label=f"{backend}{label}", quick=arguments.quick
                        )
        if "P8" in arguments.only and POSTGRES not in backends():
            _say("P8 skipped: it runs gunicorn on PostgreSQL (set VAKBEKWAAM_BENCH_POSTGRES)")
    if "P2" in arguments.only:
        _say("P2 statements per page, 10 and 1,000 entries")
        results += p2_query_counts.run(backends())
    if "P3" in arguments.only:
        _say("P3 chart rendering")
        results += p3_charts.run(quick=arguments.quick)
    if arguments.only & {"P4", "P5"}:
        if POSTGRES in backends():
            _say("P4/P5 yearly-evaluation exports on PostgreSQL")
            results += evaluation_exports.run(
                quick=arguments.quick,
                csv="P4" in arguments.only,
                xlsx="P5" in arguments.only,
                say=_say,
            )
        else:
            _say("P4/P5 skipped: they compare with COPY TO STDOUT (set VAKBEKWAAM_BENCH_POSTGRES)")
    if "P6" in arguments.only:
        if POSTGRES in backends():
            _say("P6 reminder selection on PostgreSQL")
            results += p6_reminders.run(quick=arguments.quick)
        else:
            _say(
                "P6 skipped: it compares with one PostgreSQL query (set VAKBEKWAAM_BENCH_POSTGRES)"
            )
    if "P7" in arguments.only:
        _say(f"P7 demo data on {', '.join(backends())}")
        results += demo_data.run(quick=arguments.quick)
        if POSTGRES in backends():
            _say("P7 employee import on PostgreSQL")
            results += p7_employee_import.run(quick=arguments.quick, say=_say)
        else:
            _say(
                "P7 employee import skipped: it compares with COPY (set VAKBEKWAAM_BENCH_POSTGRES)"
            )
    if "P10" in arguments.only:
        _say("P10 privacy scan: corpus precision/recall and a 20,000-character reflection")
        results += p10_privacy.run(quick=arguments.quick)
    if "C1" in arguments.only:
        _say("C1 certificate reading (PDF text, Tesseract on photos)")
        results += c1_certificates.run(quick=arguments.quick, say=_say)
    print(
        f"Vakbekwaam benchmarks ({'quick' if arguments.quick else 'full'}), "
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"databases: {', '.join(backends())}; P1/P8 data: {', '.join(map(str, sizes))} workers "
        f"× {seed['years']} years; {time.perf_counter() - started:.0f} s"
    )
    print(format_table(results))
    print(FLOORS)
    return 1 if any(result.passed is False for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
