# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance by effect, drift by value.

``compliant`` answers "does this host (or export) behave as the profile asks": the behaviour of its values
(view.behaviour) equals the behaviour after the profile's changes were applied. ``drift`` lists every value that
differs from what the profile writes, each marked ``effect`` when that one change alone alters the behaviour
(``Enabled=0xffffffff`` where the profile writes 1, or a TLS 1.3 value on a build without TLS 1.3, changes nothing).

A host on which a lockout guard's condition holds (no usable suite for TLS 1.2, say) is not compliant whatever
the profile asks. A partial export is judged only on the kinds of setting it contains; the others are listed in
``not_judged``, and an export that contains none of the kinds the profile manages is not compliant (nothing was
judged, and a gate never passes on missing evidence). ``gaps`` says why: the kinds of setting whose behaviour
differs, the lockout conditions that hold, or ``nothing_judged``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .guards import violations
from .planner import Change, Plan
from .registry import Overlay, entry_json
from .view import HostView, behaviour, view_of


@dataclass(frozen=True)
class Drift:
    change: Change
    effect: bool

    def to_json(self) -> dict:
        out = entry_json(self.change.ref, self.change.before)
        out.update(category=self.change.category, effect=self.effect,
                   wanted=self.change.after.to_json() if self.change.after is not None else None)
        return out


@dataclass(frozen=True)
class Compliance:
    drift: tuple[Drift, ...]
    not_judged: tuple[str, ...]
    gaps: tuple[str, ...]

    @property
    def compliant(self) -> bool:
        return not self.gaps

    def to_json(self) -> dict:
        return {"compliant": self.compliant, "compliance_gaps": list(self.gaps),
                "drift": [d.to_json() for d in self.drift], "not_judged": list(self.not_judged)}


def judge(view: HostView, changes: Plan, managed: frozenset[str]) -> Compliance:
    """``changes``: the plan that brings the view's values to the profile; ``managed``: the kinds of setting the
    profile manages (categories of its wanted values)."""
    judged = [c for c in changes.changes if view.has(c.category)]
    now = behaviour(view)

    def after(selected: list[Change]) -> dict[str, object]:
        values = Overlay(view.values, {c.ref: c.after for c in selected})
        return behaviour(view_of(values, view.build, complete=True))

    drift = tuple(Drift(c, after([c]) != now) for c in judged)
    target = after(judged) if judged else now
    gaps = [kind for kind in now if now[kind] != target[kind]]
    gaps += [v.guard for v in violations(view)]
    if not any(view.has(k) for k in managed):
        gaps.append("nothing_judged")
    not_judged = tuple(sorted(k for k in managed if not view.has(k)))
    return Compliance(drift, not_judged, tuple(gaps))
