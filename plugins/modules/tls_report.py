#!/usr/bin/python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tls_report
short_description: Write a fleet report (JSON, CSV, Markdown, one self-contained HTML page) from tls_* results
version_added: 1.0.0
description:
  - "Runs on the controller (C(delegate_to: localhost) with C(run_once), or a play on C(localhost)). Takes the
    registered results of M(tlsguard.windows.tls_info), M(tlsguard.windows.tls_config),
    M(tlsguard.windows.tls_restore), M(tlsguard.windows.tls_scan), M(tlsguard.windows.tls_readiness) and
    M(tlsguard.windows.tls_usage), or the JSON files such results or earlier reports were saved to, and writes one
    report with a row per host and a row per endpoint."
  - Per host - the OS, the stage of the rollout it reached, the effective protocols per side, whether its registry
    complies with O(profile), the verdict of each of its scanned endpoints, the legacy clients seen, the readiness
    verdict and blockers, the last change and its backup id, and the waivers with their reasons. Per endpoint -
    its status, the protocols it accepts and the scan's verdict with the violations.
  - Each host gets a status, C(compliant), C(non_compliant), C(held) (not compliant, and readiness or the usage
    gate holds it back) or C(unknown), with the reasons in sentences. Evidence that was not collected is shown as
    C(not collected) and never counts as compliant.
  - Several inputs for one host merge. The same host (or endpoint) in two inputs, as when the slices of a sliced
    job overlap, is kept from the input collected last (at equal times the later input), and the report lists
    every such duplicate.
  - The HTML page needs nothing but a browser - no external file, font, script or network access - and stays fast
    with 10,000 hosts (only the rows in view are drawn). Every text from a host or a scanner is escaped in every
    format; CSV cells that a spreadsheet would take for a formula are neutralised.
  - Files are replaced atomically, never through a symbolic link, and only when their content changed (the
    generation time does not count). See C(docs/report.md) in the collection for the JSON schema.
requirements:
  - Python 3.11 or later where the module runs (normally the controller)
author:
  - tlsguard maintainers (@tlsguard)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - tlsguard.windows.policy.overrides
options:
  results:
    description:
      - Registered results. Each element is a M(tlsguard.windows.tls_scan) result (its endpoints are matched to
        hosts by name), a mapping of inventory host names to a host's result or list of results (the order of a
        list is the order they were taken in, later wins), a fleet report document, or a list of these.
      - Failed, unreachable and skipped results are accepted; a host whose tls_info failed is reported unknown.
      - A result that is not one of these modules' fails the task, naming its position (for example
        C(results[1].web01[2])).
    type: raw
  src:
    description:
      - 'JSON files, or folders searched for C(*.json) files (in name order, subfolders included), holding what
        O(results) accepts - for example one file per host as C({"web01": [...]}), or the JSON report of each
        slice of a sliced job.'
      - A file's modification time is the collection time of the results in it; a report's own times are kept.
    type: list
    elements: path
    default: []
  hosts:
    description:
      - Hosts that must have a row even when no input mentions them (they show as not collected), for example
        C("{{ ansible_play_hosts_all }}"), so that a host that never answered is not missing from the report.
    type: list
    elements: str
    default: []
  profile:
    description:
      - The profile every host's registry is judged against (the C(status) in RV(summary)); the stage reached is
        judged by effect whatever the profile.
    type: str
    choices: [enable, enforce, bsi, mozilla_intermediate, os_default]
    default: enforce
  dest:
    description:
      - Where to write the report. With one format other than V(csv), the file itself; otherwise the base name of
        every file - C(out/fleet) or C(out/fleet.html) gives C(out/fleet.json), C(out/fleet-hosts.csv),
        C(out/fleet-endpoints.csv), C(out/fleet.md) and C(out/fleet.html).
      - The directory must exist. A directory, FIFO, device or symbolic link at a file's path is an error.
      - Without it nothing is written and the task returns the summary.
    type: path
  format:
    description:
      - One format or a list of them. V(json) is the versioned document C(tlsguard_fleet_report/v1), V(csv) two
        tables (hosts and endpoints), V(markdown) a summary and tables for a ticket, V(html) one self-contained page.
      - Defaults to the format O(dest) names by its extension (C(.json), C(.csv), C(.md), C(.html)).
    type: list
    elements: str
    choices: [json, csv, markdown, html]
  title:
    description: The report's title.
    type: str
    default: TLS fleet report
