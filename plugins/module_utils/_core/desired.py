# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile a policy for one OS build into the registry values it wants (set) or wants gone (delete).

Canonical writes: protocols get ``Enabled`` 1/0 and ``DisabledByDefault`` 0/1 explicitly (Microsoft's TLS registry
settings page); the cipher, hash and key-exchange ``Enabled`` values use 0xFFFFFFFF/0 as KB245030 documents them.

An additive (stage 1) WinHTTP/WinINet list is compiled against the host's current value: the protocols the value
already has that the list allows, plus TLS 1.2, so stage 1 never adds a protocol to a value that is narrower.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .builds import WindowsBuild
from .errors import Problem, ValidationError
from .locations import (
    CIPHERS,
    CIPHERS_KEY,
    CURVES_VALUE,
    DH_KEY,
    DH_VALUES,
    DOTNET_KEYS,
    DOTNET_VALUES,
    ECC_CURVES_MIN_BUILD,
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
from .protocols import PROTOCOLS, SIDES, mask_from_protocols, protocols_from_mask
from .registry import RegRef, RegValue, dword, dword_at, sz
from .suites import SUITE_ORDER_MAX_CHARS, suites_for_build

KB245030_ENABLED = 0xFFFFFFFF
FLOOR = "tls1_2"  # what an additive client list always ends up with


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
    policy: Policy | None = field(default=None, compare=False)
    build: WindowsBuild | None = field(default=None, compare=False)

    def against(self, values: Mapping[RegRef, RegValue]) -> Compiled:
        """The same policy compiled for ``values``: only an additive (stage 1) policy depends on them, so a caller
        that compiled without the values still gets the right wanted values."""
        if self.policy is None or self.build is None or not self.policy.additive:
            return self
        return compile_policy(self.policy, self.build, values)

    @property
    def categories(self) -> frozenset[str]:
        """The kinds of setting the policy manages."""
        return frozenset(d.category for d in self.desired)


def _state_values(state: str, on: RegValue, off: RegValue) -> RegValue | None:
    return on if state == ENABLED else off if state == DISABLED else None


def _client_list(listed: tuple[str, ...], additive: bool, current: Mapping[RegRef, RegValue], where: RegRef) -> int:
    """The mask to write: the list, or for an additive list what the current value has of it plus TLS 1.2."""
    have = dword_at(current, where)
    if not additive or have is None:
        return mask_from_protocols(listed)
    kept = [k for k in protocols_from_mask(have)[0] if k in listed]
    return mask_from_protocols(dict.fromkeys([*kept, FLOOR]))


def compile_policy(policy: Policy, build: WindowsBuild, current: Mapping[RegRef, RegValue] | None = None) -> Compiled:
    """``current``: the values the host (or export) has now; only additive lists read it."""
    out: list[Desired] = []
    warnings: list[str] = []
    now: Mapping[RegRef, RegValue] = current if current is not None else {}

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

    winhttp_refs = [RegRef("HKLM", k, WINHTTP_VALUE) for k in wow_filter(WINHTTP_KEYS, build.x64)]
    client_lists = (("winhttp", policy.winhttp, winhttp_refs),
                    ("wininet", policy.wininet, [RegRef("HKLM", WININET_POLICY_KEY, WININET_VALUE)]))
    for section, listed, places in client_lists:
        if listed == UNMANAGED:
            continue
        for where in places:
            mask = None if not isinstance(listed, tuple) else dword(
                _client_list(listed, section in policy.additive, now, where))
            want(where, mask, section)

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
            if not kept:
                raise ValidationError([Problem("cipher_suites", f"none of the listed suites exists on "
                                               f"{build.product} ({', '.join(dropped)}); an order without them would "
                                               "leave TLS without a suite. List suites this build has, or use "
                                               "os_default")])
            value = sz(order)
        want(RegRef("HKLM", SUITE_POLICY_KEY, SUITE_VALUE), value, "cipher_suites", "REG_SZ")

    if policy.ecc_curves != UNMANAGED:
        curves = None if not isinstance(policy.ecc_curves, tuple) else RegValue("REG_MULTI_SZ", policy.ecc_curves)
        if build.build < ECC_CURVES_MIN_BUILD and curves is not None:
            warnings.append(f"ecc_curves: {build.product} has no curve order setting (the curve is part of the "
                            "suite name before Windows 10); left out")
        else:
            want(RegRef("HKLM", SUITE_POLICY_KEY, CURVES_VALUE), curves, "cipher_suites", "REG_MULTI_SZ")

    if policy.event_logging != UNMANAGED:
        value = None if policy.event_logging == OS_DEFAULT else dword(int(policy.event_logging))
        want(RegRef("HKLM", SCHANNEL, "EventLogging"), value, "event_logging")
    return Compiled(tuple(out), tuple(warnings), policy, build)
