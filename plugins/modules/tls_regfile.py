#!/usr/bin/python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tls_regfile
short_description: Audit a Windows C(.reg) export offline, or render a TLS profile as C(.reg) or Group Policy file
version_added: 1.0.0
description:
  - Runs on the controller (or wherever the task is delegated); needs no Windows host.
  - B(Audit) - reads a C(.reg) file made with C(reg export) or regedit (UTF-16LE or UTF-8/ANSI, version 5.00 or
    REGEDIT4) and returns the effective state of every protocol for the given OS build, findings, and every
    parse problem with its line number. Lines that cannot be read are reported and skipped; the rest of the
    file is still evaluated.
  - B(Render) - writes a profile (plus O(overrides)) for one OS build as a C(.reg) file or as a Group Policy
    Preferences C(Registry.xml). With O(src) as well, only the changes needed to bring that export to the
    profile are written.
  - The effective state follows the published Windows defaults per build when a value is absent, so an export
    without a C(TLS 1.0) key still shows TLS 1.0 as C(os_default_enabled) on builds where Windows enables it.
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  src:
    description:
      - Path of a C(.reg) file to audit (on the machine the module runs on).
      - Required unless O(profile) and O(dest) are given.
    type: path
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
  overrides:
    description:
      - "Policy settings applied on top of O(profile), in the policy schema of the collection, for example
        C({protocols: {tls1_3: {server: disabled}}, cipher_suites: unmanaged})."
      - Sections are C(protocols), C(dotnet), C(winhttp), C(wininet), C(ciphers), C(hashes), C(key_exchange),
        C(cipher_suites) and C(event_logging); see the collection README for every key and value.
    type: dict
  dest:
    description:
      - Where to write the rendered file. Requires O(profile).
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
      - Fail when O(src) has lines that could not be read (they are always listed in RV(errors)).
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
    Windows host, the defaults come from Microsoft's published tables.
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
  returned: always
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
  returned: when O(src) is given
  type: dict
  sample: {tls1_0: {client: os_default_enabled, server: disabled}, tls1_2: {client: enabled, server: enabled},
           tls1_3: {client: not_supported, server: not_supported}}
effective_details:
  description: Per protocol (DTLS included) and side, the state with its C(source), C(notes) and the raw values.
  returned: when O(src) is given
  type: dict
  sample: {tls1_0: {server: {state: disabled, source: registry, notes: [], enabled_value: 0,
                             disabled_by_default_value: 1}}}
cipher_suites:
  description: The suite order in effect (policy value, local list or OS default) and its suites without forward
    secrecy.
  returned: when O(src) is given
  type: dict
  sample: {source: os_default, order: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], unknown: [],
           without_forward_secrecy: []}
findings:
  description:
    - Problems found, most severe first. C(code) names the kind (for example C(legacy_protocol_enabled),
      C(tls13_unsupported), C(wrong_type), C(drift)); C(severity) is C(high), C(medium), C(low) or C(info).
  returned: when O(src) is given
  type: list
  elements: dict
  sample: [{code: legacy_protocol_enabled, severity: medium, message: "TLS 1.0\\Server is enabled in the registry",
            protocol: tls1_0, side: server}]
compliant:
  description: Whether the export holds every value O(profile) wants.
  returned: when O(src) and O(profile) are given
  type: bool
  sample: false
errors:
  description: Lines of O(src) that could not be used, with their numbers.
  returned: when O(src) is given
  type: list
  elements: dict
  sample: [{line: 41, message: "value \"DisabledByDefault\": unknown value type 'deword'; did you mean 'dword'?"}]
warnings_in_file:
  description: Lines of O(src) that were read but look wrong (for example a key path ending in a space).
  returned: when O(src) is given
  type: list
  elements: dict
  sample: [{line: 30, message: "key path has spaces at its start or end"}]
values_read:
  description: Number of registry values the file sets.
  returned: when O(src) is given
  type: int
  sample: 12
