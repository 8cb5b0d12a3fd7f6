# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named component presets: what an installed product (or a missing update) looks like to a host read.

A preset adds registry content (in ``Registry`` form: path -> {name: [type, data]}) and adds or removes
installed hotfix ids. Hosts pick presets by name (``HostSpec.presets``, ``lab_presets`` in fleet files); the OS
profiles themselves stay as they are. Like the OS profiles this is the lab's own picture of Windows, written from
Microsoft's documentation where it describes the locations and from community sources where it does not
(docs/readiness.md says which); it never asks the collection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HKLM = "HKLM\\SOFTWARE"
UNINSTALL = HKLM + r"\Microsoft\Windows\CurrentVersion\Uninstall"
SQL = HKLM + r"\Microsoft\Microsoft SQL Server"
WSMAN = HKLM + r"\Microsoft\Windows\CurrentVersion\WSMAN"
HTTP_SSL = r"HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo"
TERMINAL = r"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server"
LAB_CERT_HASH = "5f1c3a9e0b7d24e8a6c1f09d3b2e7a4c8d6f0e12"  # a made-up SHA-1 thumbprint


@dataclass(frozen=True)
class Preset:
    description: str
    registry: dict[str, dict[str, list]] = field(default_factory=dict)
    add_hotfixes: tuple[str, ...] = ()
    remove_hotfixes: tuple[str, ...] = ()


def _sz(value: str) -> list:
    return ["REG_SZ", value]


def _dword(value: int) -> list:
    return ["REG_DWORD", value]


def _uninstall(guid: str, name: str, version: str) -> dict[str, dict[str, list]]:
    return {f"{UNINSTALL}\\{guid}": {"DisplayName": _sz(name), "DisplayVersion": _sz(version),
                                     "Publisher": _sz("Microsoft Corporation")}}


def _sql_instance(instance_id: str, version: str, product: str) -> dict[str, dict[str, list]]:
    return {
        f"{SQL}\\Instance Names\\SQL": {"MSSQLSERVER": _sz(instance_id)},
        f"{SQL}\\{instance_id}\\Setup": {"PatchLevel": _sz(version), "Version": _sz(version),
                                         "Edition": _sz("Standard Edition")},
        **_uninstall("Microsoft SQL Server 2014", product, version),
    }


_RDP = {TERMINAL: {"fDenyTSConnections": _dword(0)},
        f"{TERMINAL}\\WinStations\\RDP-Tcp": {"SecurityLayer": _dword(2),
                                              "SSLCertificateSHA1Hash": ["REG_BINARY", LAB_CERT_HASH]}}

PRESETS: dict[str, Preset] = {
    "rdp_without_kb3080079": Preset(
        "Remote Desktop on, with the TLS (SSL) security layer, and KB3080079 not installed", _RDP,
        remove_hotfixes=("KB3080079",)),
    "rdp": Preset("Remote Desktop on, with the TLS (SSL) security layer", _RDP),
    "without_kb3140245": Preset("KB3140245 (WinHTTP TLS 1.1/1.2 defaults) not installed",
                                remove_hotfixes=("KB3140245",)),
    "with_kb3140245": Preset("KB3140245 (WinHTTP TLS 1.1/1.2 defaults) installed", add_hotfixes=("KB3140245",)),
    "sql2014_rtm": Preset("SQL Server 2014 RTM (12.0.2000.8), default instance",
                          _sql_instance("MSSQL12.MSSQLSERVER", "12.0.2000.8", "Microsoft SQL Server 2014 (64-bit)")),
    "sql2014_sp3": Preset("SQL Server 2014 SP3 (12.0.6024.0), default instance",
                          _sql_instance("MSSQL12.MSSQLSERVER", "12.0.6024.0", "Microsoft SQL Server 2014 (64-bit)")),
    "exchange2016_cu8": Preset("Exchange Server 2016 CU8 (15.1.1415.2)", {
        HKLM + r"\Microsoft\ExchangeServer\v15\Setup": {
            "MsiProductMajor": _dword(15), "MsiProductMinor": _dword(1), "MsiBuildMajor": _dword(1415),
            "MsiBuildMinor": _dword(2), "MsiInstallPath": _sz("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\")},
        **_uninstall("Microsoft Exchange v15", "Microsoft Exchange Server 2016 Cumulative Update 8", "15.1.1415.2")}),
    "winrm_cert_https": Preset("WinRM HTTPS listener on 5986 with certificate authentication and one mapping", {
        f"{WSMAN}\\Listener\\*+HTTP": {"Port": _dword(5985)},
        f"{WSMAN}\\Listener\\*+HTTPS": {"Port": _dword(5986), "certThumbprint": _sz(LAB_CERT_HASH),
                                        "hostname": _sz("")},
        f"{WSMAN}\\Service": {"auth_certificate": _dword(1)},
        f"{WSMAN}\\CertMapping\\lab-ansible": {"Subject": _sz("ansible@lab.test"), "Issuer": _sz(LAB_CERT_HASH)},
        f"{HTTP_SSL}\\0.0.0.0:5986": {"DefaultFlags": _dword(0), "SslCertHash": ["REG_BINARY", LAB_CERT_HASH]}}),
    "entra_connect_1_1_614": Preset("Azure AD Connect 1.1.614.0",
                                    _uninstall("{lab-aadconnect}", "Microsoft Azure AD Connect", "1.1.614.0")),
    "entra_connect_2_4": Preset("Entra Connect Sync 2.4.18.0",
                                _uninstall("{lab-aadconnect}", "Microsoft Entra Connect Sync", "2.4.18.0")),
    "iis_https_legacy_off": Preset("IIS 10 with an HTTPS binding on 443 that has 'Disable legacy TLS' set", {
        HKLM + r"\Microsoft\InetStp": {"MajorVersion": _dword(10), "MinorVersion": _dword(0)},
        f"{HTTP_SSL}\\0.0.0.0:443": {"DefaultFlags": _dword(0x400), "SslCertHash": ["REG_BINARY", LAB_CERT_HASH]}}),
    "dotnet35": Preset(".NET Framework 3.5 installed", {
        HKLM + r"\Microsoft\NET Framework Setup\NDP\v3.5": {"Install": _dword(1), "SP": _dword(1)}}),
}


def preset(name: str) -> Preset:
    if name not in PRESETS:
        raise ValueError(f"unknown component preset {name!r} (known: {', '.join(PRESETS)})")
    return PRESETS[name]


def apply(registry: dict[str, dict[str, list]], hotfixes: list[str], names: tuple[str, ...] | list[str]
          ) -> tuple[dict[str, dict[str, list]], list[str]]:
    """Registry content and hotfix ids after the named presets, in order (later presets win)."""
    content = {path: dict(values) for path, values in registry.items()}
    installed = list(hotfixes)
    for name in names:
        chosen = preset(name)
        for path, values in chosen.registry.items():
            content.setdefault(path, {}).update(values)
        installed = [kb for kb in installed if kb not in chosen.remove_hotfixes]
        installed += [kb for kb in chosen.add_hotfixes if kb not in installed]
    return content, installed
