# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the evidence of one host means: the stage it reached, its status and the reasons, in sentences.

A host is judged only on evidence that is there: no tls_info result means "unknown", an endpoint the scan could not
decide keeps the host from "compliant", and readiness or usage that was not collected holds nothing and clears
nothing."""

from __future__ import annotations

from collections.abc import Sequence

from ..effective import ON_STATES
from ..protocols import BY_KEY, LEGACY_TLS_KEYS
from .model import Endpoint, Failure, HostEvidence, HostRow, Reason, Stage, Status


def stage(evidence: HostEvidence) -> Stage:
    """3 when no legacy protocol is on for either side and TLS 1.2 is on for both (by effect, so a stricter
    profile or overrides still count); 2 when the stage 1 profile holds and usage is being collected; 1 when the
    stage 1 profile holds; 0 (``none``) otherwise."""
    state = evidence.state
    if state is None:
        return Stage.NOT_COLLECTED
    on = {(s.protocol, side) for s in state.effective for side, value in (("client", s.client), ("server", s.server))
          if value in ON_STATES}
    legacy_on = any((key, side) in on for key in LEGACY_TLS_KEYS for side in ("client", "server"))
    if not legacy_on and {("tls1_2", "client"), ("tls1_2", "server")} <= on:
        return Stage.ENFORCE
    if state.enable_met:
        return Stage.MONITOR if evidence.usage is not None else Stage.ENABLE
    return Stage.NONE


def _labels(keys: Sequence[str]) -> str:
    return ", ".join(BY_KEY[k].label for k in keys)


def _endpoint_reasons(endpoints: Sequence[Endpoint]) -> tuple[list[Reason], list[Reason]]:
    bad, undecided = [], []
    for point in endpoints:
        if point.verdict.compliant is False:
            legacy = [k for k in point.accepted if k in LEGACY_TLS_KEYS]
            what = f"accepts {_labels(legacy)}" if legacy else "; ".join(v.message for v in point.verdict.violations)
            bad.append(Reason("endpoint_legacy" if legacy else "endpoint_violation", f"endpoint {point.name} {what}"))
        elif point.verdict.compliant is None:
            why = point.error or "; ".join(u.message for u in point.verdict.undetermined) or point.status
            undecided.append(Reason("endpoint_undetermined", f"endpoint {point.name} could not be judged ({why})"))
    return bad, undecided


def _holds(evidence: HostEvidence, profile: str) -> list[Reason]:
    out = []
    waived = {w.rule for w in evidence.waivers}
    if evidence.readiness is not None and evidence.readiness.verdict != "ready":
        open_blockers = [b for b in evidence.readiness.blockers if b.rule not in waived]
        for blocker in open_blockers:
            fix = f"; fix: {blocker.fix}" if blocker.fix else ""
            out.append(Reason(f"readiness:{blocker.rule}", f"readiness: {blocker.message or blocker.rule}{fix}"))
        if not open_blockers and not evidence.readiness.blockers:
            out.append(Reason(f"readiness_{evidence.readiness.verdict}",
                              f"readiness for {profile} is {evidence.readiness.verdict}"))
    if evidence.usage is not None and evidence.usage.gate_passed is not True:
        why = "; ".join(evidence.usage.gate_reasons) or ("legacy use not ruled out" if evidence.usage.gate_passed
                                                         is None else "gate closed")
        out.append(Reason("usage_gate", f"usage gate: {why}"))
    return out


def _failure(failure: Failure, prefix: str) -> Reason:
    what = f"{prefix}{failure.kind.value} failed: " if failure.kind else ""
    return Reason("collection_failed", f"{what}{failure.message}")


def judge(evidence: HostEvidence, endpoints: Sequence[Endpoint], profile: str) -> HostRow:
    state = evidence.state
    reasons: list[Reason] = []
    bad, undecided = _endpoint_reasons(endpoints)
    if state is None:
        reasons += [_failure(f, "") for f in evidence.failures]
        reasons.append(Reason("not_collected", "not collected: no tls_info result for this host"))
        return HostRow(evidence, Stage.NOT_COLLECTED, Status.UNKNOWN, tuple(reasons + bad), tuple(endpoints))
    reasons += [_failure(f, "latest ") for f in evidence.failures]
    if evidence.stale:
        last = evidence.change.last_change if evidence.change else None
        what = f"{last.action} at {last.at}" if last else "a change"
        reasons.append(Reason("stale", f"{what} changed the registry after the last tls_info; audit again"))
    if state.compliant is None:
        reasons.append(Reason("not_judged", "the tls_info result has no raw registry values to judge"))
    elif not state.compliant:
        reasons.append(Reason("drift", f"registry: {state.drift} value(s) differ from {profile}"))
    reasons += bad
    holds = _holds(evidence, profile)
    if state.compliant is False or bad:
        status = Status.HELD if holds else Status.NON_COMPLIANT
        reasons = holds + reasons
    elif state.compliant is None or undecided or evidence.stale:
        status = Status.UNKNOWN
        reasons += undecided
    else:
        status = Status.COMPLIANT
    return HostRow(evidence, stage(evidence), status, tuple(reasons), tuple(endpoints))
