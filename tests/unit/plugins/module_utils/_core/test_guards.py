from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import check_force, check_guards
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import Snapshot

W2019, W2022 = WindowsBuild(17763), WindowsBuild(20348)


def guard_names(overrides, build, current=None, force=(), profile=None):
    current = current or Snapshot()
    policy = resolve_policy(profile, overrides, build)[0]
    result = check_guards(current, plan(compile_policy(policy, build), current).after(current), build, force)
    return [v.guard for v in result.violations], [v.guard for v in result.forced], result.warnings


def test_the_stock_profiles_trip_no_guard():
    for build in (WindowsBuild(7601), WindowsBuild(9600), W2019, W2022, WindowsBuild(26100)):
        for profile in ("enable", "enforce", "bsi", "mozilla_intermediate", "os_default"):
            assert guard_names(None, build, profile=profile) == ([], [], ()), (profile, build)


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
