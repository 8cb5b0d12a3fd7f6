# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a playbook the way AWX runs a job: ``ansible-runner run <private_data_dir> -p <playbook>``.

The private data dir is laid out as AWX lays it out for a job (process isolation off, as on a controller node
without an execution environment):

* ``inventory/hosts``: an executable script printing the inventory as JSON, as AWX writes it
  (``build_inventory`` in awx/main/tasks/jobs.py, from the same ``get_script_data`` that slices);
* ``env/envvars``, ``env/extravars``, ``env/cmdline`` (``--check --diff`` for a check job, ``--limit``);
* ``project/``: a symlink to this checkout, the project AWX syncs from SCM; playbooks are named relative to it;
* the extra vars AWX adds to every job (``awx_meta_vars`` in awx/main/models/unified_jobs.py and jobs.py):
  ``awx_job_id`` (and ``tower_job_id``), and ``awx_workflow_job_id`` for a job that is a node of a workflow, which
  each slice of a sliced job is. AWX passes no slice number.

What a job leaves, with ansible-runner 2.4.3 (the pinned version): ``artifacts/<ident>/{rc,status,stdout}``, one
JSON file per event in ``job_events/``, facts in ``fact_cache/<host>`` (the jsonfile cache runner configures), and
the ``set_stats`` data (non per-host) as ``artifact_data`` inside the ``playbook_on_stats`` event
(ansible_runner/display_callback/callback/awx_display.py); no separate ``artifact_data`` file is written.
AWX stores that same event field as the job's artifacts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlslab.testing import QUIET_ANSIBLE

from .runner import collections_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Job:
    """What one ansible-runner job left behind."""

    ident: str
    private_data_dir: Path
    status: str
    rc: int
    events: list[dict[str, Any]]
    stdout: str
    cpu_seconds: float  # user + system of ansible-runner and everything it waited for (ansible-playbook, forks)
    hosts: list[str] = field(default_factory=list)

    @property
    def artifact_data(self) -> dict[str, Any]:
        """The ``set_stats`` data AWX shows as the job's artifacts (empty when the play set none)."""
        for event in self.events:
            if event.get("event") == "playbook_on_stats":
                return event.get("event_data", {}).get("artifact_data") or {}
        return {}

    def hosts_with(self, event_name: str) -> set[str]:
        return {event["event_data"]["host"] for event in self.events
                if event.get("event") == event_name and "host" in event.get("event_data", {})}

    def batches(self) -> list[list[str]]:
        """The hosts each play start worked on, in order: with ``serial``, every batch starts the play again."""
        batches: list[list[str]] = []
        for event in self.events:
            if event.get("event") == "playbook_on_play_start":
                batches.append([])
            host = event.get("event_data", {}).get("host")
            if batches and host and event.get("event", "").startswith("runner_on_") and host not in batches[-1]:
                batches[-1].append(host)
        return batches

    def fact_cache(self) -> dict[str, str]:
        """Host name -> its jsonfile cache entry as text. ansible-core 2.19 names the file ``s1_<host>`` (a schema
        prefix) and wraps tagged values in ``__payload__``; the text is enough to see which facts were cached."""
        folder = self.private_data_dir / "artifacts" / self.ident / "fact_cache"
        files = sorted(folder.glob("*")) if folder.is_dir() else []
        return {re.sub(r"^s\d+_", "", path.name): path.read_text() for path in files}


