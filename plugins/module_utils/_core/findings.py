# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit findings: what is risky or inconsistent in a set of registry values, and where it drifts from a policy.

``complete=True`` means the values are a full read of a host (absent values really are absent); a ``.reg``
export is partial, so only what it contains is judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .builds import WindowsBuild
from .desired import Compiled
from .effective import SideState, evaluate
from .locations import (
    CIPHERS,
    CIPHERS_KEY,
    DOTNET_KEYS,
    DOTNET_VALUES,
    FIPS_KEY,
    SUITE_POLICY_KEY,
    SUITE_VALUE,
    WINHTTP_KEYS,
    WINHTTP_VALUE,
    WININET_MACHINE_KEY,
    WININET_POLICY_KEY,
    WININET_VALUE,
    enabled_refs,
    wow_filter,
)
from .protocols import BY_KEY, LEGACY_TLS_KEYS, SIDES, TLS_KEYS, protocols_from_mask
from .registry import RegRef, RegValue, dword_at
from .suites import SUITES, effective_suites

SEVERITIES = ("high", "medium", "low", "info")
WEAK_CIPHER_GROUPS = ("null", "des", "rc2", "rc4", "triple_des")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    protocol: str | None = None
    side: str | None = None
    path: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _protocol_findings(states: Mapping[str, Mapping[str, SideState]], build: WindowsBuild) -> list[Finding]:
    out = []
    for key in TLS_KEYS:
        label = BY_KEY[key].label
        for side in SIDES:
            st = states[key][side]
            where = f"{label}\\{side.capitalize()}"
            if key in LEGACY_TLS_KEYS and st.on:
                severity = "high" if key.startswith("ssl") else "medium"
                origin = "by the OS default" if st.source == "os_default" else "in the registry"
                out.append(Finding("legacy_protocol_enabled", severity, f"{where} is enabled {origin}", key, side))
            if key in LEGACY_TLS_KEYS and st.state == "disabled_by_default":
                out.append(Finding("legacy_soft_disabled", "medium", f"{where} is only DisabledByDefault; "
                                   "applications that ask for it explicitly still get it (set Enabled=0)", key, side))
            if key == "tls1_2" and not st.on:
                out.append(Finding("tls12_not_enabled", "high", f"{where} is {st.state}", key, side))
            for note in st.notes:
                code, _colon, detail = note.partition(":")
                if code == "enabled_on_unsupported_build":
                    out.append(Finding("tls13_unsupported", "high", f"{where} has Enabled set on {build.product}, "
                                       "which does not support TLS 1.3 (unsafe per Microsoft)", key, side))
                elif code == "noncanonical_value":
                    out.append(Finding("noncanonical_value", "low", f"{where} Enabled is {st.enabled_value:#x}; "
                                       "any non-zero value enables it, the canonical value is 1", key, side))
                elif code == "wrong_type":
                    out.append(Finding("wrong_type", "medium", f"{where} {detail} is not a REG_DWORD; Schannel "
                                       "ignores it, so the OS default applies", key, side))
                elif code == "disabled_by_default_also_set":
                    out.append(Finding("mixed_signals", "low", f"{where} has Enabled={st.enabled_value} and "
                                       "DisabledByDefault=1; current Windows treats it as enabled", key, side))
        client, server = states[key]["client"], states[key]["server"]
        if "not_supported" not in (client.state, server.state) and client.on != server.on:
            out.append(Finding("client_server_mismatch", "low", f"{label} is {client.state} for clients but "
                               f"{server.state} for servers", key))
    return out


