#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller CPU of an AWX-style job (ansible-runner, tests/harness/awx_runner.py) per host, on the lab.

    .venv/bin/python -m ansible_collections.tlsguard.windows.tests.perf.bench_awx --hosts 12 48 --forks 25

Runs the tls_info job of tests/functional/awx/tls_info_stats.yml once per fleet size and prints the CPU the job's
process tree used (ansible-runner, ansible-playbook and its forks, read with wait4). The lab runs in this process,
so its CPU is not counted. The slope between two sizes is the cost of one more host; the intercept is the job's
fixed start-up cost. The lab is an emulator: these are controller-side costs, not Windows timings.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from tlslab import fleet
from tlslab.host import Timing
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.awx_runner import inventory_json, run_job

PLAYBOOK = "tests/functional/awx/tls_info_stats.yml"
MIX = ("2012r2", "2016", "2019", "2022", "win11")


def measure(hosts: int, forks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-awx-") as scratch:
        lab = start_lab(Path(scratch) / "lab", [fleet.HostSpec(f"h{index:05d}", MIX[index % len(MIX)], ())
                                                for index in range(hosts)], Timing(0.2, 0.5))
        try:
            inventory = inventory_json(lab.inventory)
            started = time.monotonic()
            job = run_job(Path(scratch) / "pdd", PLAYBOOK, inventory, forks=forks)
            wall = time.monotonic() - started
        finally:
            lab.stop()
    if (job.status, job.rc) != ("successful", 0):
        raise SystemExit(f"job failed on {hosts} hosts: {job.stdout[-3000:]}")
    return {"hosts": hosts, "forks": forks, "cpu_s": round(job.cpu_seconds, 2), "wall_s": round(wall, 2),
            "cpu_ms_per_host": round(1000 * job.cpu_seconds / hosts, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[12, 48])
    parser.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    rows = [measure(hosts, args.forks) for hosts in args.hosts]
    for row in rows:
        print(json.dumps(row))
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        slope = (last["cpu_s"] - first["cpu_s"]) / (last["hosts"] - first["hosts"])
        print(json.dumps({"marginal_cpu_ms_per_host": round(1000 * slope, 1),
                          "fixed_cpu_s": round(first["cpu_s"] - slope * first["hosts"], 2)}))


if __name__ == "__main__":
    main()
