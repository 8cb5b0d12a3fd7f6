"""The staged rollout and drift.yml the way AWX runs them (tests/harness/awx_runner.py: ``ansible-runner run``,
process isolation off, an AWX-shaped private data dir), on two equal lab fleets (emulated hosts, not Windows):
one as a single job, one as a job sliced in 3 as AWX slices it (tests/harness/awx_rollout.py). Each rollout job
writes its part of the fleet report; a merge job (playbooks/merge_report.yml) joins the parts; the sliced run's
merged report must equal the single job's, and drift through runner must find exactly one hand edit."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.tlsguard.windows.tests.harness.awx_rollout import (
    LAB_SPECIFIC,
    RUN_SPECIFIC,
    FleetRun,
    comparable,
    extravars,
    roll_out,
    start_fleet,
)
from ansible_collections.tlsguard.windows.tests.harness.awx_runner import Job, run_job

SIZE, SLICES = 12, 3
HELD = {"sql2016": "sql_2014_rtm", "app2022": "10.20.30.40"}  # readiness blocker; live TLS 1.0 client
TLS12_SERVER = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server"


@pytest.fixture(scope="module")
def fleets(tmp_path_factory):
    runs = [start_fleet(tmp_path_factory.mktemp("single"), SIZE, 1),
            start_fleet(tmp_path_factory.mktemp("sliced"), SIZE, SLICES)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # mostly waiting on the lab's reboots: both at once
            single, sliced = pool.map(roll_out, runs)
        yield single, sliced
    finally:
        for run in runs:
            run.stop()


def _assert_successful(job: Job) -> None:
    assert (job.status, job.rc) == ("successful", 0), job.stdout[-6000:]
    assert not job.hosts_with("runner_on_failed") | job.hosts_with("runner_on_unreachable"), job.stdout[-3000:]
    assert job.hosts_with("runner_on_ok") == set(job.hosts)


def _stats(job: Job) -> dict:
    return next(e["event_data"] for e in job.events if e["event"] == "playbook_on_stats")


def test_the_rollout_job_leaves_what_awx_shows(fleets):
    single, _sliced = fleets
    job = single.rollout[0]
    _assert_successful(job)
    stats = _stats(job)
    assert sorted(stats["processed"]) == job.hosts and not stats["failures"] and not stats["dark"]
    records = job.artifact_data["tls_rollout"]  # set_stats: the record of every host, as AWX stores artifacts
    assert sorted(records) == job.hosts
    for host, record in records.items():
        if host in HELD:
            assert (record["stage"], record["status"]) == ("enable", "held") and HELD[host] in record["reason"]
        else:
            assert (record["stage"], record["status"], record["verified"]) == ("enforce", "ok", True), record
    report = json.loads((single.controller / "reports" / "200" / "200.json").read_text())
    rows = {row["name"]: row for row in report["hosts"]}
    assert sorted(rows) == job.hosts
    assert {name for name, row in rows.items() if row["status"] == "held"} == set(HELD)
    assert all((row["status"], row["stage"]) == ("compliant", "enforce") for name, row in rows.items()
               if name not in HELD)
    assert rows["sql2016"]["readiness"]["verdict"] == "blocked" and rows["app2022"]["usage"]["gate_passed"] is False


def test_each_job_runs_its_own_canary_batch(fleets):
    single, sliced = fleets
    assert [len(batch) for batch in single.rollout[0].batches()] == [1, SIZE - 1]
    for job in sliced.rollout:
        canary, rest = job.batches()  # one canary per slice: SLICES canaries in all
        assert len(canary) == 1 and sorted(canary + rest) == job.hosts
    assert len({job.batches()[0][0] for job in sliced.rollout}) == SLICES


def test_the_sliced_rollout_merges_into_the_single_jobs_report(fleets):
    single, sliced = fleets
    for job in sliced.enable + sliced.rollout:
        _assert_successful(job)
    every = [host for job in sliced.rollout for host in job.hosts]
    assert sorted(every) == single.rollout[0].hosts and len(set(every)) == SIZE  # disjoint slices, whole fleet
    parts = sliced.parts()  # named by job id: slice k of the enable (100) and rollout (200) workflow jobs
    assert sorted(parts) == ["101.json", "102.json", "103.json", "201.json", "202.json", "203.json"]
    for number, job in enumerate(sliced.rollout, start=1):  # each slice wrote its own part, with its hosts only
        assert [row["name"] for row in parts[f"{200 + number}.json"]["hosts"]] == job.hosts
    assert sliced.merge is not None and single.merge is not None
    _assert_successful_merge(sliced.merge)
    merged = sliced.merged_report
    names = [row["name"] for row in merged["hosts"]]
    assert sorted(names) == single.rollout[0].hosts and len(set(names)) == SIZE  # none missing, none doubled
    assert merged["duplicates"] == [] and merged["summary"]["duplicates"] == 0
    assert len(merged["inputs"]) == SLICES
    assert sliced.merge.artifact_data["tlsguard_fleet_report"]["hosts"] == SIZE
    # The single job's report went through the same merge job (one part): both are built the same way
    assert comparable(merged) == comparable(single.merged_report)
    # and merging changes no row of the part it read (its "duplicates", results one job superseded, stay behind)
    part = json.loads((single.controller / "reports" / "200" / "200.json").read_text())
    assert comparable(part["hosts"]) == comparable(single.merged_report["hosts"])


def _assert_successful_merge(job: Job) -> None:
    assert (job.status, job.rc) == ("successful", 0), job.stdout[-6000:]
    assert not job.hosts_with("runner_on_failed")


def _with_client(report: dict, client: dict) -> dict:
    """The report with the first host's first legacy client replaced."""
    row = report["hosts"][0]
    usage = {**row["usage"], "legacy_clients": [client, *row["usage"]["legacy_clients"][1:]]}
    return {**report, "hosts": [{**row, "usage": usage}, *report["hosts"][1:]]}


