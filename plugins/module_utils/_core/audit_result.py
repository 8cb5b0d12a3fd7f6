# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit result tls_info and tls_regfile return, built from one view: OS facts, effective protocol states,
suite order, decoded settings, findings, and with a profile compliance (by effect) and drift (by value)."""

from __future__ import annotations

from .compliance import judge
from .desired import Compiled
from .effective import summary
from .findings import audit
from .planner import plan
from .suites import SUITES
from .view import HostView


def audit_report(view: HostView, compiled: Compiled | None = None) -> dict:
    """``compiled``: the profile for this build (desired.compile_policy; recompiled for ``view.values`` when the
    profile is additive)."""
    suites = view.suites
    report: dict[str, object] = {
        "os": view.build.to_json(),
        "effective": summary(view.protocols),
        "effective_details": {key: {side: st.to_json() for side, st in sides.items()}
                              for key, sides in view.protocols.items()},
        "cipher_suites": {
            "source": suites.source,
            "order": list(suites.names),
            "usable": list(view.usable_suites),
            "unknown": list(suites.unknown),
            "not_on_build": list(suites.not_on_build),
            "without_forward_secrecy": [n for n in view.usable_suites if not SUITES[n].tls13
                                        and not SUITES[n].forward_secret],
        },
        "settings": view.settings.to_json(view.build),
        "findings": [f.to_json() for f in audit(view)],
    }
    if compiled is not None:
        compiled = compiled.against(view.values)
        report.update(judge(view, plan(compiled, view.values), compiled.categories).to_json())
    return report
