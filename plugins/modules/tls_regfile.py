#!/usr/bin/python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tls_regfile
short_description: Audit Windows C(.reg) exports offline, or render a TLS profile as C(.reg) or Group Policy file
version_added: 1.0.0
description:
  - Runs on the controller (or wherever the task is delegated); needs no Windows host.
  - B(Audit) - reads a C(.reg) file made with C(reg export) or regedit and returns what importing it would leave
    on a host of the given OS build - the effective state of every protocol, the suite order, findings and the
    decoded settings, in the shape M(tlsguard.windows.tls_info) returns them - and every line regedit would drop,
    with its number and the reason.
  - The file is read exactly as regedit imports it (the rules of Wine's regedit conformance tests, which pass on
    Windows). A file whose first line is not exactly C(Windows Registry Editor Version 5.00) or C(REGEDIT4), or
    that is UTF-16 without a byte-order mark, is refused as a whole (RV(file_refused)) and nothing in it counts.
    Lines regedit ignores are listed in RV(errors) and do not count; C(SYSTEM\ControlSet001) is evaluated as
    C(SYSTEM\CurrentControlSet) with a note in RV(warnings_in_file).
  - B(A fleet of exports in one task) - O(src) may be a folder (every C(*.reg) file in it) or a list of exports,
    for example one per host collected with C(reg export). The result then holds one entry per file in
    RV(files) and totals in RV(summary).
  - B(Render) - writes a profile (plus O(overrides)) for one OS build as a C(.reg) file or as a Group Policy
    Preferences C(Registry.xml). With O(src) (one export) as well, only the changes needed to bring that export
    to the profile are written.
  - The effective state follows the published Windows defaults per build when a value is absent, so an export
    without a C(TLS 1.0) key still shows TLS 1.0 as C(os_default_enabled) on builds where Windows enables it.
requirements:
  - Python 3.11 or later where the module runs (normally the controller)
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - tlsguard.windows.policy.overrides
options:
  src:
    description:
      - The export(s) to audit, on the machine the module runs on.
      - A path of a C(.reg) file; a path of a folder, whose C(*.reg) files are audited in name order (not
        recursively); or a list whose items are paths (files or folders) or dicts with the key C(path) and,
        optionally, C(os_build) and C(server) for that export (else the task's O(os_build) and O(server) apply).
      - Required unless O(profile) and O(dest) are given. With O(dest), O(src) must name one file.
      - A file must be a regular file of at most 256 MiB.
    type: raw
  os_build:
    description:
      - The Windows build the export comes from, or the build to render for.
      - Accepts C(17763), C(10.0.17763) or C(10.0.17763.5830).
    type: str
    required: true
  server:
    description:
      - Whether the host is a Windows Server edition. Only used to name the product in the result.
    type: bool
  profile:
    description:
      - Named profile to compare the export with (adds C(drift) findings and RV(compliant)) or to render.
      - V(enable) is stage 1 (TLS 1.2 on, TLS 1.3 where supported, legacy untouched), V(enforce) is stage 3
        (SSL 2/3 and TLS 1.0/1.1 off), V(bsi) follows BSI TR-02102-2, V(mozilla_intermediate) follows Mozilla's
        intermediate guideline and V(os_default) removes every value the collection manages.
    type: str
    choices: [enable, enforce, bsi, mozilla_intermediate, os_default]
  dest:
    description:
      - Where to write the rendered file. Requires O(profile).
      - Written through a temporary file created exclusively in the same folder and renamed over O(dest); a
        symbolic link at O(dest) is replaced by the file, never written through. A directory, FIFO or device at
        O(dest), or a missing folder, fail the task before anything is written (in check mode too).
    type: path
  format:
    description:
      - Format of O(dest). V(reg) is a C(.reg) file (UTF-16LE, version 5.00); V(gpo) is a Group Policy
        Preferences C(Registry.xml) for C(<GPO>\Machine\Preferences\Registry\).
      - Defaults to V(gpo) when O(dest) ends in C(.xml), else V(reg).
    type: str
    choices: [reg, gpo]
  backup:
    description:
      - Keep a timestamped copy of O(dest) before overwriting it.
    type: bool
    default: false
  strict:
    description:
      - Fail when an export has lines regedit would drop, or is refused as a whole (they are always listed in
        RV(errors)).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    support: full
    platforms: posix
notes:
  - Parsing and evaluation are pure Python and identical on every controller; nothing here was verified on a
    Windows host. The import rules come from Wine's regedit conformance tests (which hold on Windows), the
    defaults from Microsoft's published tables.
  - Where regedit's behaviour is not pinned by those tests (values below a key line regedit skips, for example
    C([ HKEY_...]) with a space), tlsguard counts the values for no key and says where regedit may put them.
  - An export that fails to be read (missing, not a regular file, too large) fails the task after every other
    export was audited; the results of the others are in RV(files).
