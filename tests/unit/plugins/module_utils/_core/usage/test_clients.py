"""The TLS 1.2 capability table: every rule at and around its version boundaries, and its sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.clients import (
    RULES,
    Capability,
    classify,
    in_range,
)

CONFIG, REPLACE, UNKNOWN = Capability.CAN_UPGRADE_BY_CONFIG, Capability.MUST_BE_REPLACED, Capability.UNKNOWN


def ie(version: str, nt: str) -> str:
    return f"Mozilla/4.0 (compatible; MSIE {version}; Windows NT {nt}; Trident/4.0)"


def ff(version: str) -> str:
    return f"Mozilla/5.0 (Windows NT 6.1; rv:{version}) Gecko/20100101 Firefox/{version}"


def chrome(version: str) -> str:
    return (f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version} "
            "Safari/537.36")


def android(version: str) -> str:
    return (f"Mozilla/5.0 (Linux; U; Android {version}; en-us; GT-I9300 Build/JSS15J) AppleWebKit/534.30 (KHTML, like "
            "Gecko) Version/4.0 Mobile Safari/534.30")


def ios(version: str) -> str:
    return (f"Mozilla/5.0 (iPhone; CPU iPhone OS {version} like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) "
            "Version/5.1 Mobile/9A334 Safari/7534.48.3")


def safari(version: str) -> str:
    return (f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_4) AppleWebKit/536.30.1 (KHTML, like Gecko) "
            f"Version/{version} Safari/536.30.1")


def opera(version: str) -> str:
    return chrome("28.0.1500.52") + f" OPR/{version}"


@pytest.mark.parametrize("ua, rule, verdict", [
    (ie("9.0", "6.0"), "ie_vista_2008", REPLACE),
    (ie("7.0", "6.0"), "ie_vista_2008", REPLACE),
    (ie("8.0", "5.1"), "ie_xp", REPLACE),
    (ie("7.0", "5.1"), "no_rule", UNKNOWN),                 # not in a source: no guess
    (ie("7.0", "6.1"), "windows_schannel", UNKNOWN),        # below the 8-10 row: only what Windows 7 means
    (ie("8.0", "6.1"), "ie8_10_win7", CONFIG),
    (ie("10.0", "6.1"), "ie8_10_win7", CONFIG),
    (ie("10.0", "6.2"), "ie10_win8", CONFIG),
    ("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "ie11", CONFIG),
    ("Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; Touch; NOKIA)",
     "iemobile_10", REPLACE),
    ("Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA) "
     "like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537", "iemobile_11", CONFIG),
    (ff("23.0"), "firefox_before_24", REPLACE),
    (ff("24.0"), "firefox_24_26", CONFIG),
    (ff("26.0"), "firefox_24_26", CONFIG),
    (ff("27.0"), "firefox", CONFIG),
    (ff("5.0"), "firefox_before_24", REPLACE),
    (chrome("32.0.1700.107"), "chrome_before_33", REPLACE),
    (chrome("33.0.1750.117"), "chrome", CONFIG),
    (chrome("124.0.0.0") + " Edg/124.0.2478.51", "edge", CONFIG),
    (opera("16.0.1196.62"), "opera_before_17", REPLACE),
    (opera("17.0.1241.53"), "opera", CONFIG),
    (android("4.3"), "android_browser_before_5", REPLACE),
    (android("4.4.2"), "android_browser_before_5", REPLACE),
    (android("5.0"), "android_browser", CONFIG),
    ("Mozilla/5.0 (Linux; Android 4.4.2; Nexus 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0.0.0 Mobile "
     "Safari/537.36", "chrome_before_33", REPLACE),        # Chrome on Android is Chrome, not the Android browser
    (ios("4_3_5"), "safari_ios_before_5", REPLACE),
    (ios("5_0"), "safari_ios", CONFIG),
    (safari("6.0.4"), "safari_mac_before_7", REPLACE),
    (safari("7.0"), "safari_mac", CONFIG),
    ("Java/1.6.0_45", "java6_before_u121", REPLACE),
    ("Java/1.6.0_120", "java6_before_u121", REPLACE),
    ("Java/1.6.0_121", "java6_u121", UNKNOWN),
    ("Java/1.7.0_80", "java7", CONFIG),
    ("Java/1.7.0", "java7", CONFIG),
    ("Java/1.8.0_181", "java8_plus", CONFIG),
    ("Java/11.0.2", "java8_plus", CONFIG),
    ("Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.17763.1", "windows_powershell", CONFIG),
    ("Microsoft Office/16.0 (Windows NT 6.1; Microsoft Outlook 16.0.4266; Pro)", "office_win7", CONFIG),
    ("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Microsoft Outlook 14.0.7113)", "office_win7", CONFIG),
    ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)", "windows_schannel", UNKNOWN),
    ("curl/7.29.0", "no_rule", UNKNOWN),
    ("", "no_user_agent", UNKNOWN),
])
def test_rules_at_and_around_their_boundaries(ua, rule, verdict):
    found = classify(ua)
    assert (found.rule_id, found.verdict) == (rule, verdict)


def test_windows_fallback_explains_with_the_default_table():
    found = classify("SomeApp/1.0 (Windows NT 6.1)")
    assert found.explanation.startswith("Windows 7 / Server 2008 R2 has TLS 1.2 disabled for Schannel clients")
    assert classify("SomeApp/1.0 (Windows NT 6.0)").explanation.startswith(
        "Windows Vista / Server 2008 has TLS 1.2 not supported")


def test_smtp_clients_are_not_classified_by_their_ehlo_name():
    assert classify("scanner01.corp.example.com", "smtp_receive").rule_id == "smtp_client"


def test_every_rule_has_a_source_an_explanation_and_a_valid_pattern():
    ids = [r.rule_id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.source.startswith("https://") and rule.explanation
        re.compile(rule.pattern)
        assert rule.to_json()["verdict"] in {c.value for c in Capability}


@pytest.mark.parametrize("version, versions, inside", [
    ("24", ("24", "27"), True), ("23.9", ("24", "27"), False), ("26.0.1", ("24", "27"), True),
    ("27", ("24", "27"), False), ("4.4.2", ("", "5"), True), ("", ("", "5"), True), ("5", ("5", ""), True),
])
def test_version_ranges_are_from_inclusive_before_exclusive(version, versions, inside):
    assert in_range(version, versions) is inside


def test_the_documented_table_has_every_rule():
    docs = (Path(__file__).parents[6] / "docs" / "usage.md").read_text()
    for rule in RULES:
        assert f"| `{rule.rule_id}` | {rule.product} |" in docs, rule.rule_id
        assert rule.explanation in docs, rule.rule_id
