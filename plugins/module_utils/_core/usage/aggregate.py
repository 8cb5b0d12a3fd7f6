# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counts over many runs: typed groups merged by key, bounded, with the spans they cover and the checkpoint
they end at. One shape for one run and for the history the controller keeps (``Aggregate``).

Merging is associative and commutative on groups (counts add, first/last take min/max), so aggregating a log in
two halves and merging equals aggregating it at once, up to the cap. Over the cap, the groups kept are the
legacy ones first, then the busiest; the rest fold into per-day/site/port/protocol groups without client
fields, so every count per protocol and day stays exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TypeVar

from ..errors import HostReplyError
from . import jsonread as jr
from .checkpoint import Checkpoint
from .model import FailureCount, FailureKey, Group, GroupKey
from .notes import Note
from .spans import Span, union
from .timefmt import iso, parse_time

SCHEMA = "tlsguard.usage.aggregate/v1"
T = TypeVar("T")
MAX_GROUPS = 10_000
MAX_NOTES = 200


@dataclass(frozen=True)
class RunNote:
    at: str        # when the run that noted it ended
    note: Note

    def to_json(self) -> dict:
        return {"at": self.at, **self.note.to_json()}

    @classmethod
    def from_json(cls, data: object, where: str) -> RunNote:
        data = jr.obj(data, where)
        return cls(jr.time(data, "at", where), Note.from_json(data, where))


@dataclass(frozen=True)
class SourceState:
    """Whether a source was on in the latest run, and why not (a sentence)."""

    name: str           # "schannel", "iis", "smtp"
    on: bool
    detail: str
    since: str = ""     # schannel: since when EventLogging with 0x4 is known to be in effect
    value: int | None = None   # schannel: the EventLogging value that run read (the default 1 when absent)

    def to_json(self) -> dict:
        return {"name": self.name, "on": self.on, "detail": self.detail, "since": self.since, "value": self.value}

    @classmethod
    def from_json(cls, data: object, where: str) -> SourceState:
        data = jr.obj(data, where)
        return cls(jr.string(data, "name", where), jr.boolean(data, "on", where), jr.string(data, "detail", where, ""),
                   jr.time(data, "since", where, optional=True), jr.optional_integer(data, "value", where))


@dataclass(frozen=True)
class SiteState:
    """An IIS site as the latest run saw its configuration."""

    folder: str          # W3SVC1
    name: str
    https: bool          # has an https binding
    crypt_field: bool    # logs crypt-protocol (a custom field with source CRYPT_PROTOCOL)
    forwarded_for: bool  # logs X-Forwarded-For
    logging: bool        # W3C logging on

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: object, where: str) -> SiteState:
        data = jr.obj(data, where)
        return cls(jr.string(data, "folder", where), jr.string(data, "name", where, ""),
                   jr.boolean(data, "https", where), jr.boolean(data, "crypt_field", where),
                   jr.boolean(data, "forwarded_for", where, False), jr.boolean(data, "logging", where, True))


