# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report as the versioned JSON document ``tlsguard_fleet_report/v1`` (docs/report.md describes every field),
and the evidence read back from such a document, so that the reports of a sliced job merge into one."""

from __future__ import annotations

from collections.abc import Mapping

from ..effective import ON_STATES
from .adapt_scan import endpoint as read_endpoint
from .model import (
    SCHEMA,
    Blocker,
    Change,
    ChangeRecord,
    Count,
    DailyCount,
    Endpoint,
    Failure,
    Finding,
    FleetReport,
    HostEvidence,
    HostRow,
    HostState,
    Kind,
    LegacyClient,
    Origin,
    OsInfo,
    Readiness,
    SideStates,
    Usage,
    Waiver,
)
from .shapes import InputError, entries, flag, integer, mapping, text
from .summary import summarize


def _origin(origin: Origin) -> dict:
    return {"source": origin.source, "collected_at": origin.collected_at}


def _counts(counts: tuple[Count, ...]) -> dict:
    return {c.protocol: c.count for c in counts}


def _state_json(state: HostState | None) -> dict:
    if state is None:
        return {"os": None, "compliant": None, "drift": None, "enable_met": None, "effective": None,
                "protocols_on": None, "findings": [], "last_boot": None}
    return {
        "os": {"product": state.os.product, "build": state.os.build, "version": state.os.version},
        "compliant": state.compliant, "drift": state.drift, "enable_met": state.enable_met,
        "effective": {s.protocol: {"client": s.client, "server": s.server} for s in state.effective},
        "protocols_on": {side: [s.protocol for s in state.effective if getattr(s, side) in ON_STATES]
                         for side in ("client", "server")},
        "findings": [{"severity": f.severity, "code": f.code, "message": f.message} for f in state.findings],
        "last_boot": state.last_boot,
    }


def _change_json(change: Change | None) -> dict | None:
    if change is None:
        return None
    return {"action": change.action, "at": change.at, "backup_id": change.backup_id, "values": change.values,
            "reboot_required": change.reboot_required, "restored_id": change.restored_id}


def _usage_json(usage: Usage | None) -> dict | None:
    if usage is None:
        return None
    return {
        "gate_passed": usage.gate_passed, "gate_reasons": list(usage.gate_reasons),
        "coverage_complete": usage.coverage_complete, "legacy_handshakes": usage.legacy_handshakes,
        "last_seen_legacy": usage.last_seen_legacy,
        "legacy_clients": [{"client": c.client, "forwarded_for": c.forwarded_for, "user_agent": c.user_agent,
                            "source": c.source, "hits": c.hits, "protocols": _counts(c.protocols),
                            "first_seen": c.first_seen, "last_seen": c.last_seen,
                            "classification": c.classification} for c in usage.clients],
        "daily": [{"date": d.date, "source": d.source, "counts": _counts(d.counts)} for d in usage.daily],
    }


def _sources(evidence: HostEvidence) -> dict:
    return {name: _origin(part.origin) if part is not None else None
            for name, part in (("state", evidence.state), ("change", evidence.change),
                               ("readiness", evidence.readiness), ("usage", evidence.usage))}


def host_json(row: HostRow) -> dict:
    evidence = row.evidence
    points = row.endpoints
    return {
        "name": row.name, "status": row.status.value, "stage": row.stage.value,
        "reasons": [{"code": r.code, "text": r.text} for r in row.reasons],
        **_state_json(evidence.state),
        "scan": {"endpoints": len(points),
                 "compliant": sum(1 for p in points if p.verdict.compliant is True),
                 "non_compliant": sum(1 for p in points if p.verdict.compliant is False),
                 "undetermined": sum(1 for p in points if p.verdict.compliant is None)},
        "last_change": _change_json(evidence.change.last_change if evidence.change else None),
        "pending_changes": evidence.change.pending if evidence.change else None,
        "readiness": None if evidence.readiness is None else {
            "verdict": evidence.readiness.verdict,
            "blockers": [{"rule": b.rule, "component": b.component, "message": b.message, "fix": b.fix}
                         for b in evidence.readiness.blockers]},
        "usage": _usage_json(evidence.usage),
        "waivers": [{"rule": w.rule, "reason": w.reason} for w in evidence.waivers],
        "failures": [{"kind": f.kind.value if f.kind else None, "message": f.message, **_origin(f.origin)}
                     for f in evidence.failures],
        "stale": evidence.stale,
        "sources": _sources(evidence),
    }


def endpoint_json(point: Endpoint) -> dict:
    return {
        "name": point.name, "target": point.target, "host": point.host, "address": point.address,
        "status": point.status, "error": point.error, "protocols": dict(point.protocols),
        "accepted": list(point.accepted),
        "verdict": {"policy": point.verdict.policy, "compliant": point.verdict.compliant,
                    "violations": [{"code": i.code, "message": i.message} for i in point.verdict.violations],
                    "undetermined": [{"code": i.code, "message": i.message} for i in point.verdict.undetermined]},
        **_origin(point.origin),
    }


def to_document(report: FleetReport) -> dict:
    return {
        "schema": SCHEMA, "title": report.title, "generated_at": report.generated_at, "profile": report.profile,
        "summary": summarize(report),
        "inputs": [{"source": i.source, "kind": i.kind, "hosts": i.hosts, "endpoints": i.endpoints}
                   for i in report.inputs],
        "duplicates": [{"subject": d.subject, "section": d.section, "kept": d.kept, "dropped": d.dropped,
                        "rule": d.rule} for d in report.duplicates],
        "hosts": [host_json(row) for row in report.hosts],
        "endpoints": [endpoint_json(point) for point in report.endpoints],
    }


# ------------------------------------------------------------------------------------------------ reading back
def _read_origin(data: Mapping | None, where: str, prefix: str) -> Origin:
    data = data or {}
    return Origin(f"{prefix}: {text(data, 'source', where, '?')}", text(data, "collected_at", where))


def _read_state(host: Mapping, where: str, profile: str, origin: Origin) -> HostState:
    os_data = mapping(host, "os", where)
    effective = mapping(host, "effective", where)
    return HostState(
        OsInfo(text(os_data, "product", f"{where}.os"), integer(os_data, "build", f"{where}.os"),
               text(os_data, "version", f"{where}.os")),
        tuple(SideStates(str(key), text(sides, "client", where, "unknown") or "unknown",
                         text(sides, "server", where, "unknown") or "unknown")
              for key, sides in effective.items() if isinstance(sides, Mapping)),
        profile, flag(host, "compliant", where), integer(host, "drift", where), flag(host, "enable_met", where),
        tuple(Finding(text(f, "severity", loc, "info") or "info", text(f, "code", loc, "") or "",
                      text(f, "message", loc, "") or "") for loc, f in entries(host, "findings", where)),
        text(host, "last_boot", where), origin)


def _read_change(host: Mapping, where: str, origin: Origin) -> ChangeRecord:
    data = mapping(host, "last_change", where)
    change = None
    if data:
        loc = f"{where}.last_change"
        change = Change(text(data, "action", loc, "") or "", text(data, "at", loc), text(data, "backup_id", loc),
                        integer(data, "values", loc, 0) or 0, bool(flag(data, "reboot_required", loc)),
                        text(data, "restored_id", loc))
    return ChangeRecord(change, integer(host, "pending_changes", where), origin)


def _read_counts(data: Mapping) -> tuple[Count, ...]:
    return tuple(Count(str(k), int(v)) for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool))


def _read_usage(data: Mapping, where: str, origin: Origin) -> Usage:
    clients = tuple(LegacyClient(text(c, "client", loc, "") or "", text(c, "forwarded_for", loc),
                                 text(c, "user_agent", loc), text(c, "source", loc), integer(c, "hits", loc, 0) or 0,
                                 _read_counts(mapping(c, "protocols", loc)), text(c, "first_seen", loc),
                                 text(c, "last_seen", loc), text(c, "classification", loc))
                    for loc, c in entries(data, "legacy_clients", where))
    daily = tuple(DailyCount(text(d, "date", loc, "") or "", text(d, "source", loc, "all") or "all",
                             _read_counts(mapping(d, "counts", loc))) for loc, d in entries(data, "daily", where))
    return Usage(flag(data, "gate_passed", where), tuple(str(r) for r in data.get("gate_reasons") or ()),
                 flag(data, "coverage_complete", where), integer(data, "legacy_handshakes", where, 0) or 0,
                 text(data, "last_seen_legacy", where), clients, daily, origin)


def _read_host(host: Mapping, where: str, profile: str) -> HostEvidence:
    sources = mapping(host, "sources", where)

    def origin(section: str) -> Origin | None:
        data = sources.get(section)
        return _read_origin(data, f"{where}.sources.{section}", where) if isinstance(data, Mapping) else None

    state_origin, change_origin = origin("state"), origin("change")
    readiness_origin, usage_origin = origin("readiness"), origin("usage")
    readiness = None
    if readiness_origin is not None:
        data = mapping(host, "readiness", where)
        readiness = Readiness(text(data, "verdict", f"{where}.readiness", "unknown") or "unknown",
                              tuple(Blocker(text(b, "rule", loc, "") or "", text(b, "component", loc),
                                            text(b, "message", loc, "") or "", text(b, "fix", loc))
                                    for loc, b in entries(data, "blockers", f"{where}.readiness")), readiness_origin)
    failures = []
    for loc, f in entries(host, "failures", where):
        kind = text(f, "kind", loc)
        failures.append(Failure(Kind(kind) if kind in {k.value for k in Kind} else None,
                                text(f, "message", loc, "") or "", _read_origin(f, loc, where)))
    return HostEvidence(
        text(host, "name", where, required=True) or "",
        _read_state(host, where, profile, state_origin) if state_origin else None,
        _read_change(host, where, change_origin) if change_origin else None,
        readiness,
        _read_usage(mapping(host, "usage", where), f"{where}.usage", usage_origin) if usage_origin else None,
        tuple(Waiver(text(w, "rule", loc, "") or "", text(w, "reason", loc, "") or "")
              for loc, w in entries(host, "waivers", where)),
        tuple(failures), bool(flag(host, "stale", where)))


def read_report(document: Mapping, where: str) -> tuple[list[HostEvidence], list[Endpoint]]:
    """The evidence in a report this module wrote (the derived verdicts are judged again after merging)."""
    profile = text(document, "profile", where, required=True) or ""
    hosts = [_read_host(host, loc, profile) for loc, host in entries(document, "hosts", where)]
    endpoints = []
    for loc, data in entries(document, "endpoints", where):
        origin = _read_origin(data, loc, where)
        point = read_endpoint(data, loc, origin, text(data, "host", loc), address_key="address")
        endpoints.append(point)
    if not hosts and not endpoints and "hosts" not in document:
        raise InputError(f"{where}: a fleet report without 'hosts'")
    return hosts, endpoints
