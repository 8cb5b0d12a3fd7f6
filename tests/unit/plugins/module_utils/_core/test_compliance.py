"""Compliance by effect, drift by value, and monotone stages (stage 1 never loosens what stage 3 tightened)."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.audit_result import audit_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import Hotfixes, WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import (
    CIPHERS_KEY,
    DOTNET_KEYS,
    SUITE_POLICY_KEY,
    WINHTTP_KEYS,
    WININET_POLICY_KEY,
    protocol_ref,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, Snapshot, dword, sz
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of

KB = Hotfixes(("KB3140245", "KB4019276"), ("KB3140245", "KB4019276"))
W2019 = WindowsBuild(17763, ubr=6893)
HOSTS = [WindowsBuild(7601, server=True, hotfixes=KB), WindowsBuild(9200, hotfixes=KB), WindowsBuild(9600),
         WindowsBuild(14393, ubr=7515), WindowsBuild(17763, ubr=3406), W2019, WindowsBuild(19045, ubr=5737),
         WindowsBuild(20348, ubr=2966), WindowsBuild(22631), WindowsBuild(26100)]


def stage(profile, build, values, overrides=None):
    compiled = compile_policy(resolve_policy(profile, overrides, build)[0], build, values)
    return compiled, plan(compiled, values)


def apply(profile, build, values, overrides=None):
    changes = stage(profile, build, values, overrides)[1]
    return Snapshot(changes.after(values)), changes


def report(profile, build, values, complete=True):
    compiled = compile_policy(resolve_policy(profile, None, build)[0], build, values)
    return audit_report(view_of(values, build, complete), compiled)


@pytest.mark.parametrize("build", HOSTS, ids=lambda b: f"{b.build}.{b.ubr}")
def test_the_readme_playbook_twice_changes_nothing_the_second_time(build):
    host, first_enable = apply("enable", build, Snapshot())
    host, first_enforce = apply("enforce", build, host)
    assert first_enable.changed and first_enforce.changed
    again_enable = stage("enable", build, host)[1]
    assert not again_enable.changes and not again_enable.reboot_required
    assert not stage("enforce", build, host)[1].changes
    assert report("enforce", build, host)["compliant"] and report("enable", build, host)["compliant"]


def test_enable_never_puts_tls10_back_into_a_narrowed_winhttp_or_wininet_value():
    narrowed = {RegRef("HKLM", k, "DefaultSecureProtocols"): dword(0x800) for k in WINHTTP_KEYS}
    narrowed[RegRef("HKLM", WININET_POLICY_KEY, "SecureProtocols")] = dword(0x800)
    old = WindowsBuild(17763, ubr=3406)  # whose default still has TLS 1.0/1.1, so enable would list them
    assert not [c for c in stage("enable", old, Snapshot(narrowed))[1].changes
                if c.category in ("winhttp", "wininet")]


def test_enable_adds_tls12_to_a_value_without_it_and_keeps_the_rest_of_what_it_allows():
    build = WindowsBuild(7601, hotfixes=KB)
    legacy = {RegRef("HKLM", k, "DefaultSecureProtocols"): dword(0xA0) for k in WINHTTP_KEYS}  # SSL 3.0 + TLS 1.0
    changes = [c for c in stage("enable", build, Snapshot(legacy))[1].changes if c.category == "winhttp"]
    assert {c.after for c in changes} == {dword(0x880)}  # TLS 1.0 kept, SSL 3.0 dropped, TLS 1.2 added


def test_user_lists_are_exact_even_in_stage_1():
    narrowed = {RegRef("HKLM", k, "DefaultSecureProtocols"): dword(0x800) for k in WINHTTP_KEYS}
    changes = stage("enable", W2019, Snapshot(narrowed), {"winhttp": ["tls1_1", "tls1_2"]})[1].changes
    assert {c.after for c in changes if c.category == "winhttp"} == {dword(0xA00)}


def iis_crypto_tls12_only() -> dict:
    """What an IIS Crypto "TLS 1.2 only" export sets: 0xffffffff to enable, Enabled=0 alone to disable."""
    values = {protocol_ref(k, side, "Enabled"): dword(0) for k in ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1")
              for side in ("client", "server")}
    values.update({protocol_ref("tls1_2", side, "Enabled"): dword(0xFFFFFFFF) for side in ("client", "server")})
    values.update({protocol_ref("tls1_3", side, "Enabled"): dword(0) for side in ("client", "server")})
    for name in ("NULL", "DES 56/56", "RC2 40/128", "RC2 56/128", "RC2 128/128", "RC4 40/128", "RC4 56/128",
                 "RC4 64/128", "RC4 128/128", "Triple DES 168"):
        values[RegRef("HKLM", rf"{CIPHERS_KEY}\{name}", "Enabled")] = dword(0)
    return values


def test_an_iis_crypto_tls12_only_export_is_compliant_and_its_drift_changes_nothing():
    result = report("enforce", W2019, iis_crypto_tls12_only(), complete=False)
    assert result["compliant"] and result["compliance_gaps"] == []
    assert result["drift"] and not [d for d in result["drift"] if d["effect"]]
    tls12 = next(d for d in result["drift"] if d["key"].endswith(r"TLS 1.2\Server") and d["name"] == "Enabled")
    assert (tls12["data"], tls12["wanted"]) == (0xFFFFFFFF, {"type": "REG_DWORD", "data": 1})
    assert result["not_judged"] == ["dotnet", "key_exchange", "winhttp", "wininet"]


def test_tls13_off_where_enforce_wants_it_on_is_drift_with_effect_only_where_tls13_exists():
    on_2019 = report("enforce", W2019, iis_crypto_tls12_only(), complete=False)
    assert not [d for d in on_2019["drift"] if "TLS 1.3" in d["key"] and d["effect"]]
    on_2022 = report("enforce", WindowsBuild(20348), iis_crypto_tls12_only(), complete=False)
    assert not on_2022["compliant"] and on_2022["compliance_gaps"] == ["protocols"]
    assert [d for d in on_2022["drift"] if "TLS 1.3" in d["key"] and d["effect"]]


def test_an_unsafe_value_is_not_without_effect():
    values = {**iis_crypto_tls12_only(), protocol_ref("tls1_3", "server", "Enabled"): dword(1)}
    result = report("enforce", W2019, values, complete=False)
    assert not result["compliant"]
    assert [d for d in result["drift"] if d["key"].endswith(r"TLS 1.3\Server") and d["effect"]]


def test_a_partial_export_is_judged_on_what_it_contains_and_nothing_judged_is_not_compliant():
    dotnet = {RegRef("HKLM", key, name): dword(1) for key in DOTNET_KEYS
              for name in ("SchUseStrongCrypto", "SystemDefaultTlsVersions")}
    result = report("enforce", W2019, dotnet, complete=False)
    assert result["compliant"] and "protocols" in result["not_judged"]
    suites_only = {RegRef("HKLM", SUITE_POLICY_KEY, "Functions"): sz("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")}
    result = report("enforce", W2019, suites_only, complete=False)
    assert not result["compliant"] and result["compliance_gaps"] == ["nothing_judged"]


def test_a_host_that_cannot_handshake_is_not_compliant_whatever_the_profile_manages():
    values = {**iis_crypto_tls12_only(),
              RegRef("HKLM", SUITE_POLICY_KEY, "Functions"): sz("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384")}
    result = report("enforce", W2019, values, complete=False)
    assert not result["compliant"] and result["compliance_gaps"] == ["no_tls12_suite"]


def test_a_stock_host_is_not_compliant_with_enforce_and_says_which_behaviours_differ():
    result = report("enforce", W2019, Snapshot())
    assert not result["compliant"]
    assert result["compliance_gaps"] == ["protocols", "cipher_suites", "dotnet"]
    assert result["not_judged"] == []


def test_absent_values_with_the_wanted_effect_are_compliant_on_a_full_read():
    # enforce writes WinHTTP 0x800 and DH 2048; on a patched 2019 the defaults already behave so.
    host = Snapshot(apply("enforce", W2019, Snapshot())[0])
    trimmed = Snapshot({r: v for r, v in host.items()
                        if r.name not in ("DefaultSecureProtocols", "ServerMinKeyBitLength")})
    result = report("enforce", W2019, trimmed)
    assert result["compliant"], result["compliance_gaps"]
    assert {d["name"] for d in result["drift"]} == {"DefaultSecureProtocols", "ServerMinKeyBitLength"}
    assert not [d for d in result["drift"] if d["effect"]]


def test_a_stage1_profile_compiled_without_the_values_is_judged_against_them():
    old = WindowsBuild(17763, ubr=3406)  # enable lists TLS 1.0/1.1 here, the enforced host has TLS 1.2 only
    host = apply("enforce", old, apply("enable", old, Snapshot())[0])[0]
    blind = compile_policy(resolve_policy("enable", None, old)[0], old)  # as a fleet job compiles once per build
    result = audit_report(view_of(host, old), blind)
    assert result["compliant"] and not [d for d in result["drift"] if d["category"] in ("winhttp", "wininet")]