@dataclass(frozen=True)
class Aggregate:
    groups: tuple[Group, ...] = ()
    failures: tuple[FailureCount, ...] = ()
    spans: tuple[Span, ...] = ()
    notes: tuple[RunNote, ...] = ()
    sources: tuple[SourceState, ...] = ()
    sites: tuple[SiteState, ...] | None = None   # None: no IIS inventory (IIS absent or not read)
    checkpoint: Checkpoint | None = None
    runs: int = 0

    def to_json(self) -> dict:
        return {"schema": SCHEMA, "runs": self.runs, "groups": [g.to_json() for g in self.groups],
                "failures": [f.to_json() for f in self.failures], "spans": [s.to_json() for s in self.spans],
                "notes": [n.to_json() for n in self.notes], "sources": [s.to_json() for s in self.sources],
                "sites": [s.to_json() for s in self.sites] if self.sites is not None else None,
                "checkpoint": self.checkpoint.to_json() if self.checkpoint else None}

    @classmethod
    def from_json(cls, data: object, where: str = "usage store") -> Aggregate:
        data = jr.obj(data, where)
        if data.get("schema") != SCHEMA:
            raise HostReplyError(f"{where}: not a {SCHEMA} document (schema {data.get('schema')!r:.40})")

        def items(key: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
            return tuple(parse(x, f"{where}.{key}[{i}]") for i, x in enumerate(jr.array(data, key, where, [])))

        sites = data.get("sites")
        return cls(items("groups", Group.from_json), items("failures", FailureCount.from_json),
                   items("spans", Span.from_json), items("notes", RunNote.from_json),
                   items("sources", SourceState.from_json),
                   items("sites", SiteState.from_json) if sites is not None else None,
                   Checkpoint.from_json(data["checkpoint"], f"{where}.checkpoint") if data.get("checkpoint") else None,
                   jr.integer(data, "runs", where, 0))


def _fold(key: GroupKey) -> GroupKey:
    return GroupKey(key.day, key.source, key.site, key.port, "", "", "", key.protocol, folded=True)


def merge_groups(groups: Iterable[Group], max_groups: int = MAX_GROUPS) -> tuple[Group, ...]:
    totals: dict[GroupKey, list] = {}
    for group in groups:
        entry = totals.get(group.key)
        if entry is None:
            totals[group.key] = [group.count, group.first_seen, group.last_seen]
        else:
            entry[0] += group.count
            entry[1] = min(entry[1], group.first_seen)
            entry[2] = max(entry[2], group.last_seen)
    named = [k for k in totals if not k.folded]
    if len(named) > max_groups:
        named.sort(key=lambda k: (not k.legacy, -totals[k][0], k))
        for key in named[max_groups:]:
            count, first, last = totals.pop(key)
            entry = totals.setdefault(_fold(key), [0, first, last])
            entry[0] += count
            entry[1] = min(entry[1], first)
            entry[2] = max(entry[2], last)
    return tuple(Group(k, c, f, la) for k, (c, f, la) in sorted(totals.items()))


def merge_failures(failures: Iterable[FailureCount]) -> tuple[FailureCount, ...]:
    totals: dict[FailureKey, list] = {}
    for failure in failures:
        entry = totals.setdefault(failure.key, [0, failure.first_seen, failure.last_seen])
        entry[0] += failure.count
        entry[1] = min(entry[1], failure.first_seen)
        entry[2] = max(entry[2], failure.last_seen)
    return tuple(FailureCount(k, c, f, la) for k, (c, f, la) in sorted(totals.items()))


def merge(a: Aggregate, b: Aggregate, max_groups: int = MAX_GROUPS) -> Aggregate:
    """Counts of both; the newer run's sources, sites and checkpoint. No continuity check (see merge_run)."""
    newer = b if (b.checkpoint.taken_at if b.checkpoint else "") >= (a.checkpoint.taken_at if a.checkpoint else "") \
        else a
    return Aggregate(merge_groups((*a.groups, *b.groups), max_groups), merge_failures((*a.failures, *b.failures)),
                     union((*a.spans, *b.spans)), (*a.notes, *b.notes)[-MAX_NOTES:], newer.sources or a.sources,
                     newer.sites if newer.sites is not None else a.sites, newer.checkpoint, a.runs + b.runs)


def merge_run(store: Aggregate, run: Aggregate, max_groups: int = MAX_GROUPS) -> Aggregate:
    """Add one run to the stored history, unless that would count something twice.

    The run must have gone on from the checkpoint the store ends at. A run that started from an older point
    (or from scratch) overlaps the store: it replaces it, since it covers its own span completely. A run that
    went on from a newer checkpoint (a reply the controller never got) is added; the spans show the gap.
    """
    if store.checkpoint is None or run.checkpoint is None:
        return merge(store, run, max_groups)
    cp = run.checkpoint
    if cp.previous_id == store.checkpoint.id:
        return merge(store, run, max_groups)
    at = cp.taken_at
    if not cp.previous_id or cp.previous_taken_at < store.checkpoint.taken_at:
        note = Note("store_replaced", f"this run went on from {'nothing' if not cp.previous_id else cp.previous_id}, "
                    f"not from the stored checkpoint {store.checkpoint.id}: its counts replace the stored ones "
                    "(adding them would count some twice)")
        return replace(run, notes=(*run.notes, RunNote(at, note)))
    note = Note("store_gap", f"this run went on from {cp.previous_id} ({cp.previous_taken_at}), which the store "
                f"never received; what happened between {store.checkpoint.taken_at} and then is not counted",
                blocks_gate=True)
    merged = merge(store, run, max_groups)
    return replace(merged, notes=(*merged.notes, RunNote(at, note))[-MAX_NOTES:])


def prune(store: Aggregate, keep_days: int, as_of: str) -> Aggregate:
    """Drop what is older than ``keep_days`` before ``as_of``: bounded history, however many runs."""
    now = parse_time(as_of)
    if now is None:
        return store
    cutoff = iso(now - timedelta(days=keep_days))
    day = cutoff[:10]
    spans = tuple(Span(s.stream, max(s.start, cutoff), s.end) for s in store.spans if s.end >= cutoff)
    return replace(store, groups=tuple(g for g in store.groups if g.key.day >= day),
                   failures=tuple(f for f in store.failures if f.key.day >= day), spans=spans,
                   notes=tuple(n for n in store.notes if n.at >= cutoff))
