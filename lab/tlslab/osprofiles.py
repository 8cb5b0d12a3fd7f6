# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Windows versions the lab can play, with the state a fresh install would have.

The lab keeps its own copy of what each version does by default (which protocols its Schannel server offers when
no registry value is set) rather than asking the collection's core: the lab stands in for Windows, so the
collection's logic is checked against it, not against itself. Source of the defaults: Microsoft's table
"Protocols in TLS/SSL (Schannel SSP)" (research/windows-tls-registry.md §1.4). Build/UBR/.NET values are those
of typical patched installs; ``components`` (installed hotfix ids among them) are overridable per host, and
named presets (``presets.py``) add installed products or take updates away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CURRENT_VERSION = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
NDP_FULL = r"HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"
SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
WINLOGON = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"

# Server-side default per protocol: True offered, False off, None not supported by the build.
_LEGACY_7 = {"ssl2_0": True, "ssl3_0": True, "tls1_0": True, "tls1_1": False, "tls1_2": False, "tls1_3": None}
_WIN8 = {"ssl2_0": False, "ssl3_0": True, "tls1_0": True, "tls1_1": True, "tls1_2": True, "tls1_3": None}
_WIN10 = {"ssl2_0": None, "ssl3_0": False, "tls1_0": True, "tls1_1": True, "tls1_2": True, "tls1_3": None}
_TLS13 = {**_WIN10, "tls1_3": True}


@dataclass(frozen=True)
class OsProfile:
    key: str
    product: str
    build: int
    ubr: int
    edition: str
    installation_type: str
    version: str                 # CurrentVersion ("6.1", "6.3")
    display_version: str | None
    dotnet_release: int
    server_defaults: dict[str, bool | None]
    components: dict = field(default_factory=dict)

    @property
    def major_minor(self) -> tuple[int, int]:
        if self.build >= 10240:
            return (10, 0)
        major, minor = self.version.split(".")[:2]
        return int(major), int(minor)

    @property
    def full_version(self) -> str:
        major, minor = self.major_minor
        return f"{major}.{minor}.{self.build}.{self.ubr}"

    def registry(self) -> dict[str, dict[str, list]]:
        """Registry content of a fresh install of this profile (the part the lab models)."""
        current: dict[str, list] = {"ProductName": ["REG_SZ", self.product], "EditionID": ["REG_SZ", self.edition],
                                    "InstallationType": ["REG_SZ", self.installation_type],
                                    "CurrentVersion": ["REG_SZ", self.version],
                                    "CurrentBuildNumber": ["REG_SZ", str(self.build)],
                                    "CurrentBuild": ["REG_SZ", str(self.build)],
                                    "UBR": ["REG_DWORD", self.ubr]}
        if self.build >= 10240:
            current["CurrentMajorVersionNumber"] = ["REG_DWORD", 10]
            current["CurrentMinorVersionNumber"] = ["REG_DWORD", 0]
        if self.display_version:
            current["DisplayVersion"] = ["REG_SZ", self.display_version]
        ssl2_client = f"{SCHANNEL}\\Protocols\\SSL 2.0\\Client"
        data: dict[str, dict[str, list]] = {
            CURRENT_VERSION: current,
            NDP_FULL: {"Release": ["REG_DWORD", self.dotnet_release], "Install": ["REG_DWORD", 1]},
            SCHANNEL: {"EventLogging": ["REG_DWORD", 1]},
            f"{SCHANNEL}\\Protocols": {},
            f"{SCHANNEL}\\Ciphers": {}, f"{SCHANNEL}\\Hashes": {}, f"{SCHANNEL}\\KeyExchangeAlgorithms": {},
            f"{WINLOGON}\\AutoLogonChecked": {},
        }
        if self.build < 14393:
            # Installs of this era carry an SSL 2.0 client key with DisabledByDefault=1 (seen on real
            # machines; not from a Microsoft document). It exercises the disabled_by_default path.
            data[ssl2_client] = {"DisabledByDefault": ["REG_DWORD", 1]}
        return data


def _components(iis: str | None = "10.0", **extra: object) -> dict:
    return {"iis": iis, "rdp": True, "sql_server": [], "exchange": None, "entra_connect": None,
            "hotfixes": [], **extra}


PROFILES: dict[str, OsProfile] = {p.key: p for p in (
    OsProfile("2008r2", "Windows Server 2008 R2 Standard", 7601, 24545, "ServerStandard", "Server", "6.1", None,
              528049, _LEGACY_7, _components("7.5", hotfixes=["KB3080079"])),
    OsProfile("2012", "Windows Server 2012 Standard", 9200, 24168, "ServerStandard", "Server", "6.2", None,
              528049, _WIN8, _components("8.0")),
    OsProfile("2012r2", "Windows Server 2012 R2 Standard", 9600, 21620, "ServerStandard", "Server", "6.3", None,
              528049, _WIN8, _components("8.5", hotfixes=["KB2919355"])),
    OsProfile("2016", "Windows Server 2016 Standard", 14393, 7515, "ServerStandard", "Server", "6.3", None,
              528049, _WIN10, _components("10.0")),
    OsProfile("2019", "Windows Server 2019 Standard", 17763, 6893, "ServerStandard", "Server", "6.3", None,
              528049, _WIN10, _components("10.0")),
    OsProfile("2022", "Windows Server 2022 Standard", 20348, 2966, "ServerStandard", "Server", "6.3", "21H2",
              528449, _TLS13, _components("10.0")),
    OsProfile("2025", "Windows Server 2025 Standard", 26100, 3476, "ServerStandard", "Server", "6.3", "24H2",
              533509, _TLS13, _components("10.0")),
    OsProfile("win10_22h2", "Windows 10 Enterprise", 19045, 5737, "Enterprise", "Client", "6.3", "22H2",
              528372, _WIN10, _components(None, rdp=False)),
    OsProfile("win11_23h2", "Windows 10 Enterprise", 22631, 4890, "Enterprise", "Client", "6.3", "23H2",
              533320, _TLS13, _components(None, rdp=False)),
)}
ALIASES = {"2008": "2008r2", "win10": "win10_22h2", "win11": "win11_23h2",
           "10": "win10_22h2", "11": "win11_23h2"}


def profile(name: str) -> OsProfile:
    key = str(name).strip().lower().replace("server", "").replace(" ", "").replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in PROFILES:
        raise ValueError(f"unknown OS profile {name!r} (known: {', '.join(PROFILES)})")
    return PROFILES[key]
