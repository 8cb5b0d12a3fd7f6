"""The faults the lab's counters cannot place, through real ansible-playbook: the write's reply lost or late, the
host dying after k writes, the read's reply lost, an account without administrator rights. After each, the
registry is diffed exactly against what the plan says was written, and a restore by the id the user was told
puts it back exactly, keys included (D20, D21, D22)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.testing import start_lab

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"

HOSTS = {"lost": {"drop_write_reply": 1}, "late": {"delay_write_reply_ms": 8000}, "dies": {"die_after_writes": 10},
         "dropread": {"drop_mid_command": 2}, "nonadmin": {"non_admin": True}}
TIMEOUTS = ("-e", "ansible_winrm_read_timeout_sec=6", "-e", "ansible_winrm_operation_timeout_sec=4")


def values(registry: dict) -> dict:
    return {(key.casefold(), name.casefold()): tuple(v) for key, named in registry.items() for name, v in named.items()}


def planned(change: dict) -> tuple[tuple[str, str], tuple | None]:
    key = f"{change['hive']}\\{change['key']}".casefold()
    after = change["after"]
    return (key, change["name"].casefold()), (after["type"], after["data"]) if after else None


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    home = tmp_path_factory.mktemp("harness")
    lab = start_lab(home / "lab", [fleet.HostSpec(name, "2019", (), faults=faults) for name, faults in HOSTS.items()])
    start = {name: lab.host(name).registry.to_json() for name in HOSTS}
    run = lab.playbook(PLAYBOOKS / "fault_harness.yml", "-e", f"out_dir={home}", *TIMEOUTS)
    assert run.returncode == 0, run.stdout[-4000:]
    after = {name: lab.host(name).registry.to_json() for name in HOSTS}
    seen = {name: json.loads((home / f"{name}.json").read_text()) for name in HOSTS}
    yield lab, home, start, after, seen
    lab.stop()


def restore_id(result: dict) -> str:
    match = re.search(r"tls_restore backup_id: (\S+)$", result["msg"])
    assert match, result["msg"]
    return match.group(1)


@pytest.mark.parametrize("name", ["lost", "late"])
def test_a_lost_or_late_write_reply_names_the_backup_and_the_change_was_made(harness, name):
    _lab, home, start, after, seen = harness
    apply = seen[name]["apply"]
    assert apply["failed"] and apply["changed"] and not apply.get("unreachable"), apply
    assert "the changes may have been applied, all or in part" in apply["msg"]
    backup_id = restore_id(apply)
    copy = json.loads((home / "copies" / name / f"{backup_id}.json").read_text())
    assert copy["status"] == "pending" and len(copy["entries"]) == len(seen[name]["plan"]["changes"])
    expected = dict(values(start[name]))
    for change in seen[name]["plan"]["changes"]:
        where, value = planned(change)
        if value is None:
            expected.pop(where, None)
        else:
            expected[where] = value
    assert values(after[name]) == expected  # fully applied, exactly the plan


def test_a_host_that_dies_after_10_writes_has_exactly_those_and_a_complete_backup(harness):
    lab, _home, start, after, seen = harness
    apply = seen["dies"]["apply"]
    assert apply["failed"] and "may have been applied" in apply["msg"]
    expected = dict(values(start["dies"]))
    for change in seen["dies"]["plan"]["changes"][:10]:
        where, value = planned(change)
        if value is None:
            expected.pop(where, None)
        else:
            expected[where] = value
    assert values(after["dies"]) == expected
    backup = json.loads(lab.host("dies").read_file(
        rf"C:\ProgramData\tlsguard\backups\{restore_id(apply)}.json").decode())
    assert backup["status"] == "pending" and backup["created_keys"]  # known before the first write (D21)


def test_a_lost_read_reply_is_unreachable_and_nothing_is_written(harness):
    _lab, _home, start, after, seen = harness
    for step in ("plan", "apply"):
        result = seen["dropread"][step]
        assert result["unreachable"] and "Remote end closed connection without response" in result["msg"], result
    assert after["dropread"] == start["dropread"]


def test_a_non_administrator_is_refused_before_any_write(harness):
    _lab, _home, start, after, seen = harness
    plan, apply = seen["nonadmin"]["plan"], seen["nonadmin"]["apply"]
    assert plan["failed"] and plan["msg"].startswith("check mode: a real run would fail: nonadmin: the connection "
                                                     "account is not an administrator")
    assert apply["failed"] and apply["round_trips"] == 1 and apply["msg"].endswith("nothing was changed")
    assert after["nonadmin"] == start["nonadmin"]


def test_the_backup_id_the_user_was_told_restores_exactly(harness):
    lab, home, start, _after, seen = harness
    for name in HOSTS:
        lab.host(name).set_faults({fault: 0 for fault in HOSTS[name]})
    dead = lab.host("dies")
    dead.boot(time.time())
    dead.down_until = None
    ids = {name: restore_id(seen[name]["apply"]) for name in ("lost", "late", "dies")}
    run = lab.playbook(PLAYBOOKS / "fault_restore.yml", "--limit", ",".join(ids), "-e", f"out_dir={home}",
                       "-e", json.dumps({"restore_ids": ids}))
    assert run.returncode == 0, run.stdout[-4000:]
    for name in ids:
        restored = json.loads((home / f"{name}-restore.json").read_text())
        assert restored["changed"] and restored["round_trips"] == 2
        assert lab.host(name).registry.to_json() == start[name], name  # keys and values, exactly
