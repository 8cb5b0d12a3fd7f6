from __future__ import annotations

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.findings import audit
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import (
    DOTNET_KEYS,
    SUITE_POLICY_KEY,
    WINHTTP_KEYS,
    protocol_ref,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import (
    RegRef,
    RegValue,
    Snapshot,
    dword,
    sz,
)

W2019, W2008R2 = WindowsBuild(17763), WindowsBuild(7601)


def codes(values, build=W2019, complete=False, compiled=None):
    return [(f.code, f.protocol, f.side) for f in audit(values, build, complete, compiled)]


def test_stock_2019_reports_tls10_and_tls11_enabled_by_default():
    found = codes({})
    assert ("legacy_protocol_enabled", "tls1_0", "server") in found
    assert ("legacy_protocol_enabled", "ssl3_0", "server") not in found  # SSL 3.0 is off by default on 1607+


def test_stock_2008r2_has_tls12_off():
    assert ("tls12_not_enabled", "tls1_2", "server") in codes({}, W2008R2)


def test_value_level_problems():
    values = {protocol_ref("tls1_0", "server", "Enabled"): sz("0"),
              protocol_ref("tls1_1", "server", "DisabledByDefault"): dword(1),
              protocol_ref("tls1_2", "server", "Enabled"): dword(0xFFFFFFFF),
              protocol_ref("tls1_3", "server", "Enabled"): dword(1)}
    found = codes(values)
    assert ("wrong_type", "tls1_0", "server") in found
    assert ("legacy_soft_disabled", "tls1_1", "server") in found
    assert ("noncanonical_value", "tls1_2", "server") in found
    assert ("tls13_unsupported", "tls1_3", "server") in found
    assert ("client_server_mismatch", "tls1_1", None) in found


def test_partial_exports_are_not_blamed_for_what_they_do_not_contain():
    assert not [c for c in codes({}) if c[0].startswith("dotnet_")]
    assert [c for c in codes({}, complete=True) if c[0].startswith("dotnet_")]


def test_suite_order_problems():
    where = RegRef("HKLM", SUITE_POLICY_KEY, "Functions")
    multi = RegValue("REG_MULTI_SZ", ("TLS_AES_256_GCM_SHA384",))
    assert ("suite_order_wrong_type", None, None) in codes({where: multi})
    non_fs = codes({where: sz("TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_NOPE")})
    assert ("suites_without_forward_secrecy", None, None) in non_fs and ("unknown_suite_names", None, None) in non_fs


def test_winhttp_and_dotnet_values():
    values = {RegRef("HKLM", WINHTTP_KEYS[0], "DefaultSecureProtocols"): dword(0xA80),
              RegRef("HKLM", DOTNET_KEYS[0], "SchUseStrongCrypto"): dword(0)}
    found = codes(values)
    assert ("winhttp_legacy", None, None) in found and ("dotnet_strong_crypto", None, None) in found
    assert ("winhttp_default_legacy", None, None) in codes({}, W2008R2, complete=True)


def test_drift_against_a_profile_and_findings_are_sorted_by_severity():
    compiled = compile_policy(resolve_policy("enforce", None, W2019)[0], W2019)
    found = audit({}, W2019, False, compiled, "enforce")
    assert any(f.code == "drift" and "enforce wants" in f.message for f in found)
    order = ["high", "medium", "low", "info"]
    assert [order.index(f.severity) for f in found] == sorted(order.index(f.severity) for f in found)
    applied = plan(compiled, Snapshot()).after(Snapshot())
    assert not [f for f in audit(applied, W2019, False, compiled) if f.code in ("drift", "legacy_protocol_enabled")]
