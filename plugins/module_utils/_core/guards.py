# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lockout guards: refuse a plan that would leave a host unable to speak TLS, unless forced by name.

A guard fires when the state *after* the plan is unsafe and the state before it was not; when the host is
already unsafe and the plan does not fix it, the caller gets a warning instead (refusing would only block the
unrelated change).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .builds import WindowsBuild
from .effective import evaluate
from .errors import Problem, ValidationError, unknown
from .locations import CIPHERS, CIPHERS_KEY, enabled_refs
from .protocols import TLS_KEYS
from .registry import RegRef, RegValue
from .suites import SUITES, effective_suites


@dataclass(frozen=True)
class Violation:
    guard: str
    message: str

    def to_json(self) -> dict:
        return {"guard": self.guard, "message": self.message}


def _on(values: Mapping[RegRef, RegValue], build: WindowsBuild, side: str) -> list[str]:
    states = evaluate(values, build)
    return [key for key in TLS_KEYS if states[key][side].on]


def _no_protocol(side: str) -> Callable[[Mapping[RegRef, RegValue], WindowsBuild], str | None]:
    def check(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> str | None:
        if _on(values, build, side):
            return None
        return (f"no SSL/TLS protocol would remain enabled on the {side} side; the host could not "
                f"{'accept' if side == 'server' else 'make'} any TLS connection (WinRM over HTTPS, RDP, IIS...)")
    return check


def _tls13_unsupported(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> str | None:
    if build.supports_tls13:
        return None
    states = evaluate(values, build)["tls1_3"]
    if any("enabled_on_unsupported_build" in states[side].notes for side in states):
        return (f"TLS 1.3 would be enabled on {build.product}, which does not support it; Microsoft calls this "
                "an unsafe configuration (TLS 1.3 needs build 20348 or later)")
    return None


def _tls13_without_suite(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> str | None:
    states = evaluate(values, build)["tls1_3"]
    if not any(states[side].on for side in states):
        return None
    suites = effective_suites(values, build)
    if any(SUITES[name].tls13 for name in suites.names):
        return None
    return (f"TLS 1.3 would stay enabled but the {suites.source} cipher suite order has no TLS 1.3 suite "
            "(TLS_AES_*); TLS 1.3 handshakes, WinRM over HTTPS included, would fail")


def _no_tls12_suite(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> str | None:
    states = evaluate(values, build)
    legacy_or_12 = [k for k in ("tls1_0", "tls1_1", "tls1_2") if any(s.on for s in states[k].values())]
    if not legacy_or_12:
        return None
    suites = effective_suites(values, build)
    if any(not SUITES[name].tls13 and not SUITES[name].ssl2 and SUITES[name].key_exchange != "PSK"
           for name in suites.names):
        return None
    return (f"{', '.join(legacy_or_12)} would stay enabled but the {suites.source} cipher suite order has no "
            "suite for them; those handshakes would fail")


def _aes_disabled(values: Mapping[RegRef, RegValue], build: WindowsBuild) -> str | None:
    refs = enabled_refs(CIPHERS_KEY, CIPHERS["aes"])
    off = [r for r in refs if (v := values.get(r)) is not None and v.type == "REG_DWORD" and v.data == 0]
    if len(off) == len(refs):
        return "both AES ciphers would be disabled; every modern cipher suite uses AES"
    return None


GUARDS: dict[str, Callable[[Mapping[RegRef, RegValue], WindowsBuild], str | None]] = {
    "no_server_protocol": _no_protocol("server"),
    "no_client_protocol": _no_protocol("client"),
    "tls13_unsupported": _tls13_unsupported,
    "tls13_without_suite": _tls13_without_suite,
    "no_tls12_suite": _no_tls12_suite,
    "aes_disabled": _aes_disabled,
}


def check_force(force: Iterable[str], option: str = "force") -> tuple[str, ...]:
    """Validate the names a user gives to override guards."""
    names = tuple(force)
    problems = [Problem(f"{option}[{i}]", unknown("guard", n, GUARDS)) for i, n in enumerate(names) if n not in GUARDS]
    if problems:
        raise ValidationError(problems)
    return names


@dataclass(frozen=True)
class GuardResult:
    violations: tuple[Violation, ...]
    forced: tuple[Violation, ...]
    warnings: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.violations)


def check_guards(before: Mapping[RegRef, RegValue], after: Mapping[RegRef, RegValue], build: WindowsBuild,
                 force: Iterable[str] = ()) -> GuardResult:
    forced_names = set(force)
    violations, forced, warnings = [], [], []
    for name, guard in GUARDS.items():
        now = guard(after, build)
        if now is None:
            continue
        if guard(before, build) is not None:
            warnings.append(f"{name}: already the case before this change and not fixed by it: {now}")
        elif name in forced_names:
            forced.append(Violation(name, now))
        else:
            violations.append(Violation(name, now))
    return GuardResult(tuple(violations), tuple(forced), tuple(warnings))
