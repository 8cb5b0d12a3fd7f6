# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Streaming, TLS-blind reader of W3C extended logs (IIS ``u_ex*.log`` and ``u_ex*_x.log``).

The column map is rebuilt at every ``#Fields`` line (it changes mid-file when the logging configuration
changes; Log Parser's IISW3C documentation warns about it). Fields are separated by ASCII whitespace; ``-`` is
kept as text (the interpreting layer decides what it means). Input arrives as byte chunks; memory per line is
bounded by ``max_line_bytes``: a longer line is skipped and noted, never held whole.

The hot loop works on bytes and hands each line's key to a dict; everything else (decoding, cutting long values,
folding at the cap) happens once per distinct group, which is why it keeps up with a bare ``str.split`` loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter

from .counting import ABSENT, CONST, LINE, Layout, RawCounter
from .cursor import MAX_HEADER_CHARS, Cursor, ReadResult
from .lines import LineSplitter
from .notes import Notes
from .spec import DAY, DIR, CountSpec

FIELDS = b"#Fields:"
DATE = b"#Date:"


class _Block:
    """The column map of one #Fields stretch."""

    def __init__(self, header: str, date: str, spec: CountSpec, directory: str, counter: RawCounter) -> None:
        names = header.split()
        lower: dict[str, int] = {}
        for index, name in enumerate(names):
            lower.setdefault(name.lower(), index)
        self.header = header
        self.counter = counter
        self.nfields = len(names) if names else -1
        time_idx = [lower.get(t.lower()) for t in spec.time]
        self.time_idx = time_idx
        self.date_const = date[:10].encode()
        slots: list[tuple[str, bytes | None]] = []
        picks: list[int] = []
        day_slot = -1
        for position, column in enumerate(spec.columns):
            if column.sources == (DIR,):
                slots.append((CONST, directory.encode()))
                continue
            if column.sources == (DAY,):
                day_slot = position
                if time_idx and time_idx[0] is not None:
                    slots.append((LINE, None))
                    picks.append(time_idx[0])
                else:
                    slots.append((CONST, self.date_const) if self.date_const else (ABSENT, None))
                continue
            found = next((lower[s.lower()] for s in column.sources if s.lower() in lower), None)
            if found is None:
                slots.append((ABSENT, None))
            else:
                slots.append((LINE, None))
                picks.append(found)
        # Fast path: the key carries the date column, entries keep the time of day only.
        self.fast = (len(time_idx) == 2 and None not in time_idx and day_slot >= 0
                     and slots[day_slot][0] == LINE and self.nfields > 0)
        self.layout = Layout(tuple(slots), day_slot, self.fast)
        self.table = counter.table(self.layout)
        self.getter: Callable[[list[bytes]], tuple]
        if not picks:
            self.getter = lambda parts: ()
        elif len(picks) == 1:
            only = picks[0]
            self.getter = lambda parts: (parts[only],)
        else:
            self.getter = itemgetter(*picks)
        self.time_index: int = (time_idx[1] or 0) if self.fast else -1
        self.time_text = self._time_text(time_idx, date)

    @staticmethod
    def _time_text(time_idx: list[int | None], date: str) -> Callable[[list[bytes]], bytes]:
        """For blocks without the usual date and time columns: the best time text a line allows."""
        directive = date.encode()
        if len(time_idx) == 1 and time_idx[0] is not None:
            only = time_idx[0]
            return lambda parts: parts[only]
        if len(time_idx) == 2:
            day_i, time_i = time_idx
            if day_i is not None and time_i is not None:
                return lambda parts: parts[day_i] + b" " + parts[time_i]
            if day_i is not None:
                return lambda parts: parts[day_i]
            if time_i is not None:
                return lambda parts: directive[:10] + b" " + parts[time_i]
        return lambda parts: directive

    def insert(self, key: tuple, time: bytes) -> None:
        self.counter.insert(self.layout, key, time)

    def add(self, key: tuple, time: bytes) -> None:
        entry = self.table.get(key)
        if entry is None:
            self.counter.insert(self.layout, key, time)
        else:
            entry[0] += 1
            if time > entry[2]:
                entry[2] = time
            elif time < entry[1]:
                entry[1] = time


