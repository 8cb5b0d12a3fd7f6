# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inputs -> pieces of evidence, each with its rank (collection time, then input order) for the merge.

An input is a registered result, a mapping of host names to results (or lists of results), a list of these, or
a fleet report this module wrote before (a slice of a sliced job)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .adapt_extensions import readiness, usage
from .adapt_host import Baseline, change_record, info_state, waivers
from .adapt_scan import scan_endpoints
from .document import read_report
from .model import (
    SCHEMA,
    ChangeRecord,
    Endpoint,
    Failure,
    HostState,
    InputInfo,
    Kind,
    Origin,
    Readiness,
    Usage,
    Waiver,
)
from .shapes import KINDS_TEXT, InputError, detect, is_outcome_only, text, timestamp

Rank = tuple[float, int, int]  # (collection time, position over all inputs, input number)


@dataclass(frozen=True)
class Source:
    """One input: ``name`` says where it is (``results[0]``, ``src[1] reports/a.json``); ``time`` is when it was
    written (a file's modification time), None for results handed over in this run."""

    name: str
    document: object
    time: str | None = None


@dataclass
class Pieces:
    states: list[tuple[str, HostState, Rank]] = field(default_factory=list)
    changes: list[tuple[str, ChangeRecord, Rank]] = field(default_factory=list)
    readiness: list[tuple[str, Readiness, Rank]] = field(default_factory=list)
    usage: list[tuple[str, Usage, Rank]] = field(default_factory=list)
    failures: list[tuple[str, Failure, Rank]] = field(default_factory=list)
    waivers: list[tuple[str, Waiver, Rank]] = field(default_factory=list)
    endpoints: list[tuple[Endpoint, Rank]] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    inputs: list[InputInfo] = field(default_factory=list)


class Collector:
    def __init__(self, baseline: Baseline, now: float) -> None:
        self.baseline = baseline
        self.now = now
        self.pieces = Pieces()
        self._order = 0

    def _rank(self, time: str | None, fallback: float) -> Rank:
        self._order += 1
        return (timestamp(time) or fallback, self._order, len(self.pieces.inputs))

    def add(self, source: Source) -> None:
        fallback = timestamp(source.time) or self.now
        before_hosts, before_points = len(self.pieces.hosts), len(self.pieces.endpoints)
        document = source.document
        if isinstance(document, Mapping) and isinstance(document.get("schema"), str) \
                and str(document["schema"]).startswith("tlsguard_fleet_report/"):
            self._report(document, source.name)
            kind = "report"
        else:
            self._take(document, source.name, None, Origin(source.name, source.time), fallback)
            kind = "results"
        self.pieces.inputs.append(InputInfo(source.name, kind, len(self.pieces.hosts) - before_hosts,
                                            len(self.pieces.endpoints) - before_points))

    def _report(self, document: Mapping, where: str) -> None:
        if document["schema"] != SCHEMA:
            raise InputError(f"{where}: a report of schema {document['schema']}; this module reads {SCHEMA}")
        if document.get("profile") != self.baseline.profile:
            raise InputError(f"{where}: this report judged hosts against '{document.get('profile')}', the new one "
                             f"against '{self.baseline.profile}'; merge reports of one profile, or build the "
                             "report again from the results")
        generated = timestamp(text(document, "generated_at", where)) or self.now
        hosts, endpoints = read_report(document, where)
        for evidence in hosts:
            self.pieces.hosts.add(evidence.name)
            # Same-time sections keep their order, so a state read before a change stays stale and no other is.
            first, second = (evidence.state, evidence.change) if evidence.stale else (evidence.change, evidence.state)
            for value in (first, second, evidence.readiness, evidence.usage):
                if value is not None:
                    self._section(evidence.name, value, self._rank(value.origin.collected_at, generated))
            for failure in evidence.failures:
                self.pieces.failures.append((evidence.name, failure,
                                             self._rank(failure.origin.collected_at, generated)))
            for waiver in evidence.waivers:
                self.pieces.waivers.append((evidence.name, waiver, self._rank(None, generated)))
        for point in endpoints:
            self.pieces.endpoints.append((point, self._rank(point.origin.collected_at, generated)))

    def _take(self, data: object, where: str, host: str | None, origin: Origin, fallback: float) -> None:
        if isinstance(data, list):
            for index, entry in enumerate(data):
                self._take(entry, f"{where}[{index}]", host, Origin(f"{origin.source}[{index}]", origin.collected_at),
                           fallback)
            return
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: expected a registered result or a mapping of host names to results, got "
                             f"{type(data).__name__}")
        kind = detect(data)
        if kind is None and isinstance(data.get("results"), list) and "msg" in data:  # a registered loop
            self._take(data["results"], f"{where}.results", host,
                       Origin(f"{origin.source}.results", origin.collected_at), fallback)
            return
        if kind is None and not is_outcome_only(data):
            if host is not None or not data:
                raise InputError(f"{where}: not a result of {KINDS_TEXT} (keys: {', '.join(sorted(map(str, data)))})")
            for name, value in data.items():
                self.pieces.hosts.add(str(name))
                self._take(value, f"{where}.{name}", str(name), Origin(f"{origin.source}.{name}", origin.collected_at),
                           fallback)
            return
        if kind is Kind.SCAN and not data.get("failed"):
            for point in scan_endpoints(data, where, origin, host):
                self.pieces.endpoints.append((point, self._rank(origin.collected_at, fallback)))
            return
        if host is None:
            raise InputError(f"{where}: a {kind.value if kind else 'host'} result needs its host: give it as "
                             "{host_name: result} (for example a mapping built from hostvars)")
        self._host_result(data, kind, where, host, origin, fallback)

    def _host_result(self, data: Mapping, kind: Kind | None, where: str, host: str, origin: Origin,
                     fallback: float) -> None:
        if data.get("skipped"):
            return
        rank = self._rank(origin.collected_at, fallback)
        if data.get("failed") or data.get("unreachable"):
            what = "unreachable: " if data.get("unreachable") else ""
            message = what + (text(data, "msg", where, "no message") or "no message")
            self.pieces.failures.append((host, Failure(kind, message, origin), rank))
            return
        if kind is None:
            raise InputError(f"{where}: not a result of {KINDS_TEXT}")
        for waiver in waivers(data, where):
            self.pieces.waivers.append((host, waiver, rank))
        value: HostState | ChangeRecord | Readiness | Usage
        if kind is Kind.INFO:
            value = info_state(data, where, self.baseline, origin)
        elif kind in (Kind.CONFIG, Kind.RESTORE):
            value = change_record(data, kind, where, origin)
        elif kind is Kind.READINESS:
            value = readiness(data, where, self.baseline.profile, origin)
        else:
            value = usage(data, where, origin)
        self._section(host, value, rank)

    def _section(self, host: str, value: HostState | ChangeRecord | Readiness | Usage, rank: Rank) -> None:
        if isinstance(value, HostState):
            self.pieces.states.append((host, value, rank))
        elif isinstance(value, ChangeRecord):
            self.pieces.changes.append((host, value, rank))
        elif isinstance(value, Readiness):
            self.pieces.readiness.append((host, value, rank))
        else:
            self.pieces.usage.append((host, value, rank))
