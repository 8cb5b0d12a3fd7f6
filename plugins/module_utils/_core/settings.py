# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything besides the protocols, decoded once from a set of registry values: ciphers, hashes, key exchange,
key sizes, ECC curves, event logging, FIPS, .NET, WinHTTP and WinINet. Only lookups of known values, so decoding
costs the same for a 10-line export as for a full host read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .builds import INSTALLED, WindowsBuild
from .locations import (
    CIPHERS,
    CIPHERS_KEY,
    CURVES_VALUE,
    DH_KEY,
    DH_VALUES,
    DOTNET_KEYS,
    DOTNET_VALUES,
    ECC_CURVES,
    ECC_CURVES_DEFAULT,
    ECC_CURVES_MIN_BUILD,
    FIPS_KEY,
    HASHES,
    HASHES_KEY,
    KEY_EXCHANGE_KEY,
    KEY_EXCHANGES,
    PKCS_CLIENT_MIN_BITS,
    PKCS_KEY,
    SCHANNEL,
    SUITE_LOCAL_KEY,
    SUITE_POLICY_KEY,
    WINHTTP_KEYS,
    WINHTTP_VALUE,
    WININET_MACHINE_KEY,
    WININET_POLICY_KEY,
    WININET_USER_KEY,
    WININET_VALUE,
    wow_filter,
)
from .protocols import protocols_from_mask
from .registry import RegRef, RegValue

DH_SERVER_DEFAULT_BITS = 2048  # "If not configured, 2048 bits will be the default" (TLS registry settings)
CLIENT_MIN_DEFAULT_BITS = 1024  # DH and RSA client minimum when not configured (same page)
KEY_SIZES_MIN_BUILD = 10240  # "Added in Windows 10, version 1507 and Windows Server 2016" (same page)
_CURVES_UPPER = {c.upper(): c for c in ECC_CURVES}


@dataclass(frozen=True)
class Dword:
    """One DWORD setting as Windows reads it: ``value`` None when absent or of another type (kept in ``wrong``)."""

    ref: RegRef
    value: int | None
    wrong: RegValue | None = None

    def to_json(self) -> dict:
        out: dict = {"value": self.value}
        if self.wrong is not None:
            out["wrong_type"] = self.wrong.display()
        return out


def _dword(values: Mapping[RegRef, RegValue], where: RegRef) -> Dword:
    found = values.get(where)
    if found is None:
        return Dword(where, None)
    if found.type != "REG_DWORD":
        return Dword(where, None, found)
    return Dword(where, found.as_int())


@dataclass(frozen=True)
class Switch:
    """A SCHANNEL\\Ciphers|Hashes|KeyExchangeAlgorithms\\<name> ``Enabled`` value (KB245030: absent = enabled)."""

    name: str
    setting: Dword

    @property
    def state(self) -> str:
        value = self.setting.value
        return "os_default" if value is None else "enabled" if value else "disabled"


@dataclass(frozen=True)
class ProtocolMask:
    """A WinHTTP ``DefaultSecureProtocols`` or WinINet ``SecureProtocols`` value, decoded."""

    setting: Dword

    @property
    def protocols(self) -> tuple[str, ...] | None:
        return None if self.setting.value is None else protocols_from_mask(self.setting.value)[0]

    def to_json(self) -> dict | None:
        if self.setting.value is None and self.setting.wrong is None:
            return None
        out = self.setting.to_json()
        if self.setting.value is not None:
            keys, unknown = protocols_from_mask(self.setting.value)
            out.update(protocols=list(keys), unknown_bits=unknown)
        return out


@dataclass(frozen=True)
class Curves:
    """The ECC curve order in effect: ``policy`` or ``local`` EccCurves, the OS default, or ``by_suite`` before
    Windows 10 (the curve is part of the suite name there)."""

    source: str
    order: tuple[str, ...]
    unknown: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"source": self.source, "order": list(self.order), "unknown": list(self.unknown)}


