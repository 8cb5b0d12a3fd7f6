# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of plugins/modules/__tls_host.ps1: the same arguments, checks, order, messages and result keys, against a
lab host's registry and files.

It mirrors the PowerShell step by step (validation before any access, reads, backup with the keys to be created
before the first write, rollback on the first failure) and holds no TLS knowledge. Both are held to the contract
cases in tests/contract/tls_host/cases (lab/tests/test_contract_cases.py runs them here; the Windows runner runs
them against the PowerShell). SOURCE_SHA256 is the hash of the PowerShell it mirrors: the lab refuses to answer
a different one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from ..executor import expand
from ..host import FILETIME_EPOCH_OFFSET, Host
from . import backup_files, iis_fields
from .args import ModuleFailure, module_name, split, validate
from .dotnet_registry import DotNetError, DotNetRegistry, HostCrashed, split_key
from .usage_read import UsageRead

MODULE = "tlsguard.windows.__tls_host"
SOURCE_SHA256 = "d0bb3fd78d1a28464ea34136928aeb29fab84490e224c658688a6e3d15bd059e"
HIVES = ("HKLM", "HKCU", "HKU", "HKCR", "HKCC")
TYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_MULTI_SZ", "REG_QWORD", "REG_NONE")
_HIVE = {"type": "str", "default": "HKLM", "choices": list(HIVES)}
SPEC: dict = {"options": {
    "read_keys": {"type": "list", "elements": "dict", "default": [], "options": {
        "hive": _HIVE, "key": {"type": "str", "required": True}, "recurse": {"type": "bool", "default": False}}},
    "read_values": {"type": "list", "elements": "dict", "default": [], "options": {
        "hive": _HIVE, "key": {"type": "str", "required": True}, "name": {"type": "str", "required": True}}},
    "read_subkey_values": {"type": "list", "elements": "dict", "default": [], "options": {
        "hive": _HIVE, "key": {"type": "str", "required": True}, "path": {"type": "str", "default": ""},
        "names": {"type": "list", "elements": "str", "required": True}}},
    "changes": {"type": "list", "elements": "dict", "default": [], "options": {
        "op": {"type": "str", "required": True, "choices": ["set", "delete", "delete_empty_key"]},
        "hive": _HIVE, "key": {"type": "str", "required": True}, "name": {"type": "str", "default": ""},
        "type": {"type": "str", "choices": list(TYPES)}, "data": {"type": "raw"}},
        "required_if": [["op", "set", ["type", "data"]]]},
    "backup_dir": {"type": "str", "default": r"%ProgramData%\tlsguard\backups"},
    "backup_id": {"type": "str"},
    "read_backup": {"type": "str"},
    "check_backup_dir": {"type": "bool", "default": False},
    "hotfixes": {"type": "list", "elements": "str", "default": []},
    "facts": {"type": "bool", "default": False},
    "usage": {"type": "dict"},
    "iis_log_fields": {"type": "dict"},
}, "supports_check_mode": True}
ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
ID_RULE = "letters, digits, '_', '.' and '-', not starting with '.' or '-'"
MAX_HOTFIXES = 64
MAX_SUBKEY_NAMES = 32
MAX_SUBKEYS = 4096  # subkeys enumerated per read_subkey_values item; more sets 'truncated'
_RANGES = {"REG_DWORD": (-(2**31), 2**32 - 1, "DWord"), "REG_QWORD": (-(2**63), 2**64 - 1, "QWord")}


