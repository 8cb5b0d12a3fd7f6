"""How cost grows with input size, as a ratio of two timings on the same machine (never an absolute time).

The garbage collector is paused while a run is timed: its passes over many live objects are what made the
ratio noisy on a loaded machine, and they are not the code under test. The best of several runs is kept.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

# A linear step costs 2x and 4x at twice and four times the input, a quadratic one 4x and 16x; each bound is the
# midpoint of the two on a log scale, so noise has equal room either way.
TWICE_BOUND = 2.8
FOUR_TIMES_BOUND = 8.0


def best_seconds(run: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _attempt in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def growth(run_at: Callable[[int], Callable[[], object]], base: int) -> tuple[float, float]:
    """Seconds for 2x and for 4x the input over seconds for 1x; each input is prepared before it is timed."""
    one, two, four = (run_at(base * factor) for factor in (1, 2, 4))
    best_seconds(one, 1)  # warm caches
    base_seconds = best_seconds(one)
    return best_seconds(two) / base_seconds, best_seconds(four) / base_seconds


def grows_linearly(ratios: tuple[float, float]) -> bool:
    twice, four_times = ratios
    return twice < TWICE_BOUND and four_times < FOUR_TIMES_BOUND
