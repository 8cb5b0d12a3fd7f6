"""tls_readiness and tls_usage results, in the modules' own shape and in the compact shape docs/report.md described
before they existed, and what a report says when they are absent."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.adapt_extensions import (
    readiness,
    usage,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.document import to_document
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.model import Origin, Stage, Status
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.render_csv import render_hosts
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.shapes import InputError
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.reporting.lab_results import lab

READINESS = {
    "changed": False, "components": [{"name": "SQL Server 2014", "version": "12.0.2000.8"}],
    "verdicts": {"enable": "ready", "enforce": "blocked", "bsi": "blocked"},
    "findings": [
        {"rule": "sql_2014_rtm", "component": "SQL Server 2014", "status": "blocker", "blocks": ["enforce", "bsi"],
         "message": "SQL Server 2014 RTM cannot use TLS 1.2", "fix": "SQL Server 2014 SP1 CU5 or later"},
        {"rule": "dotnet_strong_crypto", "component": ".NET 4.8", "status": "ready", "message": "ok"},
        {"rule": "rdp_2008r2", "status": "needs_update", "blocks": ["bsi"], "message": "only blocks bsi"},
    ],
    "waivers": [],
}
USAGE = {
    "changed": False,
    "gate": {"passed": False, "reasons": ["TLS 1.0 seen on 2026-11-30 from 10.20.7.44 (Java/1.7.0_80)"]},
    "coverage": {"complete": True, "days": 30},
    "daily": [{"date": "2026-11-29", "source": "iis", "counts": {"TLS 1.0": 12, "TLS 1.2": 900, "plaintext": 3}},
              {"date": "2026-11-29", "source": "schannel", "counts": {"tls1_0": 14, "tls1_2": 1000}},
              {"date": "2026-11-30", "source": "iis", "counts": {"TLS 1.0": 5, "TLS 1.1": 1}}],
    "top_legacy_clients": [{"client_ip": "10.20.7.44", "user_agent": "Java/1.7.0_80", "source": "iis",
                            "protocols": {"TLS 1.0": 17}, "first_seen": "2026-11-01T08:00:00Z",
                            "last_seen": "2026-11-30T17:00:00Z", "classification": "must_be_replaced"}],
    "last_seen_legacy": "2026-11-30T17:00:00Z",
}


# As the modules return them (abridged from a lab rollout): a verdict per stage with the rules blocking it, usage
# one row per day, source and protocol, legacy clients one row per client and protocol.
MODULE_READINESS = {
    "verdicts": {"enable": {"verdict": "ready", "blocking": [], "unknown": [], "waived": []},
                 "enforce": {"verdict": "blocked", "blocking": ["sql_2014_rtm"], "unknown": [], "waived": []}},
    "findings": [
        {"rule": "sql_2014_rtm", "component": "sql_server", "instance": "MSSQLSERVER", "status": "needs_update",
         "severity": "high", "message": "SQL Server 2014 RTM cannot use TLS 1.2", "fix": "2014 SP3",
         "stage": "enforce", "waived": None},
        {"rule": "rdp_old", "component": "rdp", "status": "needs_update", "stage": "enforce", "message": "waived",
         "waived": "decommissioned (CHG-1)"},
        {"rule": "dotnet_strong_crypto", "component": "dotnet", "status": "ready", "stage": "enforce", "message": "ok"},
    ],
}
MODULE_USAGE = {
    "gate": {"verdict": "fail", "passed": False, "reasons": ["TLS 1.0 seen from 10.20.30.40"]},
    "coverage": {"complete": False},
    "daily": [{"day": "2026-12-01", "source": "iis", "protocol": "tls1_2", "count": 5},
              {"day": "2026-12-03", "source": "iis", "protocol": "tls1_0", "count": 2},
              {"day": "2026-12-03", "source": "iis", "protocol": "tls1_1", "count": 1},
              {"day": "2026-12-03", "source": "schannel_server", "protocol": "tls1_0", "count": 3}],
    "legacy_clients": [{"source": "iis", "site": "W3SVC1", "port": 443, "client_ip": "10.20.30.40",
                        "forwarded_for": "", "user_agent": "MSIE 8.0", "protocol": "tls1_0", "count": 2,
                        "first_seen": "2026-12-03T06:47:22Z", "last_seen": "2026-12-03T06:47:22Z",
                        "classification": {"verdict": "can_upgrade_by_config", "rule": "ie8_10_win7"}},
                       {"source": "schannel_server", "site": "CN=app2022.lab.test", "port": 0, "client_ip": "",
                        "protocol": "tls1_0", "count": 3, "classification": None}],
    "last_seen_legacy": "2026-12-03T06:47:22Z",
}


def test_readiness_as_tls_readiness_returns_it():
    ready = readiness(MODULE_READINESS, "r", "enforce", Origin("t"))
    assert ready.verdict == "blocked" and [b.rule for b in ready.blockers] == ["sql_2014_rtm"]  # not the waived one
    assert readiness(MODULE_READINESS, "r", "enable", Origin("t")) == ready.__class__("ready", (), Origin("t"))
    with pytest.raises(InputError, match=r"r\.verdicts\.enforce\.verdict: expected a string"):
        readiness({"verdicts": {"enforce": {"verdict": {}}}}, "r", "enforce", Origin("t"))


def test_usage_as_tls_usage_returns_it():
    found = usage(MODULE_USAGE, "u", Origin("t"))
    assert found.gate_passed is False and found.coverage_complete is False
    assert [(d.date, d.source, d.legacy) for d in found.daily] == [
        ("2026-12-01", "iis", 0), ("2026-12-03", "iis", 3), ("2026-12-03", "schannel_server", 3)]
    assert found.legacy_handshakes == 3  # iis and schannel count the same handshakes: the larger, not the sum
    web, schannel = found.clients
    assert (web.client, web.hits, web.classification) == ("10.20.30.40", 2, "can_upgrade_by_config")
    assert (schannel.client, schannel.classification) == ("CN=app2022.lab.test", None)


def test_readiness_for_the_profiles_stage():
    ready = readiness(READINESS, "r", "enforce", Origin("t"))
    assert ready.verdict == "blocked" and [b.rule for b in ready.blockers] == ["sql_2014_rtm"]
    assert readiness(READINESS, "r", "enable", Origin("t")).verdict == "ready"
    assert [b.rule for b in readiness(READINESS, "r", "bsi", Origin("t")).blockers] == ["sql_2014_rtm", "rdp_2008r2"]


def test_usage_never_adds_overlapping_sources():
    found = usage(USAGE, "u", Origin("t"))
    assert found.gate_passed is False and found.coverage_complete is True
    assert found.legacy_handshakes == 18  # iis 12 + 5 + 1; schannel 14 counts the same handshakes again
    assert found.clients[0].hits == 17 and found.clients[0].protocols[0].protocol == "tls1_0"
    assert found.daily[0].legacy == 12


def test_a_bad_verdict_is_named():
    with pytest.raises(InputError, match=r"r\.verdicts\.enforce: 'maybe'"):
        readiness({"verdicts": {"enforce": "maybe"}}, "r", "enforce", Origin("t"))


def _report(results):
    return build_report([Source("results[0]", {"srv2012r2-01": results})], "enforce", 1_800_000_000.0)


def test_held_host_with_its_evidence_in_every_format():
    info = lab()["hosts"]["srv2012r2-01"]["info_after"]
    report = _report([info, READINESS, USAGE])
    row = report.hosts[0]
    assert row.status is Status.HELD and row.stage is Stage.NONE
    codes = [r.code for r in row.reasons]
    assert codes[:2] == ["readiness:sql_2014_rtm", "usage_gate"]
    host = to_document(report)["hosts"][0]
    assert host["readiness"]["verdict"] == "blocked" and host["usage"]["legacy_clients"][0]["client"] == "10.20.7.44"
    summary = to_document(report)["summary"]
    assert summary["usage"]["legacy_handshakes_per_day"] == [
        {"date": "2026-11-29", "legacy": 12, "source": "iis"},
        {"date": "2026-11-29", "legacy": 14, "source": "schannel"},
        {"date": "2026-11-30", "legacy": 6, "source": "iis"}]


def test_absent_readiness_and_usage_say_not_collected():
    report = _report([lab()["hosts"]["srv2012r2-01"]["info_after"]])
    host = to_document(report)["hosts"][0]
    assert host["readiness"] is None and host["usage"] is None and host["sources"]["usage"] is None
    csv_row = render_hosts(report).decode("utf-8-sig").splitlines()[1]
    assert csv_row.count("not collected") == 3  # usage, legacy clients, readiness