seealso:
  - module: tlsguard.windows.tls_info
  - module: tlsguard.windows.tls_config
"""

EXAMPLES = r"""
- name: Audit an export taken with "reg export HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
  tlsguard.windows.tls_regfile:
    src: exports/web01-schannel.reg
    os_build: "17763"
    profile: enforce
  delegate_to: localhost
  register: audit

- name: Show what is still enabled
  ansible.builtin.debug:
    msg: "{{ audit.effective | dict2items | selectattr('value.server', 'in', ['enabled', 'os_default_enabled'])
             | map(attribute='key') | list }}"

- name: Audit the exports of a whole fleet, one file per host, in one task
  tlsguard.windows.tls_regfile:
    src: exports/
    os_build: "20348"
    profile: enforce
  delegate_to: localhost
  run_once: true
  register: fleet

- name: Name the exports that are not compliant
  ansible.builtin.debug:
    msg: "{{ fleet.files | rejectattr('compliant') | map(attribute='src') | list }}"

- name: Audit exports of hosts with different builds (os_build of the task applies where an item names none)
  tlsguard.windows.tls_regfile:
    src:
      - exports/web01.reg
      - {path: exports/dc01.reg, os_build: "20348", server: true}
    os_build: "17763"
    profile: enforce
  delegate_to: localhost
  run_once: true

- name: Render stage 3 for Server 2022 as a .reg file
  tlsguard.windows.tls_regfile:
    profile: enforce
    os_build: "20348"
    dest: out/enforce-2022.reg
  delegate_to: localhost

- name: Render the BSI profile without TLS 1.3 on the server side, as a GPO preference file
  tlsguard.windows.tls_regfile:
    profile: bsi
    os_build: "10.0.20348"
    overrides:
      protocols:
        tls1_3: {server: disabled}
    dest: out/Registry.xml
  delegate_to: localhost
"""

RETURN = r"""
os:
  description: The OS build the evaluation used.
  returned: when O(src) is one file, or O(dest) is given
  type: dict
  sample: {build: 17763, ubr: null, version: "10.0.17763", product: "Windows 10 1809 / Windows Server 2019",
           server: null, supports_tls13: false, defaults_row: "Windows 10 1607-22H2 / Server 2016 / Server 2019"}
effective:
  description:
    - Effective state per protocol and side.
    - Keys are C(ssl2_0), C(ssl3_0), C(tls1_0), C(tls1_1), C(tls1_2), C(tls1_3); each holds C(client) and C(server).
    - A state is C(enabled) or C(disabled) (from C(Enabled)), C(disabled_by_default) (C(Enabled) absent and
      C(DisabledByDefault=1)), C(not_supported) (the build lacks the protocol), or C(os_default_enabled) /
      C(os_default_disabled) (both values absent, the published OS default applies).
  returned: when O(src) is one file
  type: dict
  sample: {tls1_0: {client: os_default_enabled, server: disabled}, tls1_2: {client: enabled, server: enabled},
           tls1_3: {client: not_supported, server: not_supported}}
effective_details:
  description: Per protocol (DTLS included) and side, the state with its C(source), C(notes) and the raw values.
  returned: when O(src) is one file
  type: dict
  sample: {tls1_0: {server: {state: disabled, source: registry, notes: [], enabled_value: 0,
                             disabled_by_default_value: 1}}}
