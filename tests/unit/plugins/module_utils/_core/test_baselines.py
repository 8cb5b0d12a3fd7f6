"""The registry side and the scanner side judge by one baseline: the Windows profiles' suite lists are held to the
IANA-name baselines the scanner's verdicts use (and the BSI list to the scanner's BSI rule)."""

from __future__ import annotations

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.baselines import (
    MOZILLA_TLS12_SUITES,
    MOZILLA_TLS13_SUITES,
    windows_iana_name,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import (
    BSI_SUITES,
    MOZILLA_INTERMEDIATE_SUITES,
    PROFILES,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.suites import SUITES
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan import iana_suites
from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.verdict import POLICIES

MOZILLA = MOZILLA_TLS12_SUITES | MOZILLA_TLS13_SUITES


@pytest.mark.parametrize("name", MOZILLA_INTERMEDIATE_SUITES)
def test_every_windows_mozilla_suite_is_in_the_scanners_baseline(name):
    assert windows_iana_name(name) in MOZILLA


def test_every_baseline_suite_windows_has_is_in_the_windows_profile():
    on_windows = {windows_iana_name(name) for name in SUITES}
    assert MOZILLA & on_windows == {windows_iana_name(name) for name in MOZILLA_INTERMEDIATE_SUITES}


@pytest.mark.parametrize("name", BSI_SUITES)
def test_every_windows_bsi_suite_passes_the_scanners_bsi_rule(name):
    iana = windows_iana_name(name)
    assert iana_suites.forward_secret(iana) and iana_suites.aead(iana)


def test_the_curve_suffix_is_all_that_is_dropped():
    suffixed = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256"
    assert windows_iana_name(suffixed) == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    assert windows_iana_name("TLS_AES_128_GCM_SHA256") == "TLS_AES_128_GCM_SHA256"


def test_every_scan_policy_is_a_profile_of_the_same_name():
    assert set(POLICIES) == set(PROFILES) - {"os_default"}