def inventory_json(inventory: Path) -> dict[str, Any]:
    """The inventory as ``ansible-inventory --list`` prints it (the shape AWX's inventory script prints)."""
    done = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(inventory), "--list"], capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, **QUIET_ANSIBLE})
    if done.returncode != 0:
        raise RuntimeError(f"ansible-inventory -i {inventory} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def all_hosts(data: dict[str, Any]) -> list[str]:
    return sorted(data.get("_meta", {}).get("hostvars", {}))


def slice_inventory(data: dict[str, Any], number: int, count: int) -> dict[str, Any]:
    """Slice ``number`` (1-based) of ``count``, split as AWX splits: hosts ordered by name, every ``count``-th host
    from offset ``number - 1`` (awx/main/models/inventory.py, Inventory.get_script_data). Groups keep their
    variables and children and lose the hosts of other slices."""
    if not 1 <= number <= count:
        raise ValueError(f"slice number must be within 1..{count}, got {number}")
    keep = set(all_hosts(data)[number - 1::count])
    sliced: dict[str, Any] = {}
    for name, group in data.items():
        if name == "_meta":
            sliced[name] = {"hostvars": {host: hv for host, hv in group.get("hostvars", {}).items() if host in keep}}
        elif "hosts" in group:
            sliced[name] = {**group, "hosts": [host for host in group["hosts"] if host in keep]}
        else:
            sliced[name] = group
    return sliced


def _write_private_data_dir(pdd: Path, inventory: dict[str, Any], extravars: dict[str, Any], check: bool,
                            limit: str | None, forks: int | None) -> None:
    for folder in ("inventory", "env"):
        (pdd / folder).mkdir(parents=True, exist_ok=True)
    script = pdd / "inventory" / "hosts"
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({json.dumps(json.dumps(inventory))})\n")
    script.chmod(0o700)
    envvars = {**QUIET_ANSIBLE, "ANSIBLE_COLLECTIONS_PATH": str(collections_path())}
    (pdd / "env" / "envvars").write_text(json.dumps(envvars))
    (pdd / "env" / "extravars").write_text(json.dumps(extravars))
    cmdline = (["--check", "--diff"] if check else []) + (["--limit", limit] if limit else []) + (
        ["--forks", str(forks)] if forks else [])
    if cmdline:
        (pdd / "env" / "cmdline").write_text(" ".join(cmdline))
    project = pdd / "project"
    if not project.exists():
        project.symlink_to(ROOT, target_is_directory=True)


def _events(folder: Path) -> list[dict[str, Any]]:
    events = [json.loads(path.read_text()) for path in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(events, key=lambda event: event.get("counter", 0))


def awx_meta_vars(job_id: int, workflow_job_id: int | None = None) -> dict[str, Any]:
    """The job's identity as AWX hands it to the playbook, under both of AWX's prefixes."""
    ids = {"job_id": job_id} if workflow_job_id is None else {"job_id": job_id, "workflow_job_id": workflow_job_id}
    return {f"{prefix}_{name}": value for prefix in ("awx", "tower") for name, value in ids.items()}


def run_job(pdd: Path, playbook: str, inventory: dict[str, Any], extravars: dict[str, Any] | None = None,
            check: bool = False, limit: str | None = None, ident: str = "job", forks: int | None = None,
            job_id: int = 1, workflow_job_id: int | None = None) -> Job:
    """One AWX-style job: ``playbook`` is relative to the project (this checkout)."""
    if not (ROOT / playbook).is_file():
        raise FileNotFoundError(f"playbook {playbook!r} not found in the project {ROOT}")
    _write_private_data_dir(pdd, inventory, {**awx_meta_vars(job_id, workflow_job_id), **(extravars or {})}, check,
                            limit, forks)
    log = pdd / f"{ident}.console"
    cmd = [str(BIN / "ansible-runner"), "run", str(pdd), "-p", playbook, "--ident", ident]
    with log.open("w") as out:
        # Popen + wait4: the job's own CPU (runner, ansible-playbook and the forks it reaped), apart from the lab
        # (which runs in the test process) and from jobs running beside it.
        # this venv stands in for the execution environment: runner finds ansible-playbook on PATH, as in an EE image
        env = {**os.environ, **QUIET_ANSIBLE, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            _pid, wait_status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
    artifacts = pdd / "artifacts" / ident
    status = (artifacts / "status").read_text().strip() if (artifacts / "status").exists() else "missing"
    rc = int((artifacts / "rc").read_text().strip()) if (artifacts / "rc").exists() else proc.returncode
    stdout = (artifacts / "stdout").read_text() if (artifacts / "stdout").exists() else log.read_text()
    return Job(ident, pdd, status, rc, _events(artifacts / "job_events"), stdout,
               usage.ru_utime + usage.ru_stime, all_hosts(inventory))


def run_sliced(workdir: Path, playbook: str, inventory: dict[str, Any], slices: int,
               extravars: dict[str, Any] | None = None, check: bool = False, forks: int | None = None,
               workflow_job_id: int = 100) -> list[Job]:
    """``slices`` jobs in parallel, one per AWX slice, each in its own private data dir (as on separate nodes),
    each with its own job id under the sliced job's workflow job id (as AWX numbers them)."""
    def one(number: int) -> Job:
        return run_job(workdir / f"slice{number}", playbook, slice_inventory(inventory, number, slices), extravars,
                       check, ident=f"slice{number}of{slices}", forks=forks, job_id=workflow_job_id + number,
                       workflow_job_id=workflow_job_id)

    with ThreadPoolExecutor(max_workers=slices) as pool:
        return list(pool.map(one, range(1, slices + 1)))
