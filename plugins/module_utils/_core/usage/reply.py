# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host module's answer to one usage read, as typed records (the shapes are specified in docs/usage.md,
"Host reads needed"). Every malformed field is a HostReplyError naming it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import HostReplyError
from . import jsonread as jr
from .checkpoint import Checkpoint, FilePosition
from .model import RawGroup
from .notes import Note

MAX_REPLY_GROUPS = 2_000_001   # 2 * the largest max_groups + 1 (counting.py): more is not a reply we sent for
CHECKPOINT_SOURCES = ("controller", "host", "none")


def _groups(data: Mapping, where: str) -> tuple[RawGroup, ...]:
    raw = jr.array(data, "groups", where, [])
    if len(raw) > MAX_REPLY_GROUPS:
        raise HostReplyError(f"{where}.groups: {len(raw):,} groups, more than any request allows")
    return tuple(RawGroup.from_json(g, f"{where}.groups[{i}]") for i, g in enumerate(raw))


def _notes(data: Mapping, where: str) -> tuple[Note, ...]:
    return tuple(Note.from_json(n, f"{where}.notes[{i}]") for i, n in enumerate(jr.array(data, "notes", where, [])))


@dataclass(frozen=True)
class FolderRead:
    folder: str          # folder name: W3SVC1, or the SMTP log folder's name
    path: str            # full folder path
    files: int           # files in the window
    files_read: int      # files read this run (new, grown or replaced)
    lines: int           # lines counted
    unreadable: int      # lines skipped (noted)
    continued: bool      # the folder had positions in the checkpoint this run went on from
    complete: bool = True  # False when the read budget (max_bytes) stopped before the end of its files

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: object, where: str) -> FolderRead:
        data = jr.obj(data, where)
        return cls(jr.string(data, "folder", where), jr.string(data, "path", where, ""),
                   jr.integer(data, "files", where), jr.integer(data, "files_read", where),
                   jr.integer(data, "lines", where), jr.integer(data, "unreadable", where),
                   jr.boolean(data, "continued", where), jr.boolean(data, "complete", where, True))


@dataclass(frozen=True)
class FileReadReply:
    groups: tuple[RawGroup, ...]
    positions: tuple[FilePosition, ...]
    folders: tuple[FolderRead, ...]
    notes: tuple[Note, ...]
    read_at: str

    def to_json(self) -> dict:
        return {"groups": [g.to_json() for g in self.groups], "positions": [p.to_json() for p in self.positions],
                "folders": [f.to_json() for f in self.folders], "notes": [n.to_json() for n in self.notes],
                "read_at": self.read_at}

    @classmethod
    def from_json(cls, data: object, where: str) -> FileReadReply:
        data = jr.obj(data, where)
        positions = jr.array(data, "positions", where, [])
        folders = jr.array(data, "folders", where, [])
        return cls(_groups(data, where),
                   tuple(FilePosition.from_json(p, f"{where}.positions[{i}]") for i, p in enumerate(positions)),
                   tuple(FolderRead.from_json(f, f"{where}.folders[{i}]") for i, f in enumerate(folders)),
                   _notes(data, where), jr.time(data, "read_at", where))


@dataclass(frozen=True)
class EventReadReply:
    """``after_*``: the position the read went on from (None/"" on a first read). The position it ends at is
    (last_record_id, last_time) when ``truncated``, else (newest_record_id, read_at): every record up to the
    newest was examined."""

    groups: tuple[RawGroup, ...]
    read: int                     # matching events read this run
    truncated: bool               # max_events was reached: more events are waiting
    after_record_id: int | None
    after_time: str
    last_record_id: int | None    # the last matching event read
    last_time: str
    oldest_record_id: int | None  # the oldest record still in the log (None: the log is empty)
    oldest_time: str
    newest_record_id: int | None  # the newest record when the read began
    read_at: str
    notes: tuple[Note, ...]

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("groups", "notes")}
        data.update(groups=[g.to_json() for g in self.groups], notes=[n.to_json() for n in self.notes])
        return data

    @classmethod
    def from_json(cls, data: object, where: str) -> EventReadReply:
        data = jr.obj(data, where)
        ints = {k: jr.optional_integer(data, k, where)
                for k in ("after_record_id", "last_record_id", "oldest_record_id", "newest_record_id")}
        times = {k: jr.time(data, k, where, optional=True) for k in ("after_time", "last_time", "oldest_time")}
        return cls(_groups(data, where), jr.integer(data, "read", where), jr.boolean(data, "truncated", where),
                   ints["after_record_id"], times["after_time"], ints["last_record_id"], times["last_time"],
                   ints["oldest_record_id"], times["oldest_time"], ints["newest_record_id"],
                   jr.time(data, "read_at", where), _notes(data, where))

    @property
    def end(self) -> tuple[int | None, str]:
        """The position the next read goes on from."""
        if self.truncated:
            return self.last_record_id, self.last_time
        return self.newest_record_id, self.read_at


