# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of plugins/modules/tls_host.ps1: the same arguments and result keys, against the lab registry.

It mirrors the PowerShell's I/O contract only (signed DWORDs as .NET reads them, binary as hex, backup before
the first write, rollback on the first failure). It holds no TLS knowledge, so it cannot make the collection's
logic look right. SOURCE_SHA256 is the hash of the PowerShell it mirrors; the lab refuses to run when the
PowerShell that arrives differs, so a change to the .ps1 fails the tests until this file follows it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..executor import expand
from ..host import Host
from ..registry import RegistryError
from .args import ModuleFailure, split, validate

MODULE = "tlsguard.windows.tls_host"
SOURCE_SHA256 = "ee6bb5cae60ce6879cf81da51a220adbf2d43f9541ecf1cf46d63d8e4477865f"
TYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_MULTI_SZ", "REG_QWORD", "REG_NONE")
SPEC = {
    "read_keys": ([], None), "read_values": ([], None), "changes": ([], None),
    "backup_dir": (r"%ProgramData%\tlsguard\backups", None), "backup_id": (None, None),
    "read_backup": (None, None), "list_backups": (False, None), "facts": (False, None),
}


def _physical(hive: str, key: str) -> str:
    return f"{hive.upper()}\\{key}"


def _as_dotnet(reg_type: str, data: object) -> object:
    """What RegistryKey.GetValue returns, as it reaches JSON: DWORD/QWORD signed."""
    if reg_type == "REG_DWORD" and isinstance(data, int) and data >= 2**31:
        return data - 2**32
    if reg_type == "REG_QWORD" and isinstance(data, int) and data >= 2**63:
        return data - 2**64
    return data


def _from_json(reg_type: str, data: object) -> object:
    if reg_type == "REG_DWORD":
        return int(data) & 0xFFFFFFFF  # type: ignore[call-overload]
    if reg_type == "REG_QWORD":
        return int(data) & 0xFFFFFFFFFFFFFFFF  # type: ignore[call-overload]
    if reg_type == "REG_MULTI_SZ":
        return [str(s) for s in (data if isinstance(data, list) else [data])]
    if reg_type in ("REG_BINARY", "REG_NONE"):
        bytes.fromhex(str(data or ""))  # SetValue would throw on bad hex too
        return str(data or "").lower()
    return "" if data is None else str(data)


class _Writer:
    """Applies operations to a host's registry, counting writes for the fail_write fault."""

    def __init__(self, host: Host, inject_faults: bool = True) -> None:
        self.host = host
        self.inject_faults = inject_faults
        self.writes = 0

    def _check(self, path: str) -> None:
        self.writes += 1
        if not self.inject_faults:
            return
        if self.host.faults.get("non_admin") and path.upper().startswith("HKLM\\"):
            raise RegistryError(f"Access to the registry key 'HKEY_LOCAL_MACHINE\\{path[5:]}' is denied.")
        if int(self.host.faults.get("fail_write") or 0) == self.writes:
            raise RegistryError(f"the lab failed registry write {self.writes} on purpose (fault fail_write)")

    def apply(self, change: dict) -> list[str]:
        path = _physical(change["hive"], change["key"])
        registry = self.host.registry
        self._check(path)
        if change["op"] == "delete_empty_key":
            if registry.key_exists(path) and not registry.values(path) and not registry.subkeys(path):
                registry.delete_key(path)
            return []
        if change["op"] == "delete":
            registry.delete_value(path, change["name"])
            return []
        data = _from_json(change["type"], change.get("data"))
        created = registry.create_key(path)
        registry.set_value(path, change["name"], change["type"], data)
        return [c.split("\\", 1)[1] for c in created]


def _value(hive: str, key: str, name: str, reg_type: str, data: object) -> dict:
    return {"hive": hive, "key": key, "name": name, "type": reg_type, "data": _as_dotnet(reg_type, data)}


def _read_key(host: Host, hive: str, key: str, recurse: bool, out: list[dict]) -> bool:
    path = _physical(hive, key)
    if not host.registry.key_exists(path):
        return False
    for name, reg_type, data in host.registry.values(path):
        out.append(_value(hive, key, name, reg_type, data))
    if recurse:
        for sub in host.registry.subkeys(path):
            _read_key(host, hive, f"{key}\\{sub}", True, out)
    return True


def _read_value(host: Host, hive: str, key: str, name: str) -> dict | None:
    found = host.registry.get_value(_physical(hive, key), name)
    if found is None:
        return None
    actual = next(v[0] for v in host.registry.values(_physical(hive, key)) if v[0].casefold() == name.casefold())
    return _value(hive, key, actual, found[0], found[1])


def _facts(host: Host) -> dict:
    boot = datetime.fromtimestamp(host.boot_unix, tz=UTC)
    return {"hostname": host.name.upper(), "x64": True, "is_admin": not host.faults.get("non_admin"),
            "last_boot": boot.isoformat().replace("+00:00", "Z"),
            "powershell_version": f"5.1.{host.profile.build}.{host.profile.ubr}"}


