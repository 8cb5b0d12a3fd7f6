#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller CPU per host of each stage, run as the AWX workflow runs them: one ansible-runner job per stage.

    PYTHONPATH=.build .venv/bin/python -m ansible_collections.tlsguard.windows.tests.perf.bench_awx_stages \\
        --hosts 8 32 --forks 25

Per fleet size, on a fresh lab fleet of plain hosts (mixed builds, one https listener each): playbooks/enable.yml,
3 SYNTHETIC days of clean history, playbooks/monitor.yml, playbooks/enforce.yml (its gate reads readiness and
usage again, then stage 3, the reboot and the post-checks), tests/perf/awx/verify.yml (the post-checks alone,
once more), tests/perf/awx/report.yml (the rollout's report step alone: tls_info and tls_report over every host;
the stage jobs above run without it) and playbooks/merge_report.yml (the merge job over that report). CPU is the
job's process tree (ansible-runner, ansible-playbook, its forks; read with wait4); the lab runs in this process
and is not counted. The slope between the two sizes is the cost of one more host, the intercept the job's fixed
cost. The lab is an emulator: controller-side costs, not Windows timings.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from tlslab.history import seed

from ansible_collections.tlsguard.windows.tests.harness.awx_rollout import extravars, start_lab_fleet
from ansible_collections.tlsguard.windows.tests.harness.awx_runner import inventory_json, run_job

STAGES = (("enable", "playbooks/enable.yml"), ("monitor", "playbooks/monitor.yml"),
          ("enforce", "playbooks/enforce.yml"), ("verify", "tests/perf/awx/verify.yml"),
          ("report", "tests/perf/awx/report.yml"), ("merge", "playbooks/merge_report.yml"))

# A fresh benchmark fleet has no observation window behind it, so the enforce job's usage gate could not pass:
# waived by name, as tests/perf/bench_rollout.py waives it.
WAIVER = {"owner": "benchmark", "reason": "a benchmark fleet has no observation window"}


def measure(hosts: int, forks: int) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-awx-stages-") as scratch:
        folder = Path(scratch)
        lab = start_lab_fleet(folder, hosts, held=False)
        try:
            inventory = inventory_json(lab.inventory)
            controller = folder / "controller"
            part = controller / "reports" / "part.json"
            for job_id, (stage, playbook) in enumerate(STAGES, start=1):
                if stage == "monitor":
                    for host in lab.running.hosts.values():
                        seed(host, 3, ())
                # the stages without the report step, which "report" measures on its own, and "merge" after it
                variables = {**extravars(controller), "tls_rollout_report": str(part) if stage == "report" else "",
                             "tls_report_parts": [str(part)], "tls_report_dest": str(controller / "fleet.json"),
                             "tls_rollout_usage_waiver": WAIVER}
                rows[stage] = _job(folder / stage, playbook, inventory, variables, forks, job_id)
        finally:
            lab.stop()
    return rows


def _job(pdd: Path, playbook: str, inventory: dict, variables: dict, forks: int, job_id: int) -> dict[str, float]:
    started = time.monotonic()
    job = run_job(pdd, playbook, inventory, variables, ident=pdd.name, forks=forks, job_id=job_id)
    wall = time.monotonic() - started
    if (job.status, job.rc) != ("successful", 0):
        raise SystemExit(f"{playbook} failed: {job.stdout[-3000:]}")
    return {"cpu_s": round(job.cpu_seconds, 2), "wall_s": round(wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--hosts", type=int, nargs=2, default=[8, 32], metavar=("SMALL", "LARGE"))
    parser.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    small, large = args.hosts
    first, last = measure(small, args.forks), measure(large, args.forks)
    print(f"| job | CPU {small} hosts (s) | CPU {large} hosts (s) | wall {large} hosts (s) | "
          "CPU per host (ms) | fixed per job (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for stage in first:
        slope = (last[stage]["cpu_s"] - first[stage]["cpu_s"]) / (large - small)
        print(f"| {stage} | {first[stage]['cpu_s']} | {last[stage]['cpu_s']} | {last[stage]['wall_s']} | "
              f"{1000 * slope:.0f} | {first[stage]['cpu_s'] - slope * small:.1f} |")
    print(json.dumps({"small": first, "large": last, "hosts": args.hosts, "forks": args.forks}))


if __name__ == "__main__":
    main()
