"""The audit of a big export grows linearly: the time at 4x the values is compared with the time at 1x (a ratio,
never an absolute time). tests/perf/bench_audit.py measures the figures for the docs."""

from __future__ import annotations

import time

from ansible_collections.tlsguard.windows.tests.perf.bench_audit import audit_once, values


def best_of(snapshot, repeat: int = 3) -> float:
    times = []
    for _attempt in range(repeat):
        start = time.perf_counter()
        audit_once(snapshot)
        times.append(time.perf_counter() - start)
    return min(times)


def test_four_times_the_values_take_at_most_about_four_times_as_long():
    small, large = values(25_000), values(100_000)
    best_of(small, 1)  # warm caches
    ratio = best_of(large) / best_of(small)
    assert ratio < 6.5, ratio  # linear is 4 (less with the fixed cost); quadratic would be 16
