# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who are the legacy clients? A user agent against a TLS 1.2 capability table, kept as data.

Each rule: a pattern searched in the user agent (group ``v`` is the version), a version range [from, before),
a verdict, an explanation and its source. The first rule that matches wins, so specific rules come first
(Outlook before Internet Explorer, whose token it may carry; Edge and Opera before Chrome).
``can_upgrade_by_config`` is a settings change; ``must_be_replaced`` is a purchase order (or at least a
software update); ``unknown`` means no rule we can source applies. Only rules with a public source are here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ..builds import NT_VERSIONS, defaults_row

SEED = "https://www.msxfaq.de/signcrypt/tls.1.2.htm"  # MSXFAQ "TLS 1.2 Enforcement", browser table
O365 = "https://learn.microsoft.com/en-us/purview/prepare-tls-1.2-in-office-365"
ORACLE = "https://blogs.oracle.com/java/post/diagnosing-tls-ssl-and-https"
SCHANNEL_TABLE = "https://learn.microsoft.com/en-us/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-"
KB3140245 = "https://support.microsoft.com/kb/3140245"
DOTNET = "https://learn.microsoft.com/en-us/dotnet/framework/network-programming/tls"


class Capability(StrEnum):
    CAN_UPGRADE_BY_CONFIG = "can_upgrade_by_config"
    MUST_BE_REPLACED = "must_be_replaced"
    UNKNOWN = "unknown"


CONFIG, REPLACE, UNKNOWN = Capability.CAN_UPGRADE_BY_CONFIG, Capability.MUST_BE_REPLACED, Capability.UNKNOWN


@dataclass(frozen=True)
class Rule:
    rule_id: str
    product: str
    pattern: str
    versions: tuple[str, str]     # [from, before); "" is open
    verdict: Capability
    explanation: str
    source: str

    def to_json(self) -> dict:
        return {"rule": self.rule_id, "product": self.product, "pattern": self.pattern,
                "versions": {"from": self.versions[0], "before": self.versions[1]}, "verdict": self.verdict.value,
                "explanation": self.explanation, "source": self.source}


_ANY = ("", "")
_NOT_CHROMIUM = r"^(?!.*(?:Chrome|Chromium|CriOS|Edg|OPR)/)"
_IOS = r"(?:iPhone|iPad|iPod).*? OS (?P<v>\d+(?:_\d+)*) like Mac OS X"
_ANDROID = _NOT_CHROMIUM + r".*Android (?P<v>\d+(?:\.\d+)*)"
_MAC_SAFARI = _NOT_CHROMIUM + r".*Macintosh.*Version/(?P<v>\d+(?:\.\d+)*).*Safari/"
_OFF_BY_CONFIG = "legacy use means it was restricted by a setting, a policy or an intercepting proxy"

