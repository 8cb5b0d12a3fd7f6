"""Every verdict rule of every profile, on hand-made typed endpoints (no network)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.model import (
    Certificate,
    Endpoint,
    EphemeralKey,
    FullScan,
    Suite,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.outcomes import (
    PROTOCOL_KEYS,
    EndpointStatus,
    ProtocolState,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.verdict import POLICIES, evaluate

MODERN = {"ssl2_0": "rejected", "ssl3_0": "rejected", "tls1_0": "rejected", "tls1_1": "rejected",
          "tls1_2": "accepted", "tls1_3": "accepted"}


def suite(name, fs=True, is_aead=True, key=None):
    ephemeral = key if key is not None else (EphemeralKey("ECDH", 256, "secp256r1") if fs else None)
    return Suite(name=name, openssl_name=name, key_exchange="ECDHE" if fs else "RSA", forward_secret=fs,
                 aead=is_aead, anonymous=False, key_size=128, ephemeral_key=ephemeral)


GOOD_CERT = Certificate(subject="CN=localhost", issuer="CN=tlsguard test CA", serial="1",
                        not_before="2026-01-01T00:00:00+00:00", not_after="2026-04-01T00:00:00+00:00",
                        lifespan_days=90, sha256="00", names=("localhost",), key_type="rsa", key_size=2048,
                        key_curve=None, signature_algorithm="sha256WithRSAEncryption", chain_length=2,
                        validated_for="localhost", trusted=True, trusted_by=("Supplied CA file",),
                        validation_error=None, deployments=1)
FULL = FullScan(
    cipher_suites={"ssl2_0": (), "ssl3_0": (), "tls1_0": (), "tls1_1": (),
                   "tls1_2": (suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),),
                   "tls1_3": (suite("TLS_AES_128_GCM_SHA256", key=EphemeralKey("ECDH", 253, "X25519")),)},
    curves=("X25519", "secp256r1"), fallback_scsv=True, secure_renegotiation=True, certificate=GOOD_CERT,
    scan_errors={})


def full_scan(suites=None, cert=None, **changes):
    """FULL with some versions' suites, some certificate fields or other measurements replaced."""
    fields = {"cipher_suites": {**FULL.cipher_suites, **(suites or {})},
              "certificate": replace(GOOD_CERT, **(cert or {})), **changes}
    return replace(FULL, **fields)


def endpoint(protocols=None, full=None, status="ok", probe=None):
    states = dict(MODERN, **(protocols or {}))
    return Endpoint(target="web01.example", name="web01.example:443", host="web01.example", ip="10.0.0.5", port=443,
                    sni="web01.example", starttls=None, status=EndpointStatus(status), error=None,
                    protocols={key: ProtocolState(state) for key, state in states.items()},
                    probe=dict(dict.fromkeys(PROTOCOL_KEYS), **(probe or {})), duration=0.0, full=full)


def codes(verdict, key="violations"):
    return [p.code for p in getattr(verdict, key)]


@pytest.mark.parametrize("policy", POLICIES)
def test_a_modern_endpoint_passes_every_profile_at_full_depth(policy):
    verdict = evaluate(endpoint(full=FULL), policy)
    assert verdict.to_json() == {"policy": policy, "compliant": True, "violations": [], "undetermined": []}


@pytest.mark.parametrize("policy, compliant", [("enable", True), ("enforce", True), ("bsi", None),
                                               ("mozilla_intermediate", None)])
def test_suite_rules_are_undetermined_at_depth_protocols(policy, compliant):
    verdict = evaluate(endpoint(), policy)
    assert verdict.compliant is compliant
    assert codes(verdict, "undetermined") == ([] if compliant else ["needs_full_depth"])


@pytest.mark.parametrize("legacy, label", [("ssl2_0", "SSL 2.0"), ("ssl3_0", "SSL 3.0"), ("tls1_0", "TLS 1.0"),
                                           ("tls1_1", "TLS 1.1")])