@dataclass(frozen=True)
class Settings:
    ciphers: tuple[Switch, ...]
    hashes: tuple[Switch, ...]
    key_exchange: tuple[Switch, ...]
    dh_server_min_bits: Dword
    dh_client_min_bits: Dword
    pkcs_client_min_bits: Dword
    curves: Curves
    event_logging: Dword
    fips: Dword
    dotnet: dict[str, dict[str, Dword]]
    winhttp: dict[str, ProtocolMask]
    wininet: dict[str, ProtocolMask]  # 'policy', 'user' (HKCU, exports only), 'machine'
    winhttp_honoured: str  # installed (DefaultSecureProtocols is read), missing or unknown (KB3140245)

    @cached_property
    def _switches(self) -> dict[tuple[str, str], Switch]:
        groups = {"ciphers": self.ciphers, "hashes": self.hashes, "key_exchange": self.key_exchange}
        return {(group, item.name): item for group, items in groups.items() for item in items}

    def switch(self, group: str, name: str) -> Switch:
        return self._switches[(group, name)]

    def dwords(self) -> tuple[Dword, ...]:
        """Every DWORD setting decoded here (for the wrong-type audit)."""
        out = [s.setting for s in self.ciphers + self.hashes + self.key_exchange]
        out += [self.dh_server_min_bits, self.dh_client_min_bits, self.pkcs_client_min_bits, self.event_logging,
                self.fips]
        out += [d for per_key in self.dotnet.values() for d in per_key.values()]
        out += [m.setting for m in (*self.winhttp.values(), *self.wininet.values())]
        return tuple(out)

    def effective_dh_server_bits(self, build: WindowsBuild) -> int | None:
        """The DHE group size a server offers; None before 1507, where the default is not documented."""
        if self.dh_server_min_bits.value is not None:
            return self.dh_server_min_bits.value
        return DH_SERVER_DEFAULT_BITS if build.build >= KEY_SIZES_MIN_BUILD else None

    def wininet_in_force(self) -> ProtocolMask | None:
        """Policy first, then the per-user preference, then the machine one (HKCU over HKLM is how Internet
        Settings preferences usually resolve; no Microsoft page confirms it for SecureProtocols)."""
        for place in ("policy", "user", "machine"):
            if self.wininet[place].setting.value is not None:
                return self.wininet[place]
        return None

    def to_json(self, build: WindowsBuild) -> dict:
        def switches(items: tuple[Switch, ...]) -> dict:
            return {s.name: s.state for s in items}
        logging = self.event_logging.value
        return {
            "dotnet": {key: {name: d.value for name, d in per_key.items()} for key, per_key in self.dotnet.items()},
            "winhttp": {key: mask.to_json() for key, mask in self.winhttp.items()},
            "winhttp_reads_default_secure_protocols": self.winhttp_honoured,
            "wininet": {place: mask.to_json() for place, mask in self.wininet.items()},
            "ciphers": switches(self.ciphers),
            "hashes": switches(self.hashes),
            "key_exchange": switches(self.key_exchange),
            "dh_min_bits": {"dh_server_min_bits": self.dh_server_min_bits.value,
                            "dh_client_min_bits": self.dh_client_min_bits.value,
                            "dh_server_effective": self.effective_dh_server_bits(build)},
            "pkcs_client_min_bits": self.pkcs_client_min_bits.value,
            "ecc_curves": self.curves.to_json(),
            "event_logging": {"value": logging, "effective": 1 if logging is None else logging,
                              "logs_successful_handshakes": bool((1 if logging is None else logging) & 4)},
            "fips_policy": bool(self.fips.value),
        }


def _switch_refs(base: str, groups: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, RegRef], ...]:
    return tuple((name, RegRef("HKLM", rf"{base}\{name}", "Enabled")) for names in groups.values() for name in names)


