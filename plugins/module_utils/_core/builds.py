# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the core knows about Windows builds: product names, default protocol states, TLS 1.3 support, the updates
that change what a build can do, and the WinHTTP/WinINet defaults.

Default protocol states are Microsoft's table "Protocols in TLS/SSL (Schannel SSP)" (MicrosoftDocs/win32
protocols-in-tls-ssl--schannel-ssp-.md, ms.date 03/20/2025). Build numbers per product are community build lists
and Microsoft's release pages; docs/facts.md lists every fact here with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import Problem, ValidationError

ENABLED = "enabled"
DISABLED = "disabled"
NOT_SUPPORTED = "not_supported"

TLS13_MIN_BUILD = 20348  # Windows Server 2022; Windows 11 starts at 22000
MIN_BUILD, MAX_BUILD = 6000, 65535  # Vista is the oldest modelled build; a build number is a 16-bit version field
MAX_UBR = 0xFFFFFFFF  # UBR is a REG_DWORD

# Updates that change what a build can do, asked for in the host read (hoststate.read_request).
KB4019276 = "KB4019276"  # TLS 1.1/1.2 for Windows Server 2008 SP2 (then disabled by default)
KB3140245 = "KB3140245"  # WinHTTP DefaultSecureProtocols on Windows 7 SP1, 2008 R2 SP1 and Server 2012
HOTFIXES: dict[str, str] = {
    KB4019276: "adds TLS 1.1 and TLS 1.2 to Windows Server 2008 SP2",
    KB3140245: "makes WinHTTP read DefaultSecureProtocols on Windows 7 SP1, Server 2008 R2 SP1 and Server 2012",
}
INSTALLED, MISSING, UNKNOWN = "installed", "missing", "unknown"


@dataclass(frozen=True)
class Hotfixes:
    """What the host said about the updates in HOTFIXES: asked for, found, or why the question failed."""

    queried: tuple[str, ...] = ()
    installed: tuple[str, ...] = ()
    error: str | None = None

    def state(self, kb: str) -> str:
        """``installed``, ``missing``, or ``unknown`` when it was not asked for or the query failed."""
        if self.error is not None or kb not in self.queried:
            return UNKNOWN
        return INSTALLED if kb in self.installed else MISSING

    def why_unknown(self) -> str:
        return f"the hotfix query failed: {self.error}" if self.error else "the hotfixes were not read"


@dataclass(frozen=True)
class DefaultsRow:
    """One row of the published default table: the builds it covers and (client, server) per protocol."""

    min_build: int
    title: str
    states: dict[str, tuple[str, str]]
    note: str = ""
    unconfirmed: tuple[str, ...] = ()  # protocols whose default Microsoft's pages disagree on


_E, _D, _N = ENABLED, DISABLED, NOT_SUPPORTED


def _row(min_build: int, title: str, ssl2: tuple[str, str], ssl3: str, tls10: str, tls11: str, tls12: str,
         tls13: str, dtls10: str, dtls12: str, note: str = "", unconfirmed: tuple[str, ...] = ()) -> DefaultsRow:
    same = {"ssl3_0": ssl3, "tls1_0": tls10, "tls1_1": tls11, "tls1_2": tls12, "tls1_3": tls13,
            "dtls1_0": dtls10, "dtls1_2": dtls12}
    states = {"ssl2_0": ssl2, **{k: (v, v) for k, v in same.items()}}
    return DefaultsRow(min_build, title, states, note, unconfirmed)


_CONFLICT_2024 = ("Microsoft's protocol table shows TLS 1.0 and 1.1 enabled by default, while its TLS 1.0/1.1 "
                  "deprecation pages say new releases disable them; verify on the host.")