policy_warnings:
  description: How the profile was adapted to the build (for example suites the build does not have).
  returned: when O(profile) is given
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
from datetime import UTC, datetime

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import POLICY_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.audit_result import audit_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import parse_build
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.deploy import (
    FORMATS,
    as_text,
    render,
    same_content,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.regfiles.parser import parse_regfile
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import Snapshot
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of

ARGUMENT_SPEC = dict(
    src=dict(type="path"),
    os_build=dict(type="str", required=True),
    server=dict(type="bool"),
    **POLICY_ARGS,
    dest=dict(type="path"),
    format=dict(type="str", choices=list(FORMATS)),
    backup=dict(type="bool", default=False),
    strict=dict(type="bool", default=False),
)


def _read(module: AnsibleModule, path: str) -> bytes:
    if not os.path.isfile(path):
        module.fail_json(msg=f"src: {path} does not exist or is not a file")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        module.fail_json(msg=f"src: cannot read {path}: {err.strerror}")
    raise AssertionError("unreachable")


def _write(module: AnsibleModule, dest: str, content: bytes, result: dict) -> None:
    fmt = result["format"]
    old = None
    if os.path.exists(dest):
        with open(dest, "rb") as handle:
            old = handle.read()
    if old is not None and same_content(old, content, fmt):
        return
    result["changed"] = True
    if module._diff:
        result["diff"] = {"before": as_text(old) if old is not None else "", "after": as_text(content),
                          "before_header": dest, "after_header": dest}
    if module.check_mode:
        return
    parent = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(parent):
        module.fail_json(msg=f"dest: the directory {parent} does not exist", **result)
    if old is not None and module.params["backup"]:
        result["backup_file"] = module.backup_local(dest)
    tmp = f"{dest}.tlsguard-tmp"
    try:
        with open(tmp, "wb") as handle:
            handle.write(content)
        module.atomic_move(tmp, dest)
    except OSError as err:
        module.fail_json(msg=f"dest: cannot write {dest}: {err.strerror}", **result)


def run(module: AnsibleModule) -> dict:
    params = module.params
    if not params["src"] and not params["dest"]:
        module.fail_json(msg="profile: give src (an export to audit against the profile) or dest (to render it)")
    build = parse_build(params["os_build"], server=params["server"])
    result: dict = {"changed": False, "os": build.to_json()}
    current = Snapshot()
    if params["src"]:
        parsed = parse_regfile(_read(module, params["src"]))
        current = parsed.snapshot()
        result.update(errors=[e.to_json() for e in parsed.errors],
                      warnings_in_file=[w.to_json() for w in parsed.warnings], values_read=len(current))
    compiled = None
    if params["profile"]:
        policy, adapted = resolve_policy(params["profile"], params["overrides"], build)
        compiled = compile_policy(policy, build, current)
        result["policy_warnings"] = adapted + list(compiled.warnings)
    if params["src"]:
        result.update(audit_report(view_of(current, build, complete=False), compiled))
    if params["dest"]:
        fmt = params["format"] or ("gpo" if params["dest"].lower().endswith(".xml") else "reg")
        changes = plan(compiled, current).changes if compiled else ()
        scope = f"changes for {params['src']}" if params["src"] else "full profile"
        comment = (f"tlsguard.windows: profile {params['profile']} ({scope}) for {build.product}, "
                   f"build {build.version}")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        result.update(dest=params["dest"], format=fmt, changes=[c.to_json() for c in changes])
        _write(module, params["dest"], render(changes, fmt, comment, stamp), result)
    return result


def main() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_one_of=[("src", "profile")],
        required_by={"dest": "profile", "overrides": "profile"},
        supports_check_mode=True,
    )
    try:
        result = run(module)
    except TlsGuardError as err:
        module.fail_json(msg=str(err))
    if module.params["strict"] and result.get("errors"):
        lines = ", ".join(str(e["line"]) for e in result["errors"])
        module.fail_json(msg=f"src: {len(result['errors'])} line(s) could not be read (lines {lines}); "
                             "see errors", **result)
    if result.get("errors"):
        module.warn(f"src: {len(result['errors'])} line(s) could not be read; see the errors key")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
