# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One read of a set of log files from a checkpoint, exactly as the host module does it; the file access is
passed in (``open_from``, ``head_sha256``), so the core stays free of I/O and tests run it on real files or
bytes in memory. The result is the reply shape the host returns (``reply.FileReadReply``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from .checkpoint import HEAD_BYTES, Checkpoint, FilePosition, FileStat, folder_name, path_key, plan_reads
from .counting import RawCounter, decode_bytes
from .csvlog import Sessions, read_csv_log
from .notes import Notes
from .reply import FileReadReply, FolderRead
from .spec import CountSpec
from .timefmt import normalise
from .w3c import read_w3c

W3C, CSV = "w3c", "csv"
MAX_FILES = 2000
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_BYTES = 2 << 30   # per run: about a minute of reading on a host; the next run goes on


def counter_notes(counter: RawCounter, notes: Notes, what: str) -> None:
    if counter.folded_lines:
        notes.add("groups_capped", f"{what}: more than {counter.max_groups:,} distinct clients; "
                  f"{counter.folded_lines:,} line(s) were counted per day, site and protocol without naming their "
                  "clients", counter.folded_lines)
    if counter.cut_values:
        notes.add("values_cut", f"{what}: {counter.cut_values:,} group(s) had a value longer than "
                  f"{counter.max_field:,} bytes, cut to that length", counter.cut_values)


def _budgeted(open_chunks: Callable[[], Iterable[bytes]], budget: list[int], errors: list[str]) -> Iterator[bytes]:
    """Hand out the file's bytes until the run's budget is spent or reading fails: either way the reader ends
    normally at its last complete line, so its cursor is right and nothing is counted twice next time."""
    try:
        for chunk in open_chunks():
            if budget[0] <= 0:
                return
            chunk = chunk[:budget[0]]
            budget[0] -= len(chunk)
            yield chunk
    except OSError as err:
        errors.append(err.strerror or type(err).__name__)


def read_log_files(files: Sequence[FileStat], previous: Checkpoint | None, not_before: str, spec: CountSpec,
                   kind: str, open_from: Callable[[str, int], Iterable[bytes]],
                   head_sha256: Callable[[str, int], str], read_at: str,
                   max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> FileReadReply:
    """``max_bytes`` bounds the bytes read in one run: files (or their rest) beyond it wait for the next run.
    ``max_files`` bounds the files considered: the newest are kept."""
    notes = Notes()
    budget = [max_bytes]
    if len(files) > max_files:
        notes.add("too_many_files", f"{len(files):,} log files match, more than the {max_files:,} one run considers; "
                  "the oldest were not read", blocks_gate=True)
        files = sorted(files, key=lambda f: (normalise(f.written) or "", path_key(f.path)))[-max_files:]
    reads, unchanged = plan_reads(files, previous, not_before, head_sha256, notes)
    counter = RawCounter(spec.names, spec.fold_to, spec.max_groups, spec.max_field_bytes)
    stats = {path_key(f.path): f for f in files}
    continued = {folder_name(p.path).casefold() for p in (previous.files if previous else ())}
    folders: dict[str, dict] = {}

    def folder(path: str) -> dict:
        name = folder_name(path)
        return folders.setdefault(name.casefold(), {
            "folder": name, "path": path.replace("/", "\\").rsplit("\\", 1)[0], "files": 0, "files_read": 0,
            "lines": 0, "unreadable": 0, "continued": name.casefold() in continued, "complete": True})

    positions: list[FilePosition] = []
    for position in unchanged:
        folder(position.path)["files"] += 1
        positions.append(position)
    sessions: dict[str, Sessions] = {}
    known = previous.positions() if previous else {}
    for planned in reads:
        name = folder_name(planned.path)
        label = planned.path.replace("/", "\\").rsplit("\\", 1)[-1]
        size = stats[path_key(planned.path)].size
        if budget[0] < size - planned.start.offset:
            folder(planned.path)["complete"] = False
            if budget[0] <= 0:
                kept = known.get(path_key(planned.path)) if planned.reason == "continued" else None
                if kept is not None:
                    positions.append(kept)
                folder(planned.path)["files"] += 1
                continue
        final = planned.final and budget[0] >= size - planned.start.offset
        errors: list[str] = []
        chunks = _budgeted(partial(open_from, planned.path, planned.start.offset), budget, errors)
        if kind == W3C:
            result = read_w3c(chunks, spec, counter, notes, label=label, directory=name, start=planned.start,
                              final=final)
        else:
            joined = sessions.setdefault(name, Sessions(spec.join.max_sessions if spec.join else 1))
            result = read_csv_log(chunks, spec, counter, notes, label=label, directory=name, sessions=joined,
                                  start=planned.start, final=final)
        entry = folder(planned.path)
        if errors:
            entry["complete"] = False
            notes.add("access_denied", f"{planned.path}: {errors[0]}; read up to line {result.cursor.line} only",
                      blocks_gate=True)
        try:
            head_len = min(HEAD_BYTES, result.cursor.offset)
            positions.append(FilePosition(planned.path, result.cursor, head_len, head_sha256(planned.path, head_len),
                                          stats[path_key(planned.path)].written))
        except OSError:   # the lines are counted: keep the cursor, with an identity of 0 bytes (always matches)
            positions.append(FilePosition(planned.path, result.cursor, 0, EMPTY_SHA256,
                                          stats[path_key(planned.path)].written))
        entry["files"] += 1
        entry["files_read"] += 1
        entry["lines"] += result.lines
        entry["unreadable"] += result.unreadable
    if budget[0] <= 0 and any(not entry["complete"] for entry in folders.values()):
        notes.add("read_budget", f"{'IIS' if kind == W3C else 'SMTP'} logs: the {max_bytes:,}-byte read budget of one "
                  "run was reached; the rest is read by the next run")
    counter_notes(counter, notes, "IIS logs" if kind == W3C else "SMTP logs")
    return FileReadReply(tuple(counter.groups(decode_bytes)), tuple(positions),
                         tuple(FolderRead(**entry) for entry in folders.values()), notes.result(), read_at)
