"""The endpoint result and the summary, built from probe outcomes without the network."""

from __future__ import annotations

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import Probe
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.results import (
    add_full,
    endpoint_result,
    finish,
    summarize,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets

LEGACY_SERVER = {"ssl2_0": Probe("refused", "Server interrupted the TLS handshake"),
                 "ssl3_0": Probe("alert", "TLS alert: handshake failure"),
                 "tls1_0": Probe("accepted", "ECDHE-RSA-AES256-SHA"), "tls1_1": Probe("accepted", "AES256-SHA"),
                 "tls1_2": Probe("accepted", "ECDHE-RSA-AES256-GCM-SHA384"),
                 "tls1_3": Probe("alert", "TLS alert: protocol version")}


def target(text="web01.example:8443"):
    return parse_targets([text])[0]


def test_probe_depth_result_has_the_documented_keys_and_values():
    result = endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.12345)
    assert result == {
        "target": "web01.example:8443", "name": "web01.example:8443", "host": "web01.example", "ip": "10.0.0.5",
        "port": 8443, "sni": "web01.example", "starttls": None, "status": "ok", "error": None,
        "protocols": {"ssl2_0": "rejected", "ssl3_0": "rejected", "tls1_0": "accepted", "tls1_1": "accepted",
                      "tls1_2": "accepted", "tls1_3": "rejected"},
        "probe": {"ssl2_0": "Server interrupted the TLS handshake", "ssl3_0": "TLS alert: handshake failure",
                  "tls1_0": "ECDHE-RSA-AES256-SHA", "tls1_1": "AES256-SHA", "tls1_2": "ECDHE-RSA-AES256-GCM-SHA384",
                  "tls1_3": "TLS alert: protocol version"},
        "duration": 0.123,
    }


def test_an_endpoint_that_is_not_tls_claims_no_protocol_state():
    refused = dict.fromkeys(LEGACY_SERVER, Probe("refused", "TLS error: wrong version number"))
    result = endpoint_result(target(), "10.0.0.5", refused, 0.0)
    assert result["status"] == "not_tls"
    assert set(result["protocols"].values()) == {"unknown"}


def test_a_failure_stands_in_when_nothing_could_be_probed():
    result = endpoint_result(target(), None, {}, 0.0, ("unreachable", "name could not be resolved"))
    assert (result["status"], result["error"], result["ip"]) == ("unreachable", "name could not be resolved", None)
    assert set(result["probe"].values()) == {None}


def test_full_data_settles_unknown_versions_and_adds_every_full_key():
    probes = dict(LEGACY_SERVER, tls1_3=Probe("timeout", "no answer within 5 s"))
    result = endpoint_result(target(), "10.0.0.5", probes, 0.0)
    add_full(result, {"cipher_suites": {"tls1_3": [], "tls1_2": [{"name": "X"}]}, "curves": ["X25519"]})
    finish(result, "enforce", full=True)
    assert result["protocols"]["tls1_3"] == "rejected"
    assert result["protocols"]["tls1_2"] == "accepted"
    assert {"cipher_suites", "curves", "certificate", "fallback_scsv", "secure_renegotiation",
            "scan_errors", "verdict"} <= set(result)
    assert result["certificate"] is None


def test_finish_at_protocol_depth_adds_only_the_verdict():
    result = finish(endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.0), "enforce", full=False)
    assert "cipher_suites" not in result
    assert result["verdict"]["compliant"] is False


def test_summary_counts_and_names():
    ok = finish(endpoint_result(target("a.example"), "10.0.0.1", LEGACY_SERVER, 0.0), "enforce", full=False)
    down = finish(endpoint_result(target("b.example"), None, {}, 0.0, ("unreachable", "refused")), "enforce",
                  full=False)
    modern = dict(LEGACY_SERVER, tls1_0=Probe("alert", "x"), tls1_1=Probe("alert", "x"))
    good = finish(endpoint_result(target("c.example"), "10.0.0.3", modern, 0.0), "enforce", full=False)
    assert summarize([ok, down, good], "enforce", "protocols", 1.23456) == {
        "total": 3, "policy": "enforce", "depth": "protocols",
        "status": {"ok": 2, "unreachable": 1, "timeout": 0, "not_tls": 0, "error": 0},
        "compliant": 1, "non_compliant": 1, "undetermined": 1, "unreachable": 1,
        "non_compliant_endpoints": ["a.example:443"],
        "accepts_legacy": [{"name": "a.example:443", "target": "a.example:443", "protocols": ["tls1_0", "tls1_1"]}],
        "duration": 1.235,
    }
