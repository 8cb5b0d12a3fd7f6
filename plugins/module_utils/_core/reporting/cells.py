# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short texts for table cells, shared by the CSV and Markdown renderers so both say the same thing."""

from __future__ import annotations

from ..effective import ON_STATES
from ..protocols import LEGACY_TLS_KEYS
from .model import HostRow

NOT_COLLECTED = "not collected"


def yes_no(value: bool | None, unknown: str = "unknown") -> str:
    return unknown if value is None else "yes" if value else "no"


def os_text(row: HostRow) -> str:
    state = row.evidence.state
    if state is None:
        return NOT_COLLECTED
    return " ".join(p for p in (state.os.product, f"({state.os.version})" if state.os.version else "") if p)


def protocols_on(row: HostRow, side: str) -> str:
    state = row.evidence.state
    if state is None:
        return NOT_COLLECTED
    return " ".join(s.protocol for s in state.effective if getattr(s, side) in ON_STATES)


def scan_text(row: HostRow) -> str:
    points = row.endpoints
    if not points:
        return "not scanned"
    good = sum(1 for p in points if p.verdict.compliant is True)
    bad = sum(1 for p in points if p.verdict.compliant is False)
    text = f"{good}/{len(points)} compliant"
    return text + (f", {bad} not" if bad else "")


def legacy_endpoints(row: HostRow) -> str:
    return " ".join(p.name for p in row.endpoints if any(k in LEGACY_TLS_KEYS for k in p.accepted))


def readiness_text(row: HostRow) -> str:
    ready = row.evidence.readiness
    return NOT_COLLECTED if ready is None else ready.verdict


def blockers_text(row: HostRow) -> str:
    ready = row.evidence.readiness
    return "" if ready is None else "; ".join(b.rule for b in ready.blockers)


def usage_text(row: HostRow) -> str:
    usage = row.evidence.usage
    if usage is None:
        return NOT_COLLECTED
    gate = {True: "gate passed", False: "gate closed", None: "gate undecided"}[usage.gate_passed]
    return f"{gate}, {len(usage.clients)} legacy client(s)"


def legacy_clients(row: HostRow) -> str:
    usage = row.evidence.usage
    if usage is None:
        return NOT_COLLECTED
    return "; ".join(" ".join(p for p in (c.client, c.user_agent or "") if p) for c in usage.clients)


def waivers_text(row: HostRow) -> str:
    return "; ".join(f"{w.rule}: {w.reason}" for w in row.evidence.waivers)


def reasons_text(row: HostRow) -> str:
    return "; ".join(r.text for r in row.reasons)
