"""The progress lines tls_scan prints while it runs (a line per endpoint with -v, a count now and then without)."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.action import tls_scan
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.model import Endpoint, Problem, Verdict
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import EndpointStatus, ProtocolState


def endpoint(name="web01:443", status="ok", compliant=True):
    problem = (Problem("some_rule", "some message"),)
    verdict = Verdict("enforce", violations=problem if compliant is False else (),
                      undetermined=problem if compliant is None else ())
    return Endpoint(target=name, name=name, host=name.partition(":")[0], ip="10.0.0.5", port=443, sni=None,
                    starttls=None, status=EndpointStatus(status),
                    error=None if status == "ok" else "connection refused",
                    protocols={"tls1_0": ProtocolState.REJECTED, "tls1_2": ProtocolState.ACCEPTED,
                               "tls1_3": ProtocolState.ACCEPTED},
                    probe={}, duration=0.42, verdict=verdict)


@pytest.fixture
def shown(monkeypatch):
    lines = []
    monkeypatch.setattr(tls_scan.display, "display", lambda msg, *args, **kwargs: lines.append(msg))
    return lines


def test_verbose_prints_every_endpoint(monkeypatch, shown):
    monkeypatch.setattr(tls_scan.display, "verbosity", 1)
    progress = tls_scan._Progress(interval=10)
    progress(endpoint(), 1, 2)
    progress(endpoint("db01:1433", "unreachable", None), 2, 2)
    assert shown == ["tls_scan [1/2] web01:443: ok, accepts tls1_2, tls1_3; compliant (0.4 s)",
                     "tls_scan [2/2] db01:1433: unreachable, connection refused; undetermined (0.4 s)"]


def test_quiet_prints_a_count_once_the_interval_has_passed(monkeypatch, shown):
    monkeypatch.setattr(tls_scan.display, "verbosity", 0)
    clock = iter([100.0, 100.5, 111.0, 112.0])
    monkeypatch.setattr(tls_scan.time, "monotonic", lambda: next(clock))
    progress = tls_scan._Progress(interval=10)  # starts at 100.0
    progress(endpoint(), 1, 3)  # 100.5: too soon
    progress(endpoint(compliant=False), 2, 3)  # 111.0: due
    progress(endpoint(), 3, 3)  # 112.0: too soon after the last line
    assert shown == ["tls_scan: 2/3 endpoints scanned in 11 s"]


def test_interval_zero_prints_nothing_without_verbosity(monkeypatch, shown):
    monkeypatch.setattr(tls_scan.display, "verbosity", 0)
    progress = tls_scan._Progress(interval=0)
    progress(endpoint(), 1, 1)
    assert shown == []
