# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a ``.reg`` file exactly as regedit imports it, and say what regedit drops.

A line is a key line (``[...]``), a value line (``"name"=...`` or ``@=...``), a comment (``;`` or ``#``) or
something regedit ignores; leading spaces and tabs do not matter. The key rules, from Wine's regedit conformance
tests which pass on Windows (reactos/reactos ``modules/rostests/winetests/regedit/regedit.c``,
``test_key_creation_and_deletion``) and Wine's ``regproc.c``:

- the key path runs from ``[`` to the *last* ``]`` on the line; text after it is ignored, so values written on
  the key line are lost, while the key is still created and the values on the lines below apply to it;
- a space or tab right after ``[`` (or after ``[-``) and a line without ``]`` are ignored, and so is a key path
  without brackets: regedit keeps the previous key open, so the values below them may land there; tlsguard does
  not count them for either key and says so;
- the hive must be spelled out (``HKEY_LOCAL_MACHINE``, any case); ``HKLM`` and other short names are refused,
  the key is closed and the values below are not imported; after ``[-...]`` no key is open either;
- Windows limits a key name to 255 characters, a path to 512 levels and a value name to 16,383 characters
  (https://learn.microsoft.com/en-us/windows/win32/sysinfo/registry-element-size-limits).

The data rules are in ``values.py``, the encoding and header rules in ``text.py``. Every problem is an Issue that
names its line; errors are what regedit (or Windows) drops, warnings what it imports but looks wrong. Both lists
are capped, with a count of the rest, so a file of millions of bad lines yields a small result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from ..errors import suggest
from ..registry import HIVES, LONG_HIVE, RegValue, Snapshot, normalize_key
from .hints import line_hint, show
from .snapshot import Operation, build_snapshot, bulk, control_set_notes, current_control_set
from .text import BLANKS, HEADERS, decode, read_header, split_lines
from .values import DroppedValue, PendingHex, UnmodelledValue, parse_data, quick_value, read_quoted

MAX_ISSUES = 100
MAX_KEY_NAME = 255
MAX_DEPTH = 512
MAX_VALUE_NAME = 16383
_HIVE_BY_LONG_NAME = {long_name: short for short, long_name in LONG_HIVE.items()}
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_BLANK_AT_EDGE = re.compile(r"(?:^|\\)\s|\s(?:\\|$)")  # white space at the start or end of a key name

__all__ = ["Issue", "Operation", "RegFile", "parse_regfile"]


@dataclass(frozen=True)
class Issue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    def to_json(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class RegFile:
    format: str | None
    encoding: str
    operations: list[Operation] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors_omitted: int = 0  # errors beyond the first MAX_ISSUES, counted but not kept
    warnings_omitted: int = 0
    refusal: str | None = None  # why regedit imports nothing from this file

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(Issue(line, message))
        else:
            self.errors_omitted += 1

    def warn(self, line: int, message: str) -> None:
        if len(self.warnings) < MAX_ISSUES:
            self.warnings.append(Issue(line, message))
        else:
            self.warnings_omitted += 1

    def snapshot(self, base: Snapshot | None = None) -> Snapshot:
        """The values present after importing this file on top of ``base`` (default: nothing)."""
        with bulk():
            return build_snapshot(self.operations, base, current_control_set(self.operations))


class _Key(NamedTuple):
    hive: str
    key: str

    def __str__(self) -> str:
        return show_key(self.hive, self.key)


class _Closed(NamedTuple):
    """No key is open: regedit writes the values that follow nowhere."""

    line: int
    why: str


class _Skipped(NamedTuple):
    """A line meant to open a key was not accepted; regedit keeps ``previous`` open (if any)."""

    line: int
    why: str
    previous: _Key | None


def show_key(hive: str, key: str) -> str:
    path = f"{LONG_HIVE[hive]}\\{key}" if key else LONG_HIVE[hive]
    return path if len(path) <= 90 else f"{LONG_HIVE[hive]}\\...{path[-70:]}"


class _Reader:
    """The line-by-line state of an import: the open key, why none is open, hex data continued over lines."""

    def __init__(self, result: RegFile, wide: bool) -> None:
        self.result = result
        self.wide = wide
        self.key: _Key | None = None
        self.gap: _Closed | _Skipped | None = None
        self.pending: PendingHex | None = None

    def read(self, lines: Sequence[str]) -> None:
        add = self.result.operations.append
        for number, line in enumerate(islice(lines, 1, None), start=2):
            if self.pending is not None:
                self._continue_hex(number, line)
                continue
            text = line.lstrip(BLANKS)
            if not text:
                continue
            first = text[0]
            if first == '"':
                # The common case inline (an export has a value on most lines); _value_line does the rest.
                quick = quick_value(text)
                key = self.key
                if quick is not None and key is not None and len(quick[0]) <= MAX_VALUE_NAME:
                    add(Operation(number, "set", key.hive, key.key, quick[0], quick[1]))
                else:
                    self._value_line(number, text)
            elif first == "@":
                self._value_line(number, text)
            elif first == "[":
                self._key_line(number, text)
            elif first != ";" and first != "#":
                self._other_line(number, text)
        if self.pending is not None:  # at the end of the file regedit imports the bytes read so far
            pending, self.pending = self.pending, None
            self._store(pending)

    # -- values ----------------------------------------------------------------------------------------------
    def _value_line(self, number: int, text: str) -> None:
        quick = quick_value(text)
        if quick is not None:
            self._add(number, *quick)
            return
        name, after = ("", 1) if text[0] == "@" else read_quoted(text, 1)
        if name is None:
            self.result.error(number, f"the value name {show(text)} is not closed by '\"'; regedit ignores the line")
            return
        rest = text[after:].lstrip(BLANKS)
        if not rest.startswith("="):
            self.result.error(number, f"value \"{show(name)}\": no '=' after the name, so regedit ignores the line")
            return
        try:
            value = parse_data(rest[1:].strip(BLANKS), self.wide, number, name)
        except DroppedValue as dropped:
            self.result.error(number, f"value \"{show(name)}\" is not imported: {dropped}")
            return
        except UnmodelledValue as unmodelled:
            self.result.warn(number, f"value \"{show(name)}\": {unmodelled}")
            return
        if isinstance(value, PendingHex):
            self.pending = value
            return
        self._add(number, name, value)

    def _store(self, pending: PendingHex) -> None:
        """Add a value whose hex data spanned several lines, at the line it started on."""
        try:
            value = pending.value(self.wide)
        except UnmodelledValue as unmodelled:
            self.result.warn(pending.line, f"value \"{show(pending.name)}\": {unmodelled}")
            return
        self._add(pending.line, pending.name, value)

    def _add(self, number: int, name: str, value: RegValue | None) -> None:
        key = self.key
        if key is None:
            self.result.error(number, self._not_applied(name))
            return
        if len(name) > MAX_VALUE_NAME:
            self.result.error(number, f"value name {show(name)} is longer than {MAX_VALUE_NAME} characters, which "
                                      "Windows does not allow; it is not imported")
            return
        kind = "set" if value is not None else "delete_value"
        self.result.operations.append(Operation(number, kind, key.hive, key.key, name, value))

    def _not_applied(self, name: str) -> str:
        gap = self.gap
        if gap is None:
            return f"value \"{show(name)}\" is not imported: no [key] line before it"
        if isinstance(gap, _Closed):
            return f"value \"{show(name)}\" is not imported: {gap.why} (line {gap.line})"
        where = (f"regedit may write it into the key still open, [{gap.previous}], instead"
                 if gap.previous else "no key is open, so regedit drops it")
        return (f"value \"{show(name)}\" is not counted: it belongs to line {gap.line}, which regedit does not "
                f"read as a key ({gap.why}); {where}")

    def _continue_hex(self, number: int, line: str) -> None:
        pending = self.pending
        if pending is None:
            return
        text = line.lstrip(BLANKS)
        if not text or text[0] == ";":  # blank and comment lines inside continued data are skipped
            return
        if text[0] not in _HEXDIGITS:
            self.pending = None
            self._lost_continuation(pending, number, text)
            return
        try:
            more = pending.feed(text)
        except DroppedValue as dropped:
            self.pending = None
            self.result.error(number, f"value \"{show(pending.name)}\" (from line {pending.line}) is not imported: "
                                      f"{dropped}")
            return
        if not more:
            self.pending = None
            self._store(pending)

    def _lost_continuation(self, pending: PendingHex, number: int, text: str) -> None:
        self.result.error(pending.line, f"value \"{show(pending.name)}\" is not imported: its hex data ends with "
                                        f"'\\', but line {number} does not continue it with hex bytes; regedit "
                                        f"drops the value and reads line {number} as part of it")
        if text[0] == "[":
            self.result.error(number, f"this key line is lost: regedit reads it as the continuation of the hex data "
                                      f"on line {pending.line}, so the key is not created (remove the '\\' at the "
                                      f"end of line {pending.line})")
            self._skip(number, f"it was swallowed by the '\\' on line {pending.line}")
        elif text[0] in "\"@":
            self.result.error(number, f"this value is lost: regedit reads the line as the continuation of the hex "
                                      f"data on line {pending.line} (remove the '\\' at the end of that line)")

    # -- keys ------------------------------------------------------------------------------------------------
    def _key_line(self, number: int, text: str) -> None:
        if text[1:2] in (" ", "\t"):
            self.result.error(number, "a space or tab right after '[': regedit ignores this key line, so the key is "
                                      "not created")
            self._skip(number, "a blank follows '['")
            return
        end = text.rfind("]")
        if end < 0:
            self.result.error(number, f"the key line {show(text)} has no closing ']'; regedit ignores it, so the key "
                                      "is not created")
            self._skip(number, "no closing ']'")
            return
        self._after_bracket(number, text[end + 1:])
        inner = text[1:end]
        if inner.startswith("-"):
            self._delete_key(number, inner[1:])
        else:
            self._open_key(number, inner)

    def _after_bracket(self, number: int, after: str) -> None:
        rest = after.strip(BLANKS)
        if not rest or rest.startswith(";"):
            return
        if rest[0] in "\"@":
            self.result.error(number, f"a value on the key line ({show(rest)}) is not imported: regedit ignores text "
                                      "after the last ']' (the key is created, and the values on the lines below "
                                      "apply to it; put each value on its own line)")
        else:
            self.result.warn(number, f"regedit ignores the text after the last ']': {show(rest)}")

    def _open_key(self, number: int, inner: str) -> None:
        where = self._key_path(number, inner, "created")
        if where is None:
            return
        self.key, self.gap = where, None
        self.result.operations.append(Operation(number, "create_key", where.hive, where.key))

    def _delete_key(self, number: int, inner: str) -> None:
        self.key = None
        self.gap = _Closed(number, "the line above deletes a key, and regedit writes no values below a deletion")
        if inner[:1] in (" ", "\t"):
            self.result.error(number, "a space or tab after '[-': regedit does not delete this key")
            return
        where = self._key_path(number, inner, "deleted")
        if where is None:
            return
        if not where.key:
            self.result.error(number, f"regedit does not delete a whole hive ({LONG_HIVE[where.hive]})")
            return
        self.result.operations.append(Operation(number, "delete_key", where.hive, where.key))

    def _key_path(self, number: int, inner: str, action: str) -> _Key | None:
        """The key ``inner`` names, or None (with an error, and no key open) when regedit cannot use it."""
        head, _sep, path = inner.partition("\\")
        hive = _HIVE_BY_LONG_NAME.get(head.upper()) if head.isascii() else None
        problem = None
        parts: list[str] = []
        if hive is None:
            problem = _hive_problem(head)
        else:
            parts = path.split("\\")
            if len(parts) > MAX_DEPTH:
                problem = f"the key path is {len(parts)} levels deep; Windows allows {MAX_DEPTH}"
            elif max(map(len, parts)) > MAX_KEY_NAME:
                problem = f"a key name in the path is longer than {MAX_KEY_NAME} characters (Windows' limit)"
        if problem:
            self.key = None
            if action == "created":
                self.gap = _Closed(number, "regedit does not accept the key line above")
                problem += "; the key is not created and the values below it are not imported"
            self.result.error(number, problem if action == "created" else f"{problem}; the key is not deleted")
            return None
        if hive is None:  # unreachable: an unknown hive is a problem above; this tells the type checker
            return None
        if _BLANK_AT_EDGE.search(path):
            self._warn_spaces(number, parts)
        if path.startswith("\\") or path.endswith("\\") or "\\\\" in path:
            path = normalize_key(path)
        return _Key(hive, path)

    def _warn_spaces(self, number: int, parts: list[str]) -> None:
        part = next((part for part in parts if part != part.strip()), "")
        self.result.warn(number, f"the key name '{show(part)}' has a space at its start or end; Windows keeps it, so "
                                 f"this is not the key '{show(part.strip())}'")

    def _skip(self, number: int, why: str) -> None:
        previous = self.key if self.key is not None else (
            self.gap.previous if isinstance(self.gap, _Skipped) else None)
        self.key, self.gap = None, _Skipped(number, why, previous)

    # -- anything else ---------------------------------------------------------------------------------------
    def _other_line(self, number: int, text: str) -> None:
        if text.rstrip(BLANKS) in HEADERS:
            self.result.warn(number, "a second header line (several .reg files pasted together?); regedit ignores it")
            return
        hint = line_hint(text)
        self.result.error(number, hint)
        if hint.startswith("a key path without brackets"):
            self._skip(number, "the key path has no brackets")


def _hive_problem(head: str) -> str:
    short = head.upper().rstrip(":")
    if short in HIVES and short not in _HIVE_BY_LONG_NAME:
        return (f"regedit only accepts full hive names: write {LONG_HIVE[HIVES[short]]} instead of "
                f"'{show(head, 20)}'")
    return (f"unknown registry hive '{show(head, 40)}'{suggest(show(head, 40), _HIVE_BY_LONG_NAME)} "
            "(regedit accepts HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_USERS and "
            "HKEY_CURRENT_CONFIG)")


def parse_regfile(raw: bytes) -> RegFile:
    decoded = decode(raw)
    result = RegFile(format=None, encoding=decoded.encoding)
    lines = split_lines(decoded.text)
    header = read_header(lines) if decoded.refusal is None else None
    refusal = decoded.refusal or (header.refusal if header else None)
    if refusal or header is None:
        result.refusal = refusal
        result.error(1, f"regedit refuses this file: {refusal}; nothing in it would be imported")
        return result
    result.format = header.format
    if header.warning:
        result.warn(1, header.warning)
    with bulk():
        _Reader(result, wide=header.format != "REGEDIT4").read(lines)
    for line, note in control_set_notes(result.operations, current_control_set(result.operations)):
        result.warn(line, note)
    return result
