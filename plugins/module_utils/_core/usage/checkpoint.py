# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checkpoints: where the last read stopped, so the next one goes on from there and counts nothing twice.

A checkpoint is returned to the controller with every read and kept on the host. ``id``/``previous_id`` chain
the runs: a run that says it continued from checkpoint X may be added to counts that end at X; anything else
is a break in the chain (``aggregate.merge_run`` decides). Files are identified by path plus the SHA-256 of
their first ``head_len`` bytes, which survives rotation (new files appear, old ones stop growing) and detects a
file that was deleted and written anew under the same name. ``plan_reads`` is the rule the host module follows,
written here once so the twin and the PowerShell can be checked against it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import HostReplyError
from . import jsonread as jr
from .cursor import MAX_HEADER_CHARS, Cursor
from .notes import Notes
from .timefmt import normalise

HEAD_BYTES = 1024


@dataclass(frozen=True)
class FilePosition:
    path: str              # full path on the host
    cursor: Cursor
    head_len: int          # how many leading bytes head_sha256 covers: min(HEAD_BYTES, offset)
    head_sha256: str       # lowercase hex SHA-256 of those bytes
    written: str           # LastWriteTimeUtc when it was read

    def to_json(self) -> dict:
        c = self.cursor
        return {"path": self.path, "offset": c.offset, "line": c.line, "header": c.header, "date": c.date,
                "in_long_line": c.in_long_line, "head_len": self.head_len, "head_sha256": self.head_sha256,
                "written": self.written}

    @classmethod
    def from_json(cls, data: object, where: str) -> FilePosition:
        data = jr.obj(data, where)
        header = jr.string(data, "header", where, "")
        if len(header) > MAX_HEADER_CHARS:
            raise HostReplyError(f"{where}.header: longer than {MAX_HEADER_CHARS} characters")
        digest = jr.string(data, "head_sha256", where)
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise HostReplyError(f"{where}.head_sha256: should be 64 lowercase hex digits")
        offset = jr.integer(data, "offset", where)
        head_len = jr.integer(data, "head_len", where)
        if head_len > min(HEAD_BYTES, offset):
            raise HostReplyError(f"{where}.head_len: should be at most min({HEAD_BYTES}, offset)")
        path = jr.string(data, "path", where)
        if not path:
            raise HostReplyError(f"{where}.path: should not be empty")
        cursor = Cursor(offset, jr.integer(data, "line", where), header, jr.string(data, "date", where, "")[:64],
                        jr.boolean(data, "in_long_line", where, False))
        return cls(path, cursor, head_len, digest, jr.time(data, "written", where))


@dataclass(frozen=True)
class EventPosition:
    log: str
    record_id: int         # EventRecordID of the last event read (0: none yet)
    time: str              # its TimeCreated ("" when none was read)

    def to_json(self) -> dict:
        return {"log": self.log, "record_id": self.record_id, "time": self.time}

    @classmethod
    def from_json(cls, data: object, where: str) -> EventPosition:
        data = jr.obj(data, where)
        return cls(jr.string(data, "log", where), jr.integer(data, "record_id", where),
                   jr.time(data, "time", where, optional=True))


