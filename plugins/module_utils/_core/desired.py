# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile a policy for one OS build into the registry values it wants (set) or wants gone (delete).

Canonical writes (DESIGN.md): protocols get ``Enabled`` 1/0 and ``DisabledByDefault`` 0/1 explicitly; the
cipher, hash and key-exchange ``Enabled`` values use 0xFFFFFFFF/0 as KB245030 documents them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .builds import WindowsBuild
from .errors import Problem, ValidationError
from .locations import (
    CIPHERS,
    CIPHERS_KEY,
    DH_KEY,
    DH_VALUES,
    DOTNET_KEYS,
    DOTNET_VALUES,
    HASHES,
    HASHES_KEY,
    KEY_EXCHANGE_KEY,
    KEY_EXCHANGES,
    SCHANNEL,
    SUITE_POLICY_KEY,
    SUITE_VALUE,
    WINHTTP_KEYS,
    WINHTTP_VALUE,
    WININET_POLICY_KEY,
    WININET_VALUE,
    enabled_refs,
    protocol_ref,
    wow_filter,
)
from .policy import DISABLED, ENABLED, OS_DEFAULT, UNMANAGED, Policy
from .protocols import PROTOCOLS, SIDES, mask_from_protocols
from .registry import RegRef, RegValue, dword, sz
from .suites import suites_for_build

KB245030_ENABLED = 0xFFFFFFFF
SUITE_ORDER_MAX_CHARS = 1023  # the GPO editor's limit for the Functions string (manage-tls.md)


@dataclass(frozen=True)
class Desired:
    """One registry value the policy wants; ``value`` None means the value must be absent."""

    ref: RegRef
    value: RegValue | None
    category: str
    reg_type: str = "REG_DWORD"  # the type the value has when set (what a deletion in a GPO names)


@dataclass(frozen=True)
class Compiled:
    """The policy for one build: the wanted values and what had to be adapted to the build."""

    desired: tuple[Desired, ...]
    warnings: tuple[str, ...] = ()

    def refs(self) -> set[RegRef]:
        return {d.ref for d in self.desired}


def _state_values(state: str, on: RegValue, off: RegValue) -> RegValue | None:
    return on if state == ENABLED else off if state == DISABLED else None


def compile_policy(policy: Policy, build: WindowsBuild) -> Compiled:
    out: list[Desired] = []
    warnings: list[str] = []

    def want(where: RegRef, value: RegValue | None, category: str, reg_type: str = "REG_DWORD") -> None:
        out.append(Desired(where, value, category, reg_type))

    for proto in PROTOCOLS:
        for side in SIDES:
            state = policy.protocols[proto.key][side]
            if state == UNMANAGED:
                continue
            enabled = _state_values(state, dword(1), dword(0))
            disabled_by_default = _state_values(state, dword(0), dword(1))
            want(protocol_ref(proto.key, side, "Enabled"), enabled, "protocols")
            want(protocol_ref(proto.key, side, "DisabledByDefault"), disabled_by_default, "protocols")

    for setting, value_name in DOTNET_VALUES.items():
        state = policy.dotnet[setting]
        if state != UNMANAGED:
            for key in wow_filter(DOTNET_KEYS, build.x64):
                want(RegRef("HKLM", key, value_name), _state_values(state, dword(1), dword(0)), "dotnet")

    if policy.winhttp != UNMANAGED:
        mask = None if policy.winhttp == OS_DEFAULT else dword(mask_from_protocols(policy.winhttp))
        for key in wow_filter(WINHTTP_KEYS, build.x64):
            want(RegRef("HKLM", key, WINHTTP_VALUE), mask, "winhttp")
    if policy.wininet != UNMANAGED:
        mask = None if policy.wininet == OS_DEFAULT else dword(mask_from_protocols(policy.wininet))
        want(RegRef("HKLM", WININET_POLICY_KEY, WININET_VALUE), mask, "wininet")

    on, off = dword(KB245030_ENABLED), dword(0)
    for groups, states, base, category in ((CIPHERS, policy.ciphers, CIPHERS_KEY, "ciphers"),
                                           (HASHES, policy.hashes, HASHES_KEY, "hashes"),
                                           (KEY_EXCHANGES, policy.key_exchange, KEY_EXCHANGE_KEY, "key_exchange")):
        for group, names in groups.items():
            if states[group] != UNMANAGED:
                for where in enabled_refs(base, names):
                    want(where, _state_values(states[group], on, off), category)
    for setting, value_name in DH_VALUES.items():
        bits = policy.dh_min_bits[setting]
        if bits != UNMANAGED:
            want(RegRef("HKLM", DH_KEY, value_name), None if bits == OS_DEFAULT else dword(int(bits)), "key_exchange")

    if policy.cipher_suites != UNMANAGED:
        value = None
        if isinstance(policy.cipher_suites, tuple):
            kept, dropped = suites_for_build(policy.cipher_suites, build)
            if dropped:
                warnings.append(f"cipher_suites: {build.product} does not support {', '.join(dropped)}; "
                                "left out of the order")
            order = ",".join(kept)
            if len(order) > SUITE_ORDER_MAX_CHARS:
                raise ValidationError([Problem("cipher_suites", f"the order for {build.product} is {len(order)} "
                                               f"characters; Windows reads at most {SUITE_ORDER_MAX_CHARS} "
                                               "(list fewer suites)")])
            value = sz(order) if kept else None
            if not kept:
                warnings.append(f"cipher_suites: none of the listed suites exists on {build.product}; "
                                "the policy order is removed so the OS default applies")
        want(RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE), value, "cipher_suites", "REG_SZ")

    if policy.event_logging != UNMANAGED:
        value = None if policy.event_logging == OS_DEFAULT else dword(int(policy.event_logging))
        want(RegRef("HKLM", SCHANNEL, "EventLogging"), value, "event_logging")
    return Compiled(tuple(out), tuple(warnings))
