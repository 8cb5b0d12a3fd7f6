"""The endpoint result and the summary, built from probe outcomes without the network."""

from __future__ import annotations

import json

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.model import FULL_KEYS, FullScan, Suite
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import (
    PROTOCOL_KEYS,
    EndpointStatus,
    Probe,
    ProtocolState,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.results import (
    endpoint_result,
    judged,
    scan_result,
    summarize,
    with_full,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.targets import parse_targets

LEGACY_SERVER = {"ssl2_0": Probe("refused", "Server interrupted the TLS handshake"),
                 "ssl3_0": Probe("alert", "TLS alert: handshake failure"),
                 "tls1_0": Probe("accepted", "ECDHE-RSA-AES256-SHA"), "tls1_1": Probe("accepted", "AES256-SHA"),
                 "tls1_2": Probe("accepted", "ECDHE-RSA-AES256-GCM-SHA384"),
                 "tls1_3": Probe("alert", "TLS alert: protocol version")}


def target(text="web01.example:8443"):
    return parse_targets([text])[0]


def full_scan(**suites):
    return FullScan(cipher_suites={key: suites.get(key) for key in PROTOCOL_KEYS}, curves=("X25519",),
                    fallback_scsv=None, secure_renegotiation=None, certificate=None, scan_errors={})


def test_probe_depth_result_has_the_documented_keys_and_values():
    result = endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.12345)
    assert result.status is EndpointStatus.OK and result.verdict is None
    assert result.protocols["tls1_0"] is ProtocolState.ACCEPTED
    assert result.to_json() == {
        "target": "web01.example:8443", "name": "web01.example:8443", "host": "web01.example", "ip": "10.0.0.5",
        "port": 8443, "sni": "web01.example", "starttls": None, "status": "ok", "error": None,
        "protocols": {"ssl2_0": "rejected", "ssl3_0": "rejected", "tls1_0": "accepted", "tls1_1": "accepted",
                      "tls1_2": "accepted", "tls1_3": "rejected"},
        "probe": {"ssl2_0": "Server interrupted the TLS handshake", "ssl3_0": "TLS alert: handshake failure",
                  "tls1_0": "ECDHE-RSA-AES256-SHA", "tls1_1": "AES256-SHA", "tls1_2": "ECDHE-RSA-AES256-GCM-SHA384",
                  "tls1_3": "TLS alert: protocol version"},
        "duration": 0.123,
        "verdict": None,
    }


def test_an_endpoint_that_is_not_tls_claims_no_protocol_state():
    refused = dict.fromkeys(LEGACY_SERVER, Probe("refused", "TLS error: wrong version number"))
    result = endpoint_result(target(), "10.0.0.5", refused, 0.0)
    assert result.status is EndpointStatus.NOT_TLS
    assert set(result.protocols.values()) == {ProtocolState.UNKNOWN}


def test_a_failure_stands_in_when_nothing_could_be_probed():
    result = endpoint_result(target(), None, {}, 0.0, (EndpointStatus.UNREACHABLE, "name could not be resolved"))
    assert (result.status, result.error, result.ip) == ("unreachable", "name could not be resolved", None)
    assert set(result.probe.values()) == {None}


def test_versions_given_up_on_say_why_they_were_not_tried():
    result = endpoint_result(target(), "10.0.0.5", {"tls1_2": Probe("unreachable", "connection refused")}, 0.0,
                             not_tried="connection refused")
    assert result.probe == {key: "connection refused" if key == "tls1_2" else "not tried: connection refused"
                            for key in PROTOCOL_KEYS}


def test_versions_not_asked_for_say_so():
    asked = ("tls1_2", "tls1_3")
    probes = {key: LEGACY_SERVER[key] for key in asked}
    probed = endpoint_result(target(), "10.0.0.5", probes, 0.0, asked=asked)
    assert probed.probe["tls1_0"] == probed.probe["ssl2_0"] == "not asked for (protocols)"
    assert probed.probe["tls1_2"] == "ECDHE-RSA-AES256-GCM-SHA384"
    assert probed.protocols["tls1_0"] is ProtocolState.UNKNOWN
    # At full depth they stay unknown too: tests/functional/test_tls_scan.py
    # test_at_full_depth_the_suites_of_versions_left_out_stay_unknown (sslyze lists nothing for them).


def test_full_data_settles_unknown_versions_and_adds_every_full_key():
    probes = dict(LEGACY_SERVER, tls1_3=Probe("timeout", "no answer within 5 s"), ssl2_0=Probe("error", "x"))
    probed = endpoint_result(target(), "10.0.0.5", probes, 0.0)
    result = judged(with_full(probed, full_scan(tls1_3=(), tls1_2=(), tls1_0=()), 2.5), "enforce")
    assert result.protocols["tls1_3"] is ProtocolState.REJECTED
    assert result.protocols["tls1_2"] is ProtocolState.ACCEPTED  # the probe's finding stands
    assert result.protocols["tls1_0"] is ProtocolState.ACCEPTED
    assert result.protocols["ssl2_0"] is ProtocolState.UNKNOWN  # not enumerated: still unknown
    assert probed.protocols["tls1_3"] is ProtocolState.UNKNOWN  # a new endpoint; the probed one is unchanged
    data = result.to_json(full_depth=True)
    assert list(data)[-len(FULL_KEYS) - 1:] == [*FULL_KEYS, "verdict"]
    assert (data["certificate"], data["curves"], data["duration"]) == (None, ["X25519"], 2.5)


def test_an_enumeration_that_lists_suites_settles_an_unknown_version_as_accepted():
    probes = dict(LEGACY_SERVER, tls1_3=Probe("timeout", "no answer within 5 s"))
    suite = Suite("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "ECDHE", True, True, False, 128, None)
    result = with_full(endpoint_result(target(), "10.0.0.5", probes, 0.0), full_scan(tls1_3=(suite,)), 0.0)
    assert result.protocols["tls1_3"] is ProtocolState.ACCEPTED


@pytest.mark.parametrize("status", [EndpointStatus.UNREACHABLE, EndpointStatus.NOT_TLS])
def test_at_full_depth_an_endpoint_not_scanned_that_deep_has_every_full_key_null(status):
    result = judged(endpoint_result(target(), None, {}, 0.0, (status, "x")), "enforce")
    data = result.to_json(full_depth=True)
    assert {key: data[key] for key in FULL_KEYS} == dict.fromkeys(FULL_KEYS)
    assert list(data)[-1] == "verdict"


def test_at_protocol_depth_the_result_has_only_the_verdict_added():
    result = judged(endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.0), "enforce")
    data = result.to_json()
    assert "cipher_suites" not in data
    assert data["verdict"]["compliant"] is False
    assert set(data) == set(endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.0).to_json())


