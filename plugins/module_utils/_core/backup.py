# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups the host module writes before every change, and how to put one back exactly.

A backup holds every value a change touched as it was before (present with type and data, or absent), the keys
the change created and the host it was taken on. Restoring sets the present ones back, deletes the ones that did
not exist, then removes the created keys if they are empty again. Entries are shown in the one JSON shape of a
registry value (``_core/registry.py``: short hive, unsigned DWORD/QWORD, hex binary) plus ``existed``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .desired import Desired
from .errors import HostReplyError, Problem, ValidationError
from .locations import category
from .registry import RegRef, RegValue, split_path, value_from_json

# The same rule as the host module's (plugins/modules/__tls_host.ps1): a file name that cannot leave backup_dir.
BACKUP_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
BACKUP_ID_RULE = "letters, digits, '_', '.' and '-', not starting with '.' or '-'"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """A name safe as one file or folder name: other characters become '_', and it never starts with '.'."""
    name = _UNSAFE.sub("_", str(text))[:60] or "_"
    return "_" + name[1:] if name.startswith((".", "-")) else name


def new_backup_id(hostname: str, when: datetime) -> str:
    """Timestamped to the microsecond and host-named, safe as a Windows file name: 20261126T180000.123456Z-web01.

    Two changes within one second (a tls_config and the restore right after it) must not share a file."""
    return f"{when:%Y%m%dT%H%M%S.%fZ}-{safe_name(hostname)}"


def check_backup_id(value: object, option: str = "backup_id") -> str:
    if not isinstance(value, str) or not BACKUP_ID.fullmatch(value):
        raise ValidationError([Problem(option, f"{str(value)[:80]!r} is not a backup id ({BACKUP_ID_RULE})")])
    return value


@dataclass(frozen=True)
class Entry:
    ref: RegRef
    value: RegValue | None  # None: the value did not exist

    def to_json(self) -> dict:
        data = self.ref.to_json()
        data["existed"] = self.value is not None
        if self.value is not None:
            data.update(self.value.to_json())
        return data


@dataclass(frozen=True)
class Backup:
    backup_id: str
    status: str
    entries: tuple[Entry, ...]
    created_keys: tuple[tuple[str, str], ...]
    hostname: str | None = None  # the machine name the host module recorded; None in older backups
    path: str | None = None      # where the host keeps it

    def desired(self) -> list[Desired]:
        """What restoring means, as wanted values the planner can compare with the host."""
        return [Desired(e.ref, e.value, category(e.ref), e.value.type if e.value else "REG_DWORD")
                for e in self.entries]

    def cleanup_ops(self) -> list[dict]:
        """Remove the keys the backed-up change created, deepest first, when they are empty again."""
        keys = sorted(self.created_keys, key=lambda k: k[1].count("\\"), reverse=True)
        return [{"op": "delete_empty_key", "hive": hive, "key": key, "name": ""} for hive, key in keys]

    def to_json(self) -> dict:
        return {"id": self.backup_id, "status": self.status, "hostname": self.hostname, "path": self.path,
                "entries": [e.to_json() for e in self.entries],
                "created_keys": [{"hive": hive, "key": key} for hive, key in self.created_keys]}


def planned_backup(backup_id: str, hostname: str | None, before: Mapping[RegRef, RegValue | None]) -> Backup:
    """The backup a write will make, known on the controller before it is sent (the created keys only the host
    knows: a restore from this copy puts every value back and may leave empty keys behind)."""
    return Backup(backup_id, "pending", tuple(Entry(r, v) for r, v in before.items()), (), hostname)


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else "text"


def _entry(raw: object, where: str) -> Entry:
    if not isinstance(raw, Mapping):
        raise HostReplyError(f"{where}: should be a mapping with hive, key and name, not {_kind(raw)}")
    for field in ("hive", "key"):
        if not isinstance(raw.get(field), str):
            raise HostReplyError(f"{where}.{field}: should be text, not {_kind(raw.get(field))}")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise HostReplyError(f"{where}.name: should be text, not {_kind(name)}")
    try:
        hive, key = split_path(f"{raw['hive']}\\{raw['key']}", f"{where}.hive")
        value = value_from_json(raw, where) if raw.get("existed") else None
    except ValidationError as err:
        raise HostReplyError(str(err)) from None
    return Entry(RegRef(hive, key, name or ""), value)


def _created_keys(raw: object, source: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise HostReplyError(f"{source}.created_keys: should be a list of {{hive, key}}, not {_kind(raw)}")
    keys = []
    for index, item in enumerate(raw):
        where = f"{source}.created_keys[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            raise HostReplyError(f"{where}: should be a mapping with hive and key, not {_kind(item)}")
        try:
            keys.append(split_path(f"{item.get('hive', 'HKLM')}\\{item['key']}", f"{where}.hive"))
        except ValidationError as err:
            raise HostReplyError(str(err)) from None
    return tuple(keys)


def parse_backup(document: object, source: str = "backup") -> Backup:
    """Read a backup (as the host module wrote it, or its JSON text); problems name ``source``."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as err:
            raise HostReplyError(f"{source}: not JSON ({err})") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("entries"), list):
        raise HostReplyError(f"{source}: not a tlsguard backup (no 'entries' list)")
    entries = tuple(_entry(raw, f"{source}.entries[{i}]") for i, raw in enumerate(document["entries"]))
    hostname = document.get("hostname")
    return Backup(str(document.get("id") or ""), str(document.get("status") or ""), entries,
                  _created_keys(document.get("created_keys"), source),
                  hostname if isinstance(hostname, str) and hostname else None,
                  document.get("path") if isinstance(document.get("path"), str) else None)
