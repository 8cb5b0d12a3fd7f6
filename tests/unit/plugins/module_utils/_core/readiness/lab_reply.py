"""A reference answer to ``readiness_request()`` from a lab host, following docs/readiness.md "Host reads needed".

The lab twin does not answer ``read_subkey_values`` and ``hotfixes`` yet; until it does, these tests answer them
here exactly as the docs specify (signed DWORDs, binary as hex, missing keys listed), from the lab host's
registry and hotfix list, so the lab presets are checked against what the real read will return.
"""

from __future__ import annotations

from tlslab.host import Host


def _signed(reg_type: str, data: object) -> object:
    if reg_type == "REG_DWORD" and isinstance(data, int) and data >= 2**31:
        return data - 2**32
    return data


def _key_values(host: Host, key: str) -> list[dict] | None:
    path = f"HKLM\\{key}"
    if not host.registry.key_exists(path):
        return None
    return [{"hive": "HKLM", "key": key, "name": n, "type": t, "data": _signed(t, d)}
            for n, t, d in host.registry.values(path)]


def _read_keys(host: Host, key: str, recurse: bool, out: list[dict]) -> bool:
    found = _key_values(host, key)
    if found is None:
        return False
    out.extend(found)
    if recurse:
        for sub in host.registry.subkeys(f"HKLM\\{key}"):
            _read_keys(host, f"{key}\\{sub}", True, out)
    return True


def answer(host: Host, request: dict) -> dict:
    values: list[dict] = []
    missing = [{"hive": "HKLM", "key": k["key"]} for k in request["read_keys"]
               if not _read_keys(host, k["key"], k["recurse"], values)]
    for item in request["read_values"]:
        found = host.registry.get_value(f"HKLM\\{item['key']}", item["name"])
        if found is not None:
            values.append({"hive": "HKLM", "key": item["key"], "name": item["name"], "type": found[0],
                           "data": _signed(found[0], found[1])})
    subkey_values = []
    for item in request["read_subkey_values"]:
        base = f"HKLM\\{item['key']}"
        entry = {"hive": "HKLM", "key": item["key"], "path": item["path"], "missing": False, "truncated": False,
                 "subkeys": []}
        if not host.registry.key_exists(base):
            entry["missing"] = True
        for sub in host.registry.subkeys(base) if not entry["missing"] else ():
            where = "\\".join(p for p in (item["key"], sub, item["path"]) if p)
            wanted = {n.casefold() for n in item["names"]}
            found = [v for v in _key_values(host, where) or () if v["name"].casefold() in wanted]
            entry["subkeys"].append({"name": sub, "values": [{k: v[k] for k in ("name", "type", "data")}
                                                             for v in found]})
        subkey_values.append(entry)
    installed = {kb.upper() for kb in host.components.get("hotfixes") or ()}
    queried = [kb.upper() for kb in request["hotfixes"]]
    return {"changed": False, "registry_values": values, "missing_keys": missing, "subkey_values": subkey_values,
            "hotfixes": {"queried": queried, "installed": [kb for kb in queried if kb in installed], "error": None},
            "facts": {"x64": True, "hostname": host.name.upper()}}
