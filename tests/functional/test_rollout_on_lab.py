"""The staged rollout end to end on the demo's mixed lab fleet (examples/demo/fleet.yml: 2012 R2 to 2025, one host
with a live TLS 1.0 client, one readiness blocker, one host whose application breaks without legacy TLS after the
reboot): real ansible-playbook of playbooks/enable.yml, 3 days of synthetic lab history, then
playbooks/rollout.yml, with real pywinrm and real sslyze against the hosts' listeners. Then drift.yml in check
mode: nothing, and after a hand edit of one value on one host exactly that value. The lab's hosts are emulated
(a test double, not Windows)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.history import seed
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

ROOT = Path(__file__).resolve().parents[2]
FLEET = ROOT / "examples" / "demo" / "fleet.yml"
TLS12_SERVER = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server"


@pytest.fixture(scope="module")
def rolled_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rollout")
    lab = start_lab(folder / "lab", fleet.from_file(FLEET))
    try:
        enabled = play(lab, folder, "enable.yml")
        assert enabled.returncode == 0, enabled.stdout[-4000:]
        for host in lab.running.hosts.values():  # as make demo does: 3 days pass (SYNTHETIC clean history)
            seed(host, 3, ())
        result = play(lab, folder, "rollout.yml")
        yield lab, folder, result
    finally:
        lab.stop()


def play(lab, folder: Path, playbook: str, *extra: str):
    # A fresh HOME of its own: anything the rollout writes under ~ (a default path the role forgot) shows up there.
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                       "ANSIBLE_SHOW_CUSTOM_STATS": "1", "ANSIBLE_HOME": str(folder / "ansible_home"),
                       "ANSIBLE_LOCAL_TEMP": str(folder / "tmp"), "HOME": str(home)})
    demo_vars = ROOT / "examples" / "demo" / "rollout_vars.yml"
    return lab.playbook(ROOT / "playbooks" / playbook, "-e", f"@{demo_vars}", "-e",
                        f"tlsguard_demo_dir={folder / 'demo'}", *extra, env=env)


def record(folder: Path, host: str) -> dict:
    return json.loads((folder / "demo" / "rollout" / f"{host}.json").read_text())


def test_compliant_hosts_end_enforced_and_verified(rolled_out):
    lab, folder, result = rolled_out
    report = json.loads(result.stdout)
    assert result.returncode == 2, result.stdout[-4000:]  # erp2025 fails loudly, nothing else does
    assert {h for h, s in report["stats"].items() if s["failures"]} == {"erp2025"}
    for host in ("web2019", "web2012r2"):
        entry = record(folder, host)
        assert (entry["stage"], entry["status"], entry["verified"]) == ("enforce", "ok", True), entry
        assert lab.host(host).registry.get_value(TLS12_SERVER.replace("TLS 1.2", "TLS 1.0"), "Enabled") == (
            "REG_DWORD", 0)


def test_the_readiness_blocker_is_held_with_its_rule(rolled_out):
    _lab, folder, _result = rolled_out
    entry = record(folder, "sql2016")
    assert (entry["stage"], entry["status"]) == ("enable", "held"), entry
    assert "sql_2014_rtm" in entry["reason"] and "sql_2014_rtm" in entry["readiness"]["blocking"]


def test_the_host_with_legacy_clients_is_held_with_the_client_named(rolled_out):
    _lab, folder, _result = rolled_out
    entry = record(folder, "app2022")
    assert (entry["stage"], entry["status"]) == ("enable", "held"), entry
    assert "10.20.30.40" in entry["reason"]
    assert entry["usage"]["passed"] is False
    assert any(c.get("client_ip") == "10.20.30.40" or "10.20.30.40" in json.dumps(c)
               for c in entry["usage"]["legacy_clients"])


def test_the_faulty_host_is_rolled_back_verified_and_failed(rolled_out):
    lab, folder, result = rolled_out
    entry = record(folder, "erp2025")
    assert (entry["stage"], entry["status"], entry["restore_verified"]) == ("enable", "failed", True), entry
    assert "could not be scanned" in entry["reason"] and "restore verified" in entry["reason"]
    # back at stage 1: TLS 1.0 server as the OS default again (absent), its listener serving
    assert lab.host("erp2025").registry.get_value(TLS12_SERVER.replace("TLS 1.2", "TLS 1.0"), "Enabled") is None
    assert "erp2025: post-check failed" in result.stdout


def test_the_summary_names_every_host(rolled_out):
    _lab, _folder, result = rolled_out
    for host in ("web2019", "web2012r2", "sql2016", "app2022", "erp2025"):
        assert host in result.stdout


def test_drift_finds_nothing_then_exactly_the_hand_edit(rolled_out):
    lab, folder, _result = rolled_out
    clean = play(lab, folder / "drift1", "drift.yml", "-e", f"tls_rollout_state_dir={folder / 'demo' / 'rollout'}")
    assert clean.returncode == 0, clean.stdout[-4000:]
    report = json.loads(clean.stdout)
    assert all(stats["changed"] == 0 for stats in report["stats"].values()), report["stats"]
    lab.host("web2019").registry.set_value(TLS12_SERVER, "Enabled", "REG_DWORD", 0)  # the hand edit
    drifted = play(lab, folder / "drift2", "drift.yml", "--diff",
                   "-e", f"tls_rollout_state_dir={folder / 'demo' / 'rollout'}")
    assert drifted.returncode == 0, drifted.stdout[-4000:]
    report = json.loads(drifted.stdout)
    assert {h for h, s in report["stats"].items() if s["changed"]} == {"web2019"}
    stats = report["global_custom_stats"]["tls_rollout_drift"]
    assert stats["web2019"]["values"] == [TLS12_SERVER + r"\Enabled"]
    assert not any(v["drifted"] for h, v in stats.items() if h != "web2019")


def test_the_rollout_writes_nothing_under_home(rolled_out):
    """Backups (the restore's own included), records, usage and Ansible's temp files all go where the variables
    say: the HOME of every run above (enable, rollout with a rollback, drift twice) is still empty."""
    _lab, folder, _result = rolled_out
    homes = sorted(folder.rglob("home"))
    assert len(homes) >= 3, homes
    written = [str(path.relative_to(folder)) for home in homes for path in home.rglob("*")]
    assert written == [], written
