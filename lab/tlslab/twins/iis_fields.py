# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of the ``iis_log_fields`` request of __tls_host.ps1 (Test-LogFieldArgs, Invoke-LogFieldRequest): read the
custom log fields of siteDefaults and every site of the lab host's IIS (iis.py), and add the named entries in one
commit. The same checks, messages and reply; no knowledge of which fields matter."""

from __future__ import annotations

from collections.abc import Mapping

from .. import iis
from ..host import Host
from .args import ModuleFailure

KEYS = ("scope", "name", "source", "type")
TYPES = ("RequestHeader", "ResponseHeader", "ServerVariable")
MAX_ADDS = 256


def check(request: object) -> list[dict]:
    """Test-LogFieldArgs: the additions, or the first problem as the PowerShell words it."""
    if not isinstance(request, Mapping):
        raise ModuleFailure("iis_log_fields: should be a dict")
    unknown = sorted((k for k in request if k != "add"), key=str.casefold)
    if unknown:
        raise ModuleFailure(f"iis_log_fields.{unknown[0]}: unknown key; known: add")
    adds = request.get("add")
    if adds is None:
        adds = []
    if not isinstance(adds, list) or len(adds) > MAX_ADDS:
        raise ModuleFailure(f"iis_log_fields.add: should be a list of at most {MAX_ADDS} dicts")
    for index, item in enumerate(adds):
        where = f"iis_log_fields.add[{index}]"
        if not isinstance(item, Mapping):
            raise ModuleFailure(f"{where}: should be a dict with {', '.join(KEYS)}")
        unknown = sorted((k for k in item if k not in KEYS), key=str.casefold)
        if unknown:
            raise ModuleFailure(f"{where}.{unknown[0]}: unknown key; known: {', '.join(KEYS)}")
        for key in ("scope", "name", "source"):
            text = item.get(key)
            if not isinstance(text, str) or "\0" in text or (key != "scope" and not text.strip()):
                rule = "'' (siteDefaults) or a site name" if key == "scope" else "a non-blank string"
                raise ModuleFailure(f"{where}.{key}: should be {rule} without NUL characters")
        if item.get("type") not in TYPES:
            raise ModuleFailure(f"{where}.type: should be one of {', '.join(TYPES)}")
    return list(adds)


def field_dicts(entries: list[tuple[str, str, str]]) -> list[dict]:
    return [{"name": n, "source": s, "type": t} for n, s, t in entries]


def run(host: Host, adds: list[dict], check_mode: bool, result: dict) -> dict:
    """Invoke-LogFieldRequest; sets result['changed'] when the additions were saved."""
    reply: dict = {"installed": False, "error": "", "site_defaults": [], "sites": [], "added": []}
    config = iis.load(host)
    if config is None:
        if adds:
            raise ModuleFailure("iis_log_fields.add: IIS is not installed on this host; nothing was changed")
        return reply
    reply["installed"] = True
    if not iis.has_custom_fields(host):
        reply["error"] = (f"IIS configuration: the lab's IIS {host.components.get('iis')} has no logFile/customFields "
                          "element (custom log fields exist from IIS 8.5)")
        if adds:
            raise ModuleFailure(f"iis_log_fields.add: {reply['error']}; nothing was changed")
        return reply
    collections = {"": config.site_defaults, **{s.name.casefold(): s.fields for s in config.sites}}
    added = []
    for index, add in enumerate(adds):
        where = "siteDefaults" if add["scope"] == "" else f"site '{add['scope']}'"
        collection = collections.get(add["scope"].casefold())
        if collection is None:
            raise ModuleFailure(f"iis_log_fields.add[{index}].scope: there is no {where}; nothing was changed")
        same = next((f for f in reversed(collection) if f[0].casefold() == add["name"].casefold()), None)
        if same is not None:
            if same[1].casefold() == add["source"].casefold() and same[2].casefold() == add["type"].casefold():
                continue
            raise ModuleFailure(f"iis_log_fields.add[{index}]: {where} already has a custom field named '{same[0]}' "
                                f"with source {same[2]} {same[1]}; nothing was changed")
        collection.append((add["name"], add["source"], add["type"]))
        added.append({"scope": add["scope"], "name": add["name"]})
    if added and not check_mode:
        iis.save(host, config)
        result["changed"] = True
    reply.update(added=added, site_defaults=field_dicts(config.site_defaults),
                 sites=[{"id": s.id, "name": s.name, "fields": field_dicts(s.fields)} for s in config.sites])
    return reply
