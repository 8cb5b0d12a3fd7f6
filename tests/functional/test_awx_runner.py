"""Playbooks run the way AWX runs a job (tests/harness/awx_runner.py: ``ansible-runner run``, process isolation
off, an AWX-shaped private data dir) against the lab, the emulated Windows fleet (a test double, not Windows).

JOBS is the table of job templates under test: a playbook of the project and the set_stats keys every host must
appear under. The rollout playbooks join it with one line each when they land (e.g.
``("playbooks/drift.yml", ("tlsguard_drift",))``)."""

from __future__ import annotations

import json

import pytest
from tlslab import fleet
from tlslab.host import Timing
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.awx_runner import (
    Job,
    all_hosts,
    inventory_json,
    run_job,
    run_sliced,
    slice_inventory,
)

JOBS = [
    ("tests/functional/awx/tls_info_stats.yml", ("tlsguard_hosts",)),
]
MIX = ("2012r2", "2016", "2019", "2022")
FLEET = [fleet.HostSpec(f"awx-{index:02d}", MIX[index % len(MIX)], ()) for index in range(12)]


@pytest.fixture(scope="module")
def lab_inventory(tmp_path_factory):
    lab = start_lab(tmp_path_factory.mktemp("awx") / "lab", FLEET, Timing(0.2, 0.5))
    yield inventory_json(lab.inventory)
    lab.stop()


def _assert_job_ok(job: Job, keys: tuple[str, ...]) -> None:
    assert (job.status, job.rc) == ("successful", 0), job.stdout[-6000:]
    assert job.hosts_with("runner_on_ok") == set(job.hosts), job.stdout[-3000:]
    assert not job.hosts_with("runner_on_failed") | job.hosts_with("runner_on_unreachable")
    for key in keys:
        assert set(job.artifact_data[key]) == set(job.hosts), (key, job.artifact_data)


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
@pytest.mark.parametrize(("playbook", "keys"), JOBS)
def test_job_through_ansible_runner(lab_inventory, tmp_path, playbook, keys, check):
    job = run_job(tmp_path / "pdd", playbook, lab_inventory, check=check)
    _assert_job_ok(job, keys)
    assert job.events[0]["event"] == "playbook_on_start" and job.events[-1]["event"] == "playbook_on_stats"
    # the job ran with --check --diff exactly when asked (AWX's "check" job type with "show changes")
    command = json.loads((job.private_data_dir / "artifacts" / job.ident / "command").read_text())["command"]
    assert command[0] == "ansible-playbook" and command[-1] == playbook
    assert ({"--check", "--diff"} <= set(command)) is check
    if not check:  # set_fact cacheable lands in runner's jsonfile fact cache, one file per host
        cache = job.fact_cache()
        assert sorted(cache) == job.hosts and all("tlsguard_os_build" in entry for entry in cache.values()), cache


def test_limit_runs_only_the_limited_hosts(lab_inventory, tmp_path):
    job = run_job(tmp_path / "pdd", JOBS[0][0], lab_inventory, limit="awx-00,awx-05")
    assert (job.status, job.rc) == ("successful", 0), job.stdout[-4000:]
    assert job.hosts_with("runner_on_ok") == {"awx-00", "awx-05"}
    assert set(job.artifact_data["tlsguard_hosts"]) == {"awx-00", "awx-05"}


def test_missing_playbook_is_named(lab_inventory, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"playbooks/nope\.yml"):
        run_job(tmp_path / "pdd", "playbooks/nope.yml", lab_inventory)


@pytest.mark.parametrize(("playbook", "keys"), JOBS)
def test_sliced_jobs_cover_the_fleet_once(lab_inventory, tmp_path, playbook, keys):
    single = run_job(tmp_path / "single", playbook, lab_inventory)
    _assert_job_ok(single, keys)
    slices = run_sliced(tmp_path / "sliced", playbook, lab_inventory, slices=3)
    for job in slices:
        _assert_job_ok(job, keys)
    every = [host for job in slices for host in job.hosts]
    assert sorted(every) == single.hosts and len(set(every)) == len(every)  # none missing, none doubled
    # AWX's split: by name, every third host from the slice's offset
    assert slices[0].hosts == ["awx-00", "awx-03", "awx-06", "awx-09"]
    for key in keys:
        merged: dict = {}
        for job in slices:
            assert not set(merged) & set(job.artifact_data[key])
            merged.update(job.artifact_data[key])
        assert merged == single.artifact_data[key]


def test_slices_follow_awx_split_and_keep_group_vars():
    data = {"_meta": {"hostvars": {name: {"n": name} for name in ("b", "a", "d", "c", "e")}},
            "all": {"children": ["ungrouped", "web"]},
            "web": {"hosts": ["e", "a", "c"], "vars": {"port": 443}}}
    first, second = slice_inventory(data, 1, 2), slice_inventory(data, 2, 2)
    assert all_hosts(first) == ["a", "c", "e"] and all_hosts(second) == ["b", "d"]  # by name, every 2nd
    assert first["web"] == {"hosts": ["e", "a", "c"], "vars": {"port": 443}} and second["web"]["hosts"] == []
    assert first["all"] == data["all"]
    with pytest.raises(ValueError, match=r"within 1\.\.2, got 3"):
        slice_inventory(data, 3, 2)
