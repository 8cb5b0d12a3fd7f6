# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's simulated registry with Windows semantics: case-insensitive keys and value names (original case
kept for display), typed values, keys that exist without values, and a plain JSON form for persistence.

Data per type: REG_DWORD/REG_QWORD unsigned int, REG_SZ/REG_EXPAND_SZ str, REG_MULTI_SZ list of str,
REG_BINARY/REG_NONE lowercase hex. Paths are physical: the 32-bit view is the caller's business.

Every key has a last-write time (Unix seconds), as RegQueryInfoKey reports it: set when the key is created, when
one of its values is set or deleted, and when a subkey is created or deleted below it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

HIVES = {"HKLM": "HKLM", "HKEY_LOCAL_MACHINE": "HKLM", "HKCU": "HKCU", "HKEY_CURRENT_USER": "HKCU",
         "HKU": "HKU", "HKEY_USERS": "HKU", "HKCR": "HKCR", "HKEY_CLASSES_ROOT": "HKCR",
         "HKCC": "HKCC", "HKEY_CURRENT_CONFIG": "HKCC"}
TYPES = ("REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_MULTI_SZ", "REG_QWORD")
# Kinds outside the seven standard ones (data as hex), so tests can plant what .NET reads as "Unknown".
OTHER_KINDS = ("REG_DWORD_BIG_ENDIAN", "REG_LINK", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR",
               "REG_RESOURCE_REQUIREMENTS_LIST")


class RegistryError(Exception):
    """Raised where Windows would refuse the operation."""


def normalize(path: str) -> str:
    """'HKEY_LOCAL_MACHINE:\\A\\\\B\\' -> 'HKLM\\A\\B' (case kept)."""
    head, _sep, rest = path.strip().partition("\\")
    hive = HIVES.get(head.rstrip(":").upper())
    if hive is None:
        raise RegistryError(f"unknown hive in {path!r}")
    parts = [p for p in rest.split("\\") if p]
    return "\\".join([hive, *parts])


def _fold(path: str) -> str:
    return path.casefold()


class Registry:
    def __init__(self, data: dict | None = None, written: dict | None = None, default_written: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        """``written``: display path -> last-write time kept from before (``written_json``); the other keys of
        ``data`` were written at ``default_written`` (default: now)."""
        self.lock = threading.RLock()
        self.clock = clock
        # folded path -> [display path, {folded name: [name, type, data]}]
        self._keys: dict[str, list] = {}
        self._written: dict[str, float] = {}
        for hive in ("HKLM", "HKCU", "HKU", "HKCR", "HKCC"):
            self._keys[_fold(hive)] = [hive, {}]
        for path, values in (data or {}).items():
            self.create_key(path)
            for name, (reg_type, value) in values.items():
                self.set_value(path, name, reg_type, value)
        if default_written is not None:
            self._written = dict.fromkeys(self._written, default_written)
        for path, when in (written or {}).items():
            if _fold(normalize(path)) in self._keys:
                self._written[_fold(normalize(path))] = float(when)

    def written_json(self) -> dict:
        with self.lock:
            return {self._keys[k][0]: when for k, when in sorted(self._written.items()) if k in self._keys}

    def last_written(self, path: str) -> float | None:
        """The key's last-write time (Unix seconds), None when the key does not exist."""
        folded = _fold(normalize(path))
        with self.lock:
            return self._written.get(folded) if folded in self._keys else None

    def set_written(self, path: str, when: float) -> None:
        """Back-date a key's last-write time (synthetic history only: nothing on Windows does this)."""
        folded = _fold(normalize(path))
        with self.lock:
            if folded not in self._keys:
                raise RegistryError(f"key {path} does not exist")
            self._written[folded] = when

    def _touch(self, folded: str) -> None:
        if "\\" in folded:
            self._written[folded] = self.clock()

    def to_json(self) -> dict:
        with self.lock:
            return {shown: {v[0]: [v[1], v[2]] for v in values.values()}
                    for shown, values in sorted(self._keys.values()) if "\\" in shown}

    def key_exists(self, path: str) -> bool:
        return _fold(normalize(path)) in self._keys

    def create_key(self, path: str) -> list[str]:
        """Create a key and missing parents; return the display paths actually created."""
        path = normalize(path)
        parts = path.split("\\")
        created = []
        with self.lock:
            for depth in range(2, len(parts) + 1):
                prefix = "\\".join(parts[:depth])
                if _fold(prefix) not in self._keys:
                    self._keys[_fold(prefix)] = [prefix, {}]
                    created.append(prefix)
                    self._touch(_fold(prefix))
                    self._touch(_fold(prefix).rsplit("\\", 1)[0])
        return created

    def delete_key(self, path: str) -> bool:
        folded = _fold(normalize(path))
        with self.lock:
            doomed = [k for k in self._keys if k == folded or k.startswith(folded + "\\")]
            for key in doomed:
                del self._keys[key]
                self._written.pop(key, None)
            if doomed:
                self._touch(folded.rsplit("\\", 1)[0])
            return bool(doomed)

    def subkeys(self, path: str) -> list[str]:
        folded = _fold(normalize(path))
        depth = folded.count("\\") + 1
        with self.lock:
            return sorted(shown.rsplit("\\", 1)[1] for k, (shown, _v) in self._keys.items()
                          if k.startswith(folded + "\\") and k.count("\\") == depth)

    def display_path(self, path: str) -> str | None:
        entry = self._keys.get(_fold(normalize(path)))
        return entry[0] if entry else None

    def values(self, path: str) -> list[tuple[str, str, object]]:
        entry = self._keys.get(_fold(normalize(path)))
        if entry is None:
            raise RegistryError(f"key {path} does not exist")
        return [(v[0], v[1], v[2]) for v in entry[1].values()]

    def get_value(self, path: str, name: str) -> tuple[str, object] | None:
        entry = self._keys.get(_fold(normalize(path)))
        if entry is None:
            return None
        found = entry[1].get(name.casefold())
        return (found[1], found[2]) if found else None

    def set_value(self, path: str, name: str, reg_type: str, data: object) -> None:
        if reg_type not in TYPES + OTHER_KINDS:
            raise RegistryError(f"unknown registry type {reg_type}")
        with self.lock:
            self.create_key(path)
            values = self._keys[_fold(normalize(path))][1]
            existing = values.get(name.casefold())
            values[name.casefold()] = [existing[0] if existing else name, reg_type, data]
            self._touch(_fold(normalize(path)))

    def delete_value(self, path: str, name: str) -> bool:
        with self.lock:
            entry = self._keys.get(_fold(normalize(path)))
            deleted = entry is not None and entry[1].pop(name.casefold(), None) is not None
            if deleted:
                self._touch(_fold(normalize(path)))
            return deleted
