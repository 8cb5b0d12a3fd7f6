# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lockout guards: conditions under which a host cannot speak TLS (or WinHTTP cannot), checked on the view of the
state after a plan. tls_config refuses a plan that makes one true, unless forced by name; audits report every one
that holds as a finding of the same name. Adding a guard is one entry in GUARDS (plus its tests).

A guard fires when the state *after* the plan is unsafe and the state before it was not; when the host is
already unsafe and the plan does not fix it, the caller gets a warning instead (refusing would only block the
unrelated change).

Unknown update state: where a condition depends on an update the host could not report (``winhttp_needs_kb3140245``
when the hotfix read failed or was not made), the update counts as missing, so the guard refuses; the message says
that the state is unknown and how to go on (install it, or force the guard by name when it is known to be there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .builds import KB3140245, UNKNOWN
from .errors import Problem, ValidationError, unknown
from .locations import CIPHERS
from .protocols import BY_KEY
from .suites import SUITES
from .view import HostView

Condition = Callable[[HostView], "str | None"]


def _labels(keys: Iterable[str]) -> str:
    return ", ".join(BY_KEY[k].label for k in keys)


def _no_protocol(side: str) -> Condition:
    def check(view: HostView) -> str | None:
        if view.on(side):
            return None
        return (f"no SSL/TLS protocol is left enabled on the {side} side; the host cannot "
                f"{'accept' if side == 'server' else 'make'} any TLS connection (WinRM over HTTPS, RDP, IIS...)")
    return check


def tls13_unsupported(view: HostView) -> str | None:
    sides = [s for s, st in view.protocols["tls1_3"].items() if "enabled_on_unsupported_build" in st.notes]
    if not sides:
        return None
    return (f"TLS 1.3 is enabled ({', '.join(sides)}) on {view.build.product}, which does not support it; Microsoft "
            "calls this an unsafe configuration (TLS 1.3 needs build 20348 or later)")


def tls13_without_suite(view: HostView) -> str | None:
    if not view.any_on("tls1_3") or any(SUITES[n].tls13 for n in view.usable_suites):
        return None
    return (f"TLS 1.3 is enabled but the {view.suites.source} cipher suite order leaves no usable TLS 1.3 suite "
            "(TLS_AES_*); TLS 1.3 handshakes, WinRM over HTTPS included, fail")


def no_tls12_suite(view: HostView) -> str | None:
    legacy_or_12 = [k for k in ("ssl3_0", "tls1_0", "tls1_1", "tls1_2") if view.any_on(k)]
    if not legacy_or_12 or any(SUITES[n].tls12_capable for n in view.usable_suites):
        return None
    why = []
    if view.suites.not_on_build:
        why.append(f"{len(view.suites.not_on_build)} listed suites do not exist on {view.build.product}")
    if len(view.usable_suites) < len(view.suites.names):
        why.append("ciphers, hashes or key exchanges switched off under SCHANNEL disallow others")
    detail = f" ({'; '.join(why)})" if why else ""
    verb = "stays" if len(legacy_or_12) == 1 else "stay"
    return (f"{_labels(legacy_or_12)} {verb} enabled but the {view.suites.source} cipher suite order leaves no "
            f"usable suite for {'it' if len(legacy_or_12) == 1 else 'them'}{detail}; those handshakes fail")


def aes_disabled(view: HostView) -> str | None:
    if all(view.settings.switch("ciphers", name).state == "disabled" for name in CIPHERS["aes"]):
        return "both AES ciphers are disabled; every modern cipher suite uses AES"
    return None


def winhttp_needs_kb3140245(view: HostView) -> str | None:
    """Windows 7 SP1, 2008 R2 SP1 and 2012: WinHTTP (WinRM's own client, Outlook autodiscover, ...) ignores
    DefaultSecureProtocols and offers only SSL 3.0 and TLS 1.0 unless KB3140245 is installed."""
    if not 7600 <= view.build.build < 9600:
        return None
    empty = [key for key in view.settings.winhttp if not view.winhttp_protocols(key)]
    if not empty:
        return None
    state = view.settings.winhttp_honoured
    if state == "installed":
        return ("WinHTTP callers (WinRM's own client, Outlook autodiscover, ...) are left with no protocol: "
                "DefaultSecureProtocols lists none that Schannel still allows clients")
    known = (f"whether {KB3140245} is installed is unknown ({view.build.hotfixes.why_unknown()})"
             if state == UNKNOWN else f"{KB3140245} is not installed")
    return (f"WinHTTP callers (WinRM's own client, Outlook autodiscover, ...) are left with no protocol: {known}, so "
            f"WinHTTP ignores DefaultSecureProtocols and offers only SSL 3.0 and TLS 1.0, which are off for clients. "
            f"Install {KB3140245} and reboot first; if it is installed (for example in a rollup the hotfix list "
            f"does not name), force this guard by name")


GUARDS: dict[str, Condition] = {
    "no_server_protocol": _no_protocol("server"),
    "no_client_protocol": _no_protocol("client"),
    "tls13_unsupported": tls13_unsupported,
    "tls13_without_suite": tls13_without_suite,
    "no_tls12_suite": no_tls12_suite,
    "aes_disabled": aes_disabled,
    "winhttp_needs_kb3140245": winhttp_needs_kb3140245,
}


@dataclass(frozen=True)
class Violation:
    guard: str
    message: str

    def to_json(self) -> dict:
        return {"guard": self.guard, "message": self.message}


def check_force(force: Iterable[str], option: str = "force") -> tuple[str, ...]:
    """Validate the names a user gives to override guards."""
    names = tuple(force)
    problems = [Problem(f"{option}[{i}]", unknown("guard", n, GUARDS)) for i, n in enumerate(names) if n not in GUARDS]
    if problems:
        raise ValidationError(problems)
    return names


def violations(view: HostView) -> list[Violation]:
    """Every guard condition that holds on a view."""
    out = []
    for name, condition in GUARDS.items():
        message = condition(view)
        if message is not None:
            out.append(Violation(name, message))
    return out


@dataclass(frozen=True)
class GuardResult:
    violations: tuple[Violation, ...]
    forced: tuple[Violation, ...]
    warnings: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.violations)


def check_guards(before: HostView, after: HostView, force: Iterable[str] = ()) -> GuardResult:
    forced_names = set(force)
    already = {v.guard for v in violations(before)}
    blocking, forced, warnings = [], [], []
    for found in violations(after):
        if found.guard in already:
            warnings.append(f"{found.guard}: already the case before this change and not fixed by it: "
                            f"{found.message}")
        elif found.guard in forced_names:
            forced.append(found)
        else:
            blocking.append(found)
    return GuardResult(tuple(blocking), tuple(forced), tuple(warnings))
