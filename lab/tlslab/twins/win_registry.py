# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twins of ``ansible.windows.win_reg_stat`` and ``ansible.windows.win_regedit`` from their documented behaviour
(options and return values as ansible.windows documents them), so the per-value approach most existing roles use
can be run and measured against the lab next to tlsguard's batched module. Not mirrored: hive loading.
"""

from __future__ import annotations

from ..host import Host
from ..registry import HIVES
from .args import ModuleFailure, split, validate

_REGEDIT_TYPES = {"none": "REG_NONE", "binary": "REG_BINARY", "dword": "REG_DWORD", "expandstring": "REG_EXPAND_SZ",
                  "multistring": "REG_MULTI_SZ", "string": "REG_SZ", "qword": "REG_QWORD"}


def _path(raw: object) -> str:
    text = str(raw or "")
    head, sep, rest = text.partition("\\")
    hive = HIVES.get(head.rstrip(":").upper())
    if hive is None:
        raise ModuleFailure(f"path: {text} is not a valid registry path, see module documentation for examples.")
    return hive + sep + rest


def _aliases(params: dict, aliases: dict[str, str]) -> dict:
    return {aliases.get(k, k): v for k, v in params.items()}


def _stat_value(reg_type: str, data: object) -> tuple[object, object]:
    """(value, raw_value) as win_reg_stat reports them."""
    if reg_type in ("REG_BINARY", "REG_NONE"):
        raw = bytes.fromhex(str(data))
        return list(raw), [f"0x{b:02x}" for b in raw]
    return data, data


def reg_stat(host: Host, complex_args: dict) -> dict:
    raw, _check, _diff = split(complex_args)
    aliases = {"key": "path", "entry": "name", "value": "name", "property": "name"}
    params = validate({"options": {"path": {}, "name": {}}}, _aliases(raw, aliases), "win_reg_stat")
    path = _path(params["path"])
    registry = host.registry
    if not registry.key_exists(path):
        return {"changed": False, "exists": False}
    if params["name"] is None:
        properties = {}
        for name, reg_type, data in registry.values(path):
            value, raw_value = _stat_value(reg_type, data)
            properties[name] = {"raw_value": raw_value, "type": reg_type, "value": value}
        return {"changed": False, "exists": True, "properties": properties, "sub_keys": registry.subkeys(path)}
    found = registry.get_value(path, params["name"])
    if found is None:
        return {"changed": False, "exists": False}
    value, raw_value = _stat_value(*found)
    return {"changed": False, "exists": True, "type": found[0], "value": value, "raw_value": raw_value}


def _regedit_data(reg_type: str, data: object) -> object:
    if reg_type in ("REG_DWORD", "REG_QWORD"):
        if data is None:
            return 0
        text = str(data).strip()
        number = int(text, 16) if text.lower().startswith("0x") else int(text)
        limit = 0xFFFFFFFF if reg_type == "REG_DWORD" else 0xFFFFFFFFFFFFFFFF
        if not 0 <= number <= limit:
            raise ModuleFailure(f"data: {data} is out of range for {reg_type}")
        return number
    if reg_type in ("REG_BINARY", "REG_NONE"):
        if data is None:
            return ""
        if isinstance(data, list):
            return bytes(int(b, 16) if isinstance(b, str) else int(b) for b in data).hex()
        return bytes(int(b, 16) for b in str(data).removeprefix("hex:").split(",") if b.strip()).hex()
    if reg_type == "REG_MULTI_SZ":
        return [] if data is None else [str(s) for s in (data if isinstance(data, list) else [data])]
    return "" if data is None else str(data)


def regedit(host: Host, complex_args: dict) -> dict:
    raw, check_mode, diff_mode = split(complex_args)
    aliases = {"key": "path", "entry": "name", "value": "name", "datatype": "type"}
    params = validate({"options": {
        "path": {}, "name": {"default": ""}, "data": {"type": "raw"},
        "type": {"default": "string", "choices": list(_REGEDIT_TYPES)},
        "state": {"default": "present", "choices": ["absent", "present"]},
        "delete_key": {"type": "bool", "default": True}, "hive": {}}}, _aliases(raw, aliases), "win_regedit")
    if params["hive"]:
        raise ModuleFailure("hive: loading hive files is not emulated by the lab")
    path = _path(params["path"])
    name = params["name"] or ""
    registry = host.registry
    before = registry.get_value(path, name) if registry.key_exists(path) else None
    result: dict[str, object] = {"changed": False, "data_changed": False, "data_type_changed": False}
    with host.lock:
        if params["state"] == "present":
            reg_type = _REGEDIT_TYPES[params["type"].lower()]
            data = _regedit_data(reg_type, params["data"])
            wanted = (reg_type, data)
            key_missing = not registry.key_exists(path)
            if key_missing or (params["name"] is not None and before != wanted):
                result["changed"] = True
                result["data_changed"] = before is None or before[1] != data
                result["data_type_changed"] = before is not None and before[0] != reg_type
                if not check_mode:
                    registry.create_key(path)
                    if params["name"] is not None:
                        registry.set_value(path, name, reg_type, data)
            after = wanted
        elif params["name"]:
            after = None
            if before is not None:
                result["changed"] = True
                if not check_mode:
                    registry.delete_value(path, name)
        else:
            after = None
            if registry.key_exists(path):
                result["changed"] = True
                if not check_mode:
                    if params["delete_key"]:
                        registry.delete_key(path)
                    else:
                        registry.delete_value(path, "")
        if result["changed"] and not check_mode:
            host.save()
    if diff_mode:
        result["diff"] = {"before": _diff_text(path, name, before), "after": _diff_text(path, name, after)}
    return result


def _diff_text(path: str, name: str, value: tuple[str, object] | None) -> str:
    if value is None:
        return ""
    return f"[{path}]\n\"{name}\" = {value[0]}:{value[1]}\n"
