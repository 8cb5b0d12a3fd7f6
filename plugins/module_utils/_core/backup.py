# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups the host module writes before every change, and how to put one back exactly.

A backup holds every value a change touched as it was before (present with type and data, or absent) and the keys
the change created. Restoring sets the present ones back, deletes the ones that did not exist, then removes the
created keys if they are empty again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .desired import Desired
from .errors import HostReplyError, ValidationError
from .locations import category
from .registry import RegRef, RegValue, split_path, value_from_json

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def new_backup_id(hostname: str, when: datetime) -> str:
    """Timestamped to the microsecond and host-named, safe as a Windows file name: 20261126T180000.123456Z-web01.

    Two changes within one second (a tls_config and the restore right after it) must not share a file."""
    return f"{when:%Y%m%dT%H%M%S.%fZ}-{_UNSAFE.sub('_', hostname)[:60]}"


@dataclass(frozen=True)
class Entry:
    ref: RegRef
    value: RegValue | None  # None: the value did not exist


@dataclass(frozen=True)
class Backup:
    backup_id: str
    status: str
    entries: tuple[Entry, ...]
    created_keys: tuple[tuple[str, str], ...]
    document: dict

    def desired(self) -> list[Desired]:
        """What restoring means, as wanted values the planner can compare with the host."""
        return [Desired(e.ref, e.value, category(e.ref), e.value.type if e.value else "REG_DWORD")
                for e in self.entries]

    def cleanup_ops(self) -> list[dict]:
        """Remove the keys the backed-up change created, deepest first, when they are empty again."""
        keys = sorted(self.created_keys, key=lambda k: k[1].count("\\"), reverse=True)
        return [{"op": "delete_empty_key", "hive": hive, "key": key, "name": ""} for hive, key in keys]


def parse_backup(document: Mapping | str, source: str = "backup") -> Backup:
    """Read a backup (as the host module wrote it, or its JSON text); problems name ``source``."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as err:
            raise HostReplyError(f"{source}: not JSON ({err})") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("entries"), list):
        raise HostReplyError(f"{source}: not a tlsguard backup (no 'entries' list)")
    entries = []
    for index, raw in enumerate(document["entries"]):
        where = f"{source}.entries[{index}]"
        try:
            hive, key = split_path(f"{raw['hive']}\\{raw['key']}", where)
            ref = RegRef(hive, key, str(raw.get("name") or ""))
            value = value_from_json(raw, where) if raw.get("existed") else None
        except (KeyError, TypeError) as err:
            raise HostReplyError(f"{where}: {err} is missing") from None
        except ValidationError as err:
            raise HostReplyError(str(err)) from None
        entries.append(Entry(ref, value))
    created = tuple((str(k.get("hive", "HKLM")), str(k.get("key", ""))) for k in document.get("created_keys") or ()
                    if isinstance(k, Mapping))
    return Backup(str(document.get("id", "")), str(document.get("status", "")), tuple(entries), created,
                  dict(document))