@dataclass(frozen=True)
class Checkpoint:
    id: str                          # unique per run (the host makes it: time + random)
    previous_id: str                 # the checkpoint this run went on from; "" for a run from scratch
    previous_taken_at: str           # that checkpoint's taken_at ("" for a run from scratch)
    taken_at: str                    # host time when the reads ended
    events: EventPosition | None
    files: tuple[FilePosition, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "previous_id": self.previous_id, "previous_taken_at": self.previous_taken_at,
                "taken_at": self.taken_at,
                "events": self.events.to_json() if self.events else None,
                "files": [f.to_json() for f in self.files]}

    @classmethod
    def from_json(cls, data: object, where: str = "checkpoint") -> Checkpoint:
        data = jr.obj(data, where)
        ident = jr.string(data, "id", where)
        if not ident:
            raise HostReplyError(f"{where}.id: should not be empty")
        events = data.get("events")
        files = jr.array(data, "files", where, [])
        previous = jr.string(data, "previous_id", where, "")
        previous_at = jr.time(data, "previous_taken_at", where, optional=True)
        if bool(previous) != bool(previous_at):
            raise HostReplyError(f"{where}: previous_id and previous_taken_at go together")
        return cls(ident, previous, previous_at, jr.time(data, "taken_at", where),
                   EventPosition.from_json(events, f"{where}.events") if events is not None else None,
                   tuple(FilePosition.from_json(f, f"{where}.files[{i}]") for i, f in enumerate(files)))

    def positions(self) -> dict[str, FilePosition]:
        return {path_key(f.path): f for f in self.files}


def path_key(path: str) -> str:
    """Windows paths compare case-insensitively."""
    return path.replace("/", "\\").casefold()


def folder_name(path: str) -> str:
    """W3SVC1 for C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex240506_x.log."""
    parts = [p for p in path.replace("/", "\\").split("\\") if p]
    return parts[-2] if len(parts) >= 2 else ""


@dataclass(frozen=True)
class FileStat:
    """One log file as the host lists it."""

    path: str
    size: int
    written: str           # LastWriteTimeUtc, ISO 8601


@dataclass(frozen=True)
class PlannedRead:
    path: str
    start: Cursor
    final: bool            # a newer file exists in the same folder: this one will not grow again
    reason: str            # "new", "continued", "replaced"


def _head(head_sha256: Callable[[str, int], str], path: str, length: int) -> str | None:
    try:
        return head_sha256(path, length)
    except OSError:
        return None


def plan_reads(files: Sequence[FileStat], previous: Checkpoint | None, not_before: str,
               head_sha256: Callable[[str, int], str], notes: Notes) -> tuple[list[PlannedRead], list[FilePosition]]:
    """Which files to read from where; and the previous positions of files that need no read (kept as is).

    Rules: a file last written before ``not_before`` is not read and leaves the checkpoint; a file with a
    position whose first ``head_len`` bytes still hash the same and that is not shorter than the offset goes on
    from there (nothing to read when it has not grown); otherwise it is read from the start ("replaced" when it
    had a position). ``final`` marks files that are not the newest in their folder.
    """
    known = previous.positions() if previous else {}
    newest: dict[str, tuple[str, str]] = {}
    for stat in files:
        folder = path_key(stat.path).rsplit("\\", 1)[0]
        mark = (normalise(stat.written) or "", path_key(stat.path))
        newest[folder] = max(newest.get(folder, mark), mark)
    reads: list[PlannedRead] = []
    unchanged: list[FilePosition] = []
    for stat in sorted(files, key=lambda s: path_key(s.path)):
        written = normalise(stat.written) or ""
        if written and written < not_before:
            continue
        key = path_key(stat.path)
        final = newest[key.rsplit("\\", 1)[0]] != (written, key)
        position = known.get(key)
        if position is None:
            reads.append(PlannedRead(stat.path, Cursor(), final, "new"))
        elif (head := _head(head_sha256, stat.path, position.head_len)) is None:
            notes.add("access_denied", f"{stat.path}: cannot be read now; it is read next time", blocks_gate=True)
            unchanged.append(position)
        elif stat.size < position.cursor.offset or head != position.head_sha256:
            notes.add("file_replaced", f"{stat.path}: not the file read last time (shorter, or its first bytes "
                      "differ); read again from the start")
            reads.append(PlannedRead(stat.path, Cursor(), final, "replaced"))
        elif stat.size == position.cursor.offset and not (final and position.cursor.in_long_line):
            unchanged.append(position)
        else:
            reads.append(PlannedRead(stat.path, position.cursor, final, "continued"))
    return reads, unchanged
