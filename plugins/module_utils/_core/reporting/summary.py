# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The numbers at the top of every format: hosts per status and stage, why hosts are held or not compliant,
endpoints per verdict and which still accept legacy protocols, what was collected, legacy use per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..protocols import LEGACY_TLS_KEYS, TLS_KEYS
from .adapt_scan import PROTOCOL_STATES
from .model import ACROSS_INPUTS, WITHIN_INPUT, FleetReport, HostRow, Stage, Status


def _reason_counts(rows: Sequence[HostRow], status: Status) -> list[dict]:
    counts: Counter = Counter()
    sample: dict[str, str] = {}
    for row in rows:
        if row.status is status:
            for reason in {r.code: r for r in row.reasons}.values():
                counts[reason.code] += 1
                sample.setdefault(reason.code, reason.text)
    return [{"code": code, "hosts": n, "example": sample[code]} for code, n in
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _verdict(compliant: bool | None) -> str:
    return "undetermined" if compliant is None else "compliant" if compliant else "non_compliant"


def summarize(report: FleetReport) -> dict:
    rows = report.hosts
    points = report.endpoints
    protocols = {key: dict.fromkeys(PROTOCOL_STATES, 0) for key in TLS_KEYS}
    for point in points:
        for key, state in point.protocols:
            protocols[key][state] += 1
    daily: Counter = Counter()
    for row in rows:
        if row.evidence.usage is not None:
            for day in row.evidence.usage.daily:
                daily[(day.date, day.source)] += day.legacy
    verdicts = Counter(_verdict(p.verdict.compliant) for p in points)
    return {
        "hosts": len(rows),
        "status": {s.value: sum(1 for r in rows if r.status is s) for s in Status},
        "stage": {s.value: sum(1 for r in rows if r.stage is s) for s in Stage},
        "held": _reason_counts(rows, Status.HELD),
        "non_compliant": _reason_counts(rows, Status.NON_COMPLIANT),
        "unknown": _reason_counts(rows, Status.UNKNOWN),
        "endpoints": {
            "total": len(points),
            "verdict": {v: verdicts.get(v, 0) for v in ("compliant", "non_compliant", "undetermined")},
            "status": dict(sorted(Counter(p.status for p in points).items())),
            "without_host": sum(1 for p in points if p.host is None),
            "protocols": protocols,
            "policies": sorted({p.verdict.policy for p in points if p.verdict.policy}),
        },
        "accepting_legacy": [{"name": p.name, "target": p.target, "host": p.host,
                              "protocols": [k for k in p.accepted if k in LEGACY_TLS_KEYS]}
                             for p in points if any(k in LEGACY_TLS_KEYS for k in p.accepted)],
        "collected": {
            "tls_info": sum(1 for r in rows if r.evidence.state is not None),
            "tls_config_or_restore": sum(1 for r in rows if r.evidence.change is not None),
            "tls_scan": len(points),
            "tls_readiness": sum(1 for r in rows if r.evidence.readiness is not None),
            "tls_usage": sum(1 for r in rows if r.evidence.usage is not None),
            "failed": sum(1 for r in rows if r.evidence.failures),
        },
        "usage": {
            "hosts_with_legacy_clients": sum(1 for r in rows if r.evidence.usage and r.evidence.usage.clients),
            "legacy_handshakes_per_day": [{"date": d, "source": s, "legacy": n} for (d, s), n in sorted(daily.items())],
        },
        "waivers": sum(len(r.evidence.waivers) for r in rows),
        "duplicates": sum(1 for d in report.duplicates if d.rule == ACROSS_INPUTS),
        "superseded": sum(1 for d in report.duplicates if d.rule == WITHIN_INPUT),
    }
