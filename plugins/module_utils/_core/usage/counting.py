# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded counting of raw field tuples with first/last time: the one counting rule every reader (and the host
module) follows.

At most ``max_groups`` distinct tuples are kept. After that, a new tuple is folded: only its ``fold_to`` fields
are kept (so counts per day, site and protocol stay exact while the clients are not named); when the folded
table is full too, the line goes to a single unplaced entry. Output is at most 2 * max_groups + 1 groups, so it
grows with distinct clients up to the cap and never with lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from .model import RawGroup
from .spec import DAY

LINE, CONST, ABSENT = "line", "const", "absent"
Value: TypeAlias = "bytes | str | None"


@dataclass(frozen=True)
class Layout:
    """Where each requested column comes from in one stretch of input: the line (in key order), a constant
    (``@dir``, or ``@day`` from a ``#Date`` header) or nowhere (absent from ``#Fields``).

    ``day_prefix`` is set when the entries of this layout keep the time of day only and the key's ``@day``
    value (the W3C ``date`` column) must be put in front of it.
    """

    slots: tuple[tuple[str, Value], ...]
    day_slot: int = -1
    day_prefix: bool = False

    def expand(self, key: tuple) -> tuple[Value, ...]:
        if not self.slots:      # ALL_LINE: the key is the full tuple
            return key
        values: list[Value] = []
        index = 0
        for kind, value in self.slots:
            if kind == LINE:
                values.append(key[index])
                index += 1
            else:
                values.append(value if kind == CONST else None)
        return tuple(values)


ALL_LINE = Layout(())  # for readers that hand over full tuples (csvlog, eventxml)


def _cut(value: Value, limit: int) -> Value:
    return value[:limit] if value is not None and len(value) > limit else value


class RawCounter:
    def __init__(self, names: Sequence[str], fold_to: Sequence[str], max_groups: int, max_field: int) -> None:
        self.names = tuple(names)
        self.fold_index = tuple(self.names.index(name) for name in fold_to)
        self.max_groups = max_groups
        self.max_field = max_field
        self.tables: dict[Layout, dict[tuple, list]] = {}
        self.size = 0
        self.folded: dict[tuple, list] = {}
        self.unplaced: list | None = None
        self.folded_lines = 0
        self.unplaced_lines = 0
        self.cut_values = 0

    def table(self, layout: Layout) -> dict[tuple, list]:
        return self.tables.setdefault(layout, {})

    def add(self, values: tuple, time: Value) -> None:
        """Count one record given as a full tuple of values (one per name)."""
        entry = self.table(ALL_LINE).get(values)
        if entry is None:
            self.insert(ALL_LINE, values, time)
        else:
            _touch(entry, time, 1)

    def insert(self, layout: Layout, key: tuple, time: Value, count: int = 1) -> None:
        """The slow path for a key its table does not hold (yet): cut long values, cap, fold."""
        table = self.table(layout)
        if any(v is not None and len(v) > self.max_field for v in key):
            key = tuple(_cut(v, self.max_field) for v in key)
            entry = table.get(key)
            if entry is not None:
                _touch(entry, time, count)
                return
            self.cut_values += 1
        if self.size < self.max_groups:
            table[key] = [count, time, time]
            self.size += 1
            return
        full = layout.expand(key)
        if layout.day_prefix and time is not None:
            time = _prefixed(full[layout.day_slot], time)
        folded_key = tuple(full[i] for i in self.fold_index)
        entry = self.folded.get(folded_key)
        if entry is not None:
            _touch(entry, time, count)
        elif len(self.folded) < self.max_groups:
            self.folded[folded_key] = [count, time, time]
        elif self.unplaced is None:
            self.unplaced = [count, time, time]
            self.unplaced_lines += count
            return
        else:
            _touch(self.unplaced, time, count)
            self.unplaced_lines += count
            return
        self.folded_lines += count

    def groups(self, decode: Callable[[Value], str | None]) -> list[RawGroup]:
        out = []
        for layout, table in self.tables.items():
            for key, (count, first, last) in table.items():
                full = layout.expand(key)
                if layout.day_prefix:
                    first, last = _prefixed(full[layout.day_slot], first), _prefixed(full[layout.day_slot], last)
                fields = {name: decode(value) for name, value in zip(self.names, full, strict=True)}
                out.append(RawGroup(_day_cut(fields), count, decode(first) or "", decode(last) or ""))
        fold_names = [self.names[i] for i in self.fold_index]
        for key, (count, first, last) in self.folded.items():
            fields = {name: decode(value) for name, value in zip(fold_names, key, strict=True)}
            out.append(RawGroup(_day_cut(fields), count, decode(first) or "", decode(last) or "", folded=True))
        if self.unplaced is not None:
            count, first, last = self.unplaced
            out.append(RawGroup({}, count, decode(first) or "", decode(last) or "", folded=True))
        return out


def _day_cut(fields: dict[str, str | None]) -> dict[str, str | None]:
    """``@day`` is the first 10 characters of the time text (the key may hold the whole date column)."""
    day = fields.get(DAY)
    if day is not None and len(day) > 10:
        fields[DAY] = day[:10]
    return fields


def _touch(entry: list, time: Value, count: int) -> None:
    entry[0] += count
    if time is None:
        return
    if entry[1] is None or time < entry[1]:
        entry[1] = time
    if entry[2] is None or time > entry[2]:
        entry[2] = time


def _prefixed(day: Value, time: Value) -> Value:
    if time is None or day is None:
        return time
    if isinstance(day, bytes) and isinstance(time, bytes):
        return day + b" " + time
    if isinstance(day, str) and isinstance(time, str):
        return f"{day} {time}"
    return time


def decode_bytes(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