@dataclass(frozen=True)
class IisSite:
    """An IIS site's configuration, read as is (the core decides what it means)."""

    site_id: int
    name: str
    log_dir: str                                  # expanded logFile.directory + \\W3SVC<id>
    log_format: str                               # W3C, IIS, NCSA, Custom
    logging_enabled: bool
    bindings: tuple[tuple[str, str], ...]         # (protocol, bindingInformation) e.g. ("https", "*:443:")
    custom_fields: tuple[tuple[str, str, str], ...]  # (logFieldName, sourceName, sourceType)

    @property
    def folder(self) -> str:
        return f"W3SVC{self.site_id}"

    def to_json(self) -> dict:
        return {"id": self.site_id, "name": self.name, "log_dir": self.log_dir, "log_format": self.log_format,
                "logging_enabled": self.logging_enabled,
                "bindings": [{"protocol": p, "information": i} for p, i in self.bindings],
                "custom_fields": [{"name": n, "source": s, "type": t} for n, s, t in self.custom_fields]}

    @classmethod
    def from_json(cls, data: object, where: str) -> IisSite:
        data = jr.obj(data, where)
        bindings = []
        for i, raw in enumerate(jr.array(data, "bindings", where, [])):
            item = jr.obj(raw, f"{where}.bindings[{i}]")
            bindings.append((jr.string(item, "protocol", f"{where}.bindings[{i}]"),
                             jr.string(item, "information", f"{where}.bindings[{i}]", "")))
        fields = []
        for i, raw in enumerate(jr.array(data, "custom_fields", where, [])):
            item = jr.obj(raw, f"{where}.custom_fields[{i}]")
            fields.append((jr.string(item, "name", f"{where}.custom_fields[{i}]"),
                           jr.string(item, "source", f"{where}.custom_fields[{i}]"),
                           jr.string(item, "type", f"{where}.custom_fields[{i}]", "")))
        return cls(jr.integer(data, "id", where, low=1), jr.string(data, "name", where, ""),
                   jr.string(data, "log_dir", where, ""), jr.string(data, "log_format", where, "W3C"),
                   jr.boolean(data, "logging_enabled", where, True), tuple(bindings), tuple(fields))


@dataclass(frozen=True)
class UsageReply:
    checkpoint: Checkpoint
    checkpoint_source: str              # where the run started from: the controller's copy, the host's, none
    events: EventReadReply | None
    iis: FileReadReply | None
    smtp: FileReadReply | None
    event_logging: int | None           # SCHANNEL EventLogging as read (None: absent, i.e. the default 1)
    schannel_key_written: str           # LastWriteTime of the SCHANNEL key ("" unknown)
    last_boot: str
    iis_sites: tuple[IisSite, ...] | None  # None: IIS is not installed (or was not asked about)

    def to_json(self) -> dict:
        return {"checkpoint": self.checkpoint.to_json(), "checkpoint_source": self.checkpoint_source,
                "events": self.events.to_json() if self.events else None,
                "iis": self.iis.to_json() if self.iis else None, "smtp": self.smtp.to_json() if self.smtp else None,
                "event_logging": self.event_logging, "schannel_key_written": self.schannel_key_written,
                "last_boot": self.last_boot,
                "iis_sites": [s.to_json() for s in self.iis_sites] if self.iis_sites is not None else None}

    @classmethod
    def from_json(cls, data: object, where: str = "host reply") -> UsageReply:
        data = jr.obj(data, where)
        source = jr.string(data, "checkpoint_source", where)
        if source not in CHECKPOINT_SOURCES:
            raise HostReplyError(f"{where}.checkpoint_source: '{source:.20}' is not one of "
                                 f"{', '.join(CHECKPOINT_SOURCES)}")
        sites = data.get("iis_sites")
        site_list = jr.array(data, "iis_sites", where) if sites is not None else None
        return cls(
            Checkpoint.from_json(data.get("checkpoint"), f"{where}.checkpoint"), source,
            EventReadReply.from_json(data["events"], f"{where}.events") if data.get("events") is not None else None,
            FileReadReply.from_json(data["iis"], f"{where}.iis") if data.get("iis") is not None else None,
            FileReadReply.from_json(data["smtp"], f"{where}.smtp") if data.get("smtp") is not None else None,
            jr.optional_integer(data, "event_logging", where), jr.time(data, "schannel_key_written", where, True),
            jr.time(data, "last_boot", where, True),
            tuple(IisSite.from_json(s, f"{where}.iis_sites[{i}]") for i, s in enumerate(site_list))
            if site_list is not None else None)
