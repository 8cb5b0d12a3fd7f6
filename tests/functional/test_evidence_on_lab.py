"""tls_evidence end to end: real ansible-playbook over real pywinrm against lab hosts (the lab's twin of
__tls_host.ps1 answers; a test double, not Windows). Check mode with --diff shows the change and writes nothing, the
real run writes it, a second run changes nothing, and only then does a TLS 1.0 request show up in tls_usage as
TLS 1.0 with its client: before, the lab's IIS log has no crypt-protocol column, as on Windows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tlslab import fleet, iis, traffic
from tlslab.osprofiles import SCHANNEL
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = """- hosts: {host}
  gather_facts: false
  tasks:
    - name: Evidence
      tlsguard.windows.tls_evidence:
{options}
        controller_backup_dir: {backups}
"""
USAGE = """- hosts: {host}
  gather_facts: false
  tasks:
    - name: Usage
      tlsguard.windows.tls_usage:
        store: {store}
        sources: [iis]
"""
FIELDS = ["crypt-protocol", "crypt-cipher", "crypt-hash", "crypt-keyexchange", "X-Forwarded-For"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("evidence") / "lab",
                       [fleet.HostSpec("web01", "2019"), fleet.HostSpec("old01", "2012"),
                        fleet.HostSpec("desk01", "win10"), fleet.HostSpec("web02", "2022"),
                        fleet.HostSpec("web03", "2016")])
    yield handle
    handle.stop()


def run(lab, tmp_path: Path, text: str, *args: str, host: str) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    play = tmp_path / "play.yml"
    play.write_text(text)
    env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                       "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_HOME": str(tmp_path / "home")})
    result = lab.playbook(play, *args, env=env)
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"][host]


def evidence(lab, tmp_path: Path, *args: str, host: str = "web01", options: str = "") -> dict:
    return run(lab, tmp_path, EVIDENCE.format(host=host, options=options or "        event_logging: true",
                                              backups=tmp_path / "backups"), *args, host=host)


def shake(lab, host: str, protocol: str, client_ip: str) -> None:
    port = lab.running.config.ports[host]["https"]
    attempt = traffic.handshake(port, f"{host}.lab.test", protocol, lab.state / "pki" / "ca.crt",
                                client_ip=client_ip, user_agent="curl/7.1")
    assert attempt.accepted, attempt.detail


def tls10(usage: dict) -> int:
    return sum(d["count"] for d in usage["daily"] if d["protocol"] == "tls1_0")


def test_check_diff_then_apply_then_nothing_and_usage_sees_the_protocol(lab, tmp_path):
    host = lab.host("web01")
    shake(lab, "web01", "tls1_0", "10.1.2.3")            # logged without crypt-protocol: IIS as installed
    store = tmp_path / "store"
    before = run(lab, tmp_path / "u0", USAGE.format(host="web01", store=store), host="web01")
    assert tls10(before) == 0 and before["gate"]["verdict"] != "pass", before["gate"]

    checked = evidence(lab, tmp_path / "check", "--check", "--diff")
    assert not checked.get("failed"), checked.get("msg")
    assert checked["changed"] and checked["msg"].startswith("check mode: web01: SCHANNEL EventLogging 1 would be set "
                                                            "to 5"), checked["msg"]
    registry_diff, iis_diff = checked["diff"]
    assert "EventLogging" in registry_diff["after"] and "crypt-protocol" not in iis_diff["before"]
    assert "crypt-protocol (ServerVariable CRYPT_PROTOCOL)" in iis_diff["after"]
    assert checked["iis"]["status"] == "changed" and [a["name"] for a in checked["iis"]["added"]] == FIELDS
    assert host.registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 1)   # check mode wrote nothing
    assert iis.load(host).site_defaults == [] and checked["round_trips"] == 1

    applied = evidence(lab, tmp_path / "apply")
    assert applied["changed"] and applied["reboot_required"] and applied["round_trips"] == 2, applied
    assert applied["backup"]["status"] == "applied" and applied["event_logging"]["level_after"] == 5
    assert host.registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 5)
    assert [f[0] for f in iis.load(host).site_defaults] == FIELDS
    assert applied["iis"]["sites"][1] == {"scope": "site", "id": 1, "name": "Default Web Site", "inherits": True,
                                          "missing_before": FIELDS, "missing_after": []}

    again = evidence(lab, tmp_path / "again")
    assert again["changed"] is False and again["round_trips"] == 1 and again["iis"]["status"] == "ok", again
    assert "already logs successful handshakes" in again["msg"]

    shake(lab, "web01", "tls1_0", "10.1.2.3")
    after = run(lab, tmp_path / "u1", USAGE.format(host="web01", store=store), host="web01")
    assert tls10(after) == 1 and [c["client_ip"] for c in after["legacy_clients"]] == ["10.1.2.3"], after["daily"]


def test_no_iis_is_nothing_to_do_unless_required(lab, tmp_path):
    plain = evidence(lab, tmp_path / "plain", host="desk01", options="        event_logging: false")
    assert not plain.get("failed") and plain["changed"] is False, plain.get("msg")
    assert plain["iis"]["status"] == "not_installed" and "IIS is not installed" in plain["msg"]
    required = evidence(lab, tmp_path / "required", host="desk01", options="        require_iis: true")
    assert required["failed"] and required["msg"].startswith("require_iis: desk01: IIS is not installed")
    assert lab.host("desk01").registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 1)


def test_iis_without_custom_fields_is_named(lab, tmp_path):
    result = evidence(lab, tmp_path / "old", "--check", host="old01")
    assert not result.get("failed") and result["iis"]["status"] == "unreadable", result.get("msg")
    assert "IIS 8.5" in result["iis"]["detail"] and result["changed"]       # the EventLogging part still applies


def test_a_site_field_of_that_name_for_another_source_is_a_conflict(lab, tmp_path):
    host = lab.host("web02")
    config = iis.load(host)
    config.sites[0].fields = [("crypt-protocol", "HTTPS", "ServerVariable")]
    iis.save(host, config)
    result = evidence(lab, tmp_path / "conflict", host="web02")
    assert result["failed"] and "site 'Default Web Site' has a custom field named 'crypt-protocol'" in result["msg"]
    assert result["round_trips"] == 1 and iis.load(host).site_defaults == []
    assert host.registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 1)


def test_bad_options_are_named(lab, tmp_path):
    result = evidence(lab, tmp_path / "bad", options="        event_logging: false\n        iis_log_fields: false")
    assert result["failed"] and result["msg"].startswith("event_logging: "), result["msg"]
    assert result["round_trips"] == 0


def test_the_rollout_monitor_stage_turns_it_on_when_asked(lab, tmp_path):
    env = ansible_env({"ANSIBLE_HOME": str(tmp_path / "home"), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")})
    host = lab.host("web03")
    for asked in (False, True):
        extra = json.dumps({"tls_rollout_hosts": "web03", "tls_rollout_evidence": asked, "tls_rollout_endpoints": [],
                            "tls_rollout_state_dir": str(tmp_path / "state"),
                            "tls_rollout_usage_store": str(tmp_path / "u"),
                            "tls_rollout_controller_backup_dir": str(tmp_path / "backups")})
        result = lab.playbook(ROOT / "playbooks" / "monitor.yml", "-e", extra, env=env)
        assert result.returncode == 0, result.stdout[-3000:]
        if not asked:   # off by default: the monitor stage leaves the host's logging alone
            assert host.registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 1)
            assert iis.load(host).site_defaults == []
    assert host.registry.get_value(SCHANNEL, "EventLogging") == ("REG_DWORD", 5)
    assert [f[0] for f in iis.load(host).site_defaults] == FIELDS
