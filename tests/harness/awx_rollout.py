# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staged rollout as AWX would run it on the lab, once as one job and once as a sliced job, and the fleet
reports both leave; shared by tests/functional/test_awx_rollout.py and tests/perf/bench_awx_slicing.py.

As ``make demo`` does: stage 1 (playbooks/enable.yml) first, then the lab pretends 3 days passed (SYNTHETIC clean
history) and playbooks/rollout.yml gates stage 3 on 2 days (examples/demo/rollout_vars.yml). The controller
folders (records, usage, backups, report parts) are one folder per fleet that every slice sees, as a volume
shared by the execution nodes would be. The lab is an emulator, not Windows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from tlslab import fleet
from tlslab.history import seed
from tlslab.host import Timing
from tlslab.testing import LabHandle, free_port_block, start_lab

from .awx_runner import Job, inventory_json, run_job, run_sliced

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
MIX = ("2012r2", "2016", "2019", "2022", "2025")
REBOOT = Timing(0.2, 0.5)  # the lab's shutdown delay and downtime: as short as win_reboot allows
# Batches per job: the canary, then the rest (under slicing: per slice, so one canary per slice).
BATCHES: list[Any] = [1, "100%"]
# Each job writes its part of the report under its workflow job (one folder per sliced run) and its own job id.
REPORT_PART = "{{ tlsguard_reports }}/{{ awx_workflow_job_id | default(awx_job_id) }}/{{ awx_job_id }}.json"


def write_fleet(path: Path, size: int, held: bool = True) -> Path:
    """A lab fleet file: with ``held``, the demo's hosts that a rollout holds (a readiness blocker, a live TLS 1.0
    client) and one it enforces, none that fails it (a failed host stops its job at its batch, and a slice's batches
    are not the single job's); then plain hosts of mixed builds up to ``size``."""
    demo = yaml.safe_load((DEMO / "fleet.yml").read_text())["hosts"]
    kept = {name: demo[name] for name in ("sql2016", "app2022", "web2019")} if held else {}
    plain = {f"srv{index:04d}": {"os": MIX[index % len(MIX)], "listeners": ["https"]}
             for index in range(size - len(kept))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"hosts": {**kept, **plain}}))
    return path


def extravars(controller: Path) -> dict[str, Any]:
    """The demo's rollout variables, the per-job report part, this fleet's controller folders."""
    demo = yaml.safe_load((DEMO / "rollout_vars.yml").read_text())
    return {**demo, "tlsguard_demo_dir": str(controller), "tlsguard_reports": str(controller / "reports"),
            "tls_rollout_batches": BATCHES, "tls_rollout_report": REPORT_PART}


@dataclass
class FleetRun:
    """One fleet taken through stage 1 and the rollout as one job or as ``slices`` jobs, then the report merged."""

    lab: LabHandle
    controller: Path
    inventory: dict[str, Any]
    slices: int
    enable: list[Job] = field(default_factory=list)
    rollout: list[Job] = field(default_factory=list)
    merge: Job | None = None

    @property
    def merged_report(self) -> dict[str, Any]:
        return json.loads((self.controller / "fleet.json").read_text())

    def parts(self) -> dict[str, dict[str, Any]]:
        """The report part each rollout job wrote, by file name."""
        return {path.name: json.loads(path.read_text())
                for path in sorted((self.controller / "reports").glob("*/*.json"))}

    def stop(self) -> None:
        self.lab.stop()


def start_lab_fleet(folder: Path, size: int, held: bool = True) -> LabHandle:
    specs = fleet.from_file(write_fleet(folder / "fleet.yml", size, held))
    return start_lab(folder / "lab", specs, REBOOT, free_port_block(sum(len(spec.listeners) for spec in specs)))


def start_fleet(folder: Path, size: int, slices: int) -> FleetRun:
    lab = start_lab_fleet(folder, size)
    return FleetRun(lab, folder / "controller", inventory_json(lab.inventory), slices)


def _jobs(run: FleetRun, name: str, playbook: str, workflow_job_id: int, forks: int | None) -> list[Job]:
    variables = extravars(run.controller)
    pdd = run.controller.parent / "awx" / name
    if run.slices == 1:
        return [run_job(pdd, playbook, run.inventory, variables, ident=name, forks=forks, job_id=workflow_job_id)]
    return run_sliced(pdd, playbook, run.inventory, run.slices, variables, forks=forks,
                      workflow_job_id=workflow_job_id)


def roll_out(run: FleetRun, forks: int | None = None) -> FleetRun:
    """Stage 1, three SYNTHETIC days, the rollout, then the merge job over every part of the rollout's run."""
    run.enable = _jobs(run, "enable", "playbooks/enable.yml", 100, forks)
    for host in run.lab.running.hosts.values():
        seed(host, 3, ())
    run.rollout = _jobs(run, "rollout", "playbooks/rollout.yml", 200, forks)
    merge_vars = {"tls_report_parts": [str(run.controller / "reports" / "200")],
                  "tls_report_dest": str(run.controller / "fleet.json"),
                  "tls_report_title": "TLS fleet report after the rollout"}
    run.merge = run_job(run.controller.parent / "awx" / "merge", "playbooks/merge_report.yml", run.inventory,
                        merge_vars, ident="merge", job_id=300)
    return run


# Fields that name the run rather than the fleet, left out of the comparison; each for a reason that holds for any
# two runs over equal fleets. Keys are the field's place in the report document:
RUN_SPECIFIC = {
    "generated_at": "when the report was built",
    "inputs": "which files were read: one part per job, so N parts for a sliced run and one for a single job",
    "*.collected_at, *.source": "when and from which input position a section (a host's state, readiness, usage,"
                                " change, failure, an endpoint) was read: per job; always the pair",
    "hosts[].last_change.at, .backup_id": "when the change was applied, and the backup id made of host and time",
    "hosts[].last_boot": "the host's boot time: each fleet rebooted at its own moment",
}
# and fields where two lab fleets differ that two runs over one real fleet would not:
LAB_SPECIFIC = {
    "hosts[].usage.legacy_clients[].first_seen, .last_seen, hosts[].usage.last_seen_legacy":
        "the lab replays its SYNTHETIC legacy client when it creates the host, so at each lab's start",
    "*.target (its port only)": "each lab listens on free ports of its own; the host part is compared",
}


def _left_out(data: dict[str, Any], parent: str) -> set[str]:
    keys = {"generated_at", "inputs", "last_boot"} if parent in ("", "hosts") else set()
    if "collected_at" in data:  # an origin: the section's source and time (document._origin)
        keys |= {"collected_at", "source"}
    if parent == "last_change":
        keys |= {"at", "backup_id"}
    if parent == "legacy_clients":
        keys |= {"first_seen", "last_seen"}
    if parent == "usage":
        keys.add("last_seen_legacy")
    return keys


def comparable(value: Any, parent: str = "") -> Any:
    """The report without the RUN_SPECIFIC and LAB_SPECIFIC fields, so two runs over equal lab fleets compare
    equal; ``parent`` is the key the value sits under (a list passes its own key to its items)."""
    if isinstance(value, dict):
        leave_out = _left_out(value, parent)
        return {key: item.rsplit(":", 1)[0] if key == "target" and isinstance(item, str) else comparable(item, key)
                for key, item in value.items() if key not in leave_out}
    if isinstance(value, list):
        return [comparable(item, parent) for item in value]
    return value
