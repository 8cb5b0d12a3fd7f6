# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One view of a host (or an export): built once per set of values, read by findings, guards, compliance and the
result shape. ``behaviour()`` is what the host does with those values, the yardstick for compliance by effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .builds import WindowsBuild
from .effective import SideState, evaluate
from .locations import category
from .protocols import SIDES, TLS_KEYS
from .registry import RegRef, RegValue
from .settings import Settings, decode, honoured
from .suites import SUITES, EffectiveSuites, Suite, effective_suites

_HASH_KEYS = {"md5": "MD5", "sha1": "SHA"}
_KEX_KEYS = {"DHE": "Diffie-Hellman", "ECDHE": "ECDH"}


@dataclass(frozen=True)
class HostView:
    """``complete``: a full host read (absent values really are absent); an export is partial and is judged only
    on what it contains (``categories``: the kinds of setting its values belong to)."""

    values: Mapping[RegRef, RegValue]
    build: WindowsBuild
    complete: bool
    protocols: dict[str, dict[str, SideState]]
    suites: EffectiveSuites
    usable_suites: tuple[str, ...]
    settings: Settings
    categories: frozenset[str] = frozenset()

    def on(self, side: str) -> tuple[str, ...]:
        """The SSL/TLS protocols (not DTLS) a default handshake on ``side`` can use."""
        return tuple(k for k in TLS_KEYS if self.protocols[k][side].on)

    def any_on(self, protocol_key: str) -> bool:
        return any(self.protocols[protocol_key][side].on for side in SIDES)

    def winhttp_protocols(self, key: str) -> tuple[str, ...]:
        """What WinHTTP callers under ``key`` can negotiate: the registry list when WinHTTP reads it (an unknown
        KB3140245 state counts as not read), else the build's default, and only what Schannel allows clients."""
        listed = self.settings.winhttp[key].protocols
        offered = listed if listed is not None and honoured(self.settings) else self.build.client_defaults().protocols
        allowed = self.on("client")
        return tuple(k for k in offered if k in allowed)

    def wininet_protocols(self) -> tuple[str, ...]:
        mask = self.settings.wininet_in_force()
        offered = mask.protocols if mask is not None and mask.protocols is not None \
            else self.build.client_defaults().protocols
        allowed = self.on("client")
        return tuple(k for k in offered if k in allowed)

    def has(self, kind: str) -> bool:
        """Whether the values speak about a kind of setting (always true for a full host read)."""
        return self.complete or kind in self.categories


def _usable(suite: Suite, settings: Settings) -> bool:
    """A suite in the order is usable unless its cipher, MAC hash or key exchange is switched off (KB245030)."""
    cipher = suite.cipher_key
    if cipher is not None and settings.switch("ciphers", cipher).state == "disabled":
        return False
    if suite.mac is not None and settings.switch("hashes", _HASH_KEYS[suite.mac]).state == "disabled":
        return False
    if suite.rsa and settings.switch("key_exchange", "PKCS").state == "disabled":
        return False
    kex = _KEX_KEYS.get(suite.key_exchange)
    return suite.tls13 or kex is None or settings.switch("key_exchange", kex).state != "disabled"


def view_of(values: Mapping[RegRef, RegValue], build: WindowsBuild, complete: bool = True) -> HostView:
    settings = decode(values, build)
    suites = effective_suites(values, build)
    usable = tuple(n for n in suites.names if _usable(SUITES[n], settings))
    categories = frozenset() if complete else _categories(values)
    return HostView(values, build, complete, evaluate(values, build), suites, usable, settings, categories)


def _categories(values: Mapping[RegRef, RegValue]) -> frozenset[str]:
    """The kinds of setting present, one lookup per distinct key (an export has far fewer keys than values)."""
    keys = {where.key_norm: where for where in values}
    return frozenset(category(where) for where in keys.values())


def behaviour(view: HostView) -> dict[str, object]:
    """What the host does with its values, per kind of setting; two value sets with the same behaviour are the
    same to every TLS client and server (the value spelling, e.g. Enabled=0xffffffff versus 1, does not count)."""
    settings = view.settings

    def effect(state: SideState) -> str:
        if "enabled_on_unsupported_build" in state.notes:
            return "unsafe"
        return "on" if state.on else "soft_off" if state.state == "disabled_by_default" else "off"

    return {
        "protocols": {k: tuple(effect(view.protocols[k][side]) for side in SIDES) for k in view.protocols},
        "cipher_suites": view.usable_suites,
        "ecc_curves": settings.curves.order,
        "key_sizes": (settings.effective_dh_server_bits(view.build), settings.dh_client_min_bits.value,
                      settings.pkcs_client_min_bits.value),
        "dotnet": {key: tuple(d.value == 1 for d in per_key.values()) for key, per_key in settings.dotnet.items()},
        "winhttp": {key: view.winhttp_protocols(key) for key in settings.winhttp},
        "wininet": view.wininet_protocols(),
        "event_logging": 1 if settings.event_logging.value is None else settings.event_logging.value,
        "fips": bool(settings.fips.value),
    }
