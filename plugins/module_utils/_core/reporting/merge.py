# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pieces of evidence -> one record per host and per endpoint, however many inputs they came in.

Each host section (state, readiness, usage) and each endpoint is kept from exactly one input: the one collected
last, and at equal times the later input. Every piece that lost is listed as a duplicate, so a sliced job that
covered a host twice says so. Changes are history, not duplicates: the latest applied change and the latest
plan are kept. A failure counts only when nothing newer of its kind succeeded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol, TypeVar

from .adapt_scan import attribution, owner
from .collect import Pieces, Rank
from .model import (
    ACROSS_INPUTS,
    SECTION_OF,
    WITHIN_INPUT,
    Change,
    ChangeRecord,
    Duplicate,
    Endpoint,
    Failure,
    HostEvidence,
    Origin,
    Section,
    Waiver,
)
from .shapes import timestamp


class _Sourced(Protocol):
    @property
    def origin(self) -> Origin: ...


T = TypeVar("T", bound=_Sourced)


def _latest(subject: str, section: str, found: list[tuple[T, Rank]], duplicates: list[Duplicate]) -> T:
    ordered = sorted(found, key=lambda f: f[1])
    kept = ordered[-1][0]
    newest = ordered[-1][1]
    duplicates.extend(Duplicate(subject, section, kept.origin.source, value.origin.source,
                                WITHIN_INPUT if rank[2] == newest[2] else ACROSS_INPUTS)
                      for value, rank in ordered[:-1])
    return kept


def _one_per_host(found: list[tuple[str, T, Rank]], section: Section,
                  duplicates: list[Duplicate]) -> dict[str, tuple[T, Rank]]:
    grouped: dict[str, list[tuple[T, Rank]]] = {}
    for host, value, rank in found:
        grouped.setdefault(host, []).append((value, rank))
    return {host: (_latest(host, section.value, values, duplicates), max(r for _v, r in values))
            for host, values in grouped.items()}


def _change(records: list[tuple[ChangeRecord, Rank]]) -> ChangeRecord:
    last: tuple[Change, float] | None = None
    pending = None
    for record, rank in sorted(records, key=lambda r: r[1]):
        if record.last_change is not None:
            when = timestamp(record.last_change.at) or rank[0]
            if last is None or when >= last[1]:
                last = (record.last_change, when)
        if record.pending is not None:
            pending = record.pending
    latest = max(records, key=lambda r: r[1])[0]
    return ChangeRecord(last[0] if last else None, pending, latest.origin)


def _stale(state: tuple[object, Rank] | None, applied: Rank | None) -> bool:
    """The registry was changed after the state was read: the state no longer says what the host does."""
    return state is not None and applied is not None and applied > state[1]


def merge(pieces: Pieces, expected: Iterable[str] = ()) -> tuple[list[HostEvidence], list[Endpoint], list[Duplicate]]:
    duplicates: list[Duplicate] = []
    states = _one_per_host(pieces.states, Section.STATE, duplicates)
    readiness = _one_per_host(pieces.readiness, Section.READINESS, duplicates)
    usage = _one_per_host(pieces.usage, Section.USAGE, duplicates)
    grouped: dict[str, list[tuple[ChangeRecord, Rank]]] = {}
    for host, record, rank in pieces.changes:
        grouped.setdefault(host, []).append((record, rank))
    changes = {host: (_change(found), max(r for _v, r in found)) for host, found in grouped.items()}
    applied = {host: max(r for v, r in found if v.last_change is not None) for host, found in grouped.items()
               if any(v.last_change is not None for v, _r in found)}
    newest: dict[Section, dict[str, tuple[object, Rank]]] = {
        Section.STATE: dict(states), Section.READINESS: dict(readiness), Section.USAGE: dict(usage),
        Section.CHANGE: dict(changes)}
    failures: dict[str, list[Failure]] = {}
    for host, failure, rank in sorted(pieces.failures, key=lambda f: f[2]):
        section = SECTION_OF[failure.kind] if failure.kind is not None else Section.STATE
        if rank > newest[section].get(host, (None, (float("-inf"), 0, 0)))[1]:
            failures.setdefault(host, []).append(failure)
    waived: dict[str, dict[str, Waiver]] = {}
    for host, waiver, _rank in sorted(pieces.waivers, key=lambda w: w[2]):
        waived.setdefault(host, {})[waiver.rule] = waiver
    names = set(pieces.hosts) | set(expected) | set(failures) | set(waived)
    for table in newest.values():
        names |= set(table)
    hosts = [HostEvidence(name, states[name][0] if name in states else None,
                          changes[name][0] if name in changes else None,
                          readiness[name][0] if name in readiness else None,
                          usage[name][0] if name in usage else None,
                          tuple(waived.get(name, {}).values()), tuple(failures.get(name, ())),
                          _stale(states.get(name), applied.get(name)))
             for name in sorted(names, key=lambda n: (n.casefold(), n))]
    by_key: dict[tuple[str, str], list[tuple[Endpoint, Rank]]] = {}
    for point, rank in pieces.endpoints:
        by_key.setdefault(point.key, []).append((point, rank))
    lookup = attribution(names)
    endpoints = []
    for key in sorted(by_key):
        point = _latest(key[0], "endpoint", by_key[key], duplicates)
        if point.host is None:
            point = replace(point, host=owner(point.address, lookup))
        endpoints.append(point)
    return hosts, endpoints, duplicates
