# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings per rule and component, verdicts per stage, and the gate ``tls_config`` calls before it enforces.

A finding blocks a target (a stage profile or the policy a task resolves) when it is not ready and not waived,
its rule's ``breaks_when`` effect is one the target has, and the target does not itself fix it (``resolved_by``).
``unknown`` findings block like the others: a gate never passes on missing evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ..builds import WindowsBuild
from ..policy import Policy
from ..profiles import resolve_policy
from .checks import CHECKERS, Status
from .components import Components
from .effects import policy_effects, profile_effects, stage_names
from .rules import RULES, Rule
from .waivers import Waiver

NOT_READY = (Status.NEEDS_UPDATE, Status.BLOCKER, Status.UNKNOWN)


class Verdict(StrEnum):
    READY = "ready"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    instance: str
    status: Status
    message: str
    waiver: Waiver | None = None

    def blocks(self, effects: frozenset[str]) -> bool:
        return (self.status in NOT_READY and self.waiver is None and self.rule.breaks_when in effects
                and (self.rule.resolved_by is None or self.rule.resolved_by not in effects))

    def to_json(self) -> dict:
        rule = self.rule
        return {"rule": rule.id, "component": rule.component, "instance": self.instance, "status": self.status.value,
                "severity": rule.severity, "message": self.message, "fix": rule.fix, "fixed_by": rule.fixed_by,
                "breaks": rule.breaks, "stage": rule.stage, "source": rule.source,
                "waived": None if self.waiver is None else self.waiver.reason}


def evaluate(components: Components) -> tuple[list[Finding], list[str]]:
    """(findings, ids of the rules that do not apply). An unreadable product source or version is reported
    once, by the first rule of that product kind, not by every branch row."""
    findings: list[Finding] = []
    not_applicable: list[str] = []
    reported_unknown: set[tuple[str, str]] = set()
    for rule in RULES:
        rows = CHECKERS[rule.check](rule, components)
        kept = []
        for instance, status, message in rows:
            if rule.product and status is Status.UNKNOWN and rule.kind != "unverifiable":
                if (rule.product, instance) in reported_unknown:
                    continue
                reported_unknown.add((rule.product, instance))
            kept.append(Finding(rule, instance, status, message))
        findings.extend(kept)
        if not kept:
            not_applicable.append(rule.id)
    return findings, not_applicable


def apply_waivers(findings: Iterable[Finding], waivers: Iterable[Waiver]) -> list[Finding]:
    """Attach each waiver to every not-ready finding of its rule (ready findings need none)."""
    by_rule = {w.rule: w for w in waivers}
    return [replace(f, waiver=by_rule[f.rule.id]) if f.rule.id in by_rule and f.status in NOT_READY else f
            for f in findings]


@dataclass(frozen=True)
class TargetVerdict:
    """What readiness says about one target: a stage profile, or the policy a task resolved."""

    target: str
    verdict: Verdict
    blocking: tuple[Finding, ...] = ()
    waived: tuple[Finding, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.verdict is not Verdict.READY

    def message(self) -> str:
        if not self.blocked:
            return f"readiness: nothing holds back {self.target}"
        names = "; ".join(f"{f.rule.id}{' (' + f.instance + ')' if f.instance else ''}: {f.status.value}, "
                          f"fix: {f.rule.fix.rstrip('.')}" for f in self.blocking)
        return (f"readiness holds back {self.target}: {names}. Fix these first, or waive a rule by name with a "
                "reason (waivers: [{rule: <id>, reason: <why>}])")

    def to_json(self) -> dict:
        return {"verdict": self.verdict.value, "blocking": sorted({f.rule.id for f in self.blocking}),
                "unknown": sorted({f.rule.id for f in self.blocking if f.status is Status.UNKNOWN}),
                "waived": sorted({f.rule.id for f in self.waived})}


def verdict(target: str, findings: Iterable[Finding], effects: frozenset[str]) -> TargetVerdict:
    findings = list(findings)
    blocking = tuple(f for f in findings if f.blocks(effects))
    waived = tuple(f for f in findings if f.waiver is not None and replace(f, waiver=None).blocks(effects))
    if any(f.status is not Status.UNKNOWN for f in blocking):
        state = Verdict.BLOCKED
    else:
        state = Verdict.UNKNOWN if blocking else Verdict.READY
    return TargetVerdict(target, state, blocking, waived)


@dataclass(frozen=True)
class ReadinessResult:
    components: Components
    findings: tuple[Finding, ...]
    not_applicable: tuple[str, ...]
    verdicts: tuple[TargetVerdict, ...]
    waivers: tuple[Waiver, ...] = ()

    def to_json(self) -> dict:
        return {
            "verdicts": {v.target: v.to_json() for v in self.verdicts},
            "findings": [f.to_json() for f in self.findings],
            "not_applicable": list(self.not_applicable),
            "waivers": [dict(w.to_json(), matched=sum(1 for f in self.findings if f.waiver == w))
                        for w in self.waivers],
            "components": self.components.to_json(),
        }


def assess(components: Components, build: WindowsBuild | None, waivers: Iterable[Waiver] = ()) -> ReadinessResult:
    """Findings and a verdict per rollout stage (every profile that switches TLS 1.2 on) for one host.
    Without a build the stages cannot be resolved and every verdict is unknown."""
    waivers = tuple(waivers)
    found, not_applicable = evaluate(components)
    findings = apply_waivers(found, waivers)
    verdicts = []
    for stage in stage_names():
        if build is None:
            verdicts.append(TargetVerdict(stage, Verdict.UNKNOWN))
        else:
            verdicts.append(verdict(stage, findings, profile_effects(stage, build)))
    return ReadinessResult(components, tuple(findings), tuple(not_applicable), tuple(verdicts), waivers)


def gate(components: Components, build: WindowsBuild, profile: str | None, waivers: Iterable[Waiver] = (),
         policy: Policy | None = None) -> TargetVerdict:
    """What ``tls_config`` asks before it writes: does readiness hold back this profile (or the resolved
    ``policy``, overrides included) on this host? ``blocked`` with the blocking findings, and the waived ones."""
    if policy is None:
        policy = resolve_policy(profile, None, build)[0]
    findings = apply_waivers(evaluate(components)[0], waivers)
    return verdict(profile or "the policy", findings, policy_effects(policy, build))