def test_each_legacy_protocol_violates_enforce_but_not_enable(legacy, label):
    verdict = evaluate(endpoint({legacy: "accepted"}), "enforce")
    assert verdict.compliant is False
    assert verdict.to_json()["violations"] == [{"code": "legacy_protocol_accepted", "protocol": legacy,
                                                "message": f"{label} is accepted"}]
    assert evaluate(endpoint({legacy: "accepted"}), "enable").compliant is True


@pytest.mark.parametrize("policy", POLICIES)
def test_tls12_must_be_accepted_by_every_profile(policy):
    verdict = evaluate(endpoint({"tls1_2": "rejected"}, full=FULL), policy)
    assert verdict.compliant is False
    assert "tls1_2_not_accepted" in codes(verdict)


def test_a_violation_outweighs_an_unknown():
    verdict = evaluate(endpoint({"tls1_0": "accepted", "tls1_1": "unknown"}), "enforce")
    assert verdict.compliant is False
    assert codes(verdict) == ["legacy_protocol_accepted"]
    assert verdict.undetermined[0].code == "protocol_unknown"


def test_an_unknown_protocol_that_matters_leaves_the_verdict_open_and_says_why():
    verdict = evaluate(endpoint({"tls1_0": "unknown"}, probe={"tls1_0": "no answer within 5 s"}), "enforce")
    assert verdict.compliant is None
    assert verdict.to_json()["undetermined"] == [{"code": "protocol_unknown", "protocol": "tls1_0",
                                                  "message": "TLS 1.0 could not be tested: no answer within 5 s"}]


def test_an_unknown_protocol_that_was_never_probed_says_so():
    verdict = evaluate(endpoint({"tls1_2": "unknown"}), "enable")
    assert [p.message for p in verdict.undetermined] == ["TLS 1.2 could not be tested: not tested"]


def test_an_unknown_legacy_protocol_does_not_matter_to_enable():
    assert evaluate(endpoint({"tls1_0": "unknown"}), "enable").compliant is True


@pytest.mark.parametrize("status", ["unreachable", "timeout", "not_tls", "error"])
def test_an_endpoint_that_was_not_scanned_is_undetermined(status):
    verdict = evaluate(endpoint(status=status), "enforce")
    assert (verdict.compliant, codes(verdict, "undetermined")) == (None, ["not_scanned"])
    assert verdict.undetermined[0].message == f"the endpoint was not scanned (status {status})"


