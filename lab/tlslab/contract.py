# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run tls_host contract cases (tests/contract/tls_host/cases/*.json) against the lab's twin.

A case is data: module arguments, a starting registry (keys below placeholders), key ACLs, folders and files, the
expected reply or failure, and the registry and files expected afterwards. The same files drive
tests/contract/tls_host/Invoke-ContractCases.ps1 against the real PowerShell on Windows; the format is described in
tests/contract/tls_host/README.md. Placeholders: {root} and {wow} (keys below HKLM/HKCU), {dir} (a folder),
{hostname}, {user_sid} and {repeat:<text>:<count>}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import iis
from .host import ADMINISTRATORS, SYSTEM, Host
from .osprofiles import profile
from .twins import tls_host
from .twins.args import ModuleFailure

CASE_KEYS = {"name", "about", "args", "check_mode", "registry", "acl", "folders", "files", "lab", "windows",
             "expect", "registry_after", "files_after", "folders_after"}
EXPECT_KEYS = {"failed", "msg", "msg_match", "result", "absent"}
IGNORED_REPLY_KEYS = {"invocation", "exception"}  # Ansible.Basic's own additions, not part of the contract
LAB_USER_SID = "S-1-5-21-1000000000-1000000000-1000000000-1001"
HOSTNAME = "contract"
TREES = ("HKLM\\{root}", "HKCU\\{root}", "HKLM\\{wow}")


@dataclass(frozen=True)
class Places:
    root: str
    wow: str
    dir: str
    hostname: str
    user_sid: str

    def fill(self, value: object, regex: bool = False) -> object:
        """Placeholders replaced everywhere in a JSON value (keys too); inside regular expressions (msg_match and
        $match) they stand for their literal text."""
        if isinstance(value, str):
            text = re.sub(r"\{repeat:([^:}]*):(\d+)\}", lambda m: m.group(1) * int(m.group(2)), value)
            for name in ("root", "wow", "dir", "hostname", "user_sid"):
                text = text.replace("{" + name + "}", re.escape(getattr(self, name)) if regex else getattr(self, name))
            return text
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, Mapping):
            return {self.fill(k): self.fill(v, regex=k in ("msg_match", "$match")) for k, v in value.items()}
        return value


def places(name: str) -> Places:
    return Places(root=rf"SOFTWARE\tlsguard-contract\{name}", wow=rf"SOFTWARE\WOW6432Node\tlsguard-contract\{name}",
                  dir=rf"C:\tlsguard-contract\{name}", hostname=HOSTNAME.upper(), user_sid=LAB_USER_SID)


def load_cases(folder: Path) -> list[dict]:
    """Every case of every file, checked for unknown fields and duplicate names (a typo must not hide a check)."""
    cases: list[dict] = []
    for path in sorted(folder.glob("*.json")):
        for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            where = f"{path.name}[{index}]"
            unknown = set(case) - CASE_KEYS
            if unknown or "name" not in case or "expect" not in case:
                raise ValueError(f"{where}: unknown fields {sorted(unknown)} or no name/expect")
            if set(case["expect"]) - EXPECT_KEYS:
                raise ValueError(f"{where}: unknown expect fields {sorted(set(case['expect']) - EXPECT_KEYS)}")
            cases.append(dict(case, file=path.name))
    names = [c["name"] for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate case names: {duplicates}")
    return cases


# ---------------------------------------------------------------- matching
def mismatches(expected: object, actual: object, where: str = "") -> list[str]:
    """Differences between an expectation (with {"$match": regex} and {"$any": true} matchers) and a value."""
    if isinstance(expected, Mapping) and set(expected) == {"$match"}:
        ok = isinstance(actual, str) and re.fullmatch(str(expected["$match"]), actual, re.S) is not None
        return [] if ok else [f"{where}: {actual!r} does not match {expected['$match']!r}"]
    if isinstance(expected, Mapping) and set(expected) == {"$any"}:
        return []
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where}: expected a mapping, got {actual!r}"]
        out = [f"{where}.{k}: missing" for k in expected if k not in actual]
        out += [f"{where}.{k}: unexpected {actual[k]!r}" for k in actual if k not in expected]
        for key in expected:
            if key in actual:
                out += mismatches(expected[key], actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r}, got {actual!r}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [m for i, (e, a) in pairs for m in mismatches(e, a, f"{where}[{i}]")]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{where}: expected {expected!r}, got {actual!r}"]
    return []


def check_reply(expect: dict, reply: dict) -> list[str]:
    problems = []
    failed = bool(reply.get("failed"))
    if failed != bool(expect.get("failed")):
        problems.append(f"failed: expected {bool(expect.get('failed'))}, got {failed} ({reply.get('msg')!r})")
    if "msg" in expect and reply.get("msg") != expect["msg"]:
        problems.append(f"msg: expected {expect['msg']!r}, got {reply.get('msg')!r}")
    if "msg_match" in expect and not re.fullmatch(expect["msg_match"], str(reply.get("msg")), re.S):
        problems.append(f"msg: {reply.get('msg')!r} does not match {expect['msg_match']!r}")
    for key, value in (expect.get("result") or {}).items():
        problems += mismatches(value, reply.get(key, "<absent>"), key)
    problems += [f"{key}: should be absent, got {reply[key]!r}" for key in expect.get("absent") or () if key in reply]
    return problems


