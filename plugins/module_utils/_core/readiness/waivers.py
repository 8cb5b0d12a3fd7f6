# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waivers: a rule accepted by name, with the reason recorded for the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import Problem, ValidationError, suggest
from .rules import RULE_IDS

WAIVER_KEYS = ("rule", "reason")


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str

    def to_json(self) -> dict:
        return {"rule": self.rule, "reason": self.reason}


def parse_waivers(data: object, option: str = "waivers") -> tuple[Waiver, ...]:
    """Validate ``[{rule: id, reason: text}, ...]``; every problem is reported at once, each naming its option."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ValidationError([Problem(option, "must be a list of {rule, reason} mappings, got "
                                               f"{type(data).__name__}")])
    problems: list[Problem] = []
    waivers: list[Waiver] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        where = f"{option}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(where, f"must be a mapping with 'rule' and 'reason', got {type(item).__name__}"))
            continue
        extra = sorted(str(k) for k in item if k not in WAIVER_KEYS)
        if extra:
            problems.append(Problem(where, f"unknown key(s) {', '.join(extra)}; a waiver has only 'rule' and "
                                           "'reason'"))
        rule = item.get("rule")
        if not isinstance(rule, str) or not rule.strip():
            problems.append(Problem(f"{where}.rule", "is required: the id of the readiness rule to waive"))
            continue
        rule = rule.strip()
        if rule not in RULE_IDS:
            problems.append(Problem(f"{where}.rule", f"unknown readiness rule '{rule}'{suggest(rule, RULE_IDS)} "
                                                     "(the rule ids are listed in docs/readiness.md)"))
            continue
        if rule in seen:
            problems.append(Problem(f"{where}.rule", f"'{rule}' is already waived by {option}[{seen[rule]}]"))
            continue
        seen[rule] = index
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(Problem(f"{where}.reason", f"is required: say why rule '{rule}' is waived (the "
                                                       "reason is recorded in the result for the audit trail)"))
            continue
        waivers.append(Waiver(rule, reason.strip()))
    if problems:
        raise ValidationError(problems)
    return tuple(waivers)