RULES: tuple[Rule, ...] = (
    Rule("office_win7", "Microsoft Office / Outlook on Windows 7",
         r"(?=.*Microsoft (?:Office|Outlook))(?=.*Windows NT 6\.1)", _ANY, CONFIG,
         "on Windows 7, WinHTTP (which Outlook's Autodiscover uses) does not offer TLS 1.2 until "
         "DefaultSecureProtocols is set, after update KB3140245", KB3140245),
    Rule("iemobile_10", "Internet Explorer 10 Mobile (Windows Phone 8.0)", r"IEMobile/(?P<v>\d+(?:\.\d+)?)",
         ("10", "11"), REPLACE, "TLS 1.2 is off by default in IE 10 Mobile and Microsoft lists it as unable to use TLS "
         "1.2; Windows Phone 8.1 brings IE 11 Mobile, which can", O365),
    Rule("iemobile_11", "Internet Explorer 11 Mobile (Windows Phone 8.1)", r"IEMobile/(?P<v>\d+(?:\.\d+)?)",
         ("11", ""), CONFIG, f"IE 11 Mobile supports TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("ie_vista_2008", "Internet Explorer on Windows Vista / Server 2008",
         r"MSIE (?P<v>\d+(?:\.\d+)?);.*Windows NT 6\.0", _ANY, REPLACE,
         "IE 9 on Vista and on Server 2008 has no TLS 1.2", SEED),
    Rule("ie_xp", "Internet Explorer 8 on Windows XP / Server 2003", r"MSIE (?P<v>\d+(?:\.\d+)?);.*Windows NT 5\.",
         ("8", "9"), REPLACE, "Microsoft lists Internet Explorer 8-10 on Windows 7 and earlier Windows versions as "
         "unable to use TLS 1.2; Windows XP cannot be configured for it", O365),
    Rule("ie8_10_win7", "Internet Explorer 8-10 on Windows 7 / Server 2008 R2",
         r"MSIE (?P<v>\d+(?:\.\d+)?);.*Windows NT 6\.1", ("8", "11"), CONFIG,
         "IE 8-10 on Windows 7 have TLS 1.2 but off by default: turn on 'Use TLS 1.2' in Internet Options (or the "
         "SecureProtocols policy), or install IE 11, which has it on", SEED),
    Rule("ie10_win8", "Internet Explorer 10 on Windows 8 / Server 2012", r"MSIE (?P<v>\d+(?:\.\d+)?);.*Windows NT 6\.2",
         ("10", "11"), CONFIG, "Schannel on Windows 8 / Server 2012 has TLS 1.2, off by default for IE: turn on "
         "'Use TLS 1.2' in Internet Options (or the SecureProtocols policy)", SEED),
    Rule("ie11", "Internet Explorer 11", r"Trident/7\.0;.*rv:(?P<v>\d+(?:\.\d+)?)", ("11", ""), CONFIG,
         f"IE 11 has TLS 1.2 on by default (Windows 7, 8.1, Server 2008 R2, 2012 R2); {_OFF_BY_CONFIG}", SEED),
    Rule("edge", "Microsoft Edge", r"Edg(?:e|A|iOS)?/(?P<v>\d+(?:\.\d+)*)", _ANY, CONFIG,
         f"every Microsoft Edge supports TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("opera_before_17", "Opera (Chromium) before 17", r"OPR/(?P<v>\d+(?:\.\d+)*)", ("", "17"), REPLACE,
         "Opera has TLS 1.2 from version 17: update it", SEED),
    Rule("opera", "Opera (Chromium) 17 and later", r"OPR/(?P<v>\d+(?:\.\d+)*)", ("17", ""), CONFIG,
         f"Opera 17 and later support TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("chrome_before_33", "Chrome before 33", r"(?:Chrome|CriOS)/(?P<v>\d+(?:\.\d+)*)", ("", "33"), REPLACE,
         "Chrome has TLS 1.2 from version 33: update it", SEED),
    Rule("chrome", "Chrome 33 and later", r"(?:Chrome|CriOS)/(?P<v>\d+(?:\.\d+)*)", ("33", ""), CONFIG,
         f"Chrome 33 and later support TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("firefox_before_24", "Firefox before 24", r"Firefox/(?P<v>\d+(?:\.\d+)*)", ("", "24"), REPLACE,
         "Firefox has no TLS 1.2 before version 24: update it", SEED),
    Rule("firefox_24_26", "Firefox 24-26", r"Firefox/(?P<v>\d+(?:\.\d+)*)", ("24", "27"), CONFIG,
         "Firefox 24-26 have TLS 1.2 but off by default: turn it on in the browser's configuration, or update to "
         "27 or later, which has it on", SEED),
    Rule("firefox", "Firefox 27 and later", r"Firefox/(?P<v>\d+(?:\.\d+)*)", ("27", ""), CONFIG,
         f"Firefox 27 and later have TLS 1.2 on by default; {_OFF_BY_CONFIG}", SEED),
    Rule("android_browser_before_5", "Android browser before Android 5",
         _ANDROID, ("", "5"), REPLACE,
         "the Android browser has TLS 1.2 from Android 5 (Microsoft lists Android 4.3 and earlier as unable): "
         "replace the device or use a current browser", SEED),
    Rule("android_browser", "Android browser on Android 5 and later", _ANDROID,
         ("5", ""), CONFIG, f"the Android browser supports TLS 1.2 from Android 5; {_OFF_BY_CONFIG}", SEED),
    Rule("safari_ios_before_5", "Safari on iOS before 5", _IOS,
         ("", "5"), REPLACE, "Safari on iOS has TLS 1.2 from iOS 5: update or replace the device", SEED),
    Rule("safari_ios", "Safari on iOS 5 and later", _IOS,
         ("5", ""), CONFIG, f"Safari on iOS 5 and later supports TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("safari_mac_before_7", "Safari on macOS before 7",
         _MAC_SAFARI, ("", "7"), REPLACE,
         "Safari on the Mac has TLS 1.2 from version 7 (Microsoft lists Safari 6.0.4 / OS X 10.8.4 and earlier as "
         "unable): update macOS", SEED),
    Rule("safari_mac", "Safari on macOS 7 and later",
         _MAC_SAFARI, ("7", ""), CONFIG,
         f"Safari 7 and later support TLS 1.2; {_OFF_BY_CONFIG}", SEED),
    Rule("java6_before_u121", "Java 6 before update 121", r"^Java/1\.6\.0(?:_(?P<v>\d+))?", ("", "121"), REPLACE,
         "JDK 6 offers TLS 1.0 (TLS 1.1 from update 111) and no TLS 1.2: move the application to a newer Java",
         ORACLE),
    Rule("java6_u121", "Java 6 update 121 and later", r"^Java/1\.6\.0_(?P<v>\d+)", ("121", ""), UNKNOWN,
         "later JDK 6 updates (Oracle support releases) are reported to add TLS 1.2, but no primary source for it "
         "was checked: test the client", ORACLE),
    Rule("java7", "Java 7", r"^Java/1\.7\.0(?:_(?P<v>\d+))?", _ANY, CONFIG,
         "JDK 7 supports TLS 1.2, but its client uses TLS 1.0 by default: start it with -Dhttps.protocols=TLSv1.2 "
         "(HttpsURLConnection) or set the protocols in the application", ORACLE),
    Rule("java8_plus", "Java 8 and later", r"^Java/(?:1\.)?(?P<v>\d+)", ("8", ""), CONFIG,
         f"JDK 8 and later use TLS 1.2 by default; {_OFF_BY_CONFIG} (https.protocols, jdk.tls.client.protocols)",
         ORACLE),
    Rule("windows_powershell", "Windows PowerShell", r"WindowsPowerShell/(?P<v>\d+(?:\.\d+)*)", _ANY, CONFIG,
         ".NET Framework chooses the protocols of Windows PowerShell: SchUseStrongCrypto and SystemDefaultTlsVersions "
         "(which tlsguard sets) or [Net.ServicePointManager]::SecurityProtocol in the script make it use TLS 1.2",
         DOTNET),
)

