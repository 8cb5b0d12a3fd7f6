# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_readiness and tls_usage results -> the readiness and usage sections.

Neither module exists yet (issues 12 and 13): these read the fields docs/report.md says the report expects, and
tolerate every other key. A host without such a result shows "not collected", never "ready" or "no legacy use"."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ValidationError
from ..protocols import protocol
from .model import Blocker, Count, DailyCount, LegacyClient, Origin, Readiness, Usage
from .shapes import InputError, entries, flag, integer, items, mapping, text

# The readiness stage a report profile needs (the profiles beyond enforce are stage 3 too).
READINESS_STAGE = {"enable": "enable", "enforce": "enforce", "bsi": "bsi", "mozilla_intermediate": "enforce",
                   "os_default": "enable"}
READINESS_VERDICTS = ("ready", "needs_update", "blocked", "unknown")
HOLDING_STATUSES = ("blocker", "needs_update", "unknown")
MAX_CLIENTS = 50


def readiness(result: Mapping, where: str, profile: str, origin: Origin) -> Readiness:
    stage = READINESS_STAGE.get(profile, "enforce")
    verdicts = mapping(result, "verdicts", where)
    verdict = text(verdicts, stage, f"{where}.verdicts") or "unknown"
    if verdict not in READINESS_VERDICTS:
        raise InputError(f"{where}.verdicts.{stage}: '{verdict}' is not one of {', '.join(READINESS_VERDICTS)}")
    blockers = []
    for loc, finding in entries(result, "findings", where):
        blocks = finding.get("blocks")
        if text(finding, "status", loc) not in HOLDING_STATUSES or (isinstance(blocks, list) and stage not in blocks):
            continue
        blockers.append(Blocker(text(finding, "rule", loc, required=True) or "", text(finding, "component", loc),
                                text(finding, "message", loc, "") or "", text(finding, "fix", loc)))
    return Readiness(verdict, tuple(blockers), origin)


def _counts(data: Mapping, where: str) -> tuple[Count, ...]:
    """Protocol counts under any spelling the core knows ('TLS 1.0', 'tls1_0'); other keys (plaintext) are left out."""
    out: dict[str, int] = {}
    for name in data:
        try:
            key = protocol(str(name)).key
        except ValidationError:
            continue
        out[key] = out.get(key, 0) + (integer(data, name, where, 0) or 0)
    return tuple(Count(key, count) for key, count in out.items())


def usage(result: Mapping, where: str, origin: Origin) -> Usage:
    gate = mapping(result, "gate", where)
    passed = flag(gate, "passed", f"{where}.gate")
    if passed is None:
        passed = flag(gate, "eligible", f"{where}.gate")
    daily = tuple(DailyCount(text(d, "date", loc, required=True) or "", text(d, "source", loc, "all") or "all",
                             _counts(mapping(d, "counts", loc), f"{loc}.counts"))
                  for loc, d in entries(result, "daily", where))
    clients = []
    for loc, c in entries(result, "top_legacy_clients", where)[:MAX_CLIENTS]:
        counts = _counts(mapping(c, "protocols", loc), f"{loc}.protocols")
        clients.append(LegacyClient(
            client=text(c, "client_ip", loc, "") or text(c, "client", loc, "") or "",
            forwarded_for=text(c, "forwarded_for", loc), user_agent=text(c, "user_agent", loc),
            source=text(c, "source", loc), hits=integer(c, "hits", loc) or sum(n.count for n in counts),
            protocols=counts, first_seen=text(c, "first_seen", loc), last_seen=text(c, "last_seen", loc),
            classification=text(c, "classification", loc)))
    per_source: dict[str, int] = {}
    for day in daily:  # sources overlap (an IIS hit is also a SCHANNEL event): never add them up
        per_source[day.source] = per_source.get(day.source, 0) + day.legacy
    reasons = tuple(str(r) for r in items(gate, "reasons", f"{where}.gate") if isinstance(r, (str, int)))
    return Usage(passed, reasons,
                 flag(mapping(result, "coverage", where), "complete", f"{where}.coverage"),
                 max(per_source.values(), default=0), text(result, "last_seen_legacy", where),
                 tuple(clients), daily, origin)
