# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the core knows about Windows builds: product names, default protocol states, TLS 1.3 support.

Default protocol states are Microsoft's published table "Protocols in TLS/SSL (Schannel SSP)"
(MicrosoftDocs/win32 protocols-in-tls-ssl--schannel-ssp-.md, ms.date 03/20/2025), transcribed in
research/windows-tls-registry.md §1.4. Build numbers per product come from community build lists (§1.4 note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problem, ValidationError

ENABLED = "enabled"
DISABLED = "disabled"
NOT_SUPPORTED = "not_supported"

TLS13_MIN_BUILD = 20348  # Windows Server 2022; Windows 11 starts at 22000


@dataclass(frozen=True)
class DefaultsRow:
    """One row of the published default table: the builds it covers and (client, server) per protocol."""

    min_build: int
    title: str
    states: dict[str, tuple[str, str]]
    note: str = ""


_E, _D, _N = ENABLED, DISABLED, NOT_SUPPORTED


def _row(min_build: int, title: str, ssl2: tuple[str, str], ssl3: str, tls10: str, tls11: str, tls12: str,
         tls13: str, dtls10: str, dtls12: str, note: str = "") -> DefaultsRow:
    same = {"ssl3_0": ssl3, "tls1_0": tls10, "tls1_1": tls11, "tls1_2": tls12, "tls1_3": tls13,
            "dtls1_0": dtls10, "dtls1_2": dtls12}
    states = {"ssl2_0": ssl2, **{k: (v, v) for k, v in same.items()}}
    return DefaultsRow(min_build, title, states, note)


_UNCONFIRMED_2024 = ("Microsoft's table shows TLS 1.0/1.1 enabled, but its deprecation note says 2024 builds disable "
                     "them by default; what GA builds ship is unconfirmed. Audit the live registry and handshakes.")

DEFAULT_TABLE: tuple[DefaultsRow, ...] = (
    _row(6000, "Windows Vista / Server 2008", (_D, _E), _E, _E, _N, _N, _N, _N, _N,
         note="TLS 1.1/1.2 exist only with KB4019276 (Server 2008 SP2), then disabled by default."),
    _row(7600, "Windows 7 / Server 2008 R2", (_D, _E), _E, _E, _D, _D, _N, _E, _N),
    _row(9200, "Windows 8 / Server 2012", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(9600, "Windows 8.1 / Server 2012 R2", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(10240, "Windows 10 1507/1511", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(14393, "Windows 10 1607-22H2 / Server 2016 / Server 2019", (_N, _N), _D, _E, _E, _E, _N, _E, _E),
    _row(20348, "Windows Server 2022", (_N, _N), _D, _E, _E, _E, _E, _E, _E),
    _row(22000, "Windows 11 21H2-23H2", (_N, _N), _D, _E, _E, _E, _E, _E, _E, note=_UNCONFIRMED_2024),
    _row(26100, "Windows 11 24H2 / Server 2025", (_N, _N), _D, _E, _E, _E, _E, _E, _E, note=_UNCONFIRMED_2024),
)

# First build of each Windows NT version (what user agents say: "Windows NT 6.1"); 10.0 from 10240 on.
NT_VERSIONS: dict[int, str] = {6000: "6.0", 7600: "6.1", 9200: "6.2", 9600: "6.3", 10240: "10.0"}

# build -> (client product, server product); None where no such edition exists.
PRODUCTS: dict[int, tuple[str | None, str | None]] = {
    6001: ("Windows Vista SP1", "Windows Server 2008"),
    6002: ("Windows Vista SP2", "Windows Server 2008 SP2"),
    6003: ("Windows Vista SP2", "Windows Server 2008 SP2"),
    7600: ("Windows 7", "Windows Server 2008 R2"),
    7601: ("Windows 7 SP1", "Windows Server 2008 R2 SP1"),
    9200: ("Windows 8", "Windows Server 2012"),
    9600: ("Windows 8.1", "Windows Server 2012 R2"),
    10240: ("Windows 10 1507", None),
    10586: ("Windows 10 1511", None),
    14393: ("Windows 10 1607", "Windows Server 2016"),
    15063: ("Windows 10 1703", None),
    16299: ("Windows 10 1709", "Windows Server 1709"),
    17134: ("Windows 10 1803", "Windows Server 1803"),
    17763: ("Windows 10 1809", "Windows Server 2019"),
    18362: ("Windows 10 1903", None),
    18363: ("Windows 10 1909", None),
    19041: ("Windows 10 2004", None),
    19042: ("Windows 10 20H2", None),
    19043: ("Windows 10 21H1", None),
    19044: ("Windows 10 21H2", None),
    19045: ("Windows 10 22H2", None),
    20348: (None, "Windows Server 2022"),
    22000: ("Windows 11 21H2", None),
    22621: ("Windows 11 22H2", None),
    22631: ("Windows 11 23H2", None),
    26100: ("Windows 11 24H2", "Windows Server 2025"),
    26200: ("Windows 11 25H2", None),
}


@dataclass(frozen=True)
class WindowsBuild:
    """An OS build as the core needs it. ``server`` is None when the edition is unknown."""

    build: int
    ubr: int | None = None
    server: bool | None = None
    x64: bool = True
    kb4019276: bool = False

    @property
    def defaults(self) -> DefaultsRow:
        return defaults_row(self.build)

    @property
    def supports_tls13(self) -> bool:
        return self.build >= TLS13_MIN_BUILD

    @property
    def version(self) -> str:
        major = NT_VERSIONS.get(_family_start(self.build), "10.0")
        return f"{major}.{self.build}" + (f".{self.ubr}" if self.ubr is not None else "")

    @property
    def product(self) -> str:
        return product_name(self.build, self.server)

    def default_state(self, protocol_key: str, side: str) -> str:
        """The published default for a protocol side on this build (enabled/disabled/not_supported)."""
        client, server = self.defaults.states[protocol_key]
        state = client if side == "client" else server
        if self.kb4019276 and self.build < 7600 and protocol_key in ("tls1_1", "tls1_2"):
            return DISABLED
        return state

    def supports(self, protocol_key: str) -> bool:
        return NOT_SUPPORTED not in (self.default_state(protocol_key, "client"),
                                     self.default_state(protocol_key, "server"))

    def to_json(self) -> dict:
        return {"build": self.build, "ubr": self.ubr, "version": self.version, "product": self.product,
                "server": self.server, "supports_tls13": self.supports_tls13, "defaults_row": self.defaults.title}


def _family_start(build: int) -> int:
    return max((s for s in NT_VERSIONS if s <= build), default=6000)


def defaults_row(build: int) -> DefaultsRow:
    rows = [row for row in DEFAULT_TABLE if row.min_build <= build]
    if not rows:
        raise ValidationError([Problem("os_build", f"build {build} is older than Windows Vista (6000); "
                                                   "SCHANNEL settings for it are not modelled")])
    return rows[-1]


def product_name(build: int, server: bool | None = None) -> str:
    known = [b for b in PRODUCTS if b <= build]
    if not known:
        return f"Windows build {build}"
    nearest = max(known)
    client, srv = PRODUCTS[nearest]
    if server is True and srv:
        name = srv
    elif server is False and client:
        name = client
    else:
        name = " / ".join(n for n in (client, srv) if n)
    return name if nearest == build else f"{name} (build {build})"


_VERSION = re.compile(r"^\s*(?:(\d+)\.(\d+)\.)?(\d+)(?:\.(\d+))?\s*$")


def parse_build(value: object, option: str = "os_build", server: bool | None = None) -> WindowsBuild:
    """Accept 17763, '17763', '10.0.17763' or '10.0.17763.5830' (build.UBR)."""
    if isinstance(value, WindowsBuild):
        return value
    if isinstance(value, bool):
        raise ValidationError([Problem(option, f"expected a Windows build number such as 17763, got {value!r}")])
    match = _VERSION.match(str(value))
    if not match:
        raise ValidationError([Problem(option, f"'{value}' is not a Windows build (examples: 17763, 10.0.20348, "
                                               "10.0.17763.5830)")])
    build = int(match.group(3))
    ubr = int(match.group(4)) if match.group(4) is not None else None
    if build < 6000:
        raise ValidationError([Problem(option, f"build {build} is older than Windows Vista (6000); "
                                               "SCHANNEL settings for it are not modelled")])
    return WindowsBuild(build=build, ubr=ubr, server=server)


# .NET Framework 4.x: minimum NDP\v4\Full\Release value per version (Microsoft Learn, "How to determine which
# .NET Framework versions are installed").
DOTNET_RELEASES: tuple[tuple[int, str], ...] = (
    (378389, "4.5"),
    (378675, "4.5.1"),
    (379893, "4.5.2"),
    (393295, "4.6"),
    (394254, "4.6.1"),
    (394802, "4.6.2"),
    (460798, "4.7"),
    (461308, "4.7.1"),
    (461808, "4.7.2"),
    (528040, "4.8"),
    (533320, "4.8.1"),
)


def dotnet_version(release: int | None) -> str | None:
    """The .NET Framework 4.x version for a Release value, or None when below 4.5 or absent."""
    if release is None:
        return None
    versions = [name for minimum, name in DOTNET_RELEASES if release >= minimum]
    return versions[-1] if versions else None
