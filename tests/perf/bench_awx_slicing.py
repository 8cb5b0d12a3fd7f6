#!/usr/bin/env python
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rollout of one lab fleet as a single ansible-runner job and of an equal fleet as a job sliced as AWX slices
it, each followed by the merge job; the two fleet reports must be equal (tests/harness/awx_rollout.py says which
fields are left out and why).

    PYTHONPATH=.build .venv/bin/python -m ansible_collections.tlsguard.windows.tests.perf.bench_awx_slicing \\
        --hosts 200 --slices 4 --forks 25

Stage 1 and the rollout run as in tests/functional/test_awx_rollout.py (the demo's compressed window, a canary
then the rest per job), first the single job's fleet, then the sliced one (its slices in parallel). Prints each
job's CPU (its process tree, read with wait4; the lab runs in this process and is not counted) and wall time, and
whether the reports are equal. The lab is an emulator: controller-side costs, not Windows timings.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from ansible_collections.tlsguard.windows.tests.harness.awx_rollout import FleetRun, comparable, roll_out, start_fleet
from ansible_collections.tlsguard.windows.tests.harness.awx_runner import Job


def run(folder: Path, hosts: int, slices: int, forks: int) -> tuple[FleetRun, float]:
    fleet = start_fleet(folder, hosts, slices)
    started = time.monotonic()
    try:
        roll_out(fleet, forks)
    finally:
        fleet.stop()
    return fleet, time.monotonic() - started


def _jobs(fleet: FleetRun) -> list[Job]:
    return [*fleet.enable, *fleet.rollout, *([fleet.merge] if fleet.merge else [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-awx-slicing-") as scratch:
        single, single_wall = run(Path(scratch) / "single", args.hosts, 1, args.forks)
        sliced, sliced_wall = run(Path(scratch) / "sliced", args.hosts, args.slices, args.forks)
        failed = [job.ident for job in _jobs(single) + _jobs(sliced) if (job.status, job.rc) != ("successful", 0)]
        merged, expected = sliced.merged_report, single.merged_report
    names = [row["name"] for row in merged["hosts"]]
    print(f"{args.hosts} hosts, forks {args.forks}; single job vs {args.slices} slices")
    print("| run | job | hosts | CPU (s) | CPU per host (ms) |")
    print("| --- | --- | --- | --- | --- |")
    for label, fleet in (("single", single), (f"{args.slices} slices", sliced)):
        for job in _jobs(fleet):
            print(f"| {label} | {job.ident} | {len(job.hosts)} | {job.cpu_seconds:.1f} | "
                  f"{1000 * job.cpu_seconds / len(job.hosts):.0f} |")
    print(json.dumps({
        "wall_s": {"single": round(single_wall, 1), "sliced": round(sliced_wall, 1)},
        "cpu_s": {"single": round(sum(j.cpu_seconds for j in _jobs(single)), 1),
                  "sliced": round(sum(j.cpu_seconds for j in _jobs(sliced)), 1)},
        "failed_jobs": failed,
        "merged_hosts": len(names), "distinct": len(set(names)), "duplicates": merged["summary"]["duplicates"],
        "status": merged["summary"]["status"], "equal": comparable(merged) == comparable(expected)}))


if __name__ == "__main__":
    main()