cipher_suites:
  description: The suite order in effect (policy value, local list or OS default) and its suites without forward
    secrecy.
  returned: when O(src) is one file
  type: dict
  sample: {source: os_default, order: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], unknown: [],
           without_forward_secrecy: []}
settings:
  description: The other settings the export holds, decoded as M(tlsguard.windows.tls_info) returns them (.NET,
    WinHTTP, WinINet, ciphers, hashes, key exchange, Diffie-Hellman sizes, event logging, FIPS policy).
  returned: when O(src) is one file
  type: dict
  sample: {ciphers: {RC4 128/128: disabled, AES 128/128: os_default}, event_logging: {value: null, effective: 1,
           logs_successful_handshakes: false}, fips_policy: false}
findings:
  description:
    - Problems found, most severe first. C(code) names the kind (for example C(legacy_protocol_enabled),
      C(tls13_unsupported), C(wrong_type), C(drift)); C(severity) is C(high), C(medium), C(low) or C(info).
  returned: when O(src) is one file
  type: list
  elements: dict
  sample: [{code: legacy_protocol_enabled, severity: medium, message: "TLS 1.0\\Server is enabled in the registry",
            protocol: tls1_0, side: server}]
compliant:
  description: Whether the export holds every value O(profile) wants.
  returned: when O(src) is one file and O(profile) is given
  type: bool
  sample: false
file_refused:
  description: Why regedit would import nothing from O(src) (its header, its encoding), or null.
  returned: when O(src) is one file
  type: str
  sample: "its header 'windows registry editor version 5.00' differs from 'Windows Registry Editor Version 5.00'
    in case, and regedit compares it exactly"
