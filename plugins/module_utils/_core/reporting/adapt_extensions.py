# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_readiness and tls_usage results -> the readiness and usage sections.

Two shapes are read: the modules' own results (a verdict per stage as ``{verdict, blocking, ...}``, usage counts as
one ``{day, source, protocol, count}`` row each, ``legacy_clients`` one row per client and protocol), and the
compact shape docs/report.md described before the modules existed (a verdict string per stage, ``counts`` per day,
``top_legacy_clients``). Every other key is tolerated. A host without such a result shows "not collected", never
"ready" or "no legacy use"."""

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
    blocking: set[str] | None = None  # tls_readiness names the rules that hold the stage back
    if isinstance(verdicts.get(stage), Mapping):
        entry = mapping(verdicts, stage, f"{where}.verdicts")
        verdict = text(entry, "verdict", f"{where}.verdicts.{stage}") or "unknown"
        blocking = {str(rule) for rule in items(entry, "blocking", f"{where}.verdicts.{stage}")}
    else:
        verdict = text(verdicts, stage, f"{where}.verdicts") or "unknown"
    if verdict not in READINESS_VERDICTS:
        raise InputError(f"{where}.verdicts.{stage}: '{verdict}' is not one of {', '.join(READINESS_VERDICTS)}")
    blockers = []
    for loc, finding in entries(result, "findings", where):
        blocks = finding.get("blocks")
        if text(finding, "status", loc) not in HOLDING_STATUSES or (isinstance(blocks, list) and stage not in blocks):
            continue
        if blocking is not None and text(finding, "rule", loc) not in blocking:
            continue  # it holds back another stage, or it is waived
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


def _one_count(row: Mapping, where: str) -> Mapping:
    """A tls_usage row counts one protocol (``protocol``, ``count``): as the compact shape's counts."""
    return {text(row, "protocol", where, "") or "": integer(row, "count", where, 0) or 0}


def _daily(result: Mapping, where: str) -> tuple[DailyCount, ...]:
    days: dict[tuple[str, str], dict[str, int]] = {}
    for loc, d in entries(result, "daily", where):
        counts = mapping(d, "counts", loc) if "counts" in d else _one_count(d, loc)
        key = (text(d, "date", loc) or text(d, "day", loc, required=True) or "", text(d, "source", loc, "all") or "all")
        merged = days.setdefault(key, {})
        for count in _counts(counts, f"{loc}.counts"):
            merged[count.protocol] = merged.get(count.protocol, 0) + count.count
    return tuple(DailyCount(day, source, tuple(Count(k, v) for k, v in counts.items()))
                 for (day, source), counts in days.items())


def _classification(client: Mapping, where: str) -> str | None:
    value = client.get("classification")
    if isinstance(value, Mapping):  # tls_usage: what the capability table says, its verdict first
        return text(value, "verdict", f"{where}.classification")
    return text(client, "classification", where)


def usage(result: Mapping, where: str, origin: Origin) -> Usage:
    gate = mapping(result, "gate", where)
    passed = flag(gate, "passed", f"{where}.gate")
    if passed is None:
        passed = flag(gate, "eligible", f"{where}.gate")
    daily = _daily(result, where)
    clients = []
    key = "legacy_clients" if "legacy_clients" in result else "top_legacy_clients"
    for loc, c in entries(result, key, where)[:MAX_CLIENTS]:
        counts = _counts(mapping(c, "protocols", loc) if "protocols" in c else _one_count(c, loc), f"{loc}.protocols")
        clients.append(LegacyClient(
            client=text(c, "client_ip", loc, "") or text(c, "client", loc, "") or text(c, "site", loc, "") or "",
            forwarded_for=text(c, "forwarded_for", loc), user_agent=text(c, "user_agent", loc),
            source=text(c, "source", loc), hits=integer(c, "hits", loc) or sum(n.count for n in counts),
            protocols=counts, first_seen=text(c, "first_seen", loc), last_seen=text(c, "last_seen", loc),
            classification=_classification(c, loc)))
    per_source: dict[str, int] = {}
    for day in daily:  # sources overlap (an IIS hit is also a SCHANNEL event): never add them up
        per_source[day.source] = per_source.get(day.source, 0) + day.legacy
    reasons = tuple(str(r) for r in items(gate, "reasons", f"{where}.gate") if isinstance(r, (str, int)))
    return Usage(passed, reasons,
                 flag(mapping(result, "coverage", where), "complete", f"{where}.coverage"),
                 max(per_source.values(), default=0), text(result, "last_seen_legacy", where),
                 tuple(clients), daily, origin)