def test_the_comparison_leaves_out_only_run_specific_fields(fleets):
    single, _sliced = fleets
    report = single.merged_report
    assert len(RUN_SPECIFIC) == 5 and len(LAB_SPECIFIC) == 2  # each one explained there
    assert comparable(report) != comparable({**report, "hosts": report["hosts"][1:]})
    assert comparable(report) == comparable({**report, "generated_at": "2000-01-01T00:00:00Z"})
    client = report["hosts"][0]["usage"]["legacy_clients"][0]  # app2022's TLS 1.0 client
    for changed in ({**client, "source": "smtp"}, {**client, "hits": client["hits"] + 1}):  # data, not an origin
        assert comparable(_with_client(report, changed)) != comparable(report), changed
    stamped = {**client, "first_seen": "2000-01-01T00:00:00Z"}
    assert comparable(_with_client(report, stamped)) == comparable(report)
    point = report["endpoints"][0]
    moved = {**report, "endpoints": [{**point, "target": point["target"] + "0"}, *report["endpoints"][1:]]}
    renamed = {**report, "endpoints": [{**point, "target": "elsewhere:" + point["target"]}, *report["endpoints"][1:]]}
    assert comparable(moved) == comparable(report)  # only the port is left out of a target
    assert comparable(renamed) != comparable(report)


def _drift(run: FleetRun, ident: str) -> Job:
    variables = {**extravars(run.controller), "tls_rollout_state_dir": str(run.controller / "rollout")}
    return run_job(run.controller.parent / "awx" / ident, "playbooks/drift.yml", run.inventory, variables,
                   check=True, ident=ident, job_id=400)


def test_drift_through_runner_finds_nothing_then_exactly_the_hand_edit(fleets):
    single, _sliced = fleets
    clean = _drift(single, "drift1")
    _assert_successful(clean)
    command = json.loads((clean.private_data_dir / "artifacts" / "drift1" / "command").read_text())["command"]
    assert {"--check", "--diff"} <= set(command)
    assert not any(_stats(clean)["changed"].values()), _stats(clean)["changed"]
    drift = clean.artifact_data["tls_rollout_drift"]
    assert sorted(drift) == clean.hosts and not any(entry["drifted"] for entry in drift.values())
    assert all(entry["checked"] for entry in drift.values())
    single.lab.host("web2019").registry.set_value(TLS12_SERVER, "Enabled", "REG_DWORD", 0)  # the hand edit
    drifted = _drift(single, "drift2")
    _assert_successful(drifted)
    assert {host for host, count in _stats(drifted)["changed"].items() if count} == {"web2019"}
    drift = drifted.artifact_data["tls_rollout_drift"]
    assert drift["web2019"]["values"] == [TLS12_SERVER + r"\Enabled"]
    assert {host for host, entry in drift.items() if entry["drifted"]} == {"web2019"}
    diffs = [e for e in drifted.events if e["event"] == "runner_on_ok" and e["event_data"]["host"] == "web2019"
             and e["event_data"]["res"].get("diff")]
    assert diffs, "the drifted host's check-mode result carries a diff (AWX's 'show changes')"


def test_a_check_job_of_the_rollout_writes_no_report(fleets):
    single, _sliced = fleets
    variables = {**extravars(single.controller), "tls_rollout_report": str(single.controller / "new" / "r.json")}
    job = run_job(single.controller.parent / "awx" / "check", "playbooks/rollout.yml", single.inventory, variables,
                  check=True, limit="srv0000,srv0001", ident="check", job_id=500)
    assert (job.status, job.rc) == ("successful", 0), job.stdout[-6000:]
    assert not (single.controller / "new").exists()  # check mode creates neither the folder nor the report
