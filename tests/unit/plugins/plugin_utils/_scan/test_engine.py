"""The scan's flow with the network replaced: name resolution, giving up on an endpoint, result order."""

from __future__ import annotations

import socket

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan import engine
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import Probe
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets


def answers(*addresses):
    return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 443)) for a in addresses]


def test_resolve_prefers_ipv4_like_sslyze(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers("2001:db8::5", "192.0.2.5"))
    assert engine.resolve(parse_targets(["web01.example"])[0]) == ("192.0.2.5", None)


def test_resolve_uses_ipv6_when_that_is_all_there_is(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers("2001:db8::5"))
    assert engine.resolve(parse_targets(["web01.example"])[0]) == ("2001:db8::5", None)


def test_resolve_does_not_look_up_a_given_address(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("no lookup expected")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    assert engine.resolve(parse_targets([{"host": "web01.example", "ip": "192.0.2.9"}])[0]) == ("192.0.2.9", None)


def test_an_unresolvable_name_is_that_endpoints_status(monkeypatch):
    def gaierror(*_args, **_kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", gaierror)
    report = engine.scan(parse_targets(["nowhere.example"]), engine.ScanOptions())
    [endpoint] = report["endpoints"]
    assert (endpoint["status"], endpoint["ip"]) == ("unreachable", None)
    assert endpoint["error"] == "name could not be resolved: [Errno -2] Name or service not known"
    assert endpoint["verdict"]["compliant"] is None
    assert report["summary"]["status"]["unreachable"] == 1


def test_probes_stop_at_a_refused_connection_and_results_keep_the_target_order(monkeypatch):
    calls = []

    def fake_probe(conn, version, retries, deadline):
        calls.append((conn.location.port, version))
        if conn.location.port == 1:
            return Probe("unreachable", "connection refused")
        return Probe("accepted" if version in ("tls1_2", "tls1_3") else "alert", "x")

    monkeypatch.setattr(engine, "probe", fake_probe)
    progress = []
    report = engine.scan(parse_targets(["192.0.2.1:1", "192.0.2.2:2"]), engine.ScanOptions(per_endpoint=1),
                         lambda endpoint, done, total: progress.append((endpoint, done, total)))
    down, up = report["endpoints"]
    assert [c for c in calls if c[0] == 1] == [(1, "tls1_2")]
    assert down["probe"]["ssl2_0"] == "not tried: connection refused"
    assert (down["status"], up["status"], up["verdict"]["compliant"]) == ("unreachable", "ok", True)
    assert sorted(endpoint.target for endpoint, _done, _total in progress) == ["192.0.2.1:1", "192.0.2.2:2"]
    assert all(endpoint.verdict is not None for endpoint, _done, _total in progress)  # judged before it is shown
    assert sorted((done, total) for _endpoint, done, total in progress) == [(1, 2), (2, 2)]
