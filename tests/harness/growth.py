"""How cost grows with input size, as a ratio of timings on the same machine (never an absolute time).

The garbage collector is paused while a run is timed: its passes over many live objects are what made the
ratio noisy on a loaded machine, and they are not the code under test. The sizes are timed in turns (1x, 2x, 4x,
then again) and the best of each is kept, so a burst of load on a shared machine hits every size alike.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable

# The growth exponent fitted over 1x, 2x and 4x: 1 for a linear step, 2 for a quadratic one. The bound is the
# midpoint, so noise has equal room either way, and one noisy size cannot fail a linear step on its own.
EXPONENT_BOUND = 1.5


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start
    finally:
        gc.enable()


def growth(run_at: Callable[[int], Callable[[], object]], base: int, repeat: int = 5) -> tuple[float, float]:
    """Seconds for 2x and for 4x the input over seconds for 1x; each input is prepared before it is timed."""
    runs = [run_at(base * factor) for factor in (1, 2, 4)]
    _timed(runs[0])  # warm caches
    best = [math.inf] * len(runs)
    for _turn in range(repeat):
        for index, run in enumerate(runs):
            best[index] = min(best[index], _timed(run))
    return best[1] / best[0], best[2] / best[0]


def exponent(ratios: tuple[float, float]) -> float:
    """The least-squares slope of log(time) over log(size) through the 1x, 2x and 4x points."""
    xs = (0.0, math.log(2), math.log(4))
    ys = (0.0, math.log(ratios[0]), math.log(ratios[1]))
    mean_x, mean_y = sum(xs) / 3, sum(ys) / 3
    return (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
            / sum((x - mean_x) ** 2 for x in xs))


def grows_linearly(ratios: tuple[float, float]) -> bool:
    return exponent(ratios) < EXPONENT_BOUND
