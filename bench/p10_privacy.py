"""P10: the privacy scan (issue 14). Precision and recall on the corpus of realistic Dutch
reflection snippets (bench/privacy_corpus.py) and on its held-out part, and the time to scan a
20,000-character reflection (target: at most 200 ms, median of the runs; deduce's one-time
load is measured and reported apart)."""

from __future__ import annotations

import time

from bench.privacy_corpus import SAMPLES, held_out_score, precision_recall
from bench.timing import Result, median

TARGET_S = 0.200
LENGTH = 20_000


def reflection(length: int = LENGTH) -> str:
    """A long reflection made of the corpus snippets (identifying and clean), `length` chars."""
    text, i = "", 0
    while len(text) < length:
        text += SAMPLES[i % len(SAMPLES)].text + (" " if i % 5 else "\n\n")
        i += 1
    return text[:length]


def run(*, quick: bool = False) -> list[Result]:
    """Load deduce, score the corpus, time the scan."""
    from competencies import scan_text
    from competencies.privacy import warm_up

    started = time.perf_counter()
    warm_up()
    load_s = time.perf_counter() - started
    score, held_out = precision_recall(scan_text), held_out_score(scan_text)
    text = reflection()
    scan_text(text)  # first call: caches of the libraries
    runs = []
    for _ in range(3 if quick else 9):
        started = time.perf_counter()
        scan_text(text)
        runs.append(time.perf_counter() - started)
    scan_s = median(runs)
    from bench import p10_memory

    return [
        *p10_memory.run(),
        Result("P10", f"deduce load (once per process), {load_s:.1f} s", load_s),
        Result(
            "P10",
            f"privacy corpus: {len(SAMPLES)} snippets, {score.marked} items; precision "
            f"{score.precision:.2f}, recall {score.recall:.2f}",
            None,
            target=">= 0.90 both",
            passed=score.precision >= 0.9 and score.recall >= 0.9,
        ),
        Result(
            "P10",
            f"held-out snippets: precision {held_out.precision:.2f}, recall {held_out.recall:.2f}",
            None,
            target=">= 0.90 both",
            passed=held_out.precision >= 0.9 and held_out.recall >= 0.9,
        ),
        Result(
            "P10",
            f"scan a {LENGTH:,}-character reflection (median of {len(runs)})",
            scan_s,
            target="<= 200 ms",
            passed=scan_s <= TARGET_S,
        ),
    ]
