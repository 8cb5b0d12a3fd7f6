#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks on the lab (an emulator: these are controller-side and wire costs, not Windows timings).

    make bench-lab ARGS="cpu --hosts 1000 --forks 25"   # lab CPU per host-task next to the controller's
    make bench-lab ARGS="audit --hosts 100"    # tls_info vs. a win_reg_stat per value: wall time and WinRM requests

Each run starts its own lab (``tlslab``) on free ports, runs real ansible-playbook against it and stops it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tlslab import fleet

from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import read_request
from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

MIX = "2012r2,2016,2019,2022,2025,win10,win11"
LAB = [sys.executable, "-m", "tlslab"]


class Lab:
    def __init__(self, hosts: int, fleet_file: Path | None = None, reboot: tuple[str, str] = ("0", "0")) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="tlslab-bench-")
        self.state = Path(self.folder.name) / "lab"
        self.hosts = hosts
        self.fleet_file = fleet_file
        self.reboot = reboot  # seconds from shutdown to offline, seconds offline (win_reboot needs both > 0)

    def __enter__(self) -> Lab:
        which = (["--fleet", str(self.fleet_file)] if self.fleet_file else
                 ["--hosts", str(self.hosts), "--mix", MIX, "--listeners", ""])
        subprocess.run([*LAB, "--state", str(self.state), "start", *which, "--port", str(fleet.free_port()),
                        "--pre-down", self.reboot[0], "--downtime", self.reboot[1]],
                       check=True, capture_output=True, text=True)
        return self

    def __exit__(self, *_exc: object) -> None:
        subprocess.run([*LAB, "--state", str(self.state), "stop"], check=False, capture_output=True)
        self.folder.cleanup()

    def status(self) -> dict:
        return json.loads(subprocess.run([*LAB, "--state", str(self.state), "status"], check=True,
                                         capture_output=True, text=True).stdout)


def play(lab: Lab, playbook: Path, forks: int, *extra: str) -> dict:
    """Run a playbook; return wall seconds, controller CPU seconds, lab CPU seconds and lab requests it caused."""
    before = lab.status()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                             str(lab.state / "inventory.yml"), "-f", str(forks), str(playbook), *extra],
                            env=ansible_env(), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = lab.status()
    if result.returncode != 0:
        raise SystemExit(result.stdout[-3000:] + result.stderr[-2000:])
    controller = (after_usage.ru_utime - usage.ru_utime) + (after_usage.ru_stime - usage.ru_stime)
    return {"wall": wall, "controller_cpu": controller, "lab_cpu": after["cpu_seconds"] - before["cpu_seconds"],
            "requests": after["requests"] - before["requests"] - 1}  # minus the status call itself


def write_playbook(folder: Path, name: str, tasks: str) -> Path:
    path = folder / name
    path.write_text(f"- hosts: windows\n  gather_facts: false\n  tasks:\n{tasks}")
    return path


def cmd_cpu(args: argparse.Namespace) -> None:
    tasks = ("    - ansible.windows.win_ping:\n"
             "    - tlsguard.windows.tls_info:\n")
    with Lab(args.hosts) as lab:
        numbers = play(lab, write_playbook(lab.state, "cpu.yml", tasks), args.forks)
    host_tasks = args.hosts * 2
    print(f"| {args.hosts} hosts x 2 tasks, forks {args.forks} | {numbers['wall']:.1f} s | "
          f"{1000 * numbers['controller_cpu'] / host_tasks:.1f} ms | {1000 * numbers['lab_cpu'] / host_tasks:.1f} ms | "
          f"{numbers['requests'] / host_tasks:.1f} |")


def cmd_audit(args: argparse.Namespace) -> None:
    request = read_request()
    items = [{"path": f"HKLM:\\{k['key']}", "name": None} for k in request["read_keys"]]
    items += [{"path": f"HKLM:\\{v['key']}", "name": v["name"]} for v in request["read_values"]]
    values = _per_value_items()
    loop = json.dumps(values)
    per_value = ("    - name: One win_reg_stat per value, as existing roles do\n"
                 "      ansible.windows.win_reg_stat:\n"
                 "        path: '{{ item.path }}'\n        name: '{{ item.name }}'\n"
                 f"      loop: {loop}\n")
    ours = "    - name: One tls_info\n      tlsguard.windows.tls_info:\n"
    with Lab(args.hosts) as lab:
        a = play(lab, write_playbook(lab.state, "tls_info.yml", ours), args.forks)
        b = play(lab, write_playbook(lab.state, "reg_stat.yml", per_value), args.forks)
    print(f"values a per-value role reads per host: {len(values)} (tls_info reads {len(items)} keys/values and "
          "every value below them)")
    print("| approach | wall | WinRM requests | requests per host |")
    print("| --- | --- | --- | --- |")
    for name, numbers in (("tls_info (1 task)", a), (f"win_reg_stat x {len(values)}", b)):
        print(f"| {name} | {numbers['wall']:.1f} s | {numbers['requests']} | {numbers['requests'] / args.hosts:.0f} |")
    print(f"ratio (win_reg_stat / tls_info): wall {b['wall'] / a['wall']:.1f}x, requests "
          f"{b['requests'] / a['requests']:.1f}x")


def _per_value_items() -> list[dict]:
    """Every value tls_info evaluates, spelled as a per-value role would list them."""
    from ansible_collections.tlsguard.windows.plugins.module_utils._core.builds import WindowsBuild
    from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
    from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy

    build = WindowsBuild(20348)
    refs = set()
    for profile in ("os_default", "bsi"):  # every value the collection manages, on a build with TLS 1.3
        refs |= {d.ref for d in compile_policy(resolve_policy(profile, None, build)[0], build).desired}
    items = [{"path": f"HKLM:\\{r.key}", "name": r.name} for r in sorted(refs, key=str)]
    items += [{"path": f"HKLM:\\{v['key']}", "name": v["name"]} for v in read_request()["read_values"]]
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    cpu = sub.add_parser("cpu")
    cpu.add_argument("--hosts", type=int, default=1000)
    cpu.add_argument("--forks", type=int, default=25)
    audit = sub.add_parser("audit")
    audit.add_argument("--hosts", type=int, default=100)
    audit.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    {"cpu": cmd_cpu, "audit": cmd_audit}[args.command](args)


if __name__ == "__main__":
    main()
