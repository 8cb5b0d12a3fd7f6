"""From each version's handshake to protocol states and the endpoint's status."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import (
    PROTOCOL_KEYS,
    Probe,
    endpoint_status,
    give_up,
    protocol_state,
)


def probes(**kinds):
    return {key: Probe(kind, f"{kind} detail of {key}") for key, kind in kinds.items()}


@pytest.mark.parametrize("kind, state", [("accepted", "accepted"), ("alert", "rejected"), ("refused", "rejected"),
                                         ("timeout", "unknown"), ("unreachable", "unknown"),
                                         ("starttls_failed", "unknown"), ("error", "unknown")])
def test_protocol_state(kind, state):
    assert protocol_state(Probe(kind, "")) == state


def test_a_probe_that_never_ran_is_unknown():
    assert protocol_state(None) == "unknown"


def test_one_accepted_version_makes_the_endpoint_ok_whatever_the_rest_did():
    assert endpoint_status(probes(tls1_2="accepted", tls1_3="timeout", ssl2_0="error")) == ("ok", None)


def test_a_tls_alert_alone_proves_a_tls_server():
    assert endpoint_status(probes(**dict.fromkeys(PROTOCOL_KEYS, "alert"))) == ("ok", None)


@pytest.mark.parametrize("kinds, status, error", [
    ({"tls1_2": "unreachable", "tls1_3": "unreachable"}, "unreachable", "unreachable detail of tls1_2"),
    ({"tls1_2": "starttls_failed"}, "not_tls", "starttls_failed detail of tls1_2"),
    ({"tls1_2": "refused", "tls1_3": "refused", "ssl2_0": "timeout"}, "not_tls",
     "no TLS version was accepted and no TLS alert was received (refused detail of tls1_2)"),
    ({"tls1_2": "timeout", "tls1_3": "timeout"}, "timeout", "timeout detail of tls1_2"),
    ({"tls1_2": "timeout", "tls1_1": "refused"}, "timeout", "timeout detail of tls1_2"),  # a trickling peer
    ({"tls1_2": "error", "tls1_3": "timeout"}, "timeout", "timeout detail of tls1_3"),
    ({"tls1_2": "error"}, "error", "error detail of tls1_2"),
    ({}, "error", "no probe ran"),
])
def test_status_without_any_tls_answer(kinds, status, error):
    assert endpoint_status(probes(**kinds)) == (status, error)


def test_the_reason_comes_from_the_most_telling_version_first():
    assert endpoint_status(probes(ssl2_0="timeout", tls1_3="timeout"))[1] == "timeout detail of tls1_3"


@pytest.mark.parametrize("kinds, reason", [
    ({"tls1_2": "unreachable"}, "unreachable detail of tls1_2"),
    ({"tls1_2": "accepted", "tls1_3": "starttls_failed"}, "starttls_failed detail of tls1_3"),
    ({"tls1_2": "timeout"}, "no answer to the first hellos"),
    ({"tls1_2": "timeout", "tls1_3": "timeout"}, "no answer to the first hellos"),
    ({"tls1_2": "accepted", "tls1_3": "timeout"}, None),
    ({"tls1_2": "refused", "tls1_3": "timeout"}, None),
    ({"tls1_2": "alert"}, None),
    ({}, None),
])
def test_when_the_remaining_probes_are_dropped(kinds, reason):
    assert give_up(probes(**kinds)) == reason