attributes:
  check_mode:
    support: full
    details: Everything is read and built; no file is written. C(changed) says whether a file would change.
  diff_mode:
    support: full
    details: The diff shows the summary (counts and reasons) before and after, not the whole file.
  platform:
    support: full
    platforms: posix
notes:
  - The stage is judged by effect - C(enforce) when no SSL 2.0/3.0 or TLS 1.0/1.1 is on for either side and TLS 1.2
    is on for both; C(enable) when the stage 1 profile holds; C(monitor) when it holds and usage is collected.
  - A host whose registry was changed after its last tls_info result is unknown until it is audited again.
seealso:
  - module: tlsguard.windows.tls_info
  - module: tlsguard.windows.tls_scan
"""

EXAMPLES = r"""
- name: Audit every host
  tlsguard.windows.tls_info:
  register: audit

- name: Scan every endpoint
  tlsguard.windows.tls_scan:
    targets: "{{ ansible_play_hosts_all | map('extract', hostvars, 'tls_endpoints') | flatten }}"
  run_once: true
  register: scan

- name: Write the fleet report in all four formats
  tlsguard.windows.tls_report:
    results:
      - "{{ scan }}"
      - "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'audit'))) }}"
    hosts: "{{ ansible_play_hosts_all }}"
    dest: reports/tls-fleet
    format: [json, csv, markdown, html]
    title: TLS fleet report, stage 3
  delegate_to: localhost
  run_once: true
  register: report

- name: Keep this slice's part for the merge step of a sliced job
  tlsguard.windows.tls_report:
    results:
      - "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'audit'))) }}"
    dest: "/srv/reports/slices/{{ awx_job_id | default('local') }}.json"
  delegate_to: localhost
  run_once: true

- name: Merge the slices into one report
  tlsguard.windows.tls_report:
    src: [/srv/reports/slices]
    dest: /srv/reports/fleet.html
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
summary:
  description:
    - The numbers at the top of the report - C(hosts), C(status) and C(stage) (hosts per value), C(held),
      C(non_compliant) and C(unknown) (reasons with the number of hosts and an example), C(endpoints) (per verdict,
      status and protocol), C(accepting_legacy) (the endpoints that still accept SSL 2.0/3.0 or TLS 1.0/1.1),
      C(collected) (how many hosts or endpoints each kind of result covers), C(usage), C(waivers), C(duplicates)
      (hosts or endpoints found in two inputs) and C(superseded) (results replaced by a later one of the same input).
  returned: always
  type: dict
  sample: {hosts: 3, status: {compliant: 1, non_compliant: 1, held: 0, unknown: 1},
           stage: {not_collected: 1, none: 1, enable: 0, monitor: 0, enforce: 1},
           accepting_legacy: [{name: web01-https, target: "web01.corp.example:443", host: web01,
                               protocols: [tls1_0, tls1_1]}], duplicates: 0}
schema:
  description: The schema of the JSON document.
  returned: always
  type: str
  sample: tlsguard_fleet_report/v1
files:
  description: The files written (or that would be written in check mode), with their format and whether they changed.
  returned: always
  type: list
  elements: dict
  sample: [{path: reports/tls-fleet.html, format: html, changed: true}]
duplicates:
  description: Hosts and endpoints that more than one input had, the input kept, the one dropped and the rule.
  returned: always
  type: list
  elements: dict
  sample: [{subject: web01, section: state, kept: "src[0] slices/2.json: results[0].web01",
            dropped: "src[0] slices/1.json: results[0].web01",
            rule: "latest collected_at wins; at equal times the later input"}]
inputs:
  description: Each input with what it contributed.
  returned: always
  type: list
  elements: dict
  sample: [{source: "results[0]", kind: results, hosts: 0, endpoints: 5}]
msg:
  description: One line on the report.
  returned: always
  type: str
  sample: "3 host(s): 1 compliant, 1 non_compliant, 0 held, 1 unknown; 5 endpoint(s), 3 accepting legacy protocols"
