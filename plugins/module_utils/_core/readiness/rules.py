# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness knowledge base: one row per rule, as data.

A row says which component it is about, which builds or versions it covers, what fixes it (a KB id or a
version), what breaks otherwise (in words an admin understands), which policy effect breaks it (the stage is
derived from that, see ``effects.first_stage``), how severe it is and where the fact comes from. ``check``
selects how ``checks.CHECKERS`` tests the row against the components read from the host:

- ``os_build``: the OS build is in ``builds``; there is nothing to look up, the build itself is the problem.
- ``hotfix``: the OS build is in ``builds`` (and ``requires`` is present): ``hotfix`` must be installed.
- ``product``: a ``product`` instance (optionally whose name contains one of ``names``) has a version in
  ``versions`` (from, below); it is ready from ``fixed_in`` on. No ``fixed_in``: no build of that branch is.
- ``dotnet4``, ``dotnet_keys``, ``exchange_tls13``, ``winrm_tls13``, ``iis_legacy_flag``: see ``evaluate``.

``kind``: ``update`` (an update or build fixes it -> needs_update), ``config`` (a setting or design conflict ->
blocker), ``unsupported`` (no TLS 1.2 for this product at all -> blocker), ``unverifiable`` (the version cannot
be judged -> unknown), ``info`` (never blocks).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..builds import DOTNET_RELEASES
from ..findings import SEVERITIES
from .components import PRODUCT_KINDS
from .effects import DOTNET_ON, EFFECTS, FORWARD_SECRET_ONLY, LEGACY_OFF, TLS12_ON, TLS13_ON, first_stage
from .version import Version

KINDS = ("update", "config", "unsupported", "unverifiable", "info")
REQUIREMENTS = ("rdp", "wsus", "dotnet35")
TLS13_BUILD = 20348  # the rules about TLS 1.3 apply where Windows has it (builds.TLS13_MIN_BUILD)
DOTNET_46_RELEASE = dict((name, release) for release, name in DOTNET_RELEASES)["4.6"]

_KB3135244 = "https://learn.microsoft.com/troubleshoot/sql/database-engine/connect/tls-1-2-support-microsoft-sql-server"
_DOTNET_TLS = "https://learn.microsoft.com/dotnet/framework/network-programming/tls"
_KB3140245 = "https://support.microsoft.com/help/3140245"
_EXCHANGE_TLS = "https://learn.microsoft.com/exchange/exchange-tls-configuration"
_EXCHANGE_BUILDS = "https://learn.microsoft.com/exchange/new-features/build-numbers-and-release-dates"
_ENTRA_HISTORY = "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history"
_SFB_TLS = "https://learn.microsoft.com/skypeforbusiness/manage/topology/disable-tls-1.0-1.1"
_WSUS_TLS = "https://learn.microsoft.com/mem/configmgr/core/plan-design/security/enable-tls-1-2-server#bkmk_wsus"
_MEMDOCS_SNAC = "https://learn.microsoft.com/mem/configmgr/core/plan-design/security/enable-tls-1-2-server#bkmk_sql"


@dataclass(frozen=True)
class Rule:
    id: str
    component: str
    check: str
    applies_to: str          # the range in words, for the docs table
    breaks: str
    fix: str
    breaks_when: str         # an effects.EFFECTS name
    severity: str
    source: str
    kind: str = "update"
    builds: tuple[int, int | None] | None = None
    hotfix: str | None = None
    requires: str | None = None
    product: str | None = None
    names: tuple[str, ...] = ()
    versions: tuple[str, str | None] | None = None
    fixed_in: str | None = None
    resolved_by: str | None = None   # an effect that, when the target policy has it, fixes the finding
    confirmed: bool = True           # False: no public primary source confirmed it (listed in the docs)
    note: str = ""

    @property
    def stage(self) -> str:
        return first_stage(self.breaks_when)

    @property
    def fixed_by(self) -> str | None:
        return self.hotfix or self.fixed_in

    def covers_build(self, build: int) -> bool:
        if self.builds is None:
            return True
        low, high = self.builds
        return build >= low and (high is None or build <= high)

    def covers_version(self, version: Version) -> bool:
        if self.versions is None:
            return True
        low, below = self.versions
        return version >= Version.parse(low) and (below is None or version < Version.parse(below))

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if v not in (None, (), "")}
        data.update(stage=self.stage, fixed_by=self.fixed_by, confirmed=self.confirmed)
        return data


