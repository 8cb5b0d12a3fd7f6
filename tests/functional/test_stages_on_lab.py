"""Stages are monotone: the README's playbook (enable, reboot when needed, enforce) twice in a row against the lab
changes nothing and reboots nothing the second time, and stage 1 in check mode on an enforced host plans nothing.
Real ansible-playbook, real pywinrm, the lab's emulated hosts (a test double, not Windows)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
# Every build family whose WinHTTP default differs; 2008 R2 and 2012 patched as Windows Update leaves them
# (KB3140245, without which stage 3 is refused there).
HOSTS = {"s2008r2": ("2008r2", ("with_kb3140245",)), "s2012": ("2012", ("with_kb3140245",)), "s2012r2": ("2012r2", ()),
         "s2019": ("2019", ()), "s2022": ("2022", ()), "s2025": ("2025", ()), "w10": ("win10_22h2", ()),
         "w11": ("win11_23h2", ())}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("stages") / "lab",
                       [fleet.HostSpec(name, os, (), presets=presets) for name, (os, presets) in HOSTS.items()])
    yield handle
    handle.stop()


def run(lab, playbook: str, tmp_path: Path) -> dict:
    env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                       "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
                       "ANSIBLE_HOME": str(tmp_path / "ansible_home")})
    result = lab.playbook(PLAYBOOKS / playbook, env=env)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return json.loads(result.stdout)


def task_results(report: dict, name: str) -> dict[str, dict]:
    [task] = [t for t in report["plays"][0]["tasks"] if t["task"]["name"] == name]
    return task["hosts"]


def test_the_readme_playbook_twice_changes_and_reboots_nothing_the_second_time(lab, tmp_path):
    first = run(lab, "readme_stages.yml", tmp_path / "first")
    assert all(first["stats"][host]["changed"] > 0 for host in HOSTS), first["stats"]
    assert all(first["stats"][host]["failures"] == 0 for host in HOSTS)
    second = run(lab, "readme_stages.yml", tmp_path / "second")
    assert {host: second["stats"][host]["changed"] for host in HOSTS} == dict.fromkeys(HOSTS, 0)
    reboots = [t for t in second["plays"][0]["tasks"] if t["task"]["name"] == "Reboot when needed"]
    assert all(result.get("skipped") for task in reboots for result in task["hosts"].values())
    audits = task_results(second, "Audit")
    assert {host: audits[host]["compliant"] for host in HOSTS} == dict.fromkeys(HOSTS, True)
    checked = task_results(run(lab, "enable_check.yml", tmp_path / "check"), "Enable TLS 1.2 (check mode)")
    assert {host: (checked[host]["changed"], checked[host]["changes"]) for host in HOSTS} == dict.fromkeys(
        HOSTS, (False, []))
