# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CSV for spreadsheets: one file of hosts, one of endpoints (RFC 4180, UTF-8 with a byte order mark so Excel reads
it as UTF-8). Every text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage
return; OWASP "CSV Injection") is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from ..protocols import TLS_KEYS
from . import cells
from .model import Endpoint, FleetReport, HostRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _last(row: HostRow, field: str) -> object:
    change = row.evidence.change.last_change if row.evidence.change else None
    return getattr(change, field) if change else ""


HOST_COLUMNS: tuple[tuple[str, Callable[[HostRow], object]], ...] = (
    ("host", lambda r: r.name),
    ("status", lambda r: r.status.value),
    ("stage", lambda r: r.stage.value),
    ("os", cells.os_text),
    ("build", lambda r: r.evidence.state.os.build if r.evidence.state else ""),
    ("registry_compliant", lambda r: cells.yes_no(r.evidence.state.compliant) if r.evidence.state
     else cells.NOT_COLLECTED),
    ("drift_values", lambda r: r.evidence.state.drift if r.evidence.state and r.evidence.state.drift is not None
     else ""),
    ("server_protocols_on", lambda r: cells.protocols_on(r, "server")),
    ("client_protocols_on", lambda r: cells.protocols_on(r, "client")),
    ("scan", cells.scan_text),
    ("endpoints_accepting_legacy", cells.legacy_endpoints),
    ("usage", cells.usage_text),
    ("legacy_clients", cells.legacy_clients),
    ("readiness", cells.readiness_text),
    ("blockers", cells.blockers_text),
    ("last_change_at", lambda r: _last(r, "at")),
    ("last_change_action", lambda r: _last(r, "action")),
    ("backup_id", lambda r: _last(r, "backup_id")),
    ("pending_changes", lambda r: r.evidence.change.pending if r.evidence.change and
     r.evidence.change.pending is not None else ""),
    ("waivers", cells.waivers_text),
    ("reasons", cells.reasons_text),
)


def _protocol(key: str) -> Callable[[Endpoint], object]:
    return lambda point: dict(point.protocols)[key]


ENDPOINT_COLUMNS: tuple[tuple[str, Callable[[Endpoint], object]], ...] = (
    ("endpoint", lambda p: p.name),
    ("target", lambda p: p.target),
    ("host", lambda p: p.host or ""),
    ("status", lambda p: p.status),
    ("error", lambda p: p.error or ""),
    *((key, _protocol(key)) for key in TLS_KEYS),
    ("policy", lambda p: p.verdict.policy or ""),
    ("verdict", lambda p: "undetermined" if p.verdict.compliant is None else
     "compliant" if p.verdict.compliant else "non_compliant"),
    ("violations", lambda p: "; ".join(v.message for v in p.verdict.violations)),
    ("undetermined", lambda p: "; ".join(u.message for u in p.verdict.undetermined)),
)


def _table(columns: tuple[tuple[str, Callable], ...], rows: Iterable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _get in columns])
    writer.writerows([neutralise(get(row)) for _name, get in columns] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def render_hosts(report: FleetReport) -> bytes:
    return _table(HOST_COLUMNS, report.hosts)


def render_endpoints(report: FleetReport) -> bytes:
    return _table(ENDPOINT_COLUMNS, report.endpoints)


def stamp(content: bytes) -> str | None:
    """CSV rows carry no generation time, so equal content is equal."""
    return None
