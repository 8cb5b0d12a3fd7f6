from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import Hotfixes, WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import GUARDS, check_force, check_guards
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import WINHTTP_KEYS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import PROFILES, resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef, Snapshot, dword
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of

W2019, W2022 = WindowsBuild(17763), WindowsBuild(20348)
KB = Hotfixes(("KB3140245", "KB4019276"), ("KB3140245", "KB4019276"))


def result_of(overrides, build, current=None, force=(), profile=None):
    current = current or Snapshot()
    policy = resolve_policy(profile, overrides, build)[0]
    after = plan(compile_policy(policy, build, current), current).after(current)
    return check_guards(view_of(current, build), view_of(after, build), force)


def guard_names(overrides, build, current=None, force=(), profile=None):
    result = result_of(overrides, build, current, force, profile)
    return [v.guard for v in result.violations], [v.guard for v in result.forced], result.warnings


PATCHED_BUILDS = [WindowsBuild(6002, server=True, hotfixes=KB), WindowsBuild(7601, hotfixes=KB),
                  WindowsBuild(9200, hotfixes=KB), WindowsBuild(9600), WindowsBuild(10240), WindowsBuild(15063), W2019,
                  WindowsBuild(19045), W2022, WindowsBuild(22631), WindowsBuild(25398), WindowsBuild(26100)]
# Server 2008 has none of the bsi and mozilla_intermediate suites: those two are refused (the test below).
STOCK_CASES = [(build, profile) for build in PATCHED_BUILDS for profile in PROFILES
               if build.build >= 7600 or profile not in ("bsi", "mozilla_intermediate")]


@pytest.mark.parametrize(("build", "profile"), STOCK_CASES)
def test_the_stock_profiles_trip_no_guard_on_a_patched_host(build, profile):
    assert guard_names(None, build, profile=profile) == ([], [], ())


@pytest.mark.parametrize("profile", ["bsi", "mozilla_intermediate"])
def test_a_baseline_without_a_suite_the_build_has_is_refused(profile):
    build = WindowsBuild(6002, server=True, hotfixes=KB)
    with pytest.raises(ValidationError, match=r"cipher_suites: none of the listed suites exists on Windows Server "
                                              r"2008 SP2 \(TLS_AES_"):
        compile_policy(resolve_policy(profile, None, build)[0], build)


def test_every_guard_has_a_test_here():
    tested = {"no_server_protocol", "no_client_protocol", "tls13_unsupported", "tls13_without_suite",
              "no_tls12_suite", "aes_disabled", "winhttp_needs_kb3140245"}
    assert set(GUARDS) == tested


def test_no_server_protocol():
    every = {k: {"server": "disabled"} for k in ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3")}
    assert guard_names({"protocols": every}, W2022)[0] == ["no_server_protocol"]


def test_no_client_protocol():
    every = {k: {"client": "disabled"} for k in ("ssl3_0", "tls1_0", "tls1_1", "tls1_2")}
    assert guard_names({"protocols": every}, W2019)[0] == ["no_client_protocol"]


def test_tls13_on_a_build_without_it():
    assert guard_names({"protocols": {"tls1_3": "enabled"}}, W2019)[0] == ["tls13_unsupported"]
    assert guard_names({"protocols": {"tls1_3": "enabled"}}, W2022)[0] == []


def test_tls13_without_a_tls13_suite():
    only12 = {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]}
    assert guard_names(only12, W2022)[0] == ["tls13_without_suite"]
    assert guard_names({**only12, "protocols": {"tls1_3": "disabled"}}, W2022)[0] == []


def test_no_tls12_suite():
    assert guard_names({"cipher_suites": ["TLS_AES_256_GCM_SHA384"]}, W2022)[0] == ["no_tls12_suite"]


def test_null_suites_are_no_suite_for_tls12():
    only_null = {"cipher_suites": ["TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_NULL_SHA"]}
    assert guard_names(only_null, W2022)[0] == ["no_tls12_suite"]


def test_suites_whose_cipher_is_switched_off_are_no_suite_for_tls12():
    gcm_aes256 = {"cipher_suites": ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
                  "ciphers": {"aes": "disabled"}}
    assert guard_names(gcm_aes256, W2022)[0] == ["tls13_without_suite", "no_tls12_suite", "aes_disabled"]
    assert guard_names({"key_exchange": {"pkcs": "disabled"},
                        "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]}, W2019)[0] == ["no_tls12_suite"]


def test_aes_disabled():
    assert guard_names({"ciphers": {"aes": "disabled"}}, W2019)[0] == ["aes_disabled"]


def test_force_by_name_moves_the_violation_to_forced():
    violations, forced, _warnings = guard_names({"ciphers": {"aes": "disabled"}}, W2019, force=["aes_disabled"])
    assert (violations, forced) == ([], ["aes_disabled"])


def test_an_already_unsafe_host_gets_a_warning_not_a_refusal():
    policy = resolve_policy(None, {"protocols": {"tls1_3": "enabled"}}, W2019)[0]
    unsafe = plan(compile_policy(policy, W2019), Snapshot()).after(Snapshot())
    violations, _forced, warnings = guard_names({"protocols": {"tls1_2": "enabled"}}, W2019, current=unsafe)
    assert violations == [] and warnings[0].startswith("tls13_unsupported: already the case")


def test_unknown_force_name():
    with pytest.raises(ValidationError, match=r"force\[0\]: unknown guard 'no_server'; did you mean "):
        check_force(["no_server"])


@pytest.mark.parametrize("build", [WindowsBuild(7601), WindowsBuild(9200)])
def test_enforce_on_7_and_2012_is_refused_while_kb3140245_is_unknown(build):
    [violation] = result_of(None, build, profile="enforce").violations
    assert violation.guard == "winhttp_needs_kb3140245"
    assert "whether KB3140245 is installed is unknown (the hotfixes were not read)" in violation.message
    failed = WindowsBuild(build.build, hotfixes=Hotfixes(("KB3140245",), (), "Access denied"))
    [violation] = result_of(None, failed, profile="enforce").violations
    assert "unknown (the hotfix query failed: Access denied)" in violation.message


def test_enforce_on_2008r2_without_kb3140245_names_the_update():
    build = WindowsBuild(7601, hotfixes=Hotfixes(("KB3140245",), ()))
    [violation] = result_of(None, build, profile="enforce").violations
    assert "KB3140245 is not installed, so WinHTTP ignores DefaultSecureProtocols" in violation.message
    assert guard_names(None, build, profile="enforce", force=["winhttp_needs_kb3140245"])[1] == [
        "winhttp_needs_kb3140245"]


def test_with_kb3140245_the_registry_list_counts_and_must_leave_a_protocol():
    build = WindowsBuild(7601, hotfixes=KB)
    assert guard_names(None, build, profile="enforce")[0] == []
    tls10_only = {RegRef("HKLM", key, "DefaultSecureProtocols"): dword(0x80) for key in WINHTTP_KEYS}
    names = guard_names({"protocols": {"tls1_0": {"client": "disabled"}}}, build, current=Snapshot(tls10_only))[0]
    assert names == ["winhttp_needs_kb3140245"]
    assert guard_names(None, WindowsBuild(9600), profile="enforce")[0] == []  # 8.1 reads the value
