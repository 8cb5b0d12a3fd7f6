# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit result every module returns: OS facts, effective protocol states, suite order, findings."""

from __future__ import annotations

from collections.abc import Mapping

from .builds import WindowsBuild
from .desired import Compiled
from .effective import evaluate, summary
from .findings import audit
from .registry import RegRef, RegValue
from .suites import SUITES, effective_suites


def state_report(values: Mapping[RegRef, RegValue], build: WindowsBuild, complete: bool,
                 compiled: Compiled | None = None, profile: str | None = None) -> dict:
    states = evaluate(values, build)
    suites = effective_suites(values, build)
    findings = audit(values, build, complete, compiled, profile or "the policy")
    report = {
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