def _sql(rule_id: str, branch: str, low: str, below: str | None, fixed: str | None, fix: str,
         kind: str = "update") -> Rule:
    if fixed == low:
        breaks = f"Nothing breaks: SQL Server {branch} supports TLS 1.2."
    elif fixed is None:
        breaks = (f"SQL Server {branch} has no build with TLS 1.2 support: client connections (and SQL Server's "
                  "own outgoing ones) fail with SSL provider errors once TLS 1.0 is off.")
    else:
        breaks = (f"SQL Server {branch} builds below {fixed} cannot use TLS 1.2: client connections fail with SSL "
                  "provider errors once TLS 1.0 is off.")
    span = f"{low} to below {below}" if below else f"{low} and later"
    return Rule(rule_id, "sql_server", "product", f"SQL Server {branch} ({span})", breaks, fix, LEGACY_OFF, "high",
                _KB3135244, kind, product="sql_server", versions=(low, below), fixed_in=fixed)


def _hotfix(rule_id: str, component: str, applies: str, builds: tuple[int, int | None], kb: str, breaks: str,
            fix: str, source: str, severity: str = "high", requires: str | None = None, note: str = "") -> Rule:
    return Rule(rule_id, component, "hotfix", applies, breaks, fix, LEGACY_OFF, severity, source, builds=builds,
                hotfix=kb, requires=requires,
                note=note or f"A later monthly rollup that contains {kb} is not recognised as {kb}; if one is "
                             "installed, waive the rule and name the rollup in the reason.")


_DOTNET35_BREAKS = (".NET 3.5 applications can only use TLS 1.0 without this update; with TLS 1.0 off they fail "
                    "('The underlying connection was closed').")

RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------------------- the operating system
    Rule("os_2008_pre_sp2", "os", "os_build", "Windows Server 2008 before SP2 (builds 6000-6001)",
         "Windows Server 2008 before SP2 cannot speak TLS 1.1 or 1.2: with TLS 1.0 off no Schannel connection can be "
         "made at all.", "Install Service Pack 2, then KB4019276, then enable TLS 1.2 (the enable profile).",
         LEGACY_OFF, "high", "https://support.microsoft.com/help/4019276", builds=(6000, 6001)),
    _hotfix("os_2008_sp2_kb4019276", "os", "Windows Server 2008 SP2 (builds 6002-6003)", (6002, 6003), "KB4019276",
            "Windows Server 2008 SP2 speaks TLS 1.1/1.2 only with KB4019276: with TLS 1.0 off no Schannel "
            "connection can be made.", "Install KB4019276, reboot, then enable TLS 1.2 (the enable profile).",
            "https://support.microsoft.com/help/4019276"),
    Rule("os_2008_bsi_suites", "os", "os_build", "Windows Server 2008 (builds 6000-6003)",
         "The forward-secret GCM suites a BSI or Mozilla suite order keeps do not exist on Windows Server 2008: "
         "such an order leaves it no suite to negotiate and every TLS handshake fails.",
         "Keep the OS default suite order on this host (overrides: {cipher_suites: os_default}).",
         FORWARD_SECRET_ONLY, "high",
         "https://learn.microsoft.com/windows/win32/secauthn/schannel-cipher-suites-in-windows-vista",
         kind="config", builds=(6000, 6003)),
    _hotfix("winhttp_kb3140245_win7", "winhttp", "Windows 7 / Server 2008 R2 (builds 7600-7601)", (7600, 7601),
            "KB3140245", "WinHTTP clients (Windows Update, the WinRM client, many services) keep offering only SSL "
                         "3.0/TLS 1.0, because DefaultSecureProtocols has no effect without this update; they fail "
                         "once TLS 1.0 is off.",
            "Install KB3140245 (it needs SP1), reboot; the enable profile then sets DefaultSecureProtocols.",
            _KB3140245, "medium"),
    _hotfix("winhttp_kb3140245_2012", "winhttp", "Windows 8 / Server 2012 (build 9200)", (9200, 9200), "KB3140245",
            "WinHTTP clients (Windows Update, the WinRM client, many services) keep offering only SSL 3.0/TLS 1.0, "
            "because DefaultSecureProtocols has no effect without this update; they fail once TLS 1.0 is off.",
            "Install KB3140245, reboot; the enable profile then sets DefaultSecureProtocols.", _KB3140245, "medium"),
    _hotfix("rdp_kb3080079", "rdp", "Remote Desktop on Windows 7 / Server 2008 R2 (builds 7600-7601)",
            (7600, 7601), "KB3080079",
            "Remote Desktop with the SSL (TLS) security layer speaks only TLS 1.0 without this update: RDP "
            "connections to this host fail once TLS 1.0 is off.",
            "Install KB3080079 (TLS 1.1/1.2 for Remote Desktop Services), reboot.",
            "https://learn.microsoft.com/troubleshoot/windows-server/remote/incorrect-tls-use-rdp-with-ssl-encryption",
            requires="rdp"),
    _hotfix("wsus_2012_kb4022721", "wsus", "WSUS on Windows Server 2012 (build 9200)", (9200, 9200), "KB4022721",
            "WSUS cannot use TLS 1.2 without this update: the console, clients and upstream synchronisation fail "
            "once TLS 1.0 is off.", "Install KB4022721 or a later rollup.", _WSUS_TLS, "medium", "wsus"),
    _hotfix("wsus_2012r2_kb4022720", "wsus", "WSUS on Windows Server 2012 R2 (build 9600)", (9600, 9600),
            "KB4022720", "WSUS cannot use TLS 1.2 without this update: the console, clients and upstream "
                         "synchronisation fail once TLS 1.0 is off.",
            "Install KB4022720 or a later rollup.", _WSUS_TLS, "medium", "wsus"),
    # ---------------------------------------------------------------- .NET Framework
    _hotfix("dotnet35_kb3154517", "dotnet35", ".NET 3.5 on Windows Server 2008 SP2 (builds 6002-6003)",
            (6002, 6003), "KB3154517", _DOTNET35_BREAKS, "Install KB3154517 (or a later .NET rollup), then set "
            "SystemDefaultTlsVersions=1 under v2.0.50727 (the enable profile does).", _DOTNET_TLS, "medium",
            "dotnet35"),
    _hotfix("dotnet35_kb3154518", "dotnet35", ".NET 3.5.1 on Windows 7 SP1 / Server 2008 R2 SP1 (builds 7600-7601)",
            (7600, 7601), "KB3154518", _DOTNET35_BREAKS, "Install KB3154518 (or a later .NET rollup), then set "
            "SystemDefaultTlsVersions=1 under v2.0.50727 (the enable profile does).", _DOTNET_TLS, "medium",
            "dotnet35"),
    _hotfix("dotnet35_kb3154519", "dotnet35", ".NET 3.5 on Windows Server 2012 (build 9200)", (9200, 9200),
            "KB3154519", _DOTNET35_BREAKS, "Install KB3154519 (or a later .NET rollup), then set "
            "SystemDefaultTlsVersions=1 under v2.0.50727 (the enable profile does).", _DOTNET_TLS, "medium",
            "dotnet35"),
    _hotfix("dotnet35_kb3154520", "dotnet35", ".NET 3.5 on Windows 8.1 / Server 2012 R2 (build 9600)", (9600, 9600),
            "KB3154520", _DOTNET35_BREAKS, "Install KB3154520 (or a later .NET rollup), then set "
            "SystemDefaultTlsVersions=1 under v2.0.50727 (the enable profile does).", _DOTNET_TLS, "medium",
            "dotnet35"),
    Rule("dotnet4_below_4_6", "dotnet4", "dotnet4", f".NET Framework 4.x below 4.6 (Release < {DOTNET_46_RELEASE})",
         ".NET 4.5.x applications default to SSL 3.0/TLS 1.0 and the runtime ignores SchUseStrongCrypto and "
         "SystemDefaultTlsVersions; they fail ('The underlying connection was closed') once TLS 1.0 is off.",
         "Install .NET Framework 4.8 (4.6 is the first runtime that honours the strong-crypto values; 4.5.2 needs "
         "KB3156421).", LEGACY_OFF, "medium", _DOTNET_TLS, fixed_in="4.6"),
    Rule("dotnet_strong_crypto", "dotnet", "dotnet_keys", "every installed .NET Framework (4.x and 3.5)",
         ".NET applications that do not choose their protocols keep their built-in defaults (TLS 1.0 for older "
         "targets) unless SchUseStrongCrypto and SystemDefaultTlsVersions are 1; they fail once TLS 1.0 is off.",
         "Set SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 under every .NETFramework key (the dotnet section "
         "of the enable, enforce and bsi profiles does).", LEGACY_OFF, "medium", _DOTNET_TLS, kind="config",
         resolved_by=DOTNET_ON),
    # ---------------------------------------------------------------- SQL Server (KB3135244, one row per branch)
    _sql("sql_2005_or_older", "2005 and older", "0", "10.0", None,
         "Upgrade to SQL Server 2016 or later: Microsoft offers TLS 1.2 only for SQL Server 2008 and later.",
         "unsupported"),
    _sql("sql_2008_pre_sp4", "2008 before SP4", "10.0", "10.0.6000", None,
         "Install SQL Server 2008 SP4, then the TLS 1.2 update (10.0.6547.0 or later, KB4057114)."),
    _sql("sql_2008_sp4", "2008 SP4", "10.0.6000", "10.50", "10.0.6547.0",
         "Install the SQL Server 2008 SP4 TLS 1.2 update (10.0.6547.0 or later, KB4057114)."),
    _sql("sql_2008r2_pre_sp3", "2008 R2 before SP3", "10.50", "10.50.6000", None,
         "Install SQL Server 2008 R2 SP3, then the TLS 1.2 update (10.50.6542.0 or later, KB4057113)."),
    _sql("sql_2008r2_sp3", "2008 R2 SP3", "10.50.6000", "11.0", "10.50.6542.0",
         "Install the SQL Server 2008 R2 SP3 TLS 1.2 update (10.50.6542.0 or later, KB4057113)."),
    _sql("sql_2012_pre_sp2", "2012 RTM/SP1", "11.0", "11.0.5000", None,
         "Install SQL Server 2012 SP4 (11.0.7001.0), which supports TLS 1.2."),
    _sql("sql_2012_sp2", "2012 SP2 (GDR line)", "11.0.5000", "11.0.5500", "11.0.5352.0",
         "Install the SQL Server 2012 SP2 GDR TLS 1.2 update (11.0.5352.0, now in KB3194719) or SP4."),
    _sql("sql_2012_sp2_cu", "2012 SP2 (CU line)", "11.0.5500", "11.0.6000", "11.0.5644.2",
         "Install SQL Server 2012 SP2 CU10 (11.0.5644.2, KB3120313) or later, or SP4."),
    _sql("sql_2012_sp3", "2012 SP3 (GDR line)", "11.0.6000", "11.0.6500", "11.0.6216.27",
         "Install the SQL Server 2012 SP3 GDR TLS 1.2 update (11.0.6216.27) or SP4."),
    _sql("sql_2012_sp3_cu", "2012 SP3 (CU line)", "11.0.6500", "11.0.7000", "11.0.6518.0",
         "Install SQL Server 2012 SP3 CU1 (11.0.6518.0, KB3123299) or later, or SP4."),
    _sql("sql_2012_sp4_or_later", "2012 SP4", "11.0.7000", "12.0", "11.0.7000",
         "Nothing: SQL Server 2012 SP4 supports TLS 1.2."),
    _sql("sql_2014_rtm", "2014 RTM (GDR line)", "12.0.2000", "12.0.2300", "12.0.2271.0",
         "Install the SQL Server 2014 RTM GDR TLS 1.2 update (12.0.2271.0) or, as Microsoft now advises, 2014 "
         "SP2/SP3."),
    _sql("sql_2014_rtm_cu", "2014 RTM (CU line)", "12.0.2300", "12.0.4000", "12.0.2564.0",
         "Install SQL Server 2014 RTM CU12 (12.0.2564.0, KB3130923) or later, or 2014 SP2/SP3."),
    _sql("sql_2014_sp1", "2014 SP1 (GDR line)", "12.0.4000", "12.0.4400", "12.0.4219.0",
         "Install the SQL Server 2014 SP1 GDR TLS 1.2 update (12.0.4219.0, now in KB4019091) or 2014 SP2/SP3."),
    _sql("sql_2014_sp1_cu", "2014 SP1 (CU line)", "12.0.4400", "12.0.5000", "12.0.4439.1",
         "Install SQL Server 2014 SP1 CU5 (12.0.4439.1, KB3130926) or later, or 2014 SP2/SP3."),
    _sql("sql_2014_sp2_or_later", "2014 SP2/SP3", "12.0.5000", "13.0", "12.0.5000",
         "Nothing: SQL Server 2014 SP2 and SP3 support TLS 1.2."),
    _sql("sql_2016_or_later", "2016 and later", "13.0", None, "13.0",
         "Nothing: SQL Server 2016 and later support TLS 1.2 without an update."),
    Rule("sql_native_client_11", "sql_native_client", "product", "SQL Server 2012 Native Client (SNAC 11)",
         "Applications and services that connect through SQL Server Native Client 11 before the SP4 build cannot use "
         "TLS 1.2; their database connections fail once TLS 1.0 is off.",
         "Install the SQL Server 2012 Native Client from SP4 (11.4.7001.0) or later.", LEGACY_OFF, "medium",
         _MEMDOCS_SNAC, product="sql_native_client", names=("2012 native client",), versions=("11.0", "12.0"),
         fixed_in="11.4.7001.0",
         note="Microsoft writes the minimum as 11.*.7001.0; a TLS 1.2 QFE build of an earlier SP reads as "
              "needs_update (waive it with the build in the reason)."),
    Rule("sql_native_client_10", "sql_native_client", "product", "SQL Server 2008 / 2008 R2 Native Client (SNAC 10)",
         "Applications that connect through SQL Server Native Client 10 need its TLS 1.2 update; without it their "
         "database connections fail once TLS 1.0 is off.",
         "Install the SQL Server 2008/2008 R2 Native Client TLS 1.2 update listed in KB3135244.", LEGACY_OFF,
         "medium", _KB3135244, kind="unverifiable", product="sql_native_client", names=("native client",),
         versions=("10.0", "11.0"), confirmed=False,
         note="KB3135244 links the update but names no build number, so an installed SNAC 10 cannot be judged."),
    # ---------------------------------------------------------------- Exchange, Entra Connect, Skype for Business
    Rule("exchange_2013_cu20", "exchange", "product", "Exchange Server 2013 (15.0)",
         "Exchange 2013 before CU20 does not support running with TLS 1.0/1.1 disabled: mail flow and client "
         "protocols fail.", "Install Exchange 2013 CU20 (15.0.1367.3) or later, the .NET values, then disable "
         "TLS 1.0/1.1.", LEGACY_OFF, "high", _EXCHANGE_TLS, product="exchange", versions=("15.0", "15.1"),
         fixed_in="15.0.1367.3", note=f"Build numbers: {_EXCHANGE_BUILDS}"),
    Rule("exchange_2016_cu9", "exchange", "product", "Exchange Server 2016 (15.1)",
         "Exchange 2016 before CU9 does not support running with TLS 1.0/1.1 disabled: mail flow and client "
         "protocols fail.", "Install Exchange 2016 CU9 (15.1.1466.3) or later, the .NET values, then disable "
         "TLS 1.0/1.1.", LEGACY_OFF, "high", _EXCHANGE_TLS, product="exchange", versions=("15.1", "15.2"),
         fixed_in="15.1.1466.3", note=f"Build numbers: {_EXCHANGE_BUILDS}"),
    Rule("exchange_tls13", "exchange", "exchange_tls13", "Exchange Server on Windows Server 2022 and later",
         "Exchange Server does not support TLS 1.3 and is known to fail with it enabled (Microsoft's Exchange "
         "Health Checker reports it as an error).",
         "Disable TLS 1.3 on Exchange servers (overrides: {protocols: {tls1_3: disabled}}).", TLS13_ON, "high",
         "https://microsoft.github.io/CSS-Exchange/Diagnostics/HealthChecker/TLSConfigurationCheck/", kind="config",
         builds=(TLS13_BUILD, None),
         note="Third-party reports say Exchange 2019 CU15 supports TLS 1.3 partly; no Microsoft text read confirms "
              "it, so the rule applies to every Exchange build."),
    Rule("entra_connect_1_4_38", "entra_connect", "product", "Azure AD / Entra Connect before 1.4.38.0",
         "Entra ID accepts only TLS 1.2; Azure AD Connect builds before 1.4.38.0 (up to 1.1.614.0 they defaulted to "
         "TLS 1.0) fail to synchronise once TLS 1.0 is off or Entra ID refuses it.",
         "Upgrade Entra Connect (to 2.x; 1.4.38.0 at the very least) and run Microsoft's TLS 1.2 enforcement "
         "settings (the enable profile writes them).", LEGACY_OFF, "high", _ENTRA_HISTORY, product="entra_connect",
         versions=("0", None), fixed_in="1.4.38.0", confirmed=False,
         note="Microsoft's enforcement page says 1.2.65.0 and later work with TLS 1.2 only; 1.4.38.0 is the "
              "source article's minimum and was not found in a Microsoft text read for this table."),
    Rule("entra_connect_2_3_20", "entra_connect", "product", "Azure AD / Entra Connect (all versions)",
         "Entra Connect 2.3.20.0 and later require TLS 1.2: an upgrade to it fails where TLS 1.2 is not enabled.",
         "Enable TLS 1.2 (stage enable) before upgrading Entra Connect to 2.3.20.0 or later.", TLS12_ON, "info",
         _ENTRA_HISTORY, kind="info", product="entra_connect", versions=("0", None)),
    Rule("sfb_2015_cu9", "sfb", "product", "Skype for Business Server 2015 (6.0)",
         "Skype for Business Server 2015 before CU9 is not supported with TLS 1.0/1.1 disabled: front end, edge and "
         "SQL back-end links break.",
         "Install Skype for Business Server 2015 CU9 (6.0.9319.548) or later and its .NET/SQL prerequisites (on "
         "Windows Server 2012 also KB3140245).", LEGACY_OFF, "high", _SFB_TLS, product="sfb",
         names=("server 2015",), versions=("6.0", "7.0"), fixed_in="6.0.9319.548",
         note="The source article says 'CU5 HF2'; Microsoft's page does not: it names CU9 (6.0.9319.548) to disable "
              "TLS 1.0/1.1, and CU6 HF2 only for branch appliances and the web app."),
    Rule("sfb_2019_cu1", "sfb", "product", "Skype for Business Server 2019",
         "Skype for Business Server 2019 before CU1 is not supported with TLS 1.0/1.1 disabled.",
         "Install Skype for Business Server 2019 CU1 (17.0.2046.123) or later.", LEGACY_OFF, "high", _SFB_TLS,
         product="sfb", names=("server 2019",), versions=("17.0", "18.0"), fixed_in="17.0.2046.123", confirmed=False,
         note="The version is Microsoft's text; whether installed SfB 2019 servers report 17.x or 7.x is "
              "unconfirmed (a 7.x version falls outside this row and is not judged by it)."),
    # ---------------------------------------------------------------- WinRM and IIS (HTTP.sys)
    Rule("winrm_cert_auth_tls13", "winrm", "winrm_tls13", "WinRM HTTPS listeners on Windows Server 2022 and later",
         "WinRM over HTTPS with certificate authentication fails when TLS 1.3 is negotiated: Ansible (and every "
         "other certificate-authenticated WinRM client) loses this host.",
         "Disable TLS 1.3 for the host (overrides: {protocols: {tls1_3: disabled}}) or on the WinRM binding "
         "(HTTP.sys 'disable TLS 1.3' flag on its port), or use Kerberos/NTLM/CredSSP instead of certificates.",
         TLS13_ON, "high", "https://github.com/ansible/ansible/issues/77768", kind="config",
         builds=(TLS13_BUILD, None), confirmed=False,
         note="Known from Ansible and pywinrm issue reports (also ansible-collections/ansible.windows#333); no "
              "Microsoft page found. The WinRM registry layout read is from community sources."),
    Rule("iis_binding_legacy_flag", "iis", "iis_legacy_flag", "HTTP.sys/IIS bindings on Windows Server 2022 and "
         "later", "Nothing breaks: a binding with 'Disable legacy TLS' already refuses TLS 1.0/1.1, so switching "
         "them off system-wide changes nothing for it.", "Nothing to do.", LEGACY_OFF, "info",
         "https://learn.microsoft.com/windows/win32/api/http/ns-http-http_service_config_ssl_param", kind="info",
         builds=(TLS13_BUILD, None),
         note="The flag value (0x400) is Microsoft's; that HTTP.sys keeps it in DefaultFlags under "
              "SslBindingInfo is from community sources."),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: tuple[str, ...] = tuple(BY_ID)
HOTFIX_IDS: tuple[str, ...] = tuple(sorted({rule.hotfix for rule in RULES if rule.hotfix}))


def _check_table() -> None:
    """Catch a malformed row at import (a unit test imports this module), not at a user's run."""
    if len(BY_ID) != len(RULES):
        raise ValueError("readiness rules: duplicate rule id")
    for rule in RULES:
        wrong = [name for name, value, allowed in (
            ("kind", rule.kind, KINDS), ("severity", rule.severity, SEVERITIES),
            ("breaks_when", rule.breaks_when, EFFECTS)) if value not in allowed]
        if rule.resolved_by is not None and rule.resolved_by not in EFFECTS:
            wrong.append("resolved_by")
        if rule.requires is not None and rule.requires not in REQUIREMENTS:
            wrong.append("requires")
        if rule.product is not None and rule.product not in PRODUCT_KINDS:
            wrong.append("product")
        if rule.versions is not None:
            Version.parse(rule.versions[0])
        if wrong:
            raise ValueError(f"readiness rule {rule.id}: bad {', '.join(wrong)}")


_check_table()
