#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout next to the role users write today, on the same lab fleet (an emulator: controller-side and
wire costs, not Windows timings; reboots take no time in the lab).

    make bench-rollout ARGS="--hosts 100 --forks 25"

Ours: playbooks/rollout.yml in one batch (readiness, stage 1, reboot, usage + scan, stage 3, reboot, fresh
connection, tls_info, scan). Theirs: one ansible.windows.win_regedit per value of the enforce profile (the values
the profile writes on Server 2022), win_reboot, then a scan of the same endpoints. Both start from fresh hosts and
end with legacy TLS off (the rollout's usage gate is waived by name: a benchmark has no observation window); each
runs on its own lab.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import yaml

from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.tests.perf.bench_lab import Lab, play

ROOT = Path(__file__).resolve().parents[2]
OS = "2022"
REBOOT = ("0.3", "1.0")  # the lab's shutdown delay and downtime, seconds: as short as win_reboot allows
# win_regedit's names for the registry types the profile writes.
REGEDIT_TYPES = {"REG_DWORD": "dword", "REG_QWORD": "qword", "REG_SZ": "string", "REG_MULTI_SZ": "multistring",
                 "REG_EXPAND_SZ": "expandstring", "REG_BINARY": "binary"}


def regedit_items() -> list[dict]:
    build = WindowsBuild(20348)
    compiled = compile_policy(resolve_policy("enforce", None, build)[0], build)
    items = []
    for desired in compiled.desired:
        item = {"path": f"HKLM:\\{desired.ref.key}", "name": desired.ref.name}
        if desired.value is None:
            item["state"] = "absent"
        else:
            data = list(desired.value.data) if isinstance(desired.value.data, tuple) else desired.value.data
            item.update(state="present", type=REGEDIT_TYPES[desired.value.type], data=data)
        items.append(item)
    return items


def regedit_playbook(folder: Path) -> Path:
    items = regedit_items()
    (folder / "values.json").write_text(json.dumps(items))
    path = folder / "regedit_role.yml"
    path.write_text(f"""---
- name: TLS hardening the way roles do it today
  hosts: windows
  gather_facts: false
  tasks:
    - name: One win_regedit per value
      ansible.windows.win_regedit:
        path: "{{{{ item.path }}}}"
        name: "{{{{ item.name }}}}"
        data: "{{{{ item.data | default(omit) }}}}"
        type: "{{{{ item.type | default(omit) }}}}"
        state: "{{{{ item.state }}}}"
      loop: "{{{{ lookup('ansible.builtin.file', '{folder / 'values.json'}') | from_json }}}}"
    - name: Reboot
      ansible.windows.win_reboot:
        reboot_timeout: 120
- name: Scan afterwards
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Scan every endpoint
      tlsguard.windows.tls_scan:
        targets: "{{{{ groups['windows'] | map('extract', hostvars, 'tls_endpoints') | flatten }}}}"
        policy: enforce
""")
    return path


def fleet_file(folder: Path, hosts: int) -> Path:
    path = folder / "fleet.yml"
    host = {"os": OS, "listeners": ["https"], "lab_usage_history_days": 3}
    path.write_text(yaml.safe_dump({"hosts": {f"h{index:03d}": host for index in range(hosts)}}))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rollout-") as name:
        folder = Path(name)
        fleet = fleet_file(folder, args.hosts)
        rollout_vars = ["-e", json.dumps({
            "tls_rollout_batches": ["100%"], "tls_rollout_usage_days": 2, "tls_rollout_scan_timeout": 3,
            "tls_rollout_state_dir": str(folder / "state"), "tls_rollout_usage_store": str(folder / "usage"),
            "tls_rollout_controller_backup_dir": str(folder / "backups"),
            # the same end state as the other role: no observation window in a benchmark, waived by name
            "tls_rollout_usage_waiver": {"owner": "benchmark", "reason": "no observation window in a benchmark"}})]
        with Lab(args.hosts, fleet, REBOOT) as lab:
            ours = play(lab, ROOT / "playbooks" / "rollout.yml", args.forks, *rollout_vars)
        with Lab(args.hosts, fleet, REBOOT) as lab:
            theirs = play(lab, regedit_playbook(folder), args.forks)
    values = len(regedit_items())
    print(f"{args.hosts} hosts ({OS}), forks {args.forks}; the win_regedit role writes {values} values per host")
    print("| approach | wall | controller CPU per host | WinRM requests per host |")
    print("| --- | --- | --- | --- |")
    for label, numbers in (("tlsguard rollout.yml (all stages, 2 reboots, verify)", ours),
                           (f"win_regedit x {values} + win_reboot + scan", theirs)):
        print(f"| {label} | {numbers['wall']:.1f} s | {1000 * numbers['controller_cpu'] / args.hosts:.0f} ms | "
              f"{numbers['requests'] / args.hosts:.1f} |")
    cpu = theirs["controller_cpu"] / ours["controller_cpu"]
    print(f"ratio (win_regedit role / rollout): wall {theirs['wall'] / ours['wall']:.1f}x, WinRM requests "
          f"{theirs['requests'] / ours['requests']:.1f}x, controller CPU {cpu:.1f}x")


if __name__ == "__main__":
    main()
