"""Nothing quadratic: time at 2x and 4x the input, compared as ratios (never absolute times)."""

from __future__ import annotations

import gc
import time

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import merge_groups
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.model import Group, GroupKey
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spec import CountSpec
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.w3c import read_w3c

HEADER = b"#Fields: date time s-port c-ip cs(User-Agent) crypt-protocol\r\n"
# Linear work gives 2 and 4; quadratic 4 and 16. The margin absorbs a busy machine.
LIMITS = {2: 3.5, 4: 8.0}


def cpu(work) -> float:
    """Best of five, without the garbage collector (its pauses depend on what ran before, not on the input)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _attempt in range(5):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def ratios(make, run, base: int) -> dict[int, float]:
    inputs = {k: make(base * k) for k in (1, 2, 4)}
    times = {k: cpu(lambda v=v: run(v)) for k, v in inputs.items()}
    return {k: times[k] / times[1] for k in (2, 4)}


def log(lines: int, clients: int) -> list[bytes]:
    body = b"".join(b"2024-05-06 00:%02d:%02d 443 10.%d.%d.%d Java/1.7.0_80 %s\r\n" % (
        i // 60 % 60, i % 60, (i % clients) >> 16, ((i % clients) >> 8) & 255, (i % clients) & 255,
        b"40" if i % 2 else b"400") for i in range(lines))
    data = HEADER + body
    return [data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20)]


def read(chunks: list[bytes], spec: CountSpec = iis.SPEC) -> None:
    counter = RawCounter(spec.names, spec.fold_to, spec.max_groups, spec.max_field_bytes)
    read_w3c(iter(chunks), spec, counter, Notes(), label="x", directory="W3SVC1")
    counter.groups(lambda v: v if v is None else bytes(v).decode())


def assert_linear(found: dict[int, float]) -> None:
    assert all(found[k] < LIMITS[k] for k in found), found


def test_reading_scales_linearly_with_lines():
    assert_linear(ratios(lambda n: log(n, 50), read, 40_000))


def test_reading_scales_linearly_with_distinct_clients_past_the_cap():
    spec = CountSpec(iis.SPEC.columns, iis.SPEC.time, iis.SPEC.fold_to, max_groups=2000)
    assert_linear(ratios(lambda n: log(n, n), lambda c: read(c, spec), 20_000))


def test_merging_scales_linearly_with_groups():
    def groups(n):
        return [Group(GroupKey("2024-05-06", "iis", "W3SVC1", 443, f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", "", "",
                               "tls1_0" if i % 3 else "tls1_2"), 1, "2024-05-06T00:00:00Z", "2024-05-06T00:00:01Z")
                for i in range(n)] * 2

    assert_linear(ratios(groups, lambda gs: merge_groups(gs, 5000), 10_000))
