"""The gate: pass, fail and undetermined with their exact reasons; exceptions; client side apart."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import (
    Aggregate,
    RunNote,
    SiteState,
    SourceState,
    merge_groups,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.gate import GateRule, Verdict, evaluate
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.model import (
    FailureCount,
    FailureKey,
    Group,
    GroupKey,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.notes import Note
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.spans import Span

AS_OF = "2026-12-02T12:00:00Z"
START = "2026-11-02T12:00:00Z"
ON = (SourceState("schannel", True, "EventLogging 7 in effect since 2026-10-01T00:00:00Z", "2026-10-01T00:00:00Z"),
      SourceState("iis", True, "1 log folder(s)"))
SITE = SiteState("W3SVC1", "Default Web Site", True, True, True, True)
FULL = (Span("schannel", "2026-10-01T00:00:00Z", AS_OF), Span("iis:W3SVC1", "2026-10-01T00:00:00Z", AS_OF))


def g(day, protocol, client="10.20.7.44", ua="Java/1.7.0_80", source="iis", site="W3SVC1", port=443, xff="",
      count=5, last="T10:00:00Z", folded=False):
    return Group(GroupKey(day, source, site, port, client, xff, ua, protocol, folded), count, day + "T00:00:01Z",
                 day + last)


def store(*groups, spans=FULL, sources=ON, sites=(SITE,), notes=(), failures=()):
    return Aggregate(merge_groups(groups), tuple(failures), spans, tuple(notes), sources, sites, None, 3)


def test_fail_names_the_client_the_site_and_when():
    result = evaluate(store(g("2026-11-29", "tls1_2"), g("2026-11-30", "tls1_0"), g("2026-11-20", "tls1_0")),
                      GateRule(), AS_OF)
    assert result.verdict == Verdict.FAIL and not result.passed
    assert result.reasons == ("TLS 1.0 seen from 10.20.7.44 (Java/1.7.0_80) on W3SVC1:443 until 2026-11-30, "
                              "2 days ago",)
    assert result.earliest_pass == "2026-12-30"


def test_pass_after_the_quiet_period_with_complete_coverage():
    result = evaluate(store(g("2026-10-20", "tls1_0"), g("2026-11-30", "tls1_2")), GateRule(), AS_OF)
    assert result.verdict == Verdict.PASS and result.passed
    assert result.reasons == ("no SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1 use on the server side from 2026-11-02 to "
                              "2026-12-02 (30 days), with complete coverage (schannel, iis:W3SVC1)",)


def test_no_evidence_is_not_a_pass():
    result = evaluate(store(spans=()), GateRule(), AS_OF)
    assert result.verdict == Verdict.UNDETERMINED
    assert result.reasons == ("SCHANNEL events: no evidence at all in the window",
                              "IIS site W3SVC1: no evidence at all in the window")


def test_days_without_data_and_a_wrapped_log():
    spans = (Span("schannel", START, "2026-11-10T06:00:00Z"), Span("schannel", "2026-11-13T00:00:00Z", AS_OF),
             Span("iis:W3SVC1", START, AS_OF))
    wrapped = RunNote("2026-11-13T00:00:00Z", Note("event_log_wrapped", "the System log wrapped: ...", 1, True))
    result = evaluate(store(spans=spans, notes=(wrapped,)), GateRule(), AS_OF)
    assert result.verdict == Verdict.UNDETERMINED
    assert result.reasons == ("SCHANNEL events: no evidence for 2026-11-10..2026-11-12",
                              "the System log wrapped: ...")
    assert result.coverage.streams[0].missing_days == ("2026-11-10..2026-11-12",)


def test_a_site_without_crypt_fields_cannot_be_judged():
    site2 = SiteState("W3SVC2", "intranet", True, False, False, True)
    spans = (*FULL, Span("iis:W3SVC2", "2026-10-01T00:00:00Z", AS_OF))
    result = evaluate(store(g("2026-11-30", "not_logged", site="W3SVC2"), spans=spans, sites=(SITE, site2)),
                      GateRule(), AS_OF)
    assert result.verdict == Verdict.UNDETERMINED
    assert result.reasons == (
        "no IIS crypt-protocol field configured on site W3SVC2 (intranet): its clients cannot be judged",
        "no IIS crypt-protocol field on site W3SVC2: its clients cannot be judged (5 request(s) from 2026-11-30 to "
        "2026-11-30 were logged without it)")
    assert result.coverage.sites_without_crypt == ("W3SVC2",)


def test_eventlogging_off_blocks_and_says_what_to_do():
    off = (SourceState("schannel", False, "SCHANNEL EventLogging is 1: successful handshakes (event 36880) are not "
                       "logged; a value with 0x4 (4 to 7) logs them after the next restart (KB 260729)"), ON[1])
    result = evaluate(store(sources=off, spans=FULL[1:]), GateRule(), AS_OF)
    assert result.reasons[0].startswith("SCHANNEL EventLogging is 1: successful handshakes")
    assert result.reasons[1] == "SCHANNEL events: no evidence at all in the window"


def test_legacy_use_fails_even_when_coverage_is_incomplete_and_both_are_said():
    result = evaluate(store(g("2026-12-02", "tls1_1", xff="203.0.113.50", client="10.0.0.10", ua="curl/7.29.0"),
                            spans=FULL[1:]), GateRule(), AS_OF)
    assert result.verdict == Verdict.FAIL
    assert result.reasons == ("TLS 1.1 seen from 203.0.113.50 through 10.0.0.10 (curl/7.29.0) on W3SVC1:443 until "
                              "2026-12-02, today", "SCHANNEL events: no evidence at all in the window")


def test_exceptions_by_cidr_user_agent_and_certificate_with_owner_and_reason():
    groups = (g("2026-11-30", "tls1_0"), g("2026-11-29", "tls1_0", client="10.9.0.5", xff="10.20.7.99", ua="-"),
              g("2026-11-28", "tls1_0", source="schannel_server", site="CN=portal.corp.example.com", port=0,
                client="", ua=""))
    rule = GateRule.from_json({"exceptions": [
        {"client": "10.20.0.0/16", "user_agent": "^Java/1\\.7", "owner": "ERP team", "reason": "vendor fix in Q1",
         "name": "erp"},
        {"client": "10.20.7.99", "owner": "Print team", "reason": "old scanner"},
        {"certificate": "cn=PORTAL.corp.example.com", "owner": "Web team", "reason": "same clients as W3SVC1",
         "until": "2026-12-31"},
        {"user_agent": "nothing-like-this", "owner": "x", "reason": "y"}]})
    result = evaluate(store(*groups), rule, AS_OF)
    assert result.verdict == Verdict.PASS
    assert result.excepted == (
        "TLS 1.0 seen from 10.20.7.44 (Java/1.7.0_80) on W3SVC1:443 until 2026-11-30, 2 days ago: allowed by "
        "exception 'erp' (owner: ERP team; reason: vendor fix in Q1)",
        "TLS 1.0 seen from 10.20.7.99 through 10.9.0.5 (-) on W3SVC1:443 until 2026-11-29, 3 days ago: allowed by "
        "exception '10.20.7.99' (owner: Print team; reason: old scanner)",
        "TLS 1.0 handshakes (SCHANNEL 36880, which names no client) to certificate CN=portal.corp.example.com until "
        "2026-11-28, 4 days ago: allowed by exception 'cn=PORTAL.corp.example.com' (owner: Web team; reason: same "
        "clients as W3SVC1)")
    assert result.info == ("exception '/nothing-like-this/' (owner: x; reason: y) matched nothing in the window; "
                           "is it still needed?",)
    assert result.reasons[0].endswith("and 3 excepted client(s)")


def test_an_exception_that_ended_no_longer_applies():
    rule = GateRule.from_json({"exceptions": [{"client": "10.20.7.44", "owner": "o", "reason": "r",
                                               "until": "2026-11-15"}]})
    result = evaluate(store(g("2026-11-10", "tls1_0"), g("2026-11-30", "tls1_0")), rule, AS_OF)
    assert result.verdict == Verdict.FAIL
    assert result.reasons == ("TLS 1.0 seen from 10.20.7.44 (Java/1.7.0_80) on W3SVC1:443 until 2026-11-30, "
                              "2 days ago",)
    assert result.info == ("exception '10.20.7.44' (owner: o; reason: r) ended on 2026-11-15",)


def test_client_side_use_is_reported_apart_and_gates_nothing():
    out = g("2026-12-01", "tls1_0", source="schannel_client", site="legacy-crm.corp.example.com", port=0, client="",
            ua="")
    result = evaluate(store(out), GateRule(), AS_OF)
    assert result.verdict == Verdict.PASS
    assert result.client_side == (
        "TLS 1.0 used by this host as a client to legacy-crm.corp.example.com (SCHANNEL 36880 Type=client) until "
        "2026-12-01, 1 day ago; this does not hold the server-side gate: it concerns this host's client-side "
        "settings",)


def test_schannel_server_handshakes_fail_the_gate_without_a_client_address():
    result = evaluate(store(g("2026-12-01", "ssl3_0", source="schannel_server", site="", port=0, client="", ua="")),
                      GateRule(days=7), AS_OF)
    assert result.reasons == ("SSL 3.0 handshakes (SCHANNEL 36880, which names no client) to an unnamed certificate "
                              "until 2026-12-01, 1 day ago",)


def test_folded_clients_unknown_protocols_and_smtp_clients():
    groups = (g("2026-12-01", "tls1_0", client="", ua="", folded=True, count=1234),
              g("2026-12-01", "unknown", client="10.1.1.1"),
              g("2026-11-30", "tls1_0", source="smtp_receive", site=r"EX01\Default Frontend EX01", port=25,
                client="10.30.4.15", ua="scanner01.corp.example.com"))
    result = evaluate(store(*groups), GateRule(), AS_OF)
    assert result.reasons == (
        "TLS 1.0 seen from 1,234 request(s) of clients not named (over the distinct-client cap) on W3SVC1:443 until "
        "2026-12-01, 1 day ago",
        r"TLS 1.0 seen from 10.30.4.15 (EHLO scanner01.corp.example.com) on SMTP connector EX01\Default Frontend "
        "EX01 port 25 until 2026-11-30, 2 days ago",
        "5 handshake(s) or request(s) on W3SVC1 with a protocol value that names no protocol: they cannot be judged")


def test_required_smtp_without_logs_is_undetermined():
    result = evaluate(store(), GateRule(require_smtp=True), AS_OF)
    assert result.reasons == ("no SMTP receive protocol logs were read, but this host was said to run Exchange",)


def test_refused_clients_are_information():
    failure = FailureCount(FailureKey("2026-12-01", 36888, "", 70, ""), 3, "2026-12-01T00:00:00Z",
                           "2026-12-01T01:00:00Z")
    result = evaluate(store(failures=(failure,)), GateRule(), AS_OF)
    assert result.passed
    assert result.info == ("SCHANNEL sent the protocol_version alert (36888, alert 70) 3 time(s) in the window: "
                           "some clients are already refused",)


def test_many_legacy_clients_are_capped_in_the_reasons():
    groups = [g("2026-12-01", "tls1_0", client=f"10.0.{i // 250}.{i % 250}") for i in range(30)]
    result = evaluate(store(*groups), GateRule(), AS_OF)
    assert len(result.reasons) == 21 and result.reasons[-1] == "and 10 more legacy client(s)"


@pytest.mark.parametrize("data, message", [
    ({"days": 0}, "gate.days: should be a whole number of days from 1 to 366"),
    ({"dayz": 3}, "gate.dayz: unknown option (valid: days, exceptions, require_smtp)"),
    ({"exceptions": [{"client": "10.0.0.0/33", "owner": "o", "reason": "r"}]},
     "gate.exceptions[0].client: '10.0.0.0/33' is not an IP address or CIDR network"),
    ({"exceptions": [{"client": "10.0.0.1"}]},
     "gate.exceptions[0].owner: is required: every exception names who owns it and why"),
    ({"exceptions": [{"owner": "o", "reason": "r"}]},
     "gate.exceptions[0]: needs at least one of client, user_agent, certificate"),
    ({"exceptions": [{"user_agent": "(", "owner": "o", "reason": "r"}]},
     "gate.exceptions[0].user_agent: not a valid regular expression"),
    ({"exceptions": [{"client": "1.1.1.1", "owner": "o", "reason": "r", "until": "soon"}]},
     "gate.exceptions[0].until: 'soon' is not a YYYY-MM-DD date"),
])
def test_bad_gate_options_name_the_option(data, message):
    with pytest.raises(ValidationError) as err:
        GateRule.from_json(data)
    assert str(err.value).startswith(message)


def test_smtp_send_logs_are_client_side_use():
    sent = g("2026-12-01", "tls1_0", source="smtp_send", site="Outbound to partner", port=0, client="192.0.2.25",
             ua="")
    result = evaluate(store(sent), GateRule(), AS_OF)
    assert result.passed
    assert result.client_side == (
        "TLS 1.0 used by this host sending mail to 192.0.2.25 (SMTP connector Outbound to partner) until 2026-12-01, "
        "1 day ago; this does not hold the server-side gate: it concerns this host's client-side settings",)
