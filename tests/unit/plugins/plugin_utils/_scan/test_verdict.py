"""Every verdict rule of every profile, on hand-made endpoint results (no network)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.verdict import POLICIES, evaluate

MODERN = {"ssl2_0": "rejected", "ssl3_0": "rejected", "tls1_0": "rejected", "tls1_1": "rejected",
          "tls1_2": "accepted", "tls1_3": "accepted"}


def suite(name, fs=True, is_aead=True, key=None):
    return {"name": name, "forward_secret": fs, "aead": is_aead,
            "ephemeral_key": key if key is not None else ({"type": "ECDH", "size": 256, "curve": "secp256r1"}
                                                          if fs else None)}


GOOD_CERT = {"trusted": True, "validation_error": None, "key_type": "rsa", "key_size": 2048, "key_curve": None,
             "signature_algorithm": "sha256WithRSAEncryption", "lifespan_days": 90}


def endpoint(protocols=None, full=False, **changes):
    result = {"status": "ok", "protocols": dict(MODERN, **(protocols or {})), "probe": {}}
    if full:
        result.update({
            "cipher_suites": {"ssl2_0": [], "ssl3_0": [], "tls1_0": [], "tls1_1": [],
                              "tls1_2": [suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")],
                              "tls1_3": [suite("TLS_AES_128_GCM_SHA256", key={"type": "ECDH", "size": 253,
                                                                              "curve": "X25519"})]},
            "curves": ["X25519", "secp256r1"], "certificate": dict(GOOD_CERT), "fallback_scsv": True,
            "secure_renegotiation": True})
    result.update(changes)
    return result


def codes(verdict, key="violations"):
    return [p["code"] for p in verdict[key]]


@pytest.mark.parametrize("policy", POLICIES)
def test_a_modern_endpoint_passes_every_profile_at_full_depth(policy):
    verdict = evaluate(endpoint(full=True), policy)
    assert verdict == {"policy": policy, "compliant": True, "violations": [], "undetermined": []}


@pytest.mark.parametrize("policy, compliant", [("enable", True), ("enforce", True), ("bsi", None),
                                               ("mozilla_intermediate", None)])
def test_suite_rules_are_undetermined_at_depth_protocols(policy, compliant):
    verdict = evaluate(endpoint(), policy)
    assert verdict["compliant"] is compliant
    assert codes(verdict, "undetermined") == ([] if compliant else ["needs_full_depth"])


@pytest.mark.parametrize("legacy, label", [("ssl2_0", "SSL 2.0"), ("ssl3_0", "SSL 3.0"), ("tls1_0", "TLS 1.0"),
                                           ("tls1_1", "TLS 1.1")])
def test_each_legacy_protocol_violates_enforce_but_not_enable(legacy, label):
    verdict = evaluate(endpoint({legacy: "accepted"}), "enforce")
    assert verdict["compliant"] is False
    assert verdict["violations"] == [{"code": "legacy_protocol_accepted", "protocol": legacy,
                                      "message": f"{label} is accepted"}]
    assert evaluate(endpoint({legacy: "accepted"}), "enable")["compliant"] is True


@pytest.mark.parametrize("policy", POLICIES)
def test_tls12_must_be_accepted_by_every_profile(policy):
    verdict = evaluate(endpoint({"tls1_2": "rejected"}, full=True), policy)
    assert verdict["compliant"] is False
    assert "tls1_2_not_accepted" in codes(verdict)


def test_a_violation_outweighs_an_unknown():
    verdict = evaluate(endpoint({"tls1_0": "accepted", "tls1_1": "unknown"}), "enforce")
    assert verdict["compliant"] is False
    assert codes(verdict) == ["legacy_protocol_accepted"]
    assert verdict["undetermined"][0]["code"] == "protocol_unknown"


def test_an_unknown_protocol_that_matters_leaves_the_verdict_open_and_says_why():
    verdict = evaluate(endpoint({"tls1_0": "unknown"}, probe={"tls1_0": "no answer within 5 s"}), "enforce")
    assert verdict["compliant"] is None
    assert verdict["undetermined"] == [{"code": "protocol_unknown", "protocol": "tls1_0",
                                        "message": "TLS 1.0 could not be tested: no answer within 5 s"}]


def test_an_unknown_legacy_protocol_does_not_matter_to_enable():
    assert evaluate(endpoint({"tls1_0": "unknown"}), "enable")["compliant"] is True


@pytest.mark.parametrize("status", ["unreachable", "timeout", "not_tls", "error"])
def test_an_endpoint_that_was_not_scanned_is_undetermined(status):
    verdict = evaluate(endpoint(status=status), "enforce")
    assert (verdict["compliant"], codes(verdict, "undetermined")) == (None, ["not_scanned"])


def test_bsi_names_the_suites_without_forward_secrecy_or_aead():
    suites = [suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), suite("TLS_RSA_WITH_AES_128_GCM_SHA256", fs=False),
              suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", is_aead=False),
              suite("TLS_RSA_WITH_AES_256_CBC_SHA", fs=False, is_aead=False)]
    data = endpoint(full=True)
    data["cipher_suites"]["tls1_2"] = suites
    verdict = evaluate(data, "bsi")
    assert verdict["compliant"] is False
    assert [(v["code"], v["suites"]) for v in verdict["violations"]] == [
        ("suite_without_forward_secrecy", ["TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA"]),
        ("suite_not_aead", ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"]),
    ]


def test_bsi_allows_any_tls13_suite_and_mozilla_only_its_three():
    data = endpoint(full=True)
    data["cipher_suites"]["tls1_3"].append(suite("TLS_AES_128_CCM_SHA256"))
    assert evaluate(data, "bsi")["compliant"] is True
    verdict = evaluate(data, "mozilla_intermediate")
    assert [(v["code"], v["protocol"], v["suites"]) for v in verdict["violations"]] == [
        ("suite_not_allowed", "tls1_3", ["TLS_AES_128_CCM_SHA256"])]


def test_suites_that_could_not_be_enumerated_are_undetermined():
    data = endpoint(full=True)
    data["cipher_suites"]["tls1_2"] = None
    verdict = evaluate(data, "bsi")
    assert (verdict["compliant"], codes(verdict, "undetermined")) == (None, ["suites_unknown"])


def test_suites_of_a_version_that_is_not_accepted_are_not_judged():
    data = endpoint({"tls1_3": "rejected"}, full=True)
    data["cipher_suites"]["tls1_3"] = None
    assert evaluate(data, "mozilla_intermediate")["compliant"] is True


def test_mozilla_rejects_suites_outside_its_list_even_when_forward_secret_and_aead():
    data = endpoint(full=True)
    data["cipher_suites"]["tls1_2"].append(suite("TLS_ECDHE_RSA_WITH_AES_256_CCM"))
    verdict = evaluate(data, "mozilla_intermediate")
    assert codes(verdict) == ["suite_not_allowed"]
    assert evaluate(data, "bsi")["compliant"] is True


@pytest.mark.parametrize("key, weak", [
    ({"type": "DH", "size": 1024, "curve": None}, "DH 1024"),
    ({"type": "DH", "size": 2048, "curve": None}, None),
    ({"type": "ECDH", "size": 224, "curve": "secp224r1"}, "ECDH 224"),
    ({"type": "ECDH", "size": 253, "curve": "X25519"}, None),
    ({"type": "ECDH", "size": 384, "curve": "secp384r1"}, None),
])
def test_mozilla_key_sizes(key, weak):
    data = endpoint(full=True)
    data["cipher_suites"]["tls1_2"] = [suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", key=key)]
    verdict = evaluate(data, "mozilla_intermediate")
    found = [v["message"] for v in verdict["violations"] if v["code"] == "weak_key_exchange"]
    assert found == ([f"TLS 1.2 ephemeral keys below Mozilla intermediate: {weak}"] if weak else [])


def test_mozilla_groups():
    data = endpoint(full=True, curves=["X25519", "X448", "secp256r1", "secp521r1"])
    verdict = evaluate(data, "mozilla_intermediate")
    assert [(v["code"], v["curves"]) for v in verdict["violations"]] == [("curve_not_allowed", ["X448", "secp521r1"])]


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
    data = endpoint(full=True)
    data["certificate"].update(change)
    assert codes(evaluate(data, "mozilla_intermediate")) == [code]
    assert evaluate(data, "bsi")["compliant"] is True


def test_an_ecdsa_p384_certificate_passes():
    data = endpoint(full=True)
    data["certificate"].update({"key_type": "ecdsa", "key_size": 384, "key_curve": "secp384r1",
                                "signature_algorithm": "ecdsa-with-SHA384"})
    assert evaluate(data, "mozilla_intermediate")["compliant"] is True


@pytest.mark.parametrize("key, code", [("fallback_scsv", "no_fallback_scsv"),
                                       ("secure_renegotiation", "no_secure_renegotiation")])
def test_mozilla_downgrade_and_renegotiation(key, code):
    assert codes(evaluate(endpoint(full=True, **{key: False}), "mozilla_intermediate")) == [code]
    verdict = evaluate(endpoint(full=True, **{key: None}), "mozilla_intermediate")
    assert (verdict["compliant"], codes(verdict, "undetermined")) == (None, [f"{key}_unknown"])


@pytest.mark.parametrize("missing, code", [("certificate", "certificate_unknown"), ("curves", "curves_unknown")])
def test_mozilla_missing_measurements_are_undetermined(missing, code):
    verdict = evaluate(endpoint(full=True, **{missing: None}), "mozilla_intermediate")
    assert (verdict["compliant"], codes(verdict, "undetermined")) == (None, [code])


def test_evaluation_does_not_change_the_endpoint():
    data = endpoint({"tls1_0": "accepted"}, full=True)
    before = copy.deepcopy(data)
    evaluate(data, "mozilla_intermediate")
    assert data == before