def test_bsi_names_the_suites_without_forward_secrecy_or_aead():
    suites = (suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), suite("TLS_RSA_WITH_AES_128_GCM_SHA256", fs=False),
              suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", is_aead=False),
              suite("TLS_RSA_WITH_AES_256_CBC_SHA", fs=False, is_aead=False))
    verdict = evaluate(endpoint(full=full_scan({"tls1_2": suites})), "bsi")
    assert verdict.compliant is False
    assert [(v["code"], v["suites"]) for v in verdict.to_json()["violations"]] == [
        ("suite_without_forward_secrecy", ["TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA"]),
        ("suite_not_aead", ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"]),
    ]


def test_bsi_allows_any_tls13_suite_and_mozilla_only_its_three():
    data = endpoint(full=full_scan({"tls1_3": (*FULL.cipher_suites["tls1_3"], suite("TLS_AES_128_CCM_SHA256"))}))
    assert evaluate(data, "bsi").compliant is True
    verdict = evaluate(data, "mozilla_intermediate")
    assert [(v["code"], v["protocol"], v["suites"]) for v in verdict.to_json()["violations"]] == [
        ("suite_not_allowed", "tls1_3", ["TLS_AES_128_CCM_SHA256"])]


def test_suites_that_could_not_be_enumerated_are_undetermined():
    verdict = evaluate(endpoint(full=full_scan({"tls1_2": None})), "bsi")
    assert (verdict.compliant, codes(verdict, "undetermined")) == (None, ["suites_unknown"])


def test_suites_of_a_version_that_is_not_accepted_are_not_judged():
    data = endpoint({"tls1_3": "rejected"}, full=full_scan({"tls1_3": None}))
    assert evaluate(data, "mozilla_intermediate").compliant is True


def test_mozilla_rejects_suites_outside_its_list_even_when_forward_secret_and_aead():
    ccm = suite("TLS_ECDHE_RSA_WITH_AES_256_CCM")
    data = endpoint(full=full_scan({"tls1_2": (*FULL.cipher_suites["tls1_2"], ccm)}))
    verdict = evaluate(data, "mozilla_intermediate")
    assert codes(verdict) == ["suite_not_allowed"]
    assert evaluate(data, "bsi").compliant is True


@pytest.mark.parametrize("key, weak", [
    (EphemeralKey("DH", 1024, None), "DH 1024"),
    (EphemeralKey("DH", 2048, None), None),
    (EphemeralKey("ECDH", 224, "secp224r1"), "ECDH 224"),
    (EphemeralKey("ECDH", 253, "X25519"), None),
    (EphemeralKey("ECDH", 384, "secp384r1"), None),
])
def test_mozilla_key_sizes(key, weak):
    data = endpoint(full=full_scan({"tls1_2": (suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", key=key),)}))
    verdict = evaluate(data, "mozilla_intermediate")
    found = [v.message for v in verdict.violations if v.code == "weak_key_exchange"]
    assert found == ([f"TLS 1.2 ephemeral keys below Mozilla intermediate: {weak}"] if weak else [])


def test_mozilla_groups():
    data = endpoint(full=full_scan(curves=("X25519", "X448", "secp256r1", "secp521r1")))
    verdict = evaluate(data, "mozilla_intermediate")
    assert verdict.to_json()["violations"] == [{"code": "curve_not_allowed", "curves": ["X448", "secp521r1"],
                                                "message": "groups outside Mozilla intermediate: X448, secp521r1"}]


@pytest.mark.parametrize("change, code", [
    ({"trusted": False, "validation_error": "unable to get local issuer certificate"}, "certificate_not_trusted"),
    ({"key_type": "dsa", "key_size": 2048}, "certificate_key_type"),
    ({"key_size": 1024}, "certificate_key_too_small"),
    ({"key_type": "ecdsa", "key_size": 521, "key_curve": "secp521r1", "signature_algorithm": "ecdsa-with-SHA512"},
     "certificate_curve_not_allowed"),
    ({"signature_algorithm": "sha1WithRSAEncryption"}, "certificate_signature_not_allowed"),
    ({"lifespan_days": 398}, "certificate_lifespan_too_long"),
])
def test_mozilla_certificate_rules(change, code):
    data = endpoint(full=full_scan(cert=change))
    assert codes(evaluate(data, "mozilla_intermediate")) == [code]
    assert evaluate(data, "bsi").compliant is True


def test_an_ecdsa_p384_certificate_passes():
    data = endpoint(full=full_scan(cert={"key_type": "ecdsa", "key_size": 384, "key_curve": "secp384r1",
                                         "signature_algorithm": "ecdsa-with-SHA384"}))
    assert evaluate(data, "mozilla_intermediate").compliant is True


@pytest.mark.parametrize("key, code", [("fallback_scsv", "no_fallback_scsv"),
                                       ("secure_renegotiation", "no_secure_renegotiation")])
def test_mozilla_downgrade_and_renegotiation(key, code):
    assert codes(evaluate(endpoint(full=full_scan(**{key: False})), "mozilla_intermediate")) == [code]
    verdict = evaluate(endpoint(full=full_scan(**{key: None})), "mozilla_intermediate")
    assert (verdict.compliant, codes(verdict, "undetermined")) == (None, [f"{key}_unknown"])


@pytest.mark.parametrize("missing, code", [("certificate", "certificate_unknown"), ("curves", "curves_unknown")])
def test_mozilla_missing_measurements_are_undetermined(missing, code):
    verdict = evaluate(endpoint(full=full_scan(**{missing: None})), "mozilla_intermediate")
    assert (verdict.compliant, codes(verdict, "undetermined")) == (None, [code])


def test_evaluation_does_not_change_the_endpoint():
    data = endpoint({"tls1_0": "accepted"}, full=FULL)
    before = data.to_json()
    evaluate(data, "mozilla_intermediate")
    assert data.to_json() == before and data.verdict is None
