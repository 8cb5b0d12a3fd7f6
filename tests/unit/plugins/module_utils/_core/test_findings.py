from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import Hotfixes, WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.findings import SEVERITIES, audit
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import (
    CIPHERS_KEY,
    DH_KEY,
    DOTNET_KEYS,
    HASHES_KEY,
    KEY_EXCHANGE_KEY,
    PKCS_KEY,
    PROTOCOLS_KEY,
    SCHANNEL,
    SUITE_LOCAL_KEY,
    SUITE_POLICY_KEY,
    WINHTTP_KEYS,
    WININET_USER_KEY,
    protocol_ref,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, RegValue, dword, sz
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of

W2019, W2008R2, W2012R2 = WindowsBuild(17763), WindowsBuild(7601), WindowsBuild(9600)
FUNCTIONS = RegRef("HKLM", SUITE_POLICY_KEY, "Functions")


def found(values, build=W2019, complete=False):
    return audit(view_of(values, build, complete))


def codes(values, build=W2019, complete=False):
    return [(f.code, f.protocol, f.side) for f in found(values, build, complete)]


def only(values, code, build=W2019, complete=False):
    return [f for f in found(values, build, complete) if f.code == code]


def test_stock_2019_reports_tls10_and_tls11_enabled_by_default():
    result = codes({}, complete=True)
    assert ("legacy_protocol_enabled", "tls1_0", "server") in result
    assert ("legacy_protocol_enabled", "ssl3_0", "server") not in result  # SSL 3.0 is off by default on 1607+


def test_stock_2008r2_has_tls12_off():
    assert ("tls12_not_enabled", "tls1_2", "server") in codes({}, W2008R2, complete=True)


def test_an_export_without_protocol_values_is_not_blamed_for_the_os_defaults():
    dotnet_only = {RegRef("HKLM", DOTNET_KEYS[0], "SchUseStrongCrypto"): dword(1)}
    assert not [c for c in codes(dotnet_only) if c[0] in ("legacy_protocol_enabled", "tls12_not_enabled")]
    tls12_only = {protocol_ref("tls1_2", "server", "Enabled"): dword(1)}
    assert ("legacy_protocol_enabled", "tls1_0", "server") in codes(tls12_only)


def test_value_level_problems():
    values = {protocol_ref("tls1_0", "server", "Enabled"): sz("0"),
              protocol_ref("tls1_1", "server", "DisabledByDefault"): dword(1),
              protocol_ref("tls1_2", "server", "Enabled"): dword(0xFFFFFFFF),
              protocol_ref("tls1_3", "server", "Enabled"): dword(1)}
    result = codes(values)
    assert ("wrong_type", "tls1_0", "server") in result
    assert ("legacy_soft_disabled", "tls1_1", "server") in result
    assert ("noncanonical_value", "tls1_2", "server") in result
    assert ("tls13_unsupported", None, None) in result
    assert ("client_server_mismatch", "tls1_1", None) in result


def test_partial_exports_are_not_blamed_for_what_they_do_not_contain():
    assert not [c for c in codes({}) if c[0].startswith("dotnet_")]
    assert [c for c in codes({}, complete=True) if c[0].startswith("dotnet_")]


def test_suite_order_problems():
    multi = RegValue("REG_MULTI_SZ", ("TLS_AES_256_GCM_SHA384",))
    assert ("suite_order_wrong_type", None, None) in codes({FUNCTIONS: multi})
    non_fs = codes({FUNCTIONS: sz("TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_NOPE")})
    assert ("suites_without_forward_secrecy", None, None) in non_fs and ("unknown_suite_names", None, None) in non_fs
    [long] = only({FUNCTIONS: sz(",".join(["TLS_RSA_WITH_AES_256_GCM_SHA384"] * 40))}, "suite_order_too_long")
    assert long.message == "the policy cipher suite order has 1,279 characters; Windows reads at most 1,023"


def test_suites_the_build_lacks_are_named_and_a_list_without_one_is_a_lockout():
    tls13_and_gcm = RegValue("REG_MULTI_SZ", ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
    values = {RegRef("HKLM", SUITE_LOCAL_KEY, "Functions"): tls13_and_gcm}
    [absent] = only(values, "suites_not_on_build", W2012R2)
    assert "Windows 8.1 / Windows Server 2012 R2 does not have" in absent.message
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in absent.message
    assert only(values, "no_tls12_suite", W2012R2) and not only(values, "no_tls12_suite", W2019)


def test_weak_suites_a_policy_order_enables_are_named_unless_their_cipher_is_off():
    order = {FUNCTIONS: sz("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_NULL_SHA,TLS_RSA_WITH_RC4_128_SHA,"
                           "TLS_RSA_WITH_3DES_EDE_CBC_SHA")}
    [weak] = only(order, "weak_suites_in_order")
    assert weak.message.endswith("TLS_RSA_WITH_NULL_SHA, TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    rc4_off = {**order, RegRef("HKLM", rf"{CIPHERS_KEY}\RC4 128/128", "Enabled"): dword(0)}
    assert "TLS_RSA_WITH_RC4_128_SHA" not in only(rc4_off, "weak_suites_in_order")[0].message


def test_cipher_hash_and_key_exchange_switches():
    values = {RegRef("HKLM", rf"{CIPHERS_KEY}\AES 128/128", "Enabled"): dword(0),
              RegRef("HKLM", rf"{CIPHERS_KEY}\RC4 128/128", "Enabled"): dword(0xFFFFFFFF),
              RegRef("HKLM", rf"{CIPHERS_KEY}\Triple DES 168", "Enabled"): sz("0"),
              RegRef("HKLM", rf"{HASHES_KEY}\MD5", "Enabled"): dword(0xFFFFFFFF),
              RegRef("HKLM", rf"{KEY_EXCHANGE_KEY}\PKCS", "Enabled"): dword(0)}
    result = {f.code: f for f in found(values)}
    assert result["aes_cipher_disabled"].ref.key.endswith("AES 128/128")
    assert result["weak_cipher_enabled"].to_json()["data"] == 0xFFFFFFFF
    assert result["wrong_type"].message.endswith("is sz:'0', not a REG_DWORD; Windows ignores it, so the default "
                                                 "applies")
    assert result["weak_hash_enabled"].message == "hash MD5 is explicitly enabled"
    assert result["key_exchange_disabled"].severity == "high" and "RSA" in result["key_exchange_disabled"].message


def test_key_sizes_and_curves():
    values = {RegRef("HKLM", DH_KEY, "ServerMinKeyBitLength"): dword(1024),
              RegRef("HKLM", PKCS_KEY, "ClientMinKeyBitLength"): dword(1024),
              RegRef("HKLM", SUITE_POLICY_KEY, "EccCurves"): RegValue("REG_MULTI_SZ", ("NistP384", "x448"))}
    result = {f.code for f in found(values)}
    assert {"dh_server_bits_low", "client_min_bits_low", "unknown_curve_names"} <= result


def test_winhttp_and_dotnet_values():
    values = {RegRef("HKLM", WINHTTP_KEYS[0], "DefaultSecureProtocols"): dword(0xA80),
              RegRef("HKLM", DOTNET_KEYS[0], "SchUseStrongCrypto"): dword(0)}
    result = codes(values)
    assert ("winhttp_legacy", None, None) in result and ("dotnet_strong_crypto", None, None) in result
    assert ("winhttp_default_legacy", None, None) in codes({}, W2008R2, complete=True)


def test_a_winhttp_value_2008r2_ignores_without_kb3140245():
    values = {RegRef("HKLM", WINHTTP_KEYS[0], "DefaultSecureProtocols"): dword(0x800)}
    [ignored] = only(values, "winhttp_value_ignored", W2008R2)
    assert "until KB3140245 is installed (state: unknown)" in ignored.message
    patched = WindowsBuild(7601, hotfixes=Hotfixes(("KB3140245",), ("KB3140245",)))
    assert not only(values, "winhttp_value_ignored", patched)


def test_per_user_wininet_values_of_an_export_are_audited():
    values = {RegRef("HKCU", WININET_USER_KEY, "SecureProtocols"): dword(0xA80)}
    [legacy] = only(values, "wininet_legacy")
    assert legacy.to_json()["hive"] == "HKCU" and "TLS 1.0, TLS 1.1" in legacy.message


@pytest.mark.parametrize("key, name, message", [
    (rf"{PROTOCOLS_KEY}\TLS 1.2\Server", "DisableBy Default", "did you mean 'DisabledByDefault'?"),
    (rf"{HASHES_KEY}\SHA 256", "Enabled", "Hashes key 'SHA 256' is not one Windows reads; did you mean 'SHA256'?"),
    (rf"{CIPHERS_KEY}\Triple DES 168/168", "Enabled", "the name before Windows Vista; Vista and later read 'Triple "
                                                      "DES 168'"),
    (rf"{PROTOCOLS_KEY}\DTLS 1.1\Client", "Enabled", "there is no DTLS 1.1"),
    (rf"{PROTOCOLS_KEY}\PCT 1.0\Server", "Enabled", "PCT 1.0 is not supported from Windows Vista on"),
    (rf"{PROTOCOLS_KEY}\Multi-Protocol Unified Hello\Server", "Enabled", "documents no Multi-Protocol Unified Hello"),
    (rf"{PROTOCOLS_KEY}\TLS 1.2\Servr", "Enabled", "subkey 'Servr' is not one Windows reads; did you mean 'Server'?"),
    (rf"{PROTOCOLS_KEY}\TLS 1.2", "Enabled", "it belongs under TLS 1.2\\Client or \\Server"),
    (SCHANNEL, "EventLoging", "did you mean 'EventLogging'?"),
    (rf"{SCHANNEL}\Cipher", "x", "SCHANNEL subkey 'Cipher' is not one Windows reads; did you mean 'Ciphers'?"),
])
def test_names_windows_does_not_read_get_a_warning_with_a_did_you_mean(key, name, message):
    [warning] = only({RegRef("HKLM", key, name): dword(1)}, "unrecognised_setting")
    assert message in warning.message and warning.severity == "low"


def test_one_warning_per_bad_key_not_per_value():
    values = {RegRef("HKLM", rf"{PROTOCOLS_KEY}\PCT 1.0\{side}", name): dword(0)
              for side in ("Client", "Server") for name in ("Enabled", "DisabledByDefault")}
    [warning] = only(values, "unrecognised_setting")
    assert warning.to_json() == {"code": "unrecognised_setting", "severity": "low", "message": warning.message,
                                 "hive": "HKLM", "key": rf"{PROTOCOLS_KEY}\PCT 1.0"}


def test_names_windows_reads_are_not_warned_about():
    values = {RegRef("HKLM", rf"{PROTOCOLS_KEY}\DTLS 1.2\Server", "Enabled"): dword(1),
              RegRef("HKLM", rf"{CIPHERS_KEY}\RC4 40/128", "Enabled"): dword(0),
              RegRef("HKLM", rf"{KEY_EXCHANGE_KEY}\Diffie-Hellman", "ServerMinKeyBitLength"): dword(2048),
              RegRef("HKLM", rf"{SCHANNEL}\Messaging", "MessageLimitClient"): dword(0x8000),
              RegRef("HKLM", SCHANNEL, "EventLogging"): dword(7)}
    assert not only(values, "unrecognised_setting")


def test_24h2_2025_defaults_say_verify_on_the_host():
    [note] = [f for f in found({}, WindowsBuild(26100), complete=True)
              if f.code == "default_unconfirmed" and f.side == "server" and f.protocol == "tls1_0"]
    assert note.severity == "info" and "verify on the host" in note.message


def test_server_2008_sp2_tls12_names_its_update():
    values = {protocol_ref("tls1_2", "server", "Enabled"): dword(1)}
    [note] = [f for f in found(values, WindowsBuild(6002, server=True)) if f.code == "needs_update"]
    assert note.side == "server" and "TLS 1.2 only with KB4019276, which is unknown" in note.message


def test_findings_are_sorted_by_severity_and_carry_the_value_shape():
    result = found({protocol_ref("tls1_0", "server", "Enabled"): sz("1"),
                    RegRef("HKLM", rf"{CIPHERS_KEY}\NULL", "Enabled"): dword(1)}, complete=True)
    order = [SEVERITIES.index(f.severity) for f in result]
    assert order == sorted(order)
    weak = next(f for f in result if f.code == "weak_cipher_enabled").to_json()
    assert {k: weak[k] for k in ("hive", "key", "name", "type", "data")} == {
        "hive": "HKLM", "key": rf"{CIPHERS_KEY}\NULL", "name": "Enabled", "type": "REG_DWORD", "data": 1}
