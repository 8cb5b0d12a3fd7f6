from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core import suites as s
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import SUITE_LOCAL_KEY, SUITE_POLICY_KEY
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, RegValue, sz

# Microsoft's pages, transcribed apart from the code's table (see the file's header).
PUBLISHED = Path(__file__).resolve().parent / "data" / "cipher_suites_microsoft.txt"
# Which builds each page covers. Server 2022 23H2 (25398): the Server 2022 page notes DHE_RSA GCM and 3DES are not
# enabled by default there; the Server 2025 list is exactly that.
PAGE_BUILDS = {
    "Vista": (6000, 6001, 6002, 6003), "7": (7600, 7601), "8": (9200,), "8.1": (9600,), "1507": (10240,),
    "1511": (10586,), "1607": (14393,), "1703": (15063,), "1709": (16299,), "1803": (17134,), "1809": (17763,),
    "1903": (18362, 18363, 19041), "20H2": (19042, 19043, 19044), "W10-22H2": (19045,), "S2022": (20348,),
    "W11-21H2": (22000,), "W11-22H2+": (22621, 22631, 26200), "S2025": (25398, 26100),
}


def _published() -> dict[str, dict[str, str]]:
    lines = [line.split() for line in PUBLISHED.read_text().splitlines() if line and not line.startswith("#")]
    pages = lines[0][1:]
    return {page: {row[0]: row[1 + i] for row in lines[1:]} for i, page in enumerate(pages)}


PAGES = _published()


def test_the_catalogue_has_exactly_the_suites_microsoft_lists():
    assert set(s.SUITES) == set(next(iter(PAGES.values())))
    assert set(PAGES) == set(PAGE_BUILDS)


@pytest.mark.parametrize("page", list(PAGE_BUILDS))
def test_every_build_column_matches_its_microsoft_page(page):
    for build in PAGE_BUILDS[page]:
        wrong = {name: (s.SUITES[name].status(build), want) for name, want in PAGES[page].items()
                 if s.SUITES[name].status(build) != want}
        assert not wrong, (page, build, wrong)


def test_vista_2008_has_its_own_24_suites_without_gcm_sha2_or_dhe_rsa():
    order = s.default_order(WindowsBuild(6002))
    assert len(order) == 24 and order[0] == "TLS_RSA_WITH_AES_128_CBC_SHA"
    assert not [n for n in order if "_GCM_" in n or "SHA256" in n or "SHA384" in n or n.startswith("TLS_DHE_RSA")]


def test_the_vista_page_spelling_of_an_export_suite_is_accepted():
    assert s.canonical("SSL_CK_RC4_128_EXPORT40_MD5") == "SSL_CK_RC4_128_EXPORT40_WITH_MD5"


@pytest.mark.parametrize("name, kex, fs, aead, tls13, bulk, mac, rsa", [
    ("TLS_AES_128_GCM_SHA256", "ECDHE", True, True, True, "aes", None, False),
    ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", "ECDHE", True, False, False, "aes", None, True),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256", "ECDHE", True, False, False, "aes", "sha1", False),
    ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE", True, True, False, "aes", None, True),
    ("TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "DHE", True, False, False, "triple_des", "sha1", False),
    ("TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", False, True, False, "aes", None, True),
    ("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "RSA", False, False, False, "rc4", "sha1", True),
    ("TLS_RSA_WITH_NULL_MD5", "RSA", False, False, False, "null", "md5", True),
    ("TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK", False, True, False, "aes", None, False),
    ("TLS_CHACHA20_POLY1305_SHA256", "ECDHE", True, True, True, "chacha20", None, False),
])
def test_suite_properties_from_names(name, kex, fs, aead, tls13, bulk, mac, rsa):
    suite = s.SUITES[name]
    assert (suite.key_exchange, suite.forward_secret, suite.aead, suite.tls13) == (kex, fs, aead, tls13)
    assert (suite.bulk, suite.mac, suite.rsa) == (bulk, mac, rsa)


@pytest.mark.parametrize("name, key", [
    ("TLS_RSA_WITH_RC4_128_SHA", "RC4 128/128"), ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "RC4 40/128"),
    ("SSL_CK_RC4_128_EXPORT40_WITH_MD5", "RC4 40/128"), ("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "RC4 56/128"),
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "Triple DES 168"), ("SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "Triple DES 168"),
    ("TLS_DHE_DSS_WITH_DES_CBC_SHA", "DES 56/56"), ("TLS_RSA_WITH_NULL_SHA256", "NULL"),
    ("TLS_AES_128_GCM_SHA256", "AES 128/128"), ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "AES 256/256"),
    ("TLS_CHACHA20_POLY1305_SHA256", None),
])
def test_the_cipher_key_that_disallows_a_suite(name, key):
    assert s.SUITES[name].cipher_key == key


def test_null_psk_tls13_and_ssl2_suites_are_no_tls12_suite():
    assert not s.SUITES["TLS_RSA_WITH_NULL_SHA256"].tls12_capable
    assert not s.SUITES["TLS_PSK_WITH_AES_128_GCM_SHA256"].tls12_capable
    assert not s.SUITES["SSL_CK_RC4_128_WITH_MD5"].tls12_capable
    assert not s.SUITES["TLS_AES_256_GCM_SHA384"].tls12_capable
    assert s.SUITES["TLS_RSA_WITH_3DES_EDE_CBC_SHA"].tls12_capable and s.SUITES["TLS_RSA_WITH_3DES_EDE_CBC_SHA"].weak


def test_suites_for_build_keeps_order_and_drops_what_the_build_lacks():
    kept, dropped = s.suites_for_build(["TLS_AES_256_GCM_SHA384", "tls_ecdhe_rsa_with_aes_128_gcm_sha256",
                                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256"], WindowsBuild(17763))
    assert kept == ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",)
    assert dropped == ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256")


def test_unknown_suite_is_an_error_with_a_suggestion():
    with pytest.raises(ValidationError, match="did you mean 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'"):
        s.canonical("TLS_ECDHE_RSA_AES_128_GCM_SHA256")


def test_effective_order_policy_then_local_then_default_and_only_what_the_build_has():
    build = WindowsBuild(17763)
    policy = RegRef("HKLM", SUITE_POLICY_KEY, "Functions")
    local = RegRef("HKLM", SUITE_LOCAL_KEY, "Functions")
    assert s.effective_suites({}, build).source == "os_default"
    local_only = {local: RegValue("REG_MULTI_SZ", ("TLS_RSA_WITH_AES_128_CBC_SHA",))}
    assert s.effective_suites(local_only, build).names == ("TLS_RSA_WITH_AES_128_CBC_SHA",)
    both = {**local_only, policy: sz("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_BOGUS,TLS_AES_128_GCM_SHA256")}
    result = s.effective_suites(both, build)
    assert (result.source, result.names, result.unknown, result.not_on_build) == (
        "policy", ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",), ("TLS_BOGUS",), ("TLS_AES_128_GCM_SHA256",))
    ignored = {policy: RegValue("REG_MULTI_SZ", ("TLS_RSA_WITH_AES_128_CBC_SHA",))}
    assert s.effective_suites(ignored, build).source == "os_default"  # REG_MULTI_SZ policy value is ignored