# Built once: decoding is a lookup per known value, and building the references each time would cost more.
_CIPHER_REFS = _switch_refs(CIPHERS_KEY, CIPHERS)
_HASH_REFS = _switch_refs(HASHES_KEY, HASHES)
_KEX_REFS = _switch_refs(KEY_EXCHANGE_KEY, KEY_EXCHANGES)
_DH_SERVER = RegRef("HKLM", DH_KEY, DH_VALUES["dh_server_min_bits"])
_DH_CLIENT = RegRef("HKLM", DH_KEY, DH_VALUES["dh_client_min_bits"])
_PKCS_CLIENT = RegRef("HKLM", PKCS_KEY, PKCS_CLIENT_MIN_BITS)
_EVENT_LOGGING = RegRef("HKLM", SCHANNEL, "EventLogging")
_FIPS = RegRef("HKLM", FIPS_KEY, "Enabled")
_CURVES = (("policy", RegRef("HKLM", SUITE_POLICY_KEY, CURVES_VALUE)),
           ("local", RegRef("HKLM", SUITE_LOCAL_KEY, CURVES_VALUE)))
_WININET = (("policy", RegRef("HKLM", WININET_POLICY_KEY, WININET_VALUE)),
            ("user", RegRef("HKCU", WININET_USER_KEY, WININET_VALUE)),
            ("machine", RegRef("HKLM", WININET_MACHINE_KEY, WININET_VALUE)))


@lru_cache(maxsize=2)
def _client_refs(x64: bool) -> tuple[dict[str, tuple[RegRef, ...]], dict[str, RegRef]]:
    dotnet = {key: tuple(RegRef("HKLM", key, name) for name in DOTNET_VALUES.values())
              for key in wow_filter(DOTNET_KEYS, x64)}
    return dotnet, {key: RegRef("HKLM", key, WINHTTP_VALUE) for key in wow_filter(WINHTTP_KEYS, x64)}


def _switches(values: Mapping[RegRef, RegValue], refs: tuple[tuple[str, RegRef], ...]) -> tuple[Switch, ...]:
    return tuple(Switch(name, _dword(values, where)) for name, where in refs)


def _curves(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> Curves:
    for source, where in _CURVES:
        found = values.get(where)
        if found is not None and found.type == "REG_MULTI_SZ":
            names = [n.strip() for n in found.as_strings() if n.strip()]
            return Curves(source, tuple(_CURVES_UPPER[n.upper()] for n in names if n.upper() in _CURVES_UPPER),
                          tuple(n for n in names if n.upper() not in _CURVES_UPPER))
    if build.build < ECC_CURVES_MIN_BUILD:
        return Curves("by_suite", ())
    return Curves("os_default", ECC_CURVES_DEFAULT)


def decode(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> Settings:
    dotnet, winhttp = _client_refs(build.x64)
    return Settings(
        ciphers=_switches(values, _CIPHER_REFS),
        hashes=_switches(values, _HASH_REFS),
        key_exchange=_switches(values, _KEX_REFS),
        dh_server_min_bits=_dword(values, _DH_SERVER),
        dh_client_min_bits=_dword(values, _DH_CLIENT),
        pkcs_client_min_bits=_dword(values, _PKCS_CLIENT),
        curves=_curves(values, build),
        event_logging=_dword(values, _EVENT_LOGGING),
        fips=_dword(values, _FIPS),
        dotnet={key: {where.name: _dword(values, where) for where in refs} for key, refs in dotnet.items()},
        winhttp={key: ProtocolMask(_dword(values, where)) for key, where in winhttp.items()},
        wininet={place: ProtocolMask(_dword(values, where)) for place, where in _WININET},
        winhttp_honoured=build.winhttp_registry_honoured(),
    )


def honoured(settings: Settings) -> bool:
    """Whether WinHTTP reads DefaultSecureProtocols; an unknown update state counts as not (never assume)."""
    return settings.winhttp_honoured == INSTALLED