DEFAULT_TABLE: tuple[DefaultsRow, ...] = (
    _row(6000, "Windows Vista / Server 2008", (_D, _E), _E, _E, _N, _N, _N, _N, _N,
         note="TLS 1.1/1.2 exist on Server 2008 SP2 with KB4019276, then disabled by default."),
    _row(7600, "Windows 7 / Server 2008 R2", (_D, _E), _E, _E, _D, _D, _N, _E, _N),
    _row(9200, "Windows 8 / Server 2012", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(9600, "Windows 8.1 / Server 2012 R2", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(10240, "Windows 10 1507/1511", (_D, _D), _E, _E, _E, _E, _N, _E, _N),
    _row(14393, "Windows 10 1607-22H2 / Server 2016 / Server 2019", (_N, _N), _D, _E, _E, _E, _N, _E, _E),
    _row(20348, "Windows Server 2022", (_N, _N), _D, _E, _E, _E, _E, _E, _E),
    _row(22000, "Windows 11 21H2-23H2 / Server 23H2", (_N, _N), _D, _E, _E, _E, _E, _E, _E),
    _row(26100, "Windows 11 24H2 / Server 2025", (_N, _N), _D, _E, _E, _E, _E, _E, _E, note=_CONFLICT_2024,
         unconfirmed=("tls1_0", "tls1_1")),
)

# First build of each Windows NT version (what user agents say: "Windows NT 6.1"); 10.0 from 10240 on.
NT_VERSIONS: dict[int, str] = {6000: "6.0", 7600: "6.1", 9200: "6.2", 9600: "6.3", 10240: "10.0"}

# build -> (client product, server product); None where no such edition exists.
PRODUCTS: dict[int, tuple[str | None, str | None]] = {
    6000: ("Windows Vista", None),
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
    18362: ("Windows 10 1903", "Windows Server 1903"),
    18363: ("Windows 10 1909", "Windows Server 1909"),
    19041: ("Windows 10 2004", "Windows Server 2004"),
    19042: ("Windows 10 20H2", "Windows Server 20H2"),
    19043: ("Windows 10 21H1", None),
    19044: ("Windows 10 21H2", None),
    19045: ("Windows 10 22H2", None),
    20348: (None, "Windows Server 2022"),
    22000: ("Windows 11 21H2", None),
    22621: ("Windows 11 22H2", None),
    22631: ("Windows 11 23H2", None),
    25398: (None, "Windows Server 23H2"),
    26100: ("Windows 11 24H2", "Windows Server 2025"),
    26200: ("Windows 11 25H2", None),
}

# KB5017811: updates released on or after 2022-09-20 switch TLS 1.0/1.1 off by default for WinHTTP and WinINet on
# Windows 10 20H2-22H2 and Server 2019 / LTSC 2019. The first UBR of that date per build (Microsoft's update history:
# KB5017379 = 17763.3469, KB5017380 = 19042/19043/19044.2075; 22H2 shares the 19041 servicing).
KB5017811_FIRST_UBR: dict[int, int] = {17763: 3469, 19042: 2075, 19043: 2075, 19044: 2075, 19045: 2075}
WINDOWS11_MIN_BUILD = 22000


@dataclass(frozen=True)
class ClientDefaults:
    """The protocols WinHTTP (and WinINet) offer when DefaultSecureProtocols/SecureProtocols is absent."""

    protocols: tuple[str, ...]
    basis: str
    assumed: bool = False  # decided without the UBR that would settle it


@dataclass(frozen=True)
class WindowsBuild:
    """An OS build as the core needs it. ``server`` is None when the edition is unknown; ``hotfixes`` says what the
    host reported about the updates in HOTFIXES (nothing known by default, as for an export)."""

    build: int
    ubr: int | None = None
    server: bool | None = None
    x64: bool = True
    hotfixes: Hotfixes = field(default_factory=Hotfixes)

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

    @property
    def tls11_12_update(self) -> str | None:
        """KB4019276 on Server 2008 SP2 (6002/6003), the update TLS 1.1/1.2 need there; None elsewhere."""
        return KB4019276 if 6002 <= self.build < 7600 and self.server is not False else None

    def default_state(self, protocol_key: str, side: str) -> str:
        """The published default for a protocol side on this build (enabled/disabled/not_supported)."""
        client, server = self.defaults.states[protocol_key]
        state = client if side == "client" else server
        update = self.tls11_12_update
        if update and protocol_key in ("tls1_1", "tls1_2") and self.hotfixes.state(update) == INSTALLED:
            return DISABLED
        return state

    def supports(self, protocol_key: str) -> bool:
        return NOT_SUPPORTED not in (self.default_state(protocol_key, "client"),
                                     self.default_state(protocol_key, "server"))

    def winhttp_registry_honoured(self) -> str:
        """Whether WinHTTP reads DefaultSecureProtocols: ``installed`` (yes), ``missing`` or ``unknown``."""
        if self.build < 7600 or self.build >= 9600:
            return INSTALLED  # 8.1 and later read it; before Windows 7 no Microsoft page names a prerequisite
        if self.build == 7600:
            return MISSING  # KB3140245 needs Service Pack 1
        return self.hotfixes.state(KB3140245)

    def client_defaults(self) -> ClientDefaults:
        """What WinHTTP offers without DefaultSecureProtocols (WinINet is taken to follow the same line, as
        KB5017811 changed both)."""
        if self.build >= WINDOWS11_MIN_BUILD:
            return ClientDefaults(("tls1_2", "tls1_3"), "Windows 11: TLS 1.2 and 1.3 (WinHTTP option flags)")
        first = KB5017811_FIRST_UBR.get(self.build)
        if first is not None and (self.ubr is None or self.ubr >= first):
            return ClientDefaults(("ssl3_0", "tls1_2"), "TLS 1.0/1.1 off by default since the 2022-09-20 update "
                                  f"(KB5017811, UBR {first})", assumed=self.ubr is None)
        if self.build >= 9600:
            return ClientDefaults(("ssl3_0", "tls1_0", "tls1_1", "tls1_2"),
                                  "SSL 3.0 and TLS 1.0-1.2 (WinHTTP option flags)")
        return ClientDefaults(("ssl3_0", "tls1_0"), "SSL 3.0 and TLS 1.0 only (WinHTTP option flags)")

    def to_json(self) -> dict:
        data: dict[str, object] = {
            "build": self.build, "ubr": self.ubr, "version": self.version, "product": self.product,
            "server": self.server, "supports_tls13": self.supports_tls13, "defaults_row": self.defaults.title,
            "defaults_note": self.defaults.note}
        if self.hotfixes.queried or self.hotfixes.error:
            data["hotfixes"] = {kb: self.hotfixes.state(kb) for kb in HOTFIXES}
        return data


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


def _alias(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower().replace("windows", "").replace("win", "").replace("server", ""))


# '2019' -> 17763, '2012r2' -> 9600, '1124h2' -> 26100: what people type for os_build instead of a build number.
_PRODUCT_ALIASES: dict[str, tuple[int, str]] = {}
for _build, _names in sorted(PRODUCTS.items()):
    for _name in _names:
        if _name:
            _PRODUCT_ALIASES.setdefault(_alias(_name), (_build, _name))

_VERSION = re.compile(r"^\s*(?:([0-9]{1,2})\.([0-9]{1,2})\.)?([0-9]+)(?:\.([0-9]+))?\s*$", re.ASCII)


def _out_of_range(option: str, digits: str) -> ValidationError:
    shown = digits if len(digits) <= 12 or not digits.isdigit() else f"number of {len(digits)} digits"
    return ValidationError([Problem(option, f"build {shown} is outside the Windows builds modelled ({MIN_BUILD}, "
                                            f"Windows Vista, to {MAX_BUILD})")])


def parse_build(value: object, option: str = "os_build", server: bool | None = None) -> WindowsBuild:
    """Accept 17763, '17763', '10.0.17763' or '10.0.17763.5830' (build.UBR); say what a product name means."""
    if isinstance(value, WindowsBuild):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError([Problem(option, f"expected a Windows build number such as 17763, got "
                                               f"{type(value).__name__}")])
    if isinstance(value, int):
        if not MIN_BUILD <= value <= MAX_BUILD:
            if 0 <= value < MIN_BUILD:
                raise _suggesting(option, value)
            # str() of a huge int raises (Python's 4,300-digit limit), so only small ones are quoted
            raise _out_of_range(option, str(value) if value.bit_length() < 64 else "number beyond 2**64")
        return WindowsBuild(build=value, server=server)
    text = value[:64]
    shown = text if len(value) <= 64 else f"{text}... ({len(value)} characters)"
    match = _VERSION.match(value) if len(value) <= 40 else None
    if not match:
        hint = _PRODUCT_ALIASES.get(_alias(text))
        extra = f"; did you mean {hint[0]} ({hint[1]})?" if hint else " (examples: 17763, 10.0.20348, 10.0.17763.5830)"
        raise ValidationError([Problem(option, f"'{shown}' is not a Windows build{extra}")])
    digits = match.group(3)
    if len(digits) > 5 or int(digits) > MAX_BUILD:
        raise _out_of_range(option, digits)
    build = int(digits)
    if build < MIN_BUILD:
        raise _suggesting(option, build)
    ubr_text = match.group(4)
    if ubr_text is not None and (len(ubr_text) > 10 or int(ubr_text) > MAX_UBR):
        raise ValidationError([Problem(option, f"UBR {ubr_text} is not a revision number (0 to {MAX_UBR})")])
    return WindowsBuild(build=build, ubr=int(ubr_text) if ubr_text is not None else None, server=server)


def _suggesting(option: str, build: int) -> ValidationError:
    hint = _PRODUCT_ALIASES.get(str(build))
    extra = f"; did you mean {hint[0]} ({hint[1]})?" if hint else ""
    return ValidationError([Problem(option, f"build {build} is older than Windows Vista ({MIN_BUILD}); SCHANNEL "
                                            f"settings for it are not modelled{extra}")])


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
