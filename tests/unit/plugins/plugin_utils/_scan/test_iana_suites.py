"""Cipher suite facts from IANA names."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.iana_suites import (
    aead,
    forward_secret,
    key_exchange,
)


@pytest.mark.parametrize("name, kex, fs, is_aead", [
    ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE", True, True),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", True, True),
    ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE", True, False),
    ("TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", False, True),
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", False, False),
    ("TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH", False, True),
    ("TLS_DH_DSS_WITH_AES_256_CBC_SHA", "DH", False, False),
    ("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "ECDHE", True, False),
    ("TLS_PSK_WITH_AES_128_CCM", "PSK", False, True),
    ("TLS_AES_128_GCM_SHA256", "ECDHE", True, True),
    ("SSL_CK_RC4_128_WITH_MD5", "RSA", False, False),
    ("TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", "unknown", False, False),
])
def test_facts_from_the_name(name, kex, fs, is_aead):
    assert (key_exchange(name), forward_secret(name), aead(name)) == (kex, fs, is_aead)


def test_tls13_takes_the_group_type_of_the_handshake():
    assert key_exchange("TLS_AES_256_GCM_SHA384", "DH") == "DHE"


def test_an_ephemeral_key_seen_in_the_handshake_is_forward_secret_whatever_the_name():
    assert forward_secret("TLS_SOMETHING_NEW", "ECDH")
