"""The host report end to end from the fixtures, its JSON shape, and its size against lines and clients."""

from __future__ import annotations

import json

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.counting import RawCounter, decode_bytes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.evidence import run_evidence
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.gate import GateRule
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Notes
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.reply import FileReadReply, FolderRead
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.report import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.w3c import read_w3c
from ansible_collections.tlsguard.windows.tests.unit.plugins.module_utils._core.usage.test_evidence import (
    NOT_BEFORE,
    READ_AT,
    reply,
)


def test_report_from_the_fixtures():
    store = run_evidence(reply(), None, NOT_BEFORE)
    report = build_report("WEB01", store, GateRule(), READ_AT)
    data = json.loads(json.dumps(report.to_json()))
    assert set(data) == {"schema", "host", "as_of", "window_days", "runs", "daily", "legacy_clients",
                         "legacy_clients_total", "client_side", "failures", "first_seen_legacy", "last_seen_legacy",
                         "days_since_last_legacy", "gate", "coverage", "notes"}
    assert data["gate"]["verdict"] == "fail"
    assert data["gate"]["reasons"][:2] == [
        "TLS 1.0 seen from 10.20.7.44 (Java/1.7.0_80) on W3SVC1:443 until 2024-05-07, today",
        "TLS 1.1 seen from 203.0.113.50 through 10.0.0.10 (curl/7.29.0) on W3SVC1:443 until 2024-05-07, today"]
    assert "no IIS crypt-protocol field on site W3SVC1: its clients cannot be judged (1 request(s) from 2024-05-07 to "\
           "2024-05-07 were logged without it)" in data["gate"]["reasons"]
    java = next(c for c in data["legacy_clients"] if c["user_agent"] == "Java/1.7.0_80")
    assert (java["count"], java["days"], java["classification"]["verdict"], java["classification"]["rule"]) == (
        4, 2, "can_upgrade_by_config", "java7")
    ie8 = next(c for c in data["legacy_clients"] if c["client_ip"] == "10.20.3.9")
    assert ie8["classification"]["rule"] == "ie8_10_win7"
    cert = next(c for c in data["legacy_clients"] if c["source"] == "schannel_server" and c["protocol"] == "tls1_0")
    assert (cert["site"], cert["classification"]) == ("CN=portal.corp.example.com", None)
    assert data["client_side"][0]["site"] == "legacy-crm.corp.example.com"
    daily = {(d["day"], d["source"], d["protocol"]): d["count"] for d in data["daily"]}
    assert daily[("2024-05-07", "iis", "tls1_0")] == 3 and daily[("2024-05-06", "iis", "plaintext")] == 1
    assert (data["first_seen_legacy"], data["days_since_last_legacy"]) == ("2024-05-06T00:00:04Z", 0)
    assert data["coverage"]["complete"] is False


def _store_bytes(lines: int, clients: int) -> int:
    header = b"#Fields: date time s-port c-ip cs(User-Agent) crypt-protocol\r\n"
    body = b"".join(b"2024-05-06 00:%02d:%02d 443 10.%d.%d.%d Java/1.7.0_80 40\r\n" % (
        i // 60 % 60, i % 60, (i % clients) >> 16, ((i % clients) >> 8) & 255, (i % clients) & 255)
        for i in range(lines))
    counter = RawCounter(iis.SPEC.names, iis.SPEC.fold_to, iis.SPEC.max_groups, 512)
    read_w3c(iter([header + body]), iis.SPEC, counter, Notes(), label="x", directory="W3SVC1")
    files = FileReadReply(tuple(counter.groups(decode_bytes)), (), (FolderRead("W3SVC1", "", 1, 1, lines, 0, False),),
                          (), READ_AT)
    return len(json.dumps(files.to_json()))


def test_bytes_grow_with_clients_not_with_lines():
    one_client = [_store_bytes(n, 1) for n in (1000, 10_000, 40_000)]
    assert max(one_client) - min(one_client) < 16                 # only digits of the count change
    many = [_store_bytes(20_000, c) for c in (1, 100, 1000)]
    assert many[0] < many[1] < many[2]
    at_cap = _store_bytes(40_000, 10_000)                          # iis.SPEC keeps 10,000 groups
    assert _store_bytes(60_000, 30_000) < at_cap * 1.01
