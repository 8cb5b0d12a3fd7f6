# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft.Win32.RegistryKey as tls_host.ps1 calls it, over a lab host's registry: what each call returns and
how it fails, with the exception texts of the .NET sources (RegistryKey.Windows.cs ``Win32Error`` and
``InternalOpenSubKeyCore``; the same in .NET Framework 4.x).

Access rules stand in for ACLs: the ``non_admin`` fault denies writes to the machine hives as a standard user's
token would, and ``deny_keys`` ({key path: "read" | "write"}) denies one key the way a Deny ACE for Everyone
does (the contract runner on Windows sets exactly such ACEs). The lab-only faults (``fail_write``,
``die_after_writes``) apply to the change loop, never to a rollback.
"""

from __future__ import annotations

from ..host import Host
from ..registry import TYPES

LONG_HIVES = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER", "HKU": "HKEY_USERS",
              "HKCR": "HKEY_CLASSES_ROOT", "HKCC": "HKEY_CURRENT_CONFIG"}
MACHINE_HIVES = ("HKLM", "HKCC", "HKCR")  # where a standard user may not write
NOT_ALLOWED = "Requested registry access is not allowed."  # SecurityException from OpenSubKey
UNAUTHORIZED = "Attempted to perform an unauthorized operation."  # UnauthorizedAccessException() from DeleteSubKey
KEY_NAME_TOO_LONG = "Registry key name must be less than 255 characters."  # ArgumentException (ValidateKeyName)
VALUE_NAME_TOO_LONG = "Registry value names should not be greater than 16,383 characters."  # ArgumentException


class DotNetError(Exception):
    """An exception .NET would throw; ``str()`` is its Message."""


class HostCrashed(Exception):
    """The lab fault die_after_writes: the host went away in the middle of the change loop."""


def split_key(key: str) -> list[str]:
    return [part for part in key.split("\\") if part]


def dotnet_name(hive: str, key: str) -> str:
    """The key name .NET puts in messages: the hive's long name and the path actually opened (a 32-bit view path
    has no WOW6432Node component)."""
    parts = split_key(key)
    if hive == "HKLM" and len(parts) >= 2 and parts[0].upper() == "SOFTWARE" and parts[1].upper() == "WOW6432NODE":
        parts = parts[:1] + parts[2:]
    return "\\".join([LONG_HIVES[hive], *parts])


class DotNetRegistry:
    """The calls tls_host makes, on physical paths (HKLM\\SOFTWARE\\WOW6432Node\\X is what the 32-bit view of
    HKLM\\SOFTWARE\\X shows on a 64-bit OS)."""

    def __init__(self, host: Host, inject_faults: bool) -> None:
        self.host = host
        self.inject_faults = inject_faults
        self.writes = 0

    def _path(self, hive: str, key: str) -> str:
        if any(len(part) > 255 for part in split_key(key)):
            raise DotNetError(KEY_NAME_TOO_LONG)  # every RegistryKey call validates the name first
        return "\\".join([hive, *split_key(key)])

    def _denied(self, hive: str, key: str, kind: str) -> bool:
        path = self._path(hive, key).casefold()
        rules = self.host.faults.get("deny_keys") or {}
        if any(k.casefold() == path and v in (kind, "read") for k, v in rules.items()):
            return True
        return kind == "write" and bool(self.host.faults.get("non_admin")) and hive in MACHINE_HIVES

    def _count_write(self) -> None:
        """The lab's write faults: the k-th write fails, or the host dies after k writes."""
        if not self.inject_faults:
            return
        die_after = int(self.host.faults.get("die_after_writes") or 0)
        if die_after and self.writes >= die_after:
            raise HostCrashed()
        self.writes += 1
        if int(self.host.faults.get("fail_write") or 0) == self.writes:
            raise DotNetError(f"the lab failed registry write {self.writes} on purpose (fault fail_write)")

    # ---------------------------------------------------------------- reads
    def exists(self, hive: str, key: str) -> bool:
        """OpenSubKey(path, false): None for a missing key, SecurityException for an unreadable one."""
        if not self.host.registry.key_exists(self._path(hive, key)):
            return False
        if self._denied(hive, key, "read"):
            raise DotNetError(NOT_ALLOWED)
        return True

    def values(self, hive: str, key: str) -> list[tuple[str, dict]]:
        """GetValueNames + GetValueKind/GetValue of an existing key: (name, {type, data} or {unsupported})."""
        out = []
        for name, reg_type, data in self.host.registry.values(self._path(hive, key)):
            out.append((name, _as_dotnet(reg_type, data)))
        return out

    def subkeys(self, hive: str, key: str) -> list[str]:
        """GetSubKeyNames: the registry keeps subkeys sorted by their upper-case names."""
        return sorted(self.host.registry.subkeys(self._path(hive, key)), key=str.upper)

    def value_count_and_subkeys(self, hive: str, key: str) -> tuple[int, int]:
        path = self._path(hive, key)
        return len(self.host.registry.values(path)), len(self.host.registry.subkeys(path))

    # ---------------------------------------------------------------- writes
    def create_key(self, hive: str, key: str) -> None:
        """CreateSubKey(path): opens an existing key for KEY_READ|KEY_WRITE or creates the missing ones; a denied
        open or a denied creation below a key throws UnauthorizedAccessException naming the requested key."""
        self._path(hive, key)
        parts = split_key(key)
        for depth in range(1, len(parts) + 1):
            prefix = "\\".join(parts[:depth])
            last = depth == len(parts)
            if self.host.registry.key_exists(self._path(hive, prefix)):
                if last and (self._denied(hive, prefix, "write") or self._denied(hive, prefix, "read")):
                    raise DotNetError(f"Access to the registry key '{dotnet_name(hive, key)}' is denied.")
                continue
            if self._denied(hive, "\\".join(parts[:depth - 1]), "write"):
                raise DotNetError(f"Access to the registry key '{dotnet_name(hive, key)}' is denied.")
            self.host.registry.create_key(self._path(hive, prefix))

    def set_value(self, hive: str, key: str, name: str, reg_type: str, data: object) -> None:
        self._count_write()
        self.create_key(hive, key)
        if len(name) > 16383:
            raise DotNetError(VALUE_NAME_TOO_LONG)  # SetValue checks after CreateSubKey made the keys
        self.host.registry.set_value(self._path(hive, key), name, reg_type, data)

    def delete_value(self, hive: str, key: str, name: str) -> None:
        """OpenSubKey(path, true) then DeleteValue(name, false): a missing key or value is no error."""
        self._count_write()
        if not self.host.registry.key_exists(self._path(hive, key)):
            return
        if self._denied(hive, key, "write"):
            raise DotNetError(NOT_ALLOWED)
        self.host.registry.delete_value(self._path(hive, key), name)

    def delete_empty_key(self, hive: str, key: str) -> bool:
        """Opened read-only first: missing or not empty is a no-op; deleting needs DELETE on the key."""
        self._count_write()
        if not self.exists(hive, key):
            return False
        if self.value_count_and_subkeys(hive, key) != (0, 0):
            return False
        if self._denied(hive, key, "write"):
            raise DotNetError(UNAUTHORIZED)
        self.host.registry.delete_key(self._path(hive, key))
        return True


def _as_dotnet(reg_type: str, data: object) -> dict:
    """What GetValueKind/GetValue return, as tls_host puts it in JSON: DWORD/QWORD signed, binary as hex; other
    kinds (REG_LINK, resource lists...) are .NET's RegistryValueKind.Unknown."""
    if reg_type not in TYPES:
        return {"unsupported": "Unknown"}
    if reg_type == "REG_DWORD" and isinstance(data, int) and data >= 2**31:
        data -= 2**32
    elif reg_type == "REG_QWORD" and isinstance(data, int) and data >= 2**63:
        data -= 2**64
    elif reg_type in ("REG_BINARY", "REG_NONE"):
        data = str(data or "").lower()
    return {"type": reg_type, "data": data}
