# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to count: the caller-named columns, time columns and bounds of one log read.

The controller builds these (``iis.SPEC``, ``smtp.SPEC``) and sends ``to_json()`` to the host module, which
counts exactly as the core readers do; the host needs no TLS knowledge because every name and pattern is here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import Problem, ValidationError

DAY = "@day"     # UTC date: the first 10 characters of the line's time text
DIR = "@dir"     # name of the folder the log file is in (W3SVC1 for IIS)
MATCH = "@match"  # CSV logs: capture group 1 of the match pattern
JOIN = "@join"    # CSV logs: capture group 1 of the join pattern on an earlier line of the same session
PSEUDO = (DAY, DIR, MATCH, JOIN)

MAX_LINE_BYTES = 1 << 20     # longer lines are skipped and noted (IIS caps custom data at 64 KiB per line)
MAX_FIELD_BYTES = 512        # longer values are cut when a group is created and noted
MAX_GROUPS = 10_000          # distinct groups kept per read; more are folded (see counting.py)
MAX_GROUPS_LIMIT = 1_000_000


@dataclass(frozen=True)
class Column:
    """One output field: the first of ``sources`` present in the current ``#Fields`` header (case-insensitive),
    or a pseudo field. ``pattern`` (CSV logs only) keeps capture group 1 of the value when it matches."""

    name: str
    sources: tuple[str, ...]
    pattern: str = ""

    def to_json(self) -> dict:
        data: dict = {"name": self.name, "columns": list(self.sources)}
        if self.pattern:
            data["pattern"] = self.pattern
        return data


@dataclass(frozen=True)
class Match:
    """A CSV log line counts only when ``column`` matches ``pattern``; capture group 1 becomes ``@match``."""

    column: str
    pattern: str

    def to_json(self) -> dict:
        return {"column": self.column, "pattern": self.pattern}


@dataclass(frozen=True)
class Join:
    """Remember capture group 1 of ``pattern`` in ``column`` per value of ``key`` (a session id); a later
    matching line of the same session gets it as ``@join``. At most ``max_sessions`` are remembered."""

    key: str
    column: str
    pattern: str
    max_sessions: int = 10_000

    def to_json(self) -> dict:
        return {"key": self.key, "column": self.column, "pattern": self.pattern, "max_sessions": self.max_sessions}


@dataclass(frozen=True)
class CountSpec:
    columns: tuple[Column, ...]
    time: tuple[str, ...]                # ("date", "time") for W3C, ("date-time",) for SMTP
    fold_to: tuple[str, ...]             # output names kept for folded groups
    max_groups: int = MAX_GROUPS
    max_line_bytes: int = MAX_LINE_BYTES
    max_field_bytes: int = MAX_FIELD_BYTES
    match: Match | None = None
    join: Join | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def to_json(self) -> dict:
        data: dict = {"columns": [c.to_json() for c in self.columns], "time": list(self.time),
                      "fold_to": list(self.fold_to), "max_groups": self.max_groups,
                      "max_line_bytes": self.max_line_bytes, "max_field_bytes": self.max_field_bytes}
        if self.match:
            data["match"] = self.match.to_json()
        if self.join:
            data["join"] = self.join.to_json()
        return data

    @classmethod
    def from_json(cls, data: object, option: str = "spec") -> CountSpec:
        """Validate a spec (the twin and tests use this to read what the controller sent)."""
        problems: list[Problem] = []
        if not isinstance(data, Mapping):
            raise ValidationError([Problem(option, "should be an object")])

        def strings(value: object, where: str) -> tuple[str, ...]:
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                problems.append(Problem(where, "should be a non-empty list of non-empty strings"))
                return ()
            return tuple(value)

        def regex(value: object, where: str) -> str:
            if not isinstance(value, str):
                problems.append(Problem(where, "should be a regular expression"))
                return ""
            try:
                re.compile(value)
            except re.error as err:
                problems.append(Problem(where, f"not a valid regular expression ({err})"))
            return value

        def bound(source: Mapping, name: str, default: int, low: int, high: int, where: str) -> int:
            value = source.get(name, default)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                problems.append(Problem(f"{where}.{name}", f"should be an integer from {low} to {high}"))
                return default
            return value

        columns = []
        raw_columns = data.get("columns")
        if not isinstance(raw_columns, list) or not raw_columns:
            problems.append(Problem(f"{option}.columns", "should be a non-empty list"))
            raw_columns = []
        for index, raw in enumerate(raw_columns):
            where = f"{option}.columns[{index}]"
            if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str) or not raw["name"]:
                problems.append(Problem(where, "should be an object with a 'name'"))
                continue
            pattern = regex(raw["pattern"], f"{where}.pattern") if "pattern" in raw else ""
            columns.append(Column(raw["name"], strings(raw.get("columns"), f"{where}.columns"), pattern))
        names = [c.name for c in columns]
        if len(set(names)) != len(names):
            problems.append(Problem(f"{option}.columns", "output names must be unique"))
        fold_to = strings(data.get("fold_to"), f"{option}.fold_to")
        for name in fold_to:
            if name not in names:
                problems.append(Problem(f"{option}.fold_to", f"'{name}' is not one of the column names"))
        match = join = None
        if "match" in data:
            raw = data["match"]
            if not isinstance(raw, Mapping) or not isinstance(raw.get("column"), str):
                problems.append(Problem(f"{option}.match", "should be an object with 'column' and 'pattern'"))
            else:
                match = Match(raw["column"], regex(raw.get("pattern"), f"{option}.match.pattern"))
        if "join" in data:
            raw = data["join"]
            if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str) for k in ("key", "column")):
                problems.append(Problem(f"{option}.join", "should be an object with 'key', 'column' and 'pattern'"))
            else:
                join = Join(raw["key"], raw["column"], regex(raw.get("pattern"), f"{option}.join.pattern"),
                            bound(raw, "max_sessions", 10_000, 1, 1_000_000, f"{option}.join"))
        spec = cls(tuple(columns), strings(data.get("time"), f"{option}.time"), fold_to,
                   bound(data, "max_groups", MAX_GROUPS, 1, MAX_GROUPS_LIMIT, option),
                   bound(data, "max_line_bytes", MAX_LINE_BYTES, 1024, 16 << 20, option),
                   bound(data, "max_field_bytes", MAX_FIELD_BYTES, 16, 65536, option), match, join)
        if len(spec.time) > 2:
            problems.append(Problem(f"{option}.time", "should name one or two columns"))
        if problems:
            raise ValidationError(problems)
        return spec