def _backups(host: Host, backup_dir: str) -> list[dict]:
    folder = host.local_path(backup_dir)
    if not folder.is_dir():
        return []
    return [{"id": f.stem, "path": f"{backup_dir}\\{f.name}",
             "written": datetime.fromtimestamp(f.stat().st_mtime, tz=UTC).isoformat()}
            for f in sorted(folder.glob("*.json"))]


def run(host: Host, complex_args: dict) -> dict:
    raw, check_mode, _diff = split(complex_args)
    params = validate("tls_host", raw, SPEC)
    result: dict = {"changed": False}
    values: list[dict] = []
    missing = []
    for read in params["read_keys"]:
        hive = read.get("hive", "HKLM")
        if not _read_key(host, hive, read["key"], bool(read.get("recurse")), values):
            missing.append({"hive": hive, "key": read["key"]})
    for read in params["read_values"]:
        found = _read_value(host, read.get("hive", "HKLM"), read["key"], read["name"])
        if found is not None:
            values.append(found)
    result.update(registry_values=values, missing_keys=missing)
    if params["facts"]:
        result["facts"] = _facts(host)
    backup_dir = expand(params["backup_dir"])
    if params["list_backups"]:
        result["backups"] = _backups(host, backup_dir)
    if params["read_backup"]:
        document = host.read_file(f"{backup_dir}\\{params['read_backup']}.json")
        if document is None:
            raise ModuleFailure(f"read_backup: no backup '{params['read_backup']}' in {backup_dir}", **result)
        result["backup_document"] = document.decode("utf-8")
    changes = [dict({"hive": "HKLM", "name": ""}, **c) for c in params["changes"]]
    for change in changes:  # what Ansible.Basic's suboption choices check
        if change.get("op") not in ("set", "delete", "delete_empty_key"):
            raise ModuleFailure(f"value of op must be one of: set, delete, delete_empty_key, got: {change.get('op')}")
        if change.get("type") is not None and change["type"] not in TYPES:
            raise ModuleFailure(f"value of type must be one of: {', '.join(TYPES)}, got: {change.get('type')}")
    if changes and not params["backup_id"]:
        raise ModuleFailure("backup_id: required when changes are given (every change is backed up first)")
    for index, change in enumerate(changes):
        if change["op"] == "set" and not change.get("type"):
            raise ModuleFailure(f"changes[{index}].type: required when op is set")
    if changes and not check_mode:
        result.update(_apply(host, changes, params["backup_id"], backup_dir, result))
    return result


def _apply(host: Host, changes: list[dict], backup_id: str, backup_dir: str, result: dict) -> dict:
    entries = []
    for change in changes:
        if change["op"] == "delete_empty_key":
            continue
        before = _read_value(host, change["hive"], change["key"], change["name"])
        entry = {"hive": change["hive"], "key": change["key"], "name": change["name"], "existed": before is not None}
        if before is not None:
            entry.update(type=before["type"], data=before["data"])
        entries.append(entry)
    path = f"{backup_dir}\\{backup_id}.json"
    backup = {"id": backup_id, "path": path, "status": "pending", "entries": entries, "created_keys": []}
    host.write_file(path, json.dumps(backup, indent=4).encode())
    writer = _Writer(host)
    created_keys: list[dict] = []
    with host.lock:
        for applied, change in enumerate(changes):
            try:
                created_keys += [{"hive": change["hive"], "key": k} for k in writer.apply(change)]
            except (RegistryError, ValueError, TypeError) as err:
                errors = _roll_back(host, changes[:applied], entries, created_keys)
                backup["status"] = "rolled_back"
                host.write_file(path, json.dumps(backup, indent=4).encode())
                host.save()
                where = f"{change['hive']}\\{change['key']}\\{change['name']}"
                raise ModuleFailure(f"change {applied + 1} of {len(changes)} failed at {where}: {err}; the "
                                    f"{applied} change(s) before it were rolled back", **result, backup=backup,
                                    rolled_back=applied, rollback_errors=errors) from None
        host.save()
    backup.update(status="applied", created_keys=created_keys)
    host.write_file(path, json.dumps(backup, indent=4).encode())
    return {"backup": backup, "applied": len(changes), "changed": True}


def _roll_back(host: Host, done: list[dict], entries: list[dict], created_keys: list[dict]) -> list[str]:
    errors = []
    restorer = _Writer(host, inject_faults=False)
    for change in reversed(done):
        if change["op"] == "delete_empty_key":
            continue
        where = (change["hive"], change["key"], change["name"])
        entry = next(e for e in entries if (e["hive"], e["key"], e["name"]) == where)
        undo = ({"op": "set", "hive": entry["hive"], "key": entry["key"], "name": entry["name"],
                 "type": entry["type"], "data": entry["data"]} if entry["existed"]
                else {"op": "delete", "hive": entry["hive"], "key": entry["key"], "name": entry["name"]})
        try:
            restorer.apply(undo)
        except (RegistryError, ValueError) as err:
            errors.append(f"{entry['hive']}\\{entry['key']}\\{entry['name']}: {err}")
    for created in reversed(created_keys):
        restorer.apply({"op": "delete_empty_key", "hive": created["hive"], "key": created["key"], "name": ""})
    return errors