def test_summary_counts_and_names():
    ok = judged(endpoint_result(target("a.example"), "10.0.0.1", LEGACY_SERVER, 0.0), "enforce")
    down = judged(endpoint_result(target("b.example"), None, {}, 0.0, (EndpointStatus.UNREACHABLE, "refused")),
                  "enforce")
    modern = dict(LEGACY_SERVER, tls1_0=Probe("alert", "x"), tls1_1=Probe("alert", "x"))
    good = judged(endpoint_result(target("c.example"), "10.0.0.3", modern, 0.0), "enforce")
    assert summarize([ok, down, good], "enforce", "protocols", 1.23456) == {
        "total": 3, "policy": "enforce", "depth": "protocols",
        "status": {"ok": 2, "unreachable": 1, "timeout": 0, "not_tls": 0, "error": 0},
        "compliant": 1, "non_compliant": 1, "undetermined": 1, "unreachable": 1,
        "non_compliant_endpoints": ["a.example:443"],
        "accepts_legacy": [{"name": "a.example:443", "target": "a.example:443", "protocols": ["tls1_0", "tls1_1"]}],
        "duration": 1.235,
    }


def test_the_scan_result_is_json_and_has_the_full_keys_only_at_full_depth():
    endpoint = judged(endpoint_result(target(), "10.0.0.5", LEGACY_SERVER, 0.0), "enforce")
    for depth, has_full in (("protocols", False), ("full", True)):
        result = scan_result([endpoint], "enforce", depth, 0.5)
        assert json.loads(json.dumps(result)) == result
        assert ("cipher_suites" in result["endpoints"][0]) is has_full
        assert result["summary"] == summarize([endpoint], "enforce", depth, 0.5)
        status = result["endpoints"][0]["status"]
        assert isinstance(status, str) and not isinstance(status, EndpointStatus)  # Ansible gets plain values