def _kind(value: object) -> str:
    """Get-KindText."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, list):
        return "a list"
    return "a number"


def key_path(key: str) -> str:
    """ConvertTo-KeyPath."""
    return "\\".join(split_key(key))


def _check_data(reg_type: str, data: object, where: str) -> tuple[str, object]:
    """ConvertFrom-ValueData's checks; returns (type, data) as the lab registry stores them."""
    reg_type = reg_type.upper()
    if reg_type in _RANGES:
        low, high, _kind_name = _RANGES[reg_type]
        number = _whole_number(data)
        if isinstance(number, str) or not low <= number <= high:
            problem = number if isinstance(number, str) else "a number outside that range"
            raise ModuleFailure(f"{where}.data: {reg_type} data must be a whole number from {low} to {high}, "
                                f"not {problem}")
        return reg_type, number & (0xFFFFFFFF if reg_type == "REG_DWORD" else 0xFFFFFFFFFFFFFFFF)
    if reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        if not isinstance(data, str):
            raise ModuleFailure(f"{where}.data: {reg_type} data must be a string, not {_kind(data)}")
        return reg_type, data
    if reg_type == "REG_MULTI_SZ":
        if not isinstance(data, list):
            raise ModuleFailure(f"{where}.data: REG_MULTI_SZ data must be a list of strings, not {_kind(data)}")
        for index, item in enumerate(data):
            if not isinstance(item, str):
                raise ModuleFailure(f"{where}.data[{index}]: REG_MULTI_SZ data must be a list of strings, not "
                                    f"{_kind(item)}")
        return reg_type, list(data)
    if not isinstance(data, str) or not re.fullmatch(r"(?:[0-9A-Fa-f]{2})*", data):
        got = _kind(data) if not isinstance(data, str) else f"'{data[:20]}...'" if len(data) > 20 else f"'{data}'"
        raise ModuleFailure(f"{where}.data: {reg_type} data must be hex text with two digits per byte such as "
                            f"'01ff', not {got}")
    return reg_type, data.lower()


def _whole_number(data: object) -> int | str:
    """ConvertTo-WholeNumber: the integer, or why the value is not a whole number."""
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        return _kind(data)
    if isinstance(data, float):
        if math.isnan(data) or math.isinf(data):
            return "a number outside that range"
        if not data.is_integer():
            return "a number with a fraction"
    return int(data)


class _Module:
    """The module's result so far, carried by every failure as Ansible.Basic's FailJson does."""

    def __init__(self, host: Host, params: dict, check_mode: bool) -> None:
        self.host = host
        self.params = params
        self.check_mode = check_mode
        self.result: dict = {"changed": False}
        self.warnings: list[str] = []

    def fail(self, message: str) -> ModuleFailure:
        extra = dict(self.result)
        if self.warnings:
            extra["warnings"] = list(self.warnings)
        return ModuleFailure(message, **extra)


def _check_entry(module: _Module, entry: Mapping | None, where: str, needs_name: bool) -> None:
    """Test-Entry."""
    entry = entry or {}
    if entry.get("hive") is None:
        raise module.fail(f"{where}.hive: must be one of HKLM, HKCU, HKU, HKCR, HKCC, not null")
    if entry.get("key") is None or key_path(entry["key"]) == "":
        raise module.fail(f"{where}.key: must name a key below the hive")
    if "\0" in entry["key"]:
        raise module.fail(f"{where}.key: must not contain NUL characters")
    if needs_name:
        if entry.get("name") is None:
            raise module.fail(f"{where}.name: must be a string ('' names the key's default value), not null")
        if "\0" in entry["name"]:
            raise module.fail(f"{where}.name: must not contain NUL characters")


def _check_subkey_read(module: _Module, entry: Mapping | None, where: str) -> None:
    """Test-SubkeyRead."""
    _check_entry(module, entry, where, False)
    entry = entry or {}
    path, names = entry.get("path"), entry.get("names")
    if path is None:
        raise module.fail(f"{where}.path: must be a string ('' reads each subkey itself), not null")
    if path.startswith("\\") or "\0" in path:
        raise module.fail(f"{where}.path: must be a path relative to each subkey, without a leading '\\' or NUL "
                          "characters")
    if not names:
        raise module.fail(f"{where}.names: give 1 to {MAX_SUBKEY_NAMES} value names")
    if len(names) > MAX_SUBKEY_NAMES:
        raise module.fail(f"{where}.names: at most {MAX_SUBKEY_NAMES} names, not {len(names)}")
    for index, name in enumerate(names):
        if name is None or "\0" in name:
            raise module.fail(f"{where}.names[{index}]: must be a value name without NUL characters")


