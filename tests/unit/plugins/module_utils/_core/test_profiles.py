from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import (
    PROFILES,
    check_policy_arguments,
    resolve_policy,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.suites import SUITES

W2019, W2022, W2012R2 = WindowsBuild(17763), WindowsBuild(20348), WindowsBuild(9600)


def test_enable_turns_tls13_on_only_where_supported_and_leaves_legacy_alone():
    policy = resolve_policy("enable", None, W2022)[0]
    assert policy.protocols["tls1_3"]["server"] == "enabled"
    assert policy.protocols["tls1_0"] == {"client": "unmanaged", "server": "unmanaged"}
    policy = resolve_policy("enable", None, WindowsBuild(17763, ubr=3406))[0]
    assert policy.protocols["tls1_3"]["server"] == "unmanaged"
    assert policy.event_logging == 7 and policy.winhttp == ("tls1_0", "tls1_1", "tls1_2")
    assert policy.additive == frozenset({"winhttp", "wininet"})


@pytest.mark.parametrize("build, listed", [
    (WindowsBuild(7601), ("tls1_0", "tls1_2")),  # 7 offers SSL 3.0/TLS 1.0 by default: stage 1 keeps TLS 1.0
    (WindowsBuild(17763, ubr=3406), ("tls1_0", "tls1_1", "tls1_2")),
    (WindowsBuild(17763, ubr=6893), ("tls1_2",)),  # KB5017811 took TLS 1.0/1.1 out of the default
    (WindowsBuild(19045, ubr=5737), ("tls1_2",)),
    (WindowsBuild(20348, ubr=2966), ("tls1_0", "tls1_1", "tls1_2", "tls1_3")),
    (WindowsBuild(22631), ("tls1_2", "tls1_3")),  # Windows 11: TLS 1.2 and 1.3 only
    (WindowsBuild(26100), ("tls1_2", "tls1_3")),
])
def test_enable_never_widens_what_the_os_default_narrowed(build, listed):
    policy, warnings = resolve_policy("enable", None, build)
    assert policy.winhttp == listed and policy.wininet == listed
    assert not warnings


def test_enable_without_a_ubr_on_a_kb5017811_build_says_what_it_assumed():
    policy, [warning] = resolve_policy("enable", None, W2019)
    assert policy.winhttp == ("tls1_2",)
    assert warning.startswith("os_build has no UBR: assumed Windows 10 1809 / Windows Server 2019 has the "
                              "2022-09-20 update or later (KB5017811)")


def test_enforce_disables_legacy_on_both_sides_and_cleans_tls13_on_old_builds():
    policy = resolve_policy("enforce", None, W2019)[0]
    for key in ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1"):
        assert policy.protocols[key] == {"client": "disabled", "server": "disabled"}
    assert policy.protocols["tls1_2"] == {"client": "enabled", "server": "enabled"}
    assert policy.protocols["tls1_3"]["server"] == "os_default"
    assert policy.winhttp == ("tls1_2",)
    assert resolve_policy("enforce", None, W2022)[0].winhttp == ("tls1_2", "tls1_3")


@pytest.mark.parametrize("build", [W2012R2, W2019, W2022, WindowsBuild(26100)])
def test_bsi_suites_are_forward_secret_aead_and_exist_on_the_build(build):
    policy = resolve_policy("bsi", None, build)[0]
    assert policy.cipher_suites
    for name in policy.cipher_suites:
        suite = SUITES[name]
        assert suite.status(build.build) != "-"
        assert suite.tls13 or (suite.forward_secret and suite.aead)
    assert any(SUITES[n].tls13 for n in policy.cipher_suites) is build.supports_tls13


def test_os_default_removes_everything():
    policy = resolve_policy("os_default", None, W2019)[0]
    assert all(side == "os_default" for sides in policy.protocols.values() for side in sides.values())
    assert policy.cipher_suites == "os_default" and policy.event_logging == "os_default"


def test_unknown_profile():
    with pytest.raises(ValidationError, match="profile: unknown profile 'enforced'; did you mean 'enforce'"):
        resolve_policy("enforced", None, W2019)


def test_bsi_sets_the_curve_order_to_groups_the_tr_lists_from_windows_10_on():
    assert resolve_policy("bsi", None, W2019)[0].ecc_curves == ("NistP384", "NistP256")
    assert "curve25519" not in resolve_policy("bsi", None, W2022)[0].ecc_curves
    assert resolve_policy("bsi", None, W2012R2)[0].ecc_curves == "unmanaged"  # the curve is in the suite name there


def test_profile_list_adapts_to_overrides_with_a_warning():
    policy, warnings = resolve_policy("enable", {"protocols": {"tls1_0": "disabled"}}, WindowsBuild(17763, ubr=3406))
    assert policy.winhttp == ("tls1_1", "tls1_2")
    assert warnings == ["winhttp: dropped tls1_0 from the profile's list because the overrides disable them on "
                        "the client side",
                        "wininet: dropped tls1_0 from the profile's list because the overrides disable them on "
                        "the client side"]


def test_user_written_contradiction_is_a_conflict():
    with pytest.raises(ValidationError) as err:
        resolve_policy("enable", {"protocols": {"tls1_0": "disabled"}, "winhttp": ["tls1_0", "tls1_2"]}, W2019)
    assert str(err.value).startswith("overrides.winhttp: lists tls1_0 but protocols tls1_0 are disabled on the "
                                     "client side")


@pytest.mark.parametrize("build", [6002, 7601, 9200, 9600, 10240, 14393, 15063, 17763, 19045, 20348, 22000, 22631,
                                   25398, 26100])
@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_resolves_on_every_modelled_build_without_surprises(name, build):
    policy, warnings = resolve_policy(name, None, WindowsBuild(build, ubr=9999))
    assert warnings == []
    assert policy.manages_anything()


@pytest.mark.parametrize("overrides, message", [
    ({}, "overrides: manages nothing: without a profile, give at least one setting"),
    ({"protocols": {"tls1_0": "unmanaged"}}, "overrides: manages nothing"),
    ({"protocols": {"tls1_2": "enabled", "TLS 1.2": "disabled"}},
     "overrides.protocols.TLS 1.2: 'tls1_2' and 'TLS 1.2' both name TLS 1.2; keep one"),
    ({"protocols": {"tls1_0": "disabled"}, "winhttp": ["tls1_0", "tls1_2"]}, "overrides.winhttp: lists tls1_0 but"),
    ({"event_logging": "\N{SUPERSCRIPT TWO}"}, "overrides.event_logging: expected 0..7"),
])
def test_argument_errors_are_found_without_a_build(overrides, message):
    with pytest.raises(ValidationError) as err:
        check_policy_arguments(None, overrides)
    assert str(err.value).startswith(message)


def test_overrides_on_a_profile_may_be_empty():
    check_policy_arguments("enforce", {})
    with pytest.raises(ValidationError, match="profile: unknown profile 'enforced'; did you mean 'enforce'"):
        check_policy_arguments("enforced", None)
