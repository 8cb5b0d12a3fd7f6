#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout next to the role users write today, on the same lab fleet (an emulator: controller-side and
wire costs, not Windows timings; reboots take no time in the lab).

    make bench-rollout ARGS="--hosts 100 --forks 25"

Ours: playbooks/rollout.yml in one batch (readiness, stage 1, reboot, usage + scan, stage 3, reboot, fresh
connection, tls_info, scan). Theirs, twice: the role the issue names (one ansible.windows.win_regedit per value of
the enforce profile as written on Server 2022, win_reboot, then a scan of the same endpoints), and the same role
doing the rollout's two stages (the enable profile's values, win_reboot, the enforce profile's values, win_reboot,
the scan). All start from fresh hosts and end with legacy TLS off (the rollout's usage gate is waived by name: a
benchmark has no observation window); each runs on its own lab.
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


def regedit_items(profile: str) -> list[dict]:
    build = WindowsBuild(20348)
    compiled = compile_policy(resolve_policy(profile, None, build)[0], build)
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


def regedit_playbook(folder: Path, profiles: tuple[str, ...]) -> Path:
    stages = ""
    for profile in profiles:
        (folder / f"{profile}.json").write_text(json.dumps(regedit_items(profile)))
        stages += f"""    - name: One win_regedit per value ({profile})
      ansible.windows.win_regedit:
        path: "{{{{ item.path }}}}"
        name: "{{{{ item.name }}}}"
        data: "{{{{ item.data | default(omit) }}}}"
        type: "{{{{ item.type | default(omit) }}}}"
        state: "{{{{ item.state }}}}"
      loop: "{{{{ lookup('ansible.builtin.file', '{folder / f'{profile}.json'}') | from_json }}}}"
    - name: Reboot ({profile})
      ansible.windows.win_reboot:
        reboot_timeout: 120
"""
    path = folder / f"regedit_{'_'.join(profiles)}.yml"
    path.write_text(f"""---
- name: TLS hardening the way roles do it today
  hosts: windows
  gather_facts: false
  tasks:
{stages}- name: Scan afterwards
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
            one_stage = play(lab, regedit_playbook(folder, ("enforce",)), args.forks)
        with Lab(args.hosts, fleet, REBOOT) as lab:
            two_stages = play(lab, regedit_playbook(folder, ("enable", "enforce")), args.forks)
    enable, enforce = len(regedit_items("enable")), len(regedit_items("enforce"))
    print(f"{args.hosts} hosts ({OS}), forks {args.forks}; the profiles write {enable} (enable) and {enforce} "
          "(enforce) values per host")
    print("| approach | wall | controller CPU per host | WinRM requests per host |")
    print("| --- | --- | --- | --- |")
    rows = (("tlsguard rollout.yml (all stages, 2 reboots, verify)", ours),
            (f"win_regedit x {enforce} + win_reboot + scan", one_stage),
            (f"win_regedit x {enable} + win_reboot + win_regedit x {enforce} + win_reboot + scan", two_stages))
    for label, numbers in rows:
        print(f"| {label} | {numbers['wall']:.1f} s | {1000 * numbers['controller_cpu'] / args.hosts:.0f} ms | "
              f"{numbers['requests'] / args.hosts:.1f} |")
    for label, theirs in (("one stage", one_stage), ("two stages", two_stages)):
        print(f"ratio (win_regedit role, {label} / rollout): wall {theirs['wall'] / ours['wall']:.2f}x, WinRM requests "
              f"{theirs['requests'] / ours['requests']:.2f}x, controller CPU "
              f"{theirs['controller_cpu'] / ours['controller_cpu']:.2f}x")


if __name__ == "__main__":
    main()
