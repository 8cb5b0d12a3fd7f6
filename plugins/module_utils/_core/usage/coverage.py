# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is the evidence complete for a window? Which sources were on, which spans they cover, which days have no
evidence, which IIS sites cannot be judged, and what input was unreadable. Every problem is a sentence.

Required streams (our choice, docs/usage.md): SCHANNEL always (the only source that sees every Schannel
service); every IIS site with an https binding (from the site inventory, else every IIS log folder read);
SMTP receive logs when the caller says Exchange is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .aggregate import Aggregate
from .model import NOT_LOGGED, Source
from .spans import Span
from .timefmt import day_start, iso, parse_time

MAX_PROBLEMS = 40


@dataclass(frozen=True)
class StreamCoverage:
    stream: str
    spans: tuple[Span, ...]          # the covered spans inside the window
    missing_days: tuple[str, ...]    # days of the window with an uncovered part ("2024-05-01..2024-05-03" ranges)

    @property
    def complete(self) -> bool:
        return not self.missing_days

    def to_json(self) -> dict:
        return {"stream": self.stream, "complete": self.complete, "spans": [s.to_json() for s in self.spans],
                "missing_days": list(self.missing_days)}


@dataclass(frozen=True)
class Coverage:
    window_start: str
    window_end: str
    sources: tuple[dict, ...]
    streams: tuple[StreamCoverage, ...]
    sites_without_crypt: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"window": {"start": self.window_start, "end": self.window_end}, "complete": self.complete,
                "sources": list(self.sources), "streams": [s.to_json() for s in self.streams],
                "sites_without_crypt": list(self.sites_without_crypt), "problems": list(self.problems)}


def _ranges(days: list[date]) -> tuple[str, ...]:
    out: list[str] = []
    start = prev = None
    for day in days:
        if prev is not None and day == prev + timedelta(days=1):
            prev = day
            continue
        if start is not None and prev is not None:
            out.append(str(start) if start == prev else f"{start}..{prev}")
        start = prev = day
    if start is not None and prev is not None:
        out.append(str(start) if start == prev else f"{start}..{prev}")
    return tuple(out)


def _missing(spans: list[Span], start: datetime, end: datetime) -> list[date]:
    """Days with a part of [start, end] no span covers."""
    gaps: list[tuple[datetime, datetime]] = []
    cursor = start
    for span in spans:
        s, e = parse_time(span.start), parse_time(span.end)
        if s is None or e is None or e < cursor:
            continue
        if s > cursor:
            gaps.append((cursor, min(s, end)))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    days: set[date] = set()
    for gap_start, gap_end in gaps:
        if gap_end <= gap_start:
            continue
        day = gap_start.date()
        while day_start(day) < gap_end:
            days.add(day)
            day += timedelta(days=1)
    return sorted(days)


def _label(stream: str) -> str:
    kind, _sep, name = stream.partition(":")
    return {"schannel": "SCHANNEL events", "iis": f"IIS site {name}", "smtp": f"SMTP logs in {name}"}.get(kind, stream)


def required_streams(store: Aggregate, require_smtp: bool) -> tuple[list[str], list[str]]:
    """(streams that must cover the window, problems with the sources themselves)."""
    problems: list[str] = []
    streams = ["schannel"]
    state = {s.name: s for s in store.sources}
    if "schannel" not in state or not state["schannel"].on:
        problems.append(state["schannel"].detail if "schannel" in state else "SCHANNEL events were never read")
    if store.sites is not None:
        for site in sorted(store.sites, key=lambda s: s.folder):
            if not site.https:
                continue
            streams.append(f"iis:{site.folder}")
            named = f"{site.folder} ({site.name})" if site.name else site.folder
            if not site.logging:
                problems.append(f"IIS site {named} has an https binding but no W3C logging: its clients cannot be "
                                "judged")
            elif not site.crypt_field:
                problems.append(f"no IIS crypt-protocol field configured on site {named}: its clients cannot be "
                                "judged")
    else:
        streams += sorted({s.stream for s in store.spans if s.stream.startswith("iis:")})
    if require_smtp:
        smtp = sorted({s.stream for s in store.spans if s.stream.startswith("smtp:")})
        if not smtp:
            problems.append("no SMTP receive protocol logs were read, but this host was said to run Exchange")
        streams += smtp
    return streams, problems


def coverage(store: Aggregate, as_of: str, days: int, require_smtp: bool = False) -> Coverage:
    end = parse_time(as_of)
    if end is None:
        raise ValueError(f"as_of '{as_of}' is not an ISO 8601 time")
    start = end - timedelta(days=days)
    window_start, window_end = iso(start), iso(end)
    streams, problems = required_streams(store, require_smtp)
    results = []
    for stream in streams:
        spans = [s for s in store.spans if s.stream == stream and s.end >= window_start and s.start <= window_end]
        missing = _ranges(_missing(spans, start, end))
        results.append(StreamCoverage(stream, tuple(spans), missing))
        if missing:
            if not spans:
                problems.append(f"{_label(stream)}: no evidence at all in the window")
            else:
                problems.append(f"{_label(stream)}: no evidence for {', '.join(missing[:5])}"
                                + (f" and {len(missing) - 5} more stretch(es)" if len(missing) > 5 else ""))
    first_day = window_start[:10]
    no_crypt: dict[str, list] = {}
    for group in store.groups:
        if group.key.source == Source.IIS.value and group.key.protocol == NOT_LOGGED and group.key.day >= first_day:
            entry = no_crypt.setdefault(group.key.site, [0, group.key.day, group.key.day])
            entry[0] += group.count
            entry[1], entry[2] = min(entry[1], group.key.day), max(entry[2], group.key.day)
    for site, (count, first, last) in sorted(no_crypt.items()):
        problems.append(f"no IIS crypt-protocol field on site {site}: its clients cannot be judged ({count:,} "
                        f"request(s) from {first} to {last} were logged without it)")
    for run_note in store.notes:
        if run_note.note.blocks_gate and run_note.at >= window_start:
            problems.append(run_note.note.describe())
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"and {len(problems) - MAX_PROBLEMS} more problem(s)"]
    crypt_missing = sorted(set(no_crypt) | {s.folder for s in store.sites or () if s.https and not s.crypt_field})
    return Coverage(window_start, window_end, tuple(s.to_json() for s in store.sources), tuple(results),
                    tuple(crypt_missing), tuple(problems))
