# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit result modules return: OS facts, effective protocol states, suite order, findings, other settings."""

from __future__ import annotations

from collections.abc import Mapping

from .builds import WindowsBuild
from .desired import Compiled
from .effective import evaluate, summary
from .findings import audit
from .locations import (
    CIPHERS,
    CIPHERS_KEY,
    DH_KEY,
    DH_VALUES,
    DOTNET_KEYS,
    DOTNET_VALUES,
    FIPS_KEY,
    HASHES,
    HASHES_KEY,
    KEY_EXCHANGE_KEY,
    KEY_EXCHANGES,
    SCHANNEL,
    WINHTTP_KEYS,
    WINHTTP_VALUE,
    WININET_MACHINE_KEY,
    WININET_POLICY_KEY,
    WININET_VALUE,
    enabled_refs,
    wow_filter,
)
from .protocols import protocols_from_mask
from .registry import RegRef, RegValue, dword_at
from .suites import SUITES, effective_suites


def state_report(values: Mapping[RegRef, RegValue], build: WindowsBuild, complete: bool,
                 compiled: Compiled | None = None, profile: str | None = None) -> dict:
    states = evaluate(values, build)
    suites = effective_suites(values, build)
    findings = audit(values, build, complete, compiled, profile or "the policy")
    report: dict[str, object] = {
        "os": build.to_json(),
        "effective": summary(states),
        "effective_details": {key: {side: st.to_json() for side, st in sides.items()} for key, sides in states.items()},
        "cipher_suites": {
            "source": suites.source,
            "order": list(suites.names),
            "unknown": list(suites.unknown),
            "without_forward_secrecy": [n for n in suites.names if not SUITES[n].tls13
                                        and not SUITES[n].forward_secret],
        },
        "findings": [f.to_json() for f in findings],
    }
    if compiled is not None:
        report["compliant"] = not any(f.code == "drift" for f in findings)
    return report


def _mask(values: Mapping[RegRef, RegValue], where: RegRef) -> dict | None:
    mask = dword_at(values, where)
    if mask is None:
        return None
    keys, unknown = protocols_from_mask(mask)
    return {"value": mask, "protocols": list(keys), "unknown_bits": unknown}


def _enabled_states(values: Mapping[RegRef, RegValue], base: str, groups: Mapping[str, tuple[str, ...]]) -> dict:
    out = {}
    for names in groups.values():
        for name, where in zip(names, enabled_refs(base, names), strict=True):
            flag = dword_at(values, where)
            out[name] = "os_default" if flag is None else "enabled" if flag else "disabled"
    return out


def settings_report(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> dict:
    """Everything besides the protocols, decoded: .NET, WinHTTP, WinINet, ciphers, hashes, key exchange, logging."""
    logging = dword_at(values, RegRef("HKLM", SCHANNEL, "EventLogging"))
    return {
        "dotnet": {key: {name: dword_at(values, RegRef("HKLM", key, name)) for name in DOTNET_VALUES.values()}
                   for key in wow_filter(DOTNET_KEYS, build.x64)},
        "winhttp": {key: _mask(values, RegRef("HKLM", key, WINHTTP_VALUE))
                    for key in wow_filter(WINHTTP_KEYS, build.x64)},
        "wininet": {"policy": _mask(values, RegRef("HKLM", WININET_POLICY_KEY, WININET_VALUE)),
                    "machine": _mask(values, RegRef("HKLM", WININET_MACHINE_KEY, WININET_VALUE))},
        "ciphers": _enabled_states(values, CIPHERS_KEY, CIPHERS),
        "hashes": _enabled_states(values, HASHES_KEY, HASHES),
        "key_exchange": _enabled_states(values, KEY_EXCHANGE_KEY, KEY_EXCHANGES),
        "dh_min_bits": {name: dword_at(values, RegRef("HKLM", DH_KEY, value)) for name, value in DH_VALUES.items()},
        "event_logging": {"value": logging, "effective": 1 if logging is None else logging,
                          "logs_successful_handshakes": bool((1 if logging is None else logging) & 4)},
        "fips_policy": bool(dword_at(values, RegRef("HKLM", FIPS_KEY, "Enabled"))),
    }