"""

import json
import os
import time
from dataclasses import replace

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import PROFILES
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.build import (
    DEFAULT_TITLE,
    build_report,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.collect import Source
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.formats import (
    FORMATS,
    format_of,
    outputs,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.model import SCHEMA, FleetReport
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.shapes import iso
from ansible_collections.tlsguard.windows.plugins.module_utils._core.reporting.summary import summarize
from ansible_collections.tlsguard.windows.plugins.module_utils._files import (
    FileProblem,
    check_writable,
    read_existing,
    write_atomic,
)

ARGUMENT_SPEC = dict(
    results=dict(type="raw"),
    src=dict(type="list", elements="path", default=[]),
    hosts=dict(type="list", elements="str", default=[]),
    profile=dict(type="str", choices=list(PROFILES), default="enforce"),
    overrides=dict(type="dict"),
    dest=dict(type="path"),
    format=dict(type="list", elements="str", choices=list(FORMATS)),
    title=dict(type="str", default=DEFAULT_TITLE),
)


# An old report is read to compare it with the new one; a report of 100,000 hosts is a few hundred MB.
MAX_OLD_BYTES = 1024 * 1024 * 1024


class SourceError(TlsGuardError):
    """An option or input file the module cannot use."""


def _files(index: int, path: str) -> list[str]:
    if os.path.isdir(path):
        found = [os.path.join(top, name) for top, _dirs, names in os.walk(path) for name in names
                 if name.lower().endswith(".json")]
        return sorted(found, key=lambda p: os.path.relpath(p, path))
    if not os.path.exists(path):
        raise SourceError(f"src[{index}]: {path} does not exist")
    return [path]


def _load(name: str, path: str) -> Source:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        modified = os.stat(path).st_mtime
    except OSError as err:
        raise SourceError(f"{name}: cannot read it: {err.strerror}") from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SourceError(f"{name}: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise SourceError(f"{name}: not JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    return Source(name, document, iso(modified))


def sources(params: dict) -> list[Source]:
    out = []
    for index, path in enumerate(params["src"]):
        for found in _files(index, path):
            out.append(_load(f"src[{index}] {found}", found))
    results = params["results"]
    if results is not None:
        entries = results if isinstance(results, list) else [results]
        out += [Source(f"results[{index}]", entry) for index, entry in enumerate(entries)]
    return out


def _summary_text(document: dict | None) -> str:
    return json.dumps(document.get("summary", {}), indent=1, sort_keys=True) + "\n" if document else ""


def write(module: AnsibleModule, report: FleetReport, result: dict) -> None:
    params = module.params
    names = params["format"] or [format_of(params["dest"]) or ""]
    if not names[0]:
        raise SourceError(f"format: give the format(s); dest {params['dest']} does not end in .json, .csv, .md "
                          "or .html")
    before: dict | None = None
    for output in outputs(params["dest"], list(dict.fromkeys(names))):
        try:
            old = read_existing(output.path, MAX_OLD_BYTES)
            check_writable(output.path)  # check mode predicts what the real run would hit
        except FileProblem as problem:
            raise SourceError(f"dest: {problem}") from None
        same = False
        if old is not None:
            before = before or output.format.document(old)
            stamp = output.format.stamp(old)  # rendered at the old file's time, equal content is equal bytes
            same = old == output.render(replace(report, generated_at=stamp) if stamp else report)
        result["files"].append({"path": output.path, "format": output.format.name, "changed": not same})
        if not same and not module.check_mode:
            try:
                write_atomic(output.path, output.render(report))
            except FileProblem as problem:
                raise SourceError(f"dest: {problem}") from None
    result["changed"] = any(f["changed"] for f in result["files"])
    if result["changed"] and module._diff:
        result["diff"] = {"before": _summary_text(before), "after": _summary_text({"summary": result["summary"]}),
                          "before_header": f"{params['dest']} (summary)", "after_header": f"{params['dest']} (summary)"}


def run(module: AnsibleModule) -> dict:
    params = module.params
    report = build_report(sources(params), params["profile"], time.time(), params["overrides"], params["title"],
                          params["hosts"])
    summary = summarize(report)
    status = ", ".join(f"{n} {name}" for name, n in summary["status"].items())
    result: dict = {
        "changed": False, "schema": SCHEMA, "summary": summary, "files": [],
        "duplicates": [{"subject": d.subject, "section": d.section, "kept": d.kept, "dropped": d.dropped,
                        "rule": d.rule} for d in report.duplicates],
        "inputs": [{"source": i.source, "kind": i.kind, "hosts": i.hosts, "endpoints": i.endpoints}
                   for i in report.inputs],
        "msg": f"{summary['hosts']} host(s): {status}; {summary['endpoints']['total']} endpoint(s), "
               f"{len(summary['accepting_legacy'])} accepting legacy protocols",
    }
    if params["dest"]:
        write(module, report, result)
    return result


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_one_of=[("results", "src")],
                           supports_check_mode=True)
    try:
        result = run(module)
    except TlsGuardError as err:
        module.fail_json(msg=str(err))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