def _validate(module: _Module) -> tuple[str, list[str], dict[int, tuple[str, object]]]:
    """Everything the PowerShell checks before touching the registry or a file, in its order."""
    params = module.params
    if len(params["hotfixes"]) > MAX_HOTFIXES:
        raise module.fail(f"hotfixes: at most {MAX_HOTFIXES} ids, not {len(params['hotfixes'])}")
    hotfixes = []
    for index, hotfix in enumerate(params["hotfixes"]):
        if not re.fullmatch(r"[Kk][Bb][0-9]+", hotfix):
            raise module.fail(f"hotfixes[{index}]: '{hotfix}' is not a hotfix id (KB followed by digits, for example "
                              "KB5005112)")
        hotfixes.append(hotfix.upper())
    for option in ("backup_id", "read_backup"):
        if params[option] is not None and not ID_PATTERN.fullmatch(params[option]):
            raise module.fail(f"{option}: '{params[option]}' is not a backup id ({ID_RULE})")
    try:
        backup_dir = backup_files.resolve_backup_dir(params["backup_dir"], expand)
    except ModuleFailure as failure:
        raise module.fail(str(failure)) from None
    for index, read in enumerate(params["read_keys"]):
        _check_entry(module, read, f"read_keys[{index}]", False)
    for index, read in enumerate(params["read_values"]):
        _check_entry(module, read, f"read_values[{index}]", True)
    for index, read in enumerate(params["read_subkey_values"]):
        _check_subkey_read(module, read, f"read_subkey_values[{index}]")
    converted = {}
    for index, change in enumerate(params["changes"]):
        change = change or {}
        if change.get("op") is None:
            raise module.fail(f"changes[{index}].op: must be one of set, delete, delete_empty_key, not null")
        _check_entry(module, change, f"changes[{index}]", change["op"].lower() != "delete_empty_key")
        if change["op"].lower() == "set":
            if change.get("type") is None:
                raise module.fail(f"changes[{index}].type: required when op is set")
            try:
                converted[index] = _check_data(change["type"], change.get("data"), f"changes[{index}]")
            except ModuleFailure as failure:
                raise module.fail(str(failure)) from None
    if params["changes"] and params["backup_id"] is None:
        raise module.fail("backup_id: required when changes are given (every change is backed up first)")
    return backup_dir, hotfixes, converted


class _Reader:
    """Read-Key, Find-Value and Test-KeyExists over the registry as .NET shows it."""

    def __init__(self, module: _Module) -> None:
        self.module = module
        self.registry = DotNetRegistry(module.host, inject_faults=False)
        self.values: list[dict] = []
        self.unsupported: list[dict] = []

    def _fail(self, where: str, hive: str, key: str, err: DotNetError) -> ModuleFailure:
        return self.module.fail(f"{where}: cannot read {hive}\\{key}: {err}")

    def add(self, hive: str, key: str, name: str, value: dict) -> None:
        if "unsupported" in value:
            self.unsupported.append({"hive": hive, "key": key, "name": name, "kind": value["unsupported"]})
        else:
            self.values.append({"hive": hive, "key": key, "name": name, **value})

    def read_key(self, hive: str, key: str, recurse: bool, where: str) -> bool:
        try:
            if not self.registry.exists(hive, key):
                return False
        except DotNetError as err:
            raise self._fail(where, hive, key, err) from None
        for name, value in self.registry.values(hive, key):
            self.add(hive, key, name, value)
        for sub in self.registry.subkeys(hive, key) if recurse else []:
            self.read_key(hive, f"{key}\\{sub}", True, where)
        return True

    def find_value(self, hive: str, key: str, name: str, where: str) -> dict | None:
        try:
            if not self.registry.exists(hive, key):
                return None
        except DotNetError as err:
            raise self._fail(where, hive, key, err) from None
        for actual, value in self.registry.values(hive, key):
            if _ordinal_upper(actual) == _ordinal_upper(name):
                return {**value, "name": actual}
        return None

    def subkey_values(self, read: Mapping, where: str) -> dict:
        """Read-SubkeyValues."""
        hive, key, path = read["hive"].upper(), key_path(read["key"]), key_path(read["path"])
        entry: dict = {"hive": hive, "key": key, "path": path, "missing": False, "truncated": False, "subkeys": [],
                       "errors": []}
        try:
            if not self.registry.exists(hive, key):
                return dict(entry, missing=True)
        except DotNetError as err:
            raise self._fail(where, hive, key, err) from None
        names = self.registry.subkeys(hive, key)
        if len(names) > MAX_SUBKEYS:
            entry["truncated"] = True
            names = names[:MAX_SUBKEYS]
        wanted = {_ordinal_upper(n) for n in read["names"]}
        for sub in names:
            target = f"{key}\\{sub}\\{path}" if path else f"{key}\\{sub}"
            try:
                exists = self.registry.exists(hive, target)
            except DotNetError as err:
                entry["errors"].append(f"{hive}\\{target}: {err}")
                continue
            found = []
            for name, value in self.registry.values(hive, target) if exists else ():
                if _ordinal_upper(name) not in wanted:
                    continue
                if "unsupported" in value:
                    entry["errors"].append(f"{hive}\\{target}\\{name}: a value of a kind tls_host does not read "
                                           f"({value['unsupported']})")
                    continue
                found.append({"name": name, **value})
            entry["subkeys"].append({"name": sub, "values": found})
        return entry

    def key_exists(self, hive: str, key: str, where: str) -> bool:
        try:
            return self.registry.exists(hive, key)
        except DotNetError as err:
            raise self._fail(where, hive, key, err) from None


