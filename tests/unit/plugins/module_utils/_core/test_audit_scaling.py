"""The audit of a big export grows linearly: the time at 2x and 4x the values is compared with the time at 1x (a ratio,
never an absolute time). tests/perf/bench_audit.py measures the figures for the docs."""

from __future__ import annotations

from ansible_collections.tlsguard.windows.tests.harness.growth import grows_linearly, growth
from ansible_collections.tlsguard.windows.tests.perf.bench_audit import audit_once, values


def audit_of(count: int):
    snapshot = values(count)
    return lambda: audit_once(snapshot)


def test_time_grows_linearly_with_the_values():
    ratios = growth(audit_of, 25_000)
    assert grows_linearly(ratios), f"2x and 4x the values took {ratios[0]:.1f}x and {ratios[1]:.1f}x"