# ---------------------------------------------------------------- the lab side
def registry_state(host: Host, trees: list[str]) -> dict:
    """{key path: {name: [type, data]}} of every key at or below the trees (keys in sorted order)."""
    state = {}
    for shown, values in host.registry.to_json().items():
        if any(shown.casefold() == t.casefold() or shown.casefold().startswith(t.casefold() + "\\") for t in trees):
            state[shown] = dict(values)
    return state


def expected_registry(spec: Mapping, trees: list[str]) -> dict:
    """The registry a case expects: every listed key, and its parents down to the tree it is in."""
    state: dict[str, dict] = {}
    for key, values in spec.items():
        tree = next((t for t in trees if key.casefold().startswith(t.casefold())), key)
        parts = key.split("\\")
        for depth in range(tree.count("\\") + 1, len(parts)):
            state.setdefault("\\".join(parts[:depth]), {})
        state.setdefault(key, {}).update({name: list(v) for name, v in values.items()})
    return dict(sorted(state.items(), key=lambda item: item[0].casefold()))


def _folder_security(spec: Mapping) -> tuple[str, list[str], bool]:
    return str(spec.get("owner", ADMINISTRATORS)), list(spec.get("allow", [SYSTEM, ADMINISTRATORS])), "junction" in spec


def run_case(case: dict, home: Path) -> list[str]:
    """Problems found running ``case`` against the twin on a fresh lab host in ``home`` (empty when it passes)."""
    place = places(case["name"])
    filled = place.fill(case)
    if not isinstance(filled, dict):
        raise TypeError("a case is a mapping")
    case = filled
    lab = case.get("lab") or {}
    host = Host.create(HOSTNAME, profile("2019"), home, components=lab.get("components"))
    for key, values in (case.get("registry") or {}).items():
        host.registry.create_key(key)
        for name, (reg_type, data) in values.items():
            host.registry.set_value(key, name, reg_type, data)
    faults = dict(lab.get("faults") or {})
    if case.get("acl"):
        faults["deny_keys"] = {k: v.removeprefix("deny_") for k, v in case["acl"].items()}
    host.set_faults(faults)
    if lab.get("iis") is not None:   # the sites of applicationHost.config (iis.IisConfig JSON)
        iis.save(host, iis.IisConfig.from_json(lab["iis"]))
    for folder, spec in (case.get("folders") or {}).items():
        if spec.get("file"):
            host.write_file(folder, b"not a folder")
            continue
        host.local_path(folder).mkdir(parents=True, exist_ok=True)
        owner, allow, junction = _folder_security(spec)
        host.set_security(folder, owner, allow, reparse=junction)
    for path, content in (case.get("files") or {}).items():
        data = json.dumps(content["json"]) if isinstance(content, Mapping) else content
        host.write_file(path, data.encode("utf-8"))
    trees = [str(place.fill(t)) for t in TREES]
    before_files = _files(host, place.dir)
    args = dict(case["args"], _ansible_module_name=tls_host.MODULE, _ansible_check_mode=bool(case.get("check_mode")))
    try:
        reply = tls_host.run(host, args)
    except ModuleFailure as failure:
        reply = {"failed": True, "msg": str(failure), **failure.extra}
    reply = {k: v for k, v in json.loads(json.dumps(reply)).items() if k not in IGNORED_REPLY_KEYS}
    problems = check_reply(case["expect"], reply)
    wanted = expected_registry(case.get("registry_after", case.get("registry") or {}), trees)
    problems += mismatches(wanted, registry_state(host, trees), "registry")
    problems += _check_files(host, place.dir, before_files, case.get("files_after") or {})
    for folder, state in (case.get("folders_after") or {}).items():
        security = host.security(folder)
        admins = {SYSTEM, ADMINISTRATORS}
        admin_only = security["owner"] in admins and set(security["allow"]) <= admins
        if state == "admin_only" and not (host.local_path(folder).is_dir() and admin_only):
            problems.append(f"{folder}: expected an admin-only folder, got {security}")
        if state == "absent" and host.local_path(folder).exists():
            problems.append(f"{folder}: should not exist")
    return problems


def _files(host: Host, folder: str) -> set[str]:
    root = host.local_path(folder)
    return {str(p.relative_to(root)).lower() for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def _check_files(host: Host, folder: str, before: set[str], expected: Mapping) -> list[str]:
    """Files below {dir}: the expected ones exist with the expected JSON; no other file appeared."""
    problems = []
    wanted = set()
    for path, content in expected.items():
        relative = path[len(folder) + 1:].replace("\\", "/").lower()
        wanted.add(relative)
        data = host.read_file(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif isinstance(content, Mapping) and "json" in content:
            problems += mismatches(content["json"], json.loads(data.decode("utf-8")), path)
    extra = _files(host, folder) - before - wanted
    problems += [f"{folder}\\{p}: unexpected file" for p in sorted(extra)]
    return problems
