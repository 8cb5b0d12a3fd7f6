# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Streaming, TLS-blind reader of comma-separated logs with a ``#Fields`` header (Exchange protocol logs).

Only lines whose ``match.column`` matches ``match.pattern`` are counted; a ``join`` remembers a value per
session (e.g. the EHLO name) from earlier lines, bounded by ``join.max_sessions`` (oldest forgotten first).
Patterns are searched (not anchored unless they say so) and use only what .NET and Python regular
expressions share, because the host module applies the same ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from .counting import RawCounter
from .cursor import MAX_HEADER_CHARS, Cursor, ReadResult
from .lines import LineSplitter
from .notes import Notes
from .spec import DAY, DIR, JOIN, MATCH, CountSpec

FIELDS = "#Fields:"


def _capture(pattern: re.Pattern[str], value: str) -> str | None:
    found = pattern.search(value)
    if found is None:
        return None
    return found.group(1) if pattern.groups else found.group(0)


class _Columns:
    def __init__(self, header: str, spec: CountSpec) -> None:
        names = [name.strip() for name in header.split(",")] if header else []
        self.index: dict[str, int] = {}
        for position, name in enumerate(names):
            self.index.setdefault(name.lower(), position)
        self.nfields = len(names) if names else -1
        self.header = header

    def find(self, *candidates: str) -> int | None:
        return next((self.index[c.lower()] for c in candidates if c.lower() in self.index), None)


class Sessions:
    """The join state of one log folder: session id -> remembered value, oldest evicted first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.values: dict[str, str] = {}
        self.evicted = 0

    def remember(self, session: str, value: str) -> None:
        self.values.pop(session, None)
        self.values[session] = value
        if len(self.values) > self.limit:
            del self.values[next(iter(self.values))]
            self.evicted += 1


def read_csv_log(chunks: Iterable[bytes], spec: CountSpec, counter: RawCounter, notes: Notes, *, label: str,
                 directory: str, sessions: Sessions, start: Cursor | None = None,
                 final: bool = False) -> ReadResult:
    start = start or Cursor()
    columns = _Columns(start.header, spec)
    match = re.compile(spec.match.pattern) if spec.match else None
    join = re.compile(spec.join.pattern) if spec.join else None
    value_patterns = [re.compile(c.pattern) if c.pattern else None for c in spec.columns]
    counted = unreadable = 0

    def too_long(where: int) -> None:
        nonlocal unreadable
        unreadable += 1
        notes.add("csv_line_too_long", f"{label} line {where}: longer than {spec.max_line_bytes:,} bytes; "
                  "skipped", blocks_gate=True)

    def line(raw: bytes, where: int) -> None:
        nonlocal columns, counted, unreadable
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if text.startswith("#"):
            if text.startswith(FIELDS) and len(text) <= MAX_HEADER_CHARS:
                columns = _Columns(text[len(FIELDS):].strip(), spec)
            return
        if not text.strip():
            return
        try:
            values = next(csv.reader([text]), [])
        except csv.Error:   # e.g. a field over the csv module's size limit
            values = []
        if columns.nfields < 0 or len(values) != columns.nfields:
            unreadable += 1
            notes.add("csv_field_count", f"{label} line {where}: {len(values)} fields where #Fields names "
                      f"{max(columns.nfields, 0)}; skipped", blocks_gate=True)
            return
        if spec.join and join is not None:
            key_at, col_at = columns.find(spec.join.key), columns.find(spec.join.column)
            if key_at is not None and col_at is not None:
                remembered = _capture(join, values[col_at])
                if remembered is not None:
                    sessions.remember(values[key_at], remembered)
        matched: str | None = None
        if spec.match and match is not None:
            at = columns.find(spec.match.column)
            matched = _capture(match, values[at]) if at is not None else None
            if matched is None:
                return
        time_at = [columns.find(name) for name in spec.time]
        time_parts = [values[i] for i in time_at if i is not None]
        time = " ".join(time_parts)
        out: list[str | None] = []
        for column, pattern in zip(spec.columns, value_patterns, strict=True):
            if column.sources == (DAY,):
                out.append(time[:10] if time else None)
            elif column.sources == (DIR,):
                out.append(directory)
            elif column.sources == (MATCH,):
                out.append(matched)
            elif column.sources == (JOIN,):
                key_at = columns.find(spec.join.key) if spec.join else None
                out.append(sessions.values.get(values[key_at]) if key_at is not None else None)
            else:
                at = columns.find(*column.sources)
                value = values[at] if at is not None else None
                if value is not None and pattern is not None:
                    value = _capture(pattern, value) or value
                out.append(value)
        counter.add(tuple(out), time or None)
        counted += 1

    splitter = LineSplitter(start, spec.max_line_bytes, too_long)
    for first, lines, _headers in splitter.chunks(chunks):
        for offset, raw in enumerate(lines):
            line(raw, first + offset)
    tail = splitter.finish(final)
    if tail is not None:
        line(tail[1], tail[0])
    cursor = Cursor(splitter.offset, splitter.line_no, columns.header, "", splitter.skipping)
    return ReadResult(cursor, counted, unreadable, splitter.tail_left)