class _Reader:
    def __init__(self, spec: CountSpec, counter: RawCounter, notes: Notes, label: str, directory: str,
                 start: Cursor) -> None:
        self.spec, self.counter, self.notes, self.label, self.directory = spec, counter, notes, label, directory
        self.date = start.date
        self.block = _Block(start.header, start.date, spec, directory, counter)
        self.counted = self.unreadable = 0

    def lines(self, lines: list[bytes], first_line_no: int, headers: bool = True) -> None:
        """Count complete lines; ``first_line_no`` is the number of lines[0] in the file. ``headers=False``
        promises that no line starts with '#' (the caller checked the chunk), which spares a test per line."""
        marks = [i for i, line in enumerate(lines) if line[:1] == b"#"] if headers else []
        marks.append(len(lines))
        index = 0
        for mark in marks:
            while index < mark:
                block = self.block
                stop = (_count_fast(lines, index, mark, block) if block.fast
                        else _count_general(lines, index, mark, block))
                self.counted += stop - index
                if stop < mark:
                    self._odd_line(lines[stop], first_line_no + stop)
                    stop += 1
                index = stop
            if mark < len(lines):
                self._directive(lines[mark].rstrip(b"\r"), first_line_no + mark)
                index = mark + 1

    def _odd_line(self, line: bytes, where: int) -> None:
        if not line.strip():
            return
        elif len(line) > self.spec.max_line_bytes:
            self.too_long(where)
        elif self.block.nfields < 0:
            self.unreadable += 1
            self.notes.add("w3c_no_fields", f"{self.label} line {where}: data before any #Fields header; skipped",
                           blocks_gate=True)
        else:
            self.unreadable += 1
            self.notes.add("w3c_field_count", f"{self.label} line {where}: {len(line.split())} fields where "
                           f"#Fields names {self.block.nfields}; skipped", blocks_gate=True)

    def too_long(self, where: int) -> None:
        self.unreadable += 1
        self.notes.add("w3c_line_too_long", f"{self.label} line {where}: longer than "
                       f"{self.spec.max_line_bytes:,} bytes; skipped", blocks_gate=True)

    def _directive(self, line: bytes, where: int) -> None:
        if len(line) > MAX_HEADER_CHARS:
            self.notes.add("w3c_header_too_long", f"{self.label} line {where}: a {len(line):,}-byte '#' line is "
                           "not a header IIS writes; ignored", blocks_gate=True)
        elif line.startswith(FIELDS):
            header = line[len(FIELDS):].decode("utf-8", "replace").strip()
            self.block = _Block(header, self.date, self.spec, self.directory, self.counter)
        elif line.startswith(DATE):
            self.date = line[len(DATE):].decode("utf-8", "replace").strip()[:64]
            if not self.block.fast:   # this block may take its day or time from #Date
                self.block = _Block(self.block.header, self.date, self.spec, self.directory, self.counter)


def read_w3c(chunks: Iterable[bytes], spec: CountSpec, counter: RawCounter, notes: Notes, *, label: str,
             directory: str, start: Cursor | None = None, final: bool = False) -> ReadResult:
    """Count the lines of one file from ``start``. ``final`` means the file is complete (a rotated file): an
    unterminated last line is then read rather than left for the next run."""
    start = start or Cursor()
    reader = _Reader(spec, counter, notes, label, directory, start)
    splitter = LineSplitter(start, spec.max_line_bytes, reader.too_long)
    for first, lines, headers in splitter.chunks(chunks):
        reader.lines(lines, first, headers)
    tail = splitter.finish(final)
    if tail is not None:
        reader.lines([tail[1]], tail[0])
    cursor = Cursor(splitter.offset, splitter.line_no, reader.block.header, reader.date, splitter.skipping)
    return ReadResult(cursor, reader.counted, reader.unreadable, splitter.tail_left)


def _count_fast(lines: list[bytes], index: int, end: int, block: _Block) -> int:
    """Count lines[index:end] until one that is not a data line of this block; return where it stopped."""
    table = block.table
    getter = block.getter
    nfields = block.nfields
    time_index = block.time_index
    insert = block.insert
    while index < end:
        parts = lines[index].split()
        if len(parts) != nfields:
            return index
        key = getter(parts)
        time = parts[time_index]
        entry = table.get(key)
        if entry is None:
            insert(key, time)
        else:
            entry[0] += 1
            if time > entry[2]:
                entry[2] = time
            elif time < entry[1]:
                entry[1] = time
        index += 1
    return index


def _count_general(lines: list[bytes], index: int, end: int, block: _Block) -> int:
    """The same for blocks that lack a date or time column: the time text is put together per line."""
    getter = block.getter
    nfields = block.nfields
    time_text = block.time_text
    add = block.add
    while index < end:
        parts = lines[index].split()
        if len(parts) != nfields:
            return index
        add(getter(parts), time_text(parts))
        index += 1
    return index