def _ordinal_upper(text: str) -> str:
    """String.Equals(..., OrdinalIgnoreCase) compares simple upper-case mappings character by character."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def _facts(host: Host) -> dict:
    if host.faults.get("fail_cim"):
        raise DotNetError("the lab failed the CIM query on purpose (fault fail_cim)")
    seconds, ticks = divmod(host.boot_filetime, 10_000_000)
    boot = datetime.fromtimestamp(seconds - FILETIME_EPOCH_OFFSET, tz=UTC)
    return {"hostname": host.name.upper(), "x64": True, "is_admin": not host.faults.get("non_admin"),
            "last_boot": f"{boot:%Y-%m-%dT%H:%M:%S}.{ticks:07d}Z",
            "powershell_version": f"5.1.{host.profile.build}.{host.profile.ubr}"}


def _hotfixes(host: Host, queried: list[str]) -> dict:
    if host.faults.get("fail_cim"):
        return {"queried": queried, "installed": [],
                "error": "Win32_QuickFixEngineering: the lab failed the CIM query on purpose (fault fail_cim)"}
    listed = {str(h).upper() for h in host.components.get("hotfixes") or ()}
    return {"queried": queried, "installed": [q for q in queried if q in listed], "error": None}


def run(host: Host, complex_args: dict) -> dict:
    raw, check_mode, _diff = split(complex_args)
    module = _Module(host, validate(SPEC, raw, module_name(complex_args)), check_mode)
    backup_dir, hotfixes, converted = _validate(module)
    usage = None
    if module.params["usage"] is not None:   # checked with the other options, before any read
        try:
            usage = UsageRead(host, module.params["usage"], check_mode)
        except ModuleFailure as failure:
            raise module.fail(str(failure)) from None
    field_adds = None
    if module.params["iis_log_fields"] is not None:
        try:
            field_adds = iis_fields.check(module.params["iis_log_fields"])
        except ModuleFailure as failure:
            raise module.fail(str(failure)) from None
    params = module.params
    reader = _Reader(module)
    missing = []
    for index, read in enumerate(params["read_keys"]):
        hive, key = read["hive"].upper(), key_path(read["key"])
        if not reader.read_key(hive, key, bool(read["recurse"]), f"read_keys[{index}]"):
            missing.append({"hive": hive, "key": key})
    for index, read in enumerate(params["read_values"]):
        hive, key = read["hive"].upper(), key_path(read["key"])
        found = reader.find_value(hive, key, read["name"], f"read_values[{index}]")
        if found is not None:
            reader.add(hive, key, found.pop("name"), found)
    subkey_values = [reader.subkey_values(read, f"read_subkey_values[{index}]")
                     for index, read in enumerate(params["read_subkey_values"])]
    if params["read_backup"] is not None:
        try:
            document = backup_files.read_document(host, backup_dir, params["read_backup"])
        except ModuleFailure as failure:
            raise module.fail(str(failure)) from None
        module.result["backup_document"] = document
        for entry in _entries_of(document):
            found = reader.find_value(entry[0], entry[1], entry[2], "read_backup")
            if found is not None:
                reader.add(entry[0], entry[1], found.pop("name"), found)
    module.result.update(registry_values=reader.values, unsupported_values=reader.unsupported, missing_keys=missing,
                         subkey_values=subkey_values)
    if params["facts"]:
        try:
            module.result["facts"] = _facts(host)
        except DotNetError as err:
            raise module.fail(f"facts: cannot read the last boot time from Win32_OperatingSystem: {err}") from None
    if hotfixes:
        module.result["hotfixes"] = _hotfixes(host, hotfixes)
    if params["check_backup_dir"]:
        module.result["backup_dir_problem"] = backup_files.folder_problem(host, backup_dir)
    if usage is not None:
        module.result["usage"] = usage.run()
        module.warnings += usage.warnings
    if field_adds is not None:
        try:
            module.result["iis_log_fields"] = iis_fields.run(host, field_adds, check_mode, module.result)
        except ModuleFailure as failure:
            raise module.fail(str(failure)) from None
    if params["changes"]:
        _Changes(module, reader, backup_dir, converted).run()
    if module.warnings:
        module.result["warnings"] = module.warnings
    return module.result


def _entries_of(document: str | None) -> list[tuple[str, str, str]]:
    """(hive, key, name) of each well-formed entry of a backup document; anything else is left to the controller."""
    try:
        parsed = json.loads(document) if document is not None else None
    except ValueError:
        return []
    entries = parsed.get("entries") if isinstance(parsed, dict) else None
    out = []
    for entry in entries if isinstance(entries, list) else [entries] if entries is not None else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("hive"), str) or not isinstance(
                entry.get("key"), str):
            continue
        name = "" if entry.get("name") is None else entry["name"]
        hive, key = entry["hive"].upper(), key_path(entry["key"])
        if isinstance(name, str) and hive in HIVES and key:
            out.append((hive, key, name))
    return out


class _Changes:
    """Plan (backup entries and the keys to create), back up, apply, roll back: the PowerShell's second half."""

    def __init__(self, module: _Module, reader: _Reader, backup_dir: str, converted: dict) -> None:
        self.module = module
        self.reader = reader
        self.backup_dir = backup_dir
        self.converted = converted
        self.changes = [dict(c) for c in module.params["changes"]]
        for change in self.changes:
            change.update(hive=change["hive"].upper(), key=key_path(change["key"]), op=change["op"].lower())
        self.entries: list[dict] = []
        self.entry_for: dict[int, dict] = {}
        self.planned_keys: list[dict] = []
        self.removed: set[int] = set()

    def _plan(self) -> None:
        by_id: dict[str, dict] = {}
        will_exist: set[str] = set()
        for index, change in enumerate(self.changes):
            hive, key = change["hive"], change["key"]
            if change["op"] == "delete_empty_key":
                continue
            ident = f"{hive}\\{key}\\{change['name']}".upper()
            if ident not in by_id:
                before = self.reader.find_value(hive, key, change["name"], f"changes[{index}]")
                if before is not None and "unsupported" in before:
                    raise self.module.fail(
                        f"changes[{index}]: {hive}\\{key}\\{before['name']} holds a value of a kind tls_host cannot "
                        f"back up ({before['unsupported']}); it was left alone and nothing was changed")
                entry = {"hive": hive, "key": key, "name": change["name"], "existed": before is not None}
                if before is not None:
                    entry.update(type=before["type"], data=before["data"])
                by_id[ident] = entry
                self.entries.append(entry)
            self.entry_for[index] = by_id[ident]
            if change["op"] == "set":
                parts = key.split("\\")
                for depth in range(1, len(parts) + 1):
                    prefix = "\\".join(parts[:depth])
                    if f"{hive}\\{prefix}".upper() in will_exist:
                        continue
                    will_exist.add(f"{hive}\\{prefix}".upper())
                    if not self.reader.key_exists(hive, prefix, f"changes[{index}]"):
                        self.planned_keys.append({"hive": hive, "key": prefix})

    def run(self) -> None:
        module, host = self.module, self.module.host
        self._plan()
        if module.check_mode:
            problem = backup_files.folder_problem(host, self.backup_dir)
            if problem is not None:
                raise module.fail(problem)
            return
        backup = {"id": module.params["backup_id"],
                  "path": backup_files.backup_path(self.backup_dir, module.params["backup_id"]),
                  "hostname": host.name.upper(), "status": "pending", "entries": self.entries,
                  "created_keys": self.planned_keys}
        try:
            backup_files.ensure_folder(host, self.backup_dir)
        except ModuleFailure as failure:
            raise module.fail(str(failure)) from None
        if host.read_file(backup["path"]) is not None:
            raise module.fail(f"backup_id: a backup named '{backup['id']}' already exists in {self.backup_dir}; "
                              "nothing was changed")
        backup_files.write_backup(host, self.backup_dir, backup)
        writer = DotNetRegistry(host, inject_faults=True)
        with host.lock:
            for index, change in enumerate(self.changes):
                try:
                    self._apply(writer, index, change)
                except HostCrashed:
                    host.crash()
                    host.reply_fault = ("drop", 0.0)
                    message = "lab: the host died during the change loop (fault die_after_writes)"
                    raise self.module.fail(message) from None
                except DotNetError as err:
                    self._fail_at(index, change, str(err), backup)
            host.save()
        backup["status"] = "applied"
        backup_files.write_backup(host, self.backup_dir, backup)
        module.result.update(backup=backup, applied=len(self.changes), changed=True)
        if host.take_fault("drop_write_reply"):
            host.reply_fault = ("drop", 0.0)
        elif host.faults.get("delay_write_reply_ms"):
            host.reply_fault = ("delay", float(host.faults["delay_write_reply_ms"]) / 1000)

    def _apply(self, registry: DotNetRegistry, index: int, change: dict) -> None:
        """Invoke-Change."""
        hive, key = change["hive"], change["key"]
        if change["op"] == "delete_empty_key":
            if registry.delete_empty_key(hive, key):
                self.removed.add(index)
        elif change["op"] == "delete":
            registry.delete_value(hive, key, change["name"])
        else:
            reg_type, data = self.converted[index]
            registry.set_value(hive, key, change["name"], reg_type, data)

    def _fail_at(self, index: int, change: dict, failure: str, backup: dict) -> None:
        host = self.module.host
        failures = self._undo(index)
        host.save()
        backup["status"] = "rolled_back"
        backup_files.write_backup(host, self.backup_dir, backup)
        self.module.result.update(backup=backup, rolled_back=index, rollback_errors=failures, changed=bool(failures))
        message = (f"change {index + 1} of {len(self.changes)} failed at {_place(change)}: {failure}; the {index} "
                   "change(s) before it were rolled back")
        if failures:
            message += f", except {len(failures)} that could not be put back (see rollback_errors)"
        raise self.module.fail(message)

    def _undo(self, count: int) -> list[str]:
        """Undo-Changes."""
        registry = DotNetRegistry(self.module.host, inject_faults=False)
        failures = []
        for index in range(count - 1, -1, -1):
            change = self.changes[index]
            hive, key = change["hive"], change["key"]
            try:
                if change["op"] == "delete_empty_key":
                    if index in self.removed:
                        registry.create_key(hive, key)
                    continue
                entry = self.entry_for[index]
                if entry["existed"]:
                    reg_type, data = _check_data(entry["type"], entry["data"], "backup entry")
                    registry.set_value(hive, key, entry["name"], reg_type, data)
                else:
                    registry.delete_value(hive, key, entry["name"])
            except DotNetError as err:
                failures.append(f"{_place(change)}: {err}")
        for created in reversed(self.planned_keys):
            try:
                registry.delete_empty_key(created["hive"], created["key"])
            except DotNetError as err:
                failures.append(f"{created['hive']}\\{created['key']}: {err}")
        return failures


def _place(change: dict) -> str:
    """Get-ChangePlace."""
    place = f"{change['hive']}\\{change['key']}"
    return place if change["op"] == "delete_empty_key" else f"{place}\\{change['name']}"
