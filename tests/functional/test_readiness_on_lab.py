"""tls_readiness and the tls_config readiness gate through real ansible-playbook and pywinrm against the lab's
emulated hosts (a test double, not Windows), on the issue's component presets and their ready counterparts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
STAGES = ("enable", "enforce", "bsi", "mozilla_intermediate")
# host -> (OS profile, presets, verdict per stage in STAGES order, rule ids blocking enforce)
HOSTS = {
    "r2008r2": ("2008r2", ("rdp_without_kb3080079",), ("ready", "blocked", "blocked", "blocked"),
                ["rdp_kb3080079", "winhttp_kb3140245_win7"]),
    "r2008r2ok": ("2008r2", ("rdp", "with_kb3140245"), ("ready",) * 4, []),
    "r2012": ("2012", (), ("ready", "blocked", "blocked", "blocked"), ["winhttp_kb3140245_2012"]),
    "r2012ok": ("2012", ("with_kb3140245",), ("ready",) * 4, []),
    "r2016": ("2016", ("sql2014_rtm",), ("ready", "blocked", "blocked", "blocked"), ["sql_2014_rtm"]),
    "r2016ok": ("2016", ("sql2014_sp3",), ("ready",) * 4, []),
    "r2019": ("2019", ("exchange2016_cu8",), ("ready", "blocked", "blocked", "blocked"), ["exchange_2016_cu9"]),
    "r2022": ("2022", ("winrm_cert_https",), ("blocked",) * 4, ["winrm_cert_auth_tls13"]),
    "r2022ok": ("2022", ("iis_https_legacy_off",), ("ready",) * 4, []),
    "rentra": ("2019", ("entra_connect_1_1_614",), ("ready", "blocked", "blocked", "blocked"),
               ["entra_connect_1_4_38"]),
    "rentraok": ("2019", ("entra_connect_2_4",), ("ready",) * 4, []),
}

# Where KB3140245 is missing, tls_config's own lockout guard refuses enforce first (it is forced by name, the
# readiness rule is waived by name: two separate decisions).
KB_RULES = {"winhttp_kb3140245_win7", "winhttp_kb3140245_2012"}
GUARD = "winhttp_needs_kb3140245"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    home = tmp_path_factory.mktemp("readiness")
    specs = [fleet.HostSpec(name, os_key, (), presets=presets) for name, (os_key, presets, *_rest) in HOSTS.items()]
    waivers = {name: [{"rule": rule, "reason": f"accepted for the test ({rule})"} for rule in spec[3]]
               for name, spec in HOSTS.items()}
    force = {name: [GUARD] if KB_RULES & set(spec[3]) else [] for name, spec in HOSTS.items()}
    (home / "waivers.json").write_text(json.dumps({"waivers_by_host": waivers, "force_by_host": force}))
    lab = start_lab(home / "lab", specs)
    try:
        env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                           "ANSIBLE_LOCAL_TEMP": str(home / "tmp"), "ANSIBLE_HOME": str(home / "ansible_home")})
        result = lab.playbook(PLAYBOOKS / "readiness.yml", "-e", f"@{home / 'waivers.json'}", env=env)
    finally:
        lab.stop()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return json.loads(result.stdout)


def task(report: dict, name: str) -> dict[str, dict]:
    [found] = [t for t in report["plays"][0]["tasks"] if t["task"]["name"] == name]
    return found["hosts"]


@pytest.mark.parametrize("host", list(HOSTS))
def test_each_host_gets_its_verdicts_and_the_named_rules(report, host):
    _os, _presets, verdicts, blocking = HOSTS[host]
    got = task(report, "Readiness")[host]
    assert got["changed"] is False and got["round_trips"] == 1
    assert tuple(got["verdicts"][s]["verdict"] for s in STAGES) == verdicts
    assert got["verdicts"]["enforce"]["blocking"] == blocking
    assert got["verdict"] == got["verdicts"]["enforce"]
    for rule in blocking:
        assert rule in got["message"] and rule in got["msg"]
    if not blocking:
        assert got["message"] == "readiness: nothing holds back enforce"


@pytest.mark.parametrize("host", [h for h, spec in HOSTS.items() if spec[3]])
def test_tls_config_enforce_fails_on_a_blocked_host_and_passes_with_a_waiver(report, host):
    blocking = HOSTS[host][3]
    bare = task(report, "Enforce without waivers (check mode)")[host]
    assert bare["failed"] and bare["changed"] is False
    if KB_RULES & set(blocking):
        assert GUARD in bare["msg"]
    else:
        assert all(rule in bare["msg"] for rule in blocking) and "waive" in bare["msg"]
        assert bare["readiness"]["verdict"] == "blocked"
    waived = task(report, "Enforce with the host's waivers (check mode)")[host]
    assert not waived.get("failed"), waived.get("msg")
    assert waived["readiness"]["waived"] == blocking and waived["readiness"]["verdict"] == "ready"
    assert [(w["rule"], w["matched"] > 0) for w in waived["waivers"]] == [(rule, True) for rule in blocking]
    assert waived["round_trips"] == 1


@pytest.mark.parametrize("host", [h for h, spec in HOSTS.items() if not spec[3]])
def test_tls_config_enforce_passes_the_gate_on_a_ready_host(report, host):
    bare = task(report, "Enforce without waivers (check mode)")[host]
    assert not bare.get("failed"), bare.get("msg")
    assert bare["readiness"]["verdict"] == "ready" and bare["waivers"] == []


def test_a_waiver_for_an_unknown_rule_is_refused_before_the_host_with_a_did_you_mean(report):
    for got in task(report, "A waiver naming no rule").values():
        assert got["failed"] and got["round_trips"] == 0
        assert "waivers[0].rule" in got["msg"] and "sql_2014_rtm" in got["msg"], got["msg"]
