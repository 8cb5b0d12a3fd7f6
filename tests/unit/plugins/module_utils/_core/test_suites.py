from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core import suites as s
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import SUITE_LOCAL_KEY, SUITE_POLICY_KEY
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, RegValue, sz


def test_default_orders_match_the_published_lengths_and_heads():
    # Lengths and first entries of the "enabled by default" tables (docs/facts-gpp-suites-regfile.md section 3).
    expected = {7601: (40, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"),
                9200: (38, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"),
                9600: (40, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"),
                10586: (34, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                14393: (32, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                17763: (23, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                20348: (25, "TLS_AES_256_GCM_SHA384"),
                22000: (25, "TLS_AES_256_GCM_SHA384"),
                26100: (22, "TLS_AES_256_GCM_SHA384")}
    for build, (length, head) in expected.items():
        order = s.default_order(WindowsBuild(build))
        assert (len(order), order[0]) == (length, head), build


def test_server_2025_drops_dhe_gcm_and_3des_from_the_defaults():
    order = s.default_order(WindowsBuild(26100))
    assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" not in order and "TLS_RSA_WITH_3DES_EDE_CBC_SHA" not in order
    assert s.SUITES["TLS_RSA_WITH_3DES_EDE_CBC_SHA"].status(26100) == "s"


@pytest.mark.parametrize("name, kex, fs, aead, tls13", [
    ("TLS_AES_128_GCM_SHA256", "ECDHE", True, True, True),
    ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", "ECDHE", True, False, False),
    ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE", True, True, False),
    ("TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", False, True, False),
    ("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "RSA", False, False, False),
    ("TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK", False, True, False),
])
def test_suite_properties_from_names(name, kex, fs, aead, tls13):
    suite = s.SUITES[name]
    assert (suite.key_exchange, suite.forward_secret, suite.aead, suite.tls13) == (kex, fs, aead, tls13)


def test_suites_for_build_keeps_order_and_drops_what_the_build_lacks():
    kept, dropped = s.suites_for_build(["TLS_AES_256_GCM_SHA384", "tls_ecdhe_rsa_with_aes_128_gcm_sha256",
                                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256"], WindowsBuild(17763))
    assert kept == ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",)
    assert dropped == ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256")


def test_unknown_suite_is_an_error_with_a_suggestion():
    with pytest.raises(ValidationError, match="did you mean 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'"):
        s.canonical("TLS_ECDHE_RSA_AES_128_GCM_SHA256")


def test_effective_order_policy_then_local_then_default():
    build = WindowsBuild(17763)
    policy = RegRef("HKLM", SUITE_POLICY_KEY, "Functions")
    local = RegRef("HKLM", SUITE_LOCAL_KEY, "Functions")
    assert s.effective_suites({}, build).source == "os_default"
    local_only = {local: RegValue("REG_MULTI_SZ", ("TLS_RSA_WITH_AES_128_CBC_SHA",))}
    assert s.effective_suites(local_only, build).names == ("TLS_RSA_WITH_AES_128_CBC_SHA",)
    both = {**local_only, policy: sz("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_BOGUS")}
    result = s.effective_suites(both, build)
    assert (result.source, result.names, result.unknown) == (
        "policy", ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",), ("TLS_BOGUS",))
    ignored = {policy: RegValue("REG_MULTI_SZ", ("TLS_RSA_WITH_AES_128_CBC_SHA",))}
    assert s.effective_suites(ignored, build).source == "os_default"  # REG_MULTI_SZ policy value is ignored
