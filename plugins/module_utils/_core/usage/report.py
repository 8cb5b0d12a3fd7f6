# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one result per host (``UsageReport.to_json()``, shape in docs/usage.md): counts per day, source and
protocol; the top legacy clients with who they are; client-side use; SCHANNEL failures; coverage; the gate.
Its size is bounded by days x sources x protocols plus ``top`` clients, never by log lines."""

from __future__ import annotations

from dataclasses import dataclass

from ..protocols import LEGACY_TLS_KEYS
from .aggregate import Aggregate, RunNote
from .clients import Classification, classify
from .gate import SCHANNEL_SOURCES, GateResult, GateRule, LegacyUse, evaluate, legacy_uses
from .model import SERVER_SIDE, FailureCount
from .timefmt import parse_time

SCHEMA = "tlsguard.usage.report/v1"
DEFAULT_TOP = 50


@dataclass(frozen=True, order=True)
class DailyCount:
    day: str
    source: str
    protocol: str
    count: int

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LegacyClient:
    use: LegacyUse
    classification: Classification | None   # None for SCHANNEL certificates (no client to classify)

    def to_json(self) -> dict:
        data = self.use.to_json()
        data["classification"] = self.classification.to_json() if self.classification else None
        return data


@dataclass(frozen=True)
class UsageReport:
    host: str
    as_of: str
    window_days: int
    daily: tuple[DailyCount, ...]
    legacy_clients: tuple[LegacyClient, ...]
    legacy_clients_total: int
    client_side: tuple[LegacyUse, ...]
    failures: tuple[FailureCount, ...]
    first_seen_legacy: str
    last_seen_legacy: str
    days_since_last_legacy: int | None
    gate: GateResult
    notes: tuple[RunNote, ...]
    runs: int

    def to_json(self) -> dict:
        return {"schema": SCHEMA, "host": self.host, "as_of": self.as_of, "window_days": self.window_days,
                "runs": self.runs, "daily": [d.to_json() for d in self.daily],
                "legacy_clients": [c.to_json() for c in self.legacy_clients],
                "legacy_clients_total": self.legacy_clients_total,
                "client_side": [u.to_json() for u in self.client_side],
                "failures": [f.to_json() for f in self.failures],
                "first_seen_legacy": self.first_seen_legacy, "last_seen_legacy": self.last_seen_legacy,
                "days_since_last_legacy": self.days_since_last_legacy, "gate": self.gate.to_json(),
                "coverage": self.gate.coverage.to_json(),
                "notes": [n.to_json() for n in self.notes]}


def build_report(host: str, store: Aggregate, rule: GateRule, as_of: str, top: int = DEFAULT_TOP) -> UsageReport:
    gate = evaluate(store, rule, as_of)
    window_start = gate.coverage.window_start
    first_day = window_start[:10]
    daily: dict[tuple[str, str, str], int] = {}
    for group in store.groups:
        if group.key.day >= first_day:
            key = (group.key.day, group.key.source, group.key.protocol)
            daily[key] = daily.get(key, 0) + group.count
    uses = legacy_uses(store.groups, first_day, rule.exceptions)
    clients = tuple(LegacyClient(u, None if u.source in SCHANNEL_SOURCES or u.folded
                                 else classify(u.user_agent, u.source)) for u in uses[:top])
    server = {s.value for s in SERVER_SIDE}
    legacy = [g for g in store.groups if g.key.source in server and g.key.protocol in LEGACY_TLS_KEYS]
    first = min((g.first_seen for g in legacy), default="")
    last = max((g.last_seen for g in legacy), default="")
    last_time, now = parse_time(last), parse_time(as_of)
    since = (now.date() - last_time.date()).days if last_time and now else None
    return UsageReport(host, as_of, rule.days, tuple(DailyCount(*k, c) for k, c in sorted(daily.items())), clients,
                       len(uses), tuple(legacy_uses(store.groups, first_day, server_side=False)[:top]),
                       tuple(f for f in store.failures if f.key.day >= first_day), first, last, since, gate,
                       tuple(n for n in store.notes if n.at >= window_start), store.runs)
