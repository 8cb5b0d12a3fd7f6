from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import PROFILES, resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.suites import SUITES

W2019, W2022, W2012R2 = WindowsBuild(17763), WindowsBuild(20348), WindowsBuild(9600)


def test_enable_turns_tls13_on_only_where_supported_and_leaves_legacy_alone():
    policy = resolve_policy("enable", None, W2022)[0]
    assert policy.protocols["tls1_3"]["server"] == "enabled"
    assert policy.protocols["tls1_0"] == {"client": "unmanaged", "server": "unmanaged"}
    policy = resolve_policy("enable", None, W2019)[0]
    assert policy.protocols["tls1_3"]["server"] == "unmanaged"
    assert policy.event_logging == 7 and policy.winhttp == ("tls1_0", "tls1_1", "tls1_2")


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


def test_profile_list_adapts_to_overrides_with_a_warning():
    policy, warnings = resolve_policy("enable", {"protocols": {"tls1_0": "disabled"}}, W2019)
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


def test_every_profile_resolves_on_every_modelled_build():
    for name in PROFILES:
        for build in (6002, 7601, 9200, 9600, 10240, 14393, 17763, 20348, 22000, 26100):
            resolve_policy(name, None, WindowsBuild(build))