_COMPILED = tuple((rule, re.compile(rule.pattern)) for rule in RULES)
_NT = re.compile(r"Windows NT (\d+\.\d+)")


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:6])


def in_range(version: str, versions: tuple[str, str]) -> bool:
    low, high = versions
    value = version_tuple(version)
    if low and value < version_tuple(low):
        return False
    return not (high and value >= version_tuple(high))


@dataclass(frozen=True)
class Classification:
    verdict: Capability
    rule_id: str
    product: str
    version: str
    explanation: str
    source: str

    def to_json(self) -> dict:
        return {"verdict": self.verdict.value, "rule": self.rule_id, "product": self.product, "version": self.version,
                "explanation": self.explanation, "source": self.source}


def _windows_fallback(user_agent: str) -> Classification | None:
    """No product rule: say what the Windows version in the user agent means for clients using Schannel."""
    found = _NT.search(user_agent)
    builds = {version: build for build, version in NT_VERSIONS.items()}
    if not found or found.group(1) not in builds:
        return None
    row = defaults_row(builds[found.group(1)])
    client = row.states["tls1_2"][0].replace("_", " ")
    return Classification(UNKNOWN, "windows_schannel", f"an application on {row.title}", found.group(1),
                          f"{row.title} has TLS 1.2 {client} for Schannel clients by default; whether this "
                          "application uses Schannel (and WinHTTP or .NET defaults) is unknown", SCHANNEL_TABLE)


def classify(user_agent: str, source: str = "iis") -> Classification:
    ua = user_agent.strip()
    if source.startswith("smtp"):
        return Classification(UNKNOWN, "smtp_client", "SMTP client", "", "SMTP clients are known by their EHLO name "
                              "only; ask the owner of that mail system", "")
    if not ua:
        return Classification(UNKNOWN, "no_user_agent", "", "", "no user agent was logged for this client", "")
    for rule, pattern in _COMPILED:
        match = pattern.search(ua)
        if match is None:
            continue
        version = (match.groupdict().get("v") or "").replace("_", ".")
        if rule.versions != _ANY and not in_range(version, rule.versions):
            continue
        return Classification(rule.verdict, rule.rule_id, rule.product, version, rule.explanation, rule.source)
    return _windows_fallback(ua) or Classification(
        UNKNOWN, "no_rule", "", "", "no rule of the capability table matches this user agent", "")
