"""One test per knowledge-base row, at, just below and just above its minimum.

The scenarios come from the table, but what they must give comes from EXPECTED, written by hand from the primary
sources (KB3135244, KB3140245, KB3080079, KB4019276, the .NET TLS page, the memdocs WSUS/SNAC pages, the Exchange,
Entra Connect and Skype for Business pages), so a wrong number in the table turns a test red.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.checks import CHECKERS, Status
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.components import (
    DotNet,
    Hotfixes,
    HttpBinding,
    Rdp,
    Winrm,
    WinrmListener,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.rules import BY_ID, RULES, Rule

from .builders import host, product

N, U, B, K, R = "needs_update", "unknown", "blocker", None, "ready"  # K: that rule does not apply
# rule id -> (stage, status when not met, what fixes it, (first build, last build) or (version from, below))
EXPECTED: dict[str, tuple[str, str, str | None, tuple]] = {
    "os_2008_pre_sp2": ("enforce", N, None, (6000, 6001)),
    "os_2008_sp2_kb4019276": ("enforce", N, "KB4019276", (6002, 6003)),
    "os_2008_bsi_suites": ("bsi", B, None, (6000, 6003)),
    "winhttp_kb3140245_win7": ("enforce", N, "KB3140245", (7600, 7601)),
    "winhttp_kb3140245_2012": ("enforce", N, "KB3140245", (9200, 9200)),
    "rdp_kb3080079": ("enforce", N, "KB3080079", (7600, 7601)),
    "wsus_2012_kb4022721": ("enforce", N, "KB4022721", (9200, 9200)),
    "wsus_2012r2_kb4022720": ("enforce", N, "KB4022720", (9600, 9600)),
    "dotnet35_kb3154517": ("enforce", N, "KB3154517", (6002, 6003)),
    "dotnet35_kb3154518": ("enforce", N, "KB3154518", (7600, 7601)),
    "dotnet35_kb3154519": ("enforce", N, "KB3154519", (9200, 9200)),
    "dotnet35_kb3154520": ("enforce", N, "KB3154520", (9600, 9600)),
    "dotnet4_below_4_6": ("enforce", N, "4.6", (393295,)),
    "dotnet_strong_crypto": ("enforce", B, None, ()),
    "sql_2005_or_older": ("enforce", B, None, ("0", "10.0")),
    "sql_2008_pre_sp4": ("enforce", N, None, ("10.0", "10.0.6000")),
    "sql_2008_sp4": ("enforce", N, "10.0.6547.0", ("10.0.6000", "10.50")),
    "sql_2008r2_pre_sp3": ("enforce", N, None, ("10.50", "10.50.6000")),
    "sql_2008r2_sp3": ("enforce", N, "10.50.6542.0", ("10.50.6000", "11.0")),
    "sql_2012_pre_sp2": ("enforce", N, None, ("11.0", "11.0.5000")),
    "sql_2012_sp2": ("enforce", N, "11.0.5352.0", ("11.0.5000", "11.0.5500")),
    "sql_2012_sp2_cu": ("enforce", N, "11.0.5644.2", ("11.0.5500", "11.0.6000")),
    "sql_2012_sp3": ("enforce", N, "11.0.6216.27", ("11.0.6000", "11.0.6500")),
    "sql_2012_sp3_cu": ("enforce", N, "11.0.6518.0", ("11.0.6500", "11.0.7000")),
    "sql_2012_sp4_or_later": ("enforce", R, "11.0.7000", ("11.0.7000", "12.0")),
    "sql_2014_rtm": ("enforce", N, "12.0.2271.0", ("12.0.2000", "12.0.2300")),
    "sql_2014_rtm_cu": ("enforce", N, "12.0.2564.0", ("12.0.2300", "12.0.4000")),
    "sql_2014_sp1": ("enforce", N, "12.0.4219.0", ("12.0.4000", "12.0.4400")),
    "sql_2014_sp1_cu": ("enforce", N, "12.0.4439.1", ("12.0.4400", "12.0.5000")),
    "sql_2014_sp2_or_later": ("enforce", R, "12.0.5000", ("12.0.5000", "13.0")),
    "sql_2016_or_later": ("enforce", R, "13.0", ("13.0", None)),
    "sql_native_client_11": ("enforce", N, "11.4.7001.0", ("11.0", "12.0")),
    "sql_native_client_10": ("enforce", U, None, ("10.0", "11.0")),
    "exchange_2013_cu20": ("enforce", N, "15.0.1367.3", ("15.0", "15.1")),
    "exchange_2016_cu9": ("enforce", N, "15.1.1466.3", ("15.1", "15.2")),
    "exchange_tls13": ("enable", B, None, (20348, None)),
    "entra_connect_1_4_38": ("enforce", N, "1.4.38.0", ("0", None)),
    "entra_connect_2_3_20": ("enable", R, None, ("0", None)),
    "sfb_2015_cu9": ("enforce", N, "6.0.9319.548", ("6.0", "7.0")),
    "sfb_2019_cu1": ("enforce", N, "17.0.2046.123", ("17.0", "18.0")),
    "winrm_cert_auth_tls13": ("enable", B, None, (20348, None)),
    "iis_binding_legacy_flag": ("enforce", R, None, (20348, None)),
}
PRODUCT_NAMES = {"sfb_2019_cu1": "Skype for Business Server 2019, Core Components",
                 "sql_native_client_10": "Microsoft SQL Server 2008 R2 Native Client"}


def test_every_row_has_an_expectation_and_they_agree():
    assert sorted(EXPECTED) == sorted(BY_ID)
    for rule in RULES:
        stage, _status, fixed_by, _span = EXPECTED[rule.id]
        assert (rule.id, rule.stage, rule.fixed_by) == (rule.id, stage, fixed_by)
        assert rule.source.startswith("https://"), rule.id


def _statuses(rule: Rule, components) -> list[str | None]:
    rows = CHECKERS[rule.check](rule, components)
    return [status.value for _instance, status, _message in rows] or [K]


def _below(version: str) -> str:
    parts = [int(p) for p in version.split(".")]
    last = max(i for i, p in enumerate(parts) if p)
    parts[last] -= 1
    return ".".join(str(p) for p in parts[:last + 1] + [9999] * (len(parts) - last - 1 or 1))


def _above(version: str) -> str:
    parts = version.split(".")
    return ".".join([*parts[:-1], str(int(parts[-1]) + 1)])


def _hotfix_cases():
    for rule in (r for r in RULES if r.check in ("hotfix", "os_build")):
        _stage, failing, kb, (first, last) = EXPECTED[rule.id]
        needs = {"rdp": {"rdp": Rdp(True)}, "wsus": {"wsus": True},
                 "dotnet35": {"dotnet": DotNet(True, 528049, True, {})}}.get(rule.requires or "", {})
        for build in (first, last):
            if kb:
                yield rule.id, f"{build} with {kb}", host(build, (kb,), **needs), R
            yield rule.id, f"{build} without", host(build, (), **needs), failing
        yield rule.id, f"{first - 1} (just below)", host(first - 1, (), **needs), K
        yield rule.id, f"{last + 1} (just above)", host(last + 1, (), **needs), K
        if rule.requires:
            yield rule.id, f"{first} without {rule.requires}", host(first), K


@pytest.mark.parametrize("rule_id, case, components, expected", list(_hotfix_cases()))
def test_os_and_hotfix_rows(rule_id, case, components, expected):
    assert _statuses(BY_ID[rule_id], components) == [expected]


def _product_cases():
    for rule in (r for r in RULES if r.check == "product"):
        _stage, failing, fixed, (low, below) = EXPECTED[rule.id]
        kind = rule.product
        name = PRODUCT_NAMES.get(rule.id, "")

        def at(version: str, kind=kind, name=name):
            return host(products=(product(kind, version, name),))

        if low != "0":
            yield rule.id, f"{_below(low)} (below the branch)", at(_below(low)), K
        if below is not None:
            yield rule.id, f"{below} (next branch)", at(below), K
        if fixed is None:
            yield rule.id, f"{low}.1 (in the branch)", at(f"{low}.1"), failing
            continue
        yield rule.id, f"{fixed} (the minimum)", at(fixed), R
        yield rule.id, f"{_above(fixed)} (just above)", at(_above(fixed)), R
        if fixed != low:
            yield rule.id, f"{_below(fixed)} (just below)", at(_below(fixed)), failing


@pytest.mark.parametrize("rule_id, case, components, expected", list(_product_cases()))
def test_product_rows(rule_id, case, components, expected):
    assert _statuses(BY_ID[rule_id], components) == [expected]


@pytest.mark.parametrize("release, expected", [(393295, R), (393294, N), (393296, R), (379893, N)])
def test_dotnet4_release_row(release, expected):
    assert EXPECTED["dotnet4_below_4_6"][3] == (393295,)
    assert _statuses(BY_ID["dotnet4_below_4_6"], host(dotnet=DotNet(True, release, False, {}))) == [expected]


V4 = r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
V2 = r"SOFTWARE\Microsoft\.NETFramework\v2.0.50727"


@pytest.mark.parametrize("v35, values, expected", [
    (False, {V4: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": 1}}, R),
    (False, {V4: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": None}}, B),
    (False, {V4: {"SchUseStrongCrypto": 0, "SystemDefaultTlsVersions": 1}}, B),
    (True, {V4: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": 1},
            V2: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": None}}, B),
    (False, {V4: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": 1},
             V2: {"SchUseStrongCrypto": None, "SystemDefaultTlsVersions": None}}, R),  # 3.5 not installed
    (None, {V4: {"SchUseStrongCrypto": 1, "SystemDefaultTlsVersions": None}}, U),
])
def test_dotnet_strong_crypto_row(v35, values, expected):
    assert _statuses(BY_ID["dotnet_strong_crypto"], host(dotnet=DotNet(True, 528049, v35, values))) == [expected]


@pytest.mark.parametrize("build, expected", [(20347, K), (20348, B), (26100, B)])
def test_exchange_tls13_row(build, expected):
    assert _statuses(BY_ID["exchange_tls13"], host(build, products=(product("exchange", "15.2.1544.4"),))) == \
        [expected]
    assert _statuses(BY_ID["exchange_tls13"], host(build)) == [K]


HTTPS = WinrmListener("*+HTTPS", "HTTPS", 5986, "ab")


@pytest.mark.parametrize("build, winrm, bindings, expected", [
    (20348, Winrm(True, (HTTPS,), True, 1), (HttpBinding("0.0.0.0:5986", "ip", 0),), B),
    (20347, Winrm(True, (HTTPS,), True, 1), (HttpBinding("0.0.0.0:5986", "ip", 0),), K),
    (20348, Winrm(True, (HTTPS,), True, 1), (HttpBinding("0.0.0.0:5986", "ip", 0x40),), R),  # TLS 1.3 off there
    (20348, Winrm(True, (HTTPS,), True, 1), (), B),                                         # binding not found
    (20348, Winrm(True, (HTTPS,), False, 0), (HttpBinding("0.0.0.0:5986", "ip", 0),), R),
    (20348, Winrm(True, (HTTPS,), None, None), (), U),
    (20348, Winrm(True, (WinrmListener("*+HTTP", "HTTP", 5985, None),), True, 1), (), K),
    (20348, Winrm(None), (), U),
])
def test_winrm_certificate_auth_row(build, winrm, bindings, expected):
    assert _statuses(BY_ID["winrm_cert_auth_tls13"], host(build, winrm=winrm, bindings=bindings)) == [expected]


@pytest.mark.parametrize("build, flags, expected", [(20348, 0x400, R), (20348, 0x40, K), (20348, None, K),
                                                    (17763, 0x400, K)])
def test_iis_legacy_flag_row_is_information(build, flags, expected):
    components = host(build, bindings=(HttpBinding("0.0.0.0:443", "ip", flags),))
    assert _statuses(BY_ID["iis_binding_legacy_flag"], components) == [expected]
    assert BY_ID["iis_binding_legacy_flag"].severity == "info"


def test_unknown_hotfix_state_is_never_ready():
    failed = replace(host(7601, rdp=Rdp(True)), hotfixes=Hotfixes(("KB3080079",), frozenset(), error="CIM failed"))
    rows = CHECKERS["hotfix"](BY_ID["rdp_kb3080079"], failed)
    assert [(s, "CIM failed" in m) for _i, s, m in rows] == [(Status.UNKNOWN, True)]
    assumed = CHECKERS["hotfix"](BY_ID["rdp_kb3080079"], host(7601, ("KB3080079",), rdp=Rdp(None)))
    assert assumed[0][1] is Status.READY and "assumed in use" in assumed[0][2]