def _other_findings(values: Mapping[RegRef, RegValue], build: WindowsBuild, complete: bool) -> list[Finding]:
    out = []
    states = evaluate(values, build)
    suites = effective_suites(values, build)
    policy_order = values.get(RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE))
    if policy_order is not None and policy_order.type != "REG_SZ":
        out.append(Finding("suite_order_wrong_type", "high", f"the policy cipher suite order is {policy_order.type}; "
                           "Windows only reads a REG_SZ there, so the order has no effect", path=SUITE_POLICY_KEY))
    elif policy_order is not None and len(str(policy_order.data)) > 1023:
        out.append(Finding("suite_order_too_long", "medium", f"the policy cipher suite order has "
                           f"{len(str(policy_order.data))} characters; keep it under 1,023", path=SUITE_POLICY_KEY))
    if suites.unknown:
        out.append(Finding("unknown_suite_names", "low", f"the {suites.source} order names suites Windows does not "
                           f"know: {', '.join(suites.unknown)}", path=SUITE_POLICY_KEY))
    if any(states["tls1_3"][s].on for s in SIDES) and not any(SUITES[n].tls13 for n in suites.names):
        out.append(Finding("tls13_without_suite", "high", f"TLS 1.3 is enabled but the {suites.source} suite order "
                           "has no TLS 1.3 suite; TLS 1.3 handshakes fail", "tls1_3"))
    if any(states["tls1_2"][s].on for s in SIDES) and suites.source != "os_default":
        no_fs = [n for n in suites.names if not SUITES[n].tls13 and not SUITES[n].forward_secret]
        if no_fs:
            out.append(Finding("suites_without_forward_secrecy", "low", f"{len(no_fs)} suites in the {suites.source} "
                               f"order lack forward secrecy: {', '.join(no_fs)}", path=SUITE_POLICY_KEY))
    for group in WEAK_CIPHER_GROUPS:
        for where in enabled_refs(CIPHERS_KEY, CIPHERS[group]):
            if dword_at(values, where):
                out.append(Finding("weak_cipher_enabled", "medium", f"cipher {where.key.rsplit(chr(92), 1)[-1]} is "
                                   "explicitly enabled", path=where.key))
    for key in wow_filter(DOTNET_KEYS, build.x64):
        for setting, name in DOTNET_VALUES.items():
            value = dword_at(values, RegRef("HKLM", key, name))
            if value == 1 or (value is None and not complete):
                continue
            state = "absent" if value is None else f"{value}"
            out.append(Finding(f"dotnet_{setting}", "medium", f"{name} is {state} under {key}; .NET apps may "
                               "use old protocol defaults", path=key))
    for key in wow_filter(WINHTTP_KEYS, build.x64):
        out.extend(_mask_findings(values, RegRef("HKLM", key, WINHTTP_VALUE), "winhttp", build, complete))
    for key in (WININET_POLICY_KEY, WININET_MACHINE_KEY):
        out.extend(_mask_findings(values, RegRef("HKLM", key, WININET_VALUE), "wininet", build, False))
    if dword_at(values, RegRef("HKLM", FIPS_KEY, "Enabled")):
        out.append(Finding("fips_policy_enabled", "info", "the FIPS algorithm policy is on; it limits suites and "
                           "interacts with protocol choice", path=FIPS_KEY))
    return out


def _mask_findings(values: Mapping[RegRef, RegValue], where: RegRef, kind: str, build: WindowsBuild,
                   complete: bool) -> list[Finding]:
    mask = dword_at(values, where)
    if mask is None:
        if complete and kind == "winhttp" and build.build < 9600:
            return [Finding("winhttp_default_legacy", "medium", f"{where.name} is absent under {where.key}; on "
                            f"{build.product} WinHTTP then offers only SSL 3.0 and TLS 1.0", path=where.key)]
        return []
    protocols = protocols_from_mask(mask)[0]
    legacy = [k for k in protocols if k in LEGACY_TLS_KEYS]
    if legacy:
        return [Finding(f"{kind}_legacy", "low", f"{where.name}={mask:#x} under {where.key} includes "
                        f"{', '.join(BY_KEY[k].label for k in legacy)}", path=where.key)]
    if "tls1_2" not in protocols:
        return [Finding(f"{kind}_no_tls12", "medium", f"{where.name}={mask:#x} under {where.key} does not include "
                        "TLS 1.2", path=where.key)]
    return []


def drift_findings(compiled: Compiled, values: Mapping[RegRef, RegValue], profile: str) -> list[Finding]:
    out = []
    for want in compiled.desired:
        have = values.get(want.ref)
        if have == want.value:
            continue
        now = have.display() if have else "absent"
        wanted = want.value.display() if want.value else "absent"
        out.append(Finding("drift", "medium", f"{want.ref.key}\\{want.ref.name} is {now}; {profile} wants {wanted}",
                           path=want.ref.key))
    return out


def audit(values: Mapping[RegRef, RegValue], build: WindowsBuild, complete: bool = True,
          compiled: Compiled | None = None, profile: str = "the policy") -> list[Finding]:
    states = evaluate(values, build)
    found = _protocol_findings(states, build) + _other_findings(values, build, complete)
    if compiled is not None:
        found += drift_findings(compiled, values, profile)
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))