errors:
  description:
    - Lines of O(src) regedit would drop (or Windows would refuse), with their numbers and why; none of them
      counts in the audit.
    - At most 100; RV(errors_omitted) counts the rest.
  returned: when O(src) is one file
  type: list
  elements: dict
  sample: [{line: 41, message: "value \"DisabledByDefault\" is not imported: unknown value type 'deword'; did you
            mean 'dword'? (regedit reads \"text\", dword:, hex: and hex(N):)"}]
errors_omitted:
  description: How many errors there were beyond the ones listed.
  returned: when O(src) is one file
  type: int
  sample: 0
warnings_in_file:
  description: Lines of O(src) regedit imports but that look wrong (at most 100; RV(warnings_omitted) counts the
    rest), for example a key name ending in a space or a numbered control set.
  returned: when O(src) is one file
  type: list
  elements: dict
  sample: [{line: 30, message: "the key name 'Internet Settings ' has a space at its start or end; Windows keeps
            it, so this is not the key 'Internet Settings'"}]
warnings_omitted:
  description: How many warnings there were beyond the ones listed.
  returned: when O(src) is one file
  type: int
  sample: 0
values_read:
  description: Number of registry values importing the file leaves.
  returned: when O(src) is one file
  type: int
  sample: 12
files:
  description:
    - One entry per export when O(src) is a folder or a list, in order. Each holds C(src) (the path) and either
      everything a single-file audit returns (RV(os), RV(effective), RV(effective_details), RV(cipher_suites),
      RV(settings), RV(findings), RV(compliant), RV(file_refused), RV(errors), RV(errors_omitted),
      RV(warnings_in_file), RV(warnings_omitted), RV(values_read), RV(policy_warnings)) or C(failed=true) and
      C(msg) when the file could not be read.
  returned: when O(src) is a folder or a list
  type: list
  elements: dict
  sample: [{src: exports/web01.reg, compliant: true, errors: [], findings: [], values_read: 44}]
summary:
  description:
    - Totals over RV(files) - C(files), C(compliant) and C(not_compliant) (with O(profile)), C(refused) (regedit
      would import nothing), C(with_errors) (some lines dropped), C(unreadable) (could not be read) and
      C(findings) (all findings).
  returned: when O(src) is a folder or a list
  type: dict
  sample: {files: 1000, compliant: 997, not_compliant: 3, refused: 0, with_errors: 2, unreadable: 0,
           findings: 12}
policy_warnings:
  description: How the profile was adapted to the build (for example suites the build does not have).
  returned: when O(profile) is given (for each file in RV(files) when O(src) is a folder or a list)
  type: list
  elements: str
  sample: []
changes:
  description: The registry changes written to O(dest), in apply order.
  returned: when O(dest) is given
  type: list
  elements: dict
  sample: [{op: set, path: "HKEY_LOCAL_MACHINE\\SYSTEM\\...\\TLS 1.0\\Server", name: Enabled, category: protocols,
            before: null, after: {type: REG_DWORD, data: 0}}]
dest:
  description: The file written (or that would be written in check mode).
  returned: when O(dest) is given
  type: str
  sample: out/enforce-2022.reg
format:
  description: The format of O(dest).
  returned: when O(dest) is given
  type: str
  sample: reg
backup_file:
  description: The copy of the previous O(dest), when O(backup=true) and the file changed.
  returned: when a backup was made
  type: str
  sample: out/enforce-2022.reg.12345.2026-11-26@18:00:00~
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import POLICY_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild, parse_build
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import Compiled, compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError, suggest
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.audit import (
    audit_export,
    dropped_summary,
    line_numbers,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.deploy import (
    FORMATS,
    as_text,
    render,
    same_content,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import Snapshot
from ansible_collections.tlsguard.windows.plugins.module_utils._files import (
    FileProblem,
    check_writable,
    expand_path,
    read_existing,
    read_source,
    write_atomic,
)

ARGUMENT_SPEC = dict(
    src=dict(type="raw"),
    os_build=dict(type="str", required=True),
    server=dict(type="bool"),
    **POLICY_ARGS,
    dest=dict(type="path"),
    format=dict(type="str", choices=list(FORMATS)),
    backup=dict(type="bool", default=False),
    strict=dict(type="bool", default=False),
)
MAX_SOURCE_BYTES = 256 * 1024 * 1024
MAX_DEST_BYTES = 64 * 1024 * 1024  # a rendered profile is a few kB; anything far larger is not ours to diff
EXPORT_KEYS = ("path", "os_build", "server")
SHOWN_FILES = 3  # how many files a one-line message names


class TaskFailure(Exception):
    """The task fails with this message; ``result`` is what it had gathered (returned with the failure)."""

    def __init__(self, message: str, result: dict | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass(frozen=True)
class Export:
    path: str
    os_build: object
    server: bool | None
    option: str  # where it was named: 'src' or 'src[3]'
    build_option: str = "os_build"  # where its os_build was given

    def build(self) -> WindowsBuild:
        return parse_build(self.os_build, option=self.build_option, server=self.server)


# -- which exports ------------------------------------------------------------------------------------------------
def _folder_exports(folder: str, named: Export) -> list[Export]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if entry.name.lower().endswith(".reg") and entry.is_file())
    except OSError as err:
        raise TaskFailure(f"{named.option}: cannot list the folder {folder}: {err.strerror}") from None
    if not names:
        raise TaskFailure(f"{named.option}: the folder {folder} has no .reg files")
    return [Export(os.path.join(folder, name), named.os_build, named.server, named.option, named.build_option)
            for name in names]


def _item(item: object, option: str, params: dict) -> Export:
    if isinstance(item, dict):
        unknown = sorted(set(item) - set(EXPORT_KEYS))
        if unknown:
            raise TaskFailure(f"{option}: unknown key '{unknown[0]}'{suggest(str(unknown[0]), EXPORT_KEYS)} "
                              f"(an export is a path or a dict with {', '.join(EXPORT_KEYS)})")
        if not item.get("path"):
            raise TaskFailure(f"{option}: an export given as a dict needs its path")
        server = item.get("server", params["server"])
        if server is not None and not isinstance(server, bool):
            raise TaskFailure(f"{option}.server: expected true or false, got {server!r}")
        if "os_build" in item:
            return Export(expand_path(item["path"]), item["os_build"], server, option, f"{option}.os_build")
        return Export(expand_path(item["path"]), params["os_build"], server, option)
    if isinstance(item, str) and item:
        return Export(expand_path(item), params["os_build"], params["server"], option)
    raise TaskFailure(f"{option}: expected the path of a .reg file or folder, or a dict with {', '.join(EXPORT_KEYS)}, "
                      f"got {type(item).__name__} {str(item)[:60]!r}")


def exports_from(params: dict) -> tuple[list[Export], bool]:
    """The exports ``src`` names, and whether it names a fleet (a folder or a list) rather than one file."""
    src = params["src"]
    items = [(item, f"src[{index}]") for index, item in enumerate(src)] if isinstance(src, list) else [(src, "src")]
    if not items:
        raise TaskFailure("src: the list of exports is empty")
    exports: list[Export] = []
    fleet = isinstance(src, list)
    for item, option in items:
        named = _item(item, option, params)
        if os.path.isdir(named.path):
            fleet = True
            exports += _folder_exports(named.path, named)
        else:
            exports.append(named)
    return exports, fleet


# -- audit ----------------------------------------------------------------------------------------------------------
class Policies:
    """The compiled profile per build: one fleet task compiles it once per distinct build."""

    def __init__(self, profile: str | None, overrides: dict | None) -> None:
        self.profile, self.overrides = profile, overrides
        self._compiled: dict[tuple[int, bool | None], tuple[Compiled, list[str]]] = {}

    def for_build(self, build: WindowsBuild) -> tuple[Compiled | None, list[str]]:
        if not self.profile:
            return None, []
        key = (build.build, build.server)
        if key not in self._compiled:
            policy, adapted = resolve_policy(self.profile, self.overrides, build)
            compiled = compile_policy(policy, build)
            self._compiled[key] = compiled, adapted + list(compiled.warnings)
        return self._compiled[key]


def audit_file(export: Export, policies: Policies) -> tuple[dict, Snapshot]:
    """Read and audit one export. Raises TaskFailure when it cannot be read, TlsGuardError for a bad os_build."""
    build = export.build()
    try:
        raw = read_source(export.path, MAX_SOURCE_BYTES)
    except FileProblem as problem:
        raise TaskFailure(f"{export.option}: {problem}") from None
    compiled, adapted = policies.for_build(build)
    report, snapshot = audit_export(raw, build, compiled)
    if policies.profile:
        report["policy_warnings"] = adapted
    return report, snapshot


def audit_fleet(exports: list[Export], policies: Policies) -> dict:
    """One entry per export (a failed read is an entry too) and the totals."""
    files: list[dict] = []
    for export in exports:
        try:
            report, _snapshot = audit_file(export, policies)
            files.append({"src": export.path, **report})
        except TaskFailure as failure:
            files.append({"src": export.path, "failed": True, "msg": str(failure)})
    audited = [f for f in files if not f.get("failed")]
    summary = {
        "files": len(files),
        "refused": sum(bool(f["file_refused"]) for f in audited),
        "with_errors": sum(bool(f["errors"]) and not f["file_refused"] for f in audited),
        "unreadable": len(files) - len(audited),
        "findings": sum(len(f["findings"]) for f in audited),
    }
    if policies.profile:
        summary["compliant"] = sum(bool(f.get("compliant")) for f in audited)
        summary["not_compliant"] = len(audited) - summary["compliant"]
    return {"changed": False, "files": files, "summary": summary}


def _names(files: list[dict], detail: Callable[[dict], str]) -> str:
    shown = "; ".join(f"{f['src']} ({detail(f)})" for f in files[:SHOWN_FILES])
    return shown + (f"; and {len(files) - SHOWN_FILES} more" if len(files) > SHOWN_FILES else "")


# -- render ---------------------------------------------------------------------------------------------------------
def render_dest(params: dict, build: WindowsBuild, compiled: Compiled | None, current: Snapshot,
                check_mode: bool, diff: bool) -> dict:
    """Plan the changes, render them and write ``dest`` (unless nothing changes or in check mode)."""
    dest = params["dest"]
    fmt = params["format"] or ("gpo" if dest.lower().endswith(".xml") else "reg")
    changes = plan(compiled.against(current), current).changes if compiled else ()
    scope = f"changes for {params['src']}" if params["src"] else "full profile"
    comment = f"tlsguard.windows: profile {params['profile']} ({scope}) for {build.product}, build {build.version}"
    content = render(changes, fmt, comment, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"))
    result: dict = {"dest": dest, "format": fmt, "changes": [c.to_json() for c in changes], "changed": False}
    try:
        old = read_existing(dest, MAX_DEST_BYTES)
        check_writable(dest)
    except FileProblem as problem:
        raise TaskFailure(f"dest: {problem}", result) from None
    if old is not None and same_content(old, content, fmt):
        return result
    if diff:
        result["diff"] = {"before": as_text(old) if old is not None else "", "after": as_text(content),
                          "before_header": dest, "after_header": dest}
    if check_mode:
        result["changed"] = True
        return result
    try:
        if old is not None and params["backup"]:
            backup = f"{dest}.{os.getpid()}.{time.strftime('%Y-%m-%d@%H:%M:%S~')}"
            write_atomic(backup, old)
            result["backup_file"] = backup
        write_atomic(dest, content)
    except FileProblem as problem:
        raise TaskFailure(f"dest: {problem}", result) from None
    result["changed"] = True
    return result


# -- the task ------------------------------------------------------------------------------------------------------
def run(params: dict, check_mode: bool, diff: bool) -> tuple[dict, list[str]]:
    """The task's result and the warnings to show. Raises TaskFailure or TlsGuardError."""
    if params["src"] is None and not params["dest"]:
        raise TaskFailure("profile: give src (an export to audit against the profile) or dest (to render it)")
    policies = Policies(params["profile"], params["overrides"])
    exports, fleet = exports_from(params) if params["src"] is not None else ([], False)
    if fleet:
        if params["dest"]:
            raise TaskFailure(f"dest: a render takes one export, and src names {len(exports)} (a folder or a list)")
        return _fleet_outcome(audit_fleet(exports, policies), params["strict"])
    build = exports[0].build() if exports else parse_build(params["os_build"], server=params["server"])
    result: dict = {"changed": False, "os": build.to_json()}
    compiled, adapted = policies.for_build(build)
    if params["profile"]:
        result["policy_warnings"] = adapted
    current = Snapshot()
    warnings: list[str] = []
    if exports:
        report, current = audit_file(exports[0], policies)
        result.update(report)
        dropped = dropped_summary(report)
        if params["strict"] and dropped:
            raise TaskFailure(f"src: {_strict_message(report)}; see errors", result)
        if dropped:
            warnings.append(f"src: {dropped} (all in the errors key)")
    if params["dest"]:
        try:
            result.update(render_dest(params, build, compiled, current, check_mode, diff))
        except TaskFailure as failure:
            raise TaskFailure(str(failure), {**result, **failure.result}) from None
    return result, warnings


def _strict_message(report: dict) -> str:
    if report["file_refused"]:
        return f"regedit refuses the file: {report['file_refused']}"
    total = len(report["errors"]) + report["errors_omitted"]
    return f"{total} line(s) could not be read (lines {line_numbers(report)})"


def _fleet_outcome(result: dict, strict: bool) -> tuple[dict, list[str]]:
    files = result["files"]
    unreadable = [f for f in files if f.get("failed")]
    dropped = [f for f in files if not f.get("failed") and dropped_summary(f)]
    if unreadable:
        raise TaskFailure(f"src: {len(unreadable)} of {len(files)} exports could not be read: "
                          f"{_names(unreadable, lambda f: f['msg'].split(': ', 1)[-1])}", result)
    if strict and dropped:
        raise TaskFailure(f"src: {len(dropped)} of {len(files)} exports have lines regedit would drop: "
                          f"{_names(dropped, _strict_message)}; see files[].errors", result)
    warnings = []
    if dropped:
        warnings.append(f"src: {len(dropped)} of {len(files)} exports have lines regedit would drop: "
                        f"{_names(dropped, lambda f: dropped_summary(f) or '')} (see files[].errors)")
    return result, warnings


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_one_of=[("src", "profile")],
        required_by={"dest": "profile", "overrides": "profile"},
        supports_check_mode=True,
    )
    try:
        result, warnings = run(module.params, module.check_mode, module._diff)
    except TaskFailure as failure:
        module.fail_json(msg=str(failure), **{"changed": False, **failure.result})
    except TlsGuardError as err:
        module.fail_json(msg=str(err), changed=False)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
