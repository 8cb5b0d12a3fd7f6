"""tls_usage end to end: real TLS 1.0/1.2 handshakes against a lab host's IIS listener, then real ansible-playbook
over real pywinrm; the lab's twin of __tls_host.ps1 counts its IIS log (the lab is a test double, not Windows)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tlslab import fleet, iis, traffic
from tlslab.testing import start_lab

from ansible_collections.tlsguard.windows.tests.harness.runner import ansible_env

PLAY = """- hosts: {host}
  gather_facts: false
  tasks:
    - name: Usage
      tlsguard.windows.tls_usage:
        store: {store}
        days: {days}
        sources: {sources}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("usage") / "lab", [fleet.HostSpec("web01", "2019")])
    iis.turn_on_evidence(handle.host("web01"))   # the crypt-* fields on (test_evidence_on_lab.py: by tls_evidence)
    yield handle
    handle.stop()


def usage(lab, tmp_path: Path, store: Path, *args: str, days: object = 30, host: str = "web01",
          sources: str = "[iis]") -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    play = tmp_path / "play.yml"
    play.write_text(PLAY.format(host=host, store=store, days=days, sources=sources))
    env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                       "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_HOME": str(tmp_path / "home")})
    result = lab.playbook(play, *args, env=env)
    report = json.loads(result.stdout)
    return report["plays"][0]["tasks"][0]["hosts"][host]


def shake(lab, protocol: str, client_ip: str, user_agent: str, host: str = "web01") -> None:
    port = lab.running.config.ports[host]["https"]
    attempt = traffic.handshake(port, f"{host}.lab.test", protocol, lab.state / "pki" / "ca.crt", client_ip=client_ip,
                                user_agent=user_agent)
    assert attempt.accepted, attempt.detail


def legacy_count(result: dict) -> int:
    return sum(d["count"] for d in result["daily"] if d["protocol"] == "tls1_0")


def test_tls_1_0_traffic_names_the_client_and_holds_the_gate(lab, tmp_path):
    store = tmp_path / "store"
    shake(lab, "tls1_0", "10.1.2.3", "curl/7.1")
    shake(lab, "tls1_2", "10.9.9.9", "Mozilla/5.0")
    checked = usage(lab, tmp_path / "check", store, "--check")
    assert not checked.get("failed"), checked.get("msg")
    assert not checked["store_written"] and not store.exists()          # check mode writes nothing
    first = usage(lab, tmp_path / "first", store)
    assert first["gate"]["verdict"] == "fail" and not first["gate"]["passed"], first["gate"]
    assert "10.1.2.3" in first["msg"] and first["msg"].startswith("gate failed"), first["msg"]
    assert [c["client_ip"] for c in first["legacy_clients"]] == ["10.1.2.3"], first["legacy_clients"]
    assert first["changed"] is False and Path(first["store_file"]) == store / "web01.json"
    assert legacy_count(first) == 1 and first["runs"] == 1
    shake(lab, "tls1_0", "10.1.2.3", "curl/7.1")
    second = usage(lab, tmp_path / "second", store)                      # goes on from the stored checkpoint
    assert legacy_count(second) == 2 and second["runs"] == 2, second["daily"]
    third = usage(lab, tmp_path / "third", store)                        # nothing new: nothing counted twice
    assert legacy_count(third) == 2 and third["runs"] == 3


def test_bad_options_are_named(lab, tmp_path):
    result = usage(lab, tmp_path, tmp_path / "store", days=0)
    assert result["failed"] and result["msg"].startswith("days: "), result["msg"]
    assert not (tmp_path / "store").exists()


def fleet_lab(tmp_path_factory, name: str, inventory_text: str):
    """A lab started from a fleet inventory written as ``inventory_text``."""
    inventory = tmp_path_factory.mktemp(name) / "fleet.yml"
    inventory.write_text(inventory_text)
    return start_lab(tmp_path_factory.mktemp(name) / "lab", fleet.from_file(inventory))


SEEDED_FLEET = """all:
  hosts:
    clean01: {lab_os: '2019', lab_usage_history_days: 10}
    legacy01:
      lab_os: '2019'
      lab_usage_history_days: 10
      lab_legacy_clients:
        - {protocol: tls1_1, client_ip: 10.7.7.7, user_agent: Java/1.7.0_80}
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """lab_usage_history_days (SYNTHETIC history) on both hosts; legacy clients replayed on one."""
    handle = fleet_lab(tmp_path_factory, "seeded", SEEDED_FLEET)
    yield handle
    handle.stop()


def test_seeded_history_passes_a_clean_host_and_fails_a_legacy_one(seeded, tmp_path):
    clean = usage(seeded, tmp_path / "clean", tmp_path / "store", days=7, host="clean01",
                  sources="[schannel, iis]")
    assert clean["gate"]["verdict"] == "pass", clean["gate"]["reasons"]
    legacy = usage(seeded, tmp_path / "legacy", tmp_path / "store", days=7, host="legacy01",
                   sources="[schannel, iis]")
    assert legacy["gate"]["verdict"] == "fail" and "10.7.7.7" in legacy["msg"], legacy["msg"]


SET_EVENT_LOGGING = """- hosts: web01
  gather_facts: false
  tasks:
    - name: EventLogging 7 (successful handshakes too)
      ansible.windows.win_regedit:
        path: HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL
        name: EventLogging
        data: 7
        type: dword
"""


def schannel_source(result: dict) -> dict:
    assert not result.get("failed"), result.get("msg")
    return next(s for s in result["coverage"]["sources"] if s["name"] == "schannel")


def test_eventlogging_set_after_the_boot_covers_nothing_until_the_host_restarts(lab, tmp_path):
    play = tmp_path / "set.yml"
    play.write_text(SET_EVENT_LOGGING)
    written = lab.playbook(play)
    assert written.returncode == 0, written.stdout
    store = tmp_path / "store"
    before = schannel_source(usage(lab, tmp_path / "before", store, sources="[schannel]"))
    assert not before["on"] and before["value"] == 7, before
    assert "after the last restart" in before["detail"] and "KB 260729" in before["detail"], before
    host = lab.host("web01")
    booted = host.boot_filetime
    host.schedule_reboot(lab.running.config.timing, time.time())
    deadline = time.time() + 30
    while (host.boot_filetime == booted or host.down_until is not None) and time.time() < deadline:
        time.sleep(0.1)
    after = schannel_source(usage(lab, tmp_path / "after", store, sources="[schannel]"))
    assert after["on"] and after["since"] == datetime.fromtimestamp(host.boot_unix, UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"), after


EXCHANGE_FLEET = """all:
  hosts:
    mail01: {lab_os: '2019', lab_usage_history_days: 10, lab_smtp_clients: []}
    mail02:
      lab_os: '2019'
      lab_usage_history_days: 10
      lab_smtp_clients:
        - {protocol: tls1_0, client_ip: 10.7.7.7, ehlo: scanner.corp.example}
        - {protocol: tls1_2, client_ip: 10.8.8.8, ehlo: mx.partner.example}
"""


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """Two Exchange hosts with 10 days of SYNTHETIC history; one also logged a TLS 1.0 SMTP client today."""
    handle = fleet_lab(tmp_path_factory, "exchange", EXCHANGE_FLEET)
    yield handle
    handle.stop()


def test_require_smtp_names_a_legacy_smtp_client_and_holds_the_gate(exchange, tmp_path):
    clean = usage(exchange, tmp_path / "clean", tmp_path / "store", days=7, host="mail01",
                  sources="[schannel, iis, smtp]\n        require_smtp: true")
    assert clean["gate"]["verdict"] == "pass", clean["gate"]["reasons"]
    assert [s["stream"] for s in clean["coverage"]["streams"] if s["stream"].startswith("smtp:")] == \
        ["smtp:SmtpReceive"], clean["coverage"]["streams"]
    legacy = usage(exchange, tmp_path / "legacy", tmp_path / "store", days=7, host="mail02",
                   sources="[schannel, iis, smtp]\n        require_smtp: true")
    assert legacy["gate"]["verdict"] == "fail" and "10.7.7.7" in legacy["msg"], legacy["msg"]
    [client] = legacy["legacy_clients"]
    assert (client["source"], client["client_ip"], client["protocol"]) == ("smtp_receive", "10.7.7.7", "tls1_0"), client
    assert "scanner.corp.example" in json.dumps(client), client
    again = usage(exchange, tmp_path / "again", tmp_path / "store", days=7, host="mail02",
                  sources="[schannel, iis, smtp]\n        require_smtp: true")
    smtp_days = [d for d in again["daily"] if d["source"] == "smtp_receive" and d["protocol"] == "tls1_0"]
    assert sum(d["count"] for d in smtp_days) == 1, smtp_days          # the checkpoint: nothing counted twice


def test_without_exchange_require_smtp_cannot_pass(seeded, tmp_path):
    result = usage(seeded, tmp_path, tmp_path / "store", days=7, host="clean01",
                   sources="[schannel, iis, smtp]\n        require_smtp: true")
    assert result["gate"]["verdict"] == "undetermined", result["gate"]
    assert any("no SMTP receive protocol logs were read" in r for r in result["gate"]["reasons"]), result["gate"]


CUSTOM_LOGS = r"D:\WebLogs"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """web02's IIS: site 1 (the one its https listener serves) logs to D:\\WebLogs with the crypt-* fields; two more
    https sites, one with custom fields of its own but no crypt-protocol, one with logging off."""
    handle = start_lab(tmp_path_factory.mktemp("sites") / "lab", [fleet.HostSpec("web02", "2019")])
    host = handle.host("web02")
    iis.turn_on_evidence(host)
    config = iis.load(host)
    config.sites[0].log_dir = CUSTOM_LOGS
    config.sites += [iis.Site(2, "Intranet", [("OriginalIP", "X-Forwarded-For", "RequestHeader")],
                              bindings=[("https", "*:8443:intranet.example")]),
                     iis.Site(3, "Payroll", logging_enabled=False, bindings=[("https", "*:9443:")])]
    iis.save(host, config)
    yield handle
    handle.stop()


def test_a_site_logging_elsewhere_is_read_and_sites_that_cannot_be_judged_hold_the_gate(sites, tmp_path):
    shake(sites, "tls1_0", "10.5.5.5", "Java/1.6.0_45", host="web02")
    host = sites.host("web02")
    assert host.read_file(CUSTOM_LOGS + r"\W3SVC1\u_ex" + datetime.now(UTC).strftime("%y%m%d") + "_x.log")
    assert not host.local_path(r"C:\inetpub\logs\LogFiles").exists()    # nothing in the default folder
    result = usage(sites, tmp_path, tmp_path / "store", host="web02")
    assert not result.get("failed"), result.get("msg")
    assert [(c["client_ip"], c["protocol"]) for c in result["legacy_clients"]] == [("10.5.5.5", "tls1_0")], \
        result["legacy_clients"]
    assert result["gate"]["verdict"] == "fail", result["gate"]
    reasons = result["gate"]["reasons"]
    assert any("no IIS crypt-protocol field configured on site W3SVC2 (Intranet)" in r for r in reasons), reasons
    assert any("IIS site W3SVC3 (Payroll) has an https binding but no W3C logging" in r for r in reasons), reasons
    assert result["coverage"]["sites_without_crypt"] == ["W3SVC2"], result["coverage"]   # Payroll: siteDefaults
    streams = {s["stream"]: s for s in result["coverage"]["streams"]}
    assert sorted(streams) == ["iis:W3SVC1", "iis:W3SVC2", "iis:W3SVC3", "schannel"], streams
    assert streams["iis:W3SVC1"]["spans"], streams["iis:W3SVC1"]   # read from D:\\WebLogs\\W3SVC1


def test_an_unreadable_iis_configuration_is_a_warning_and_holds_the_gate(sites, tmp_path):
    host = sites.host("web02")
    host.set_faults({"iis_config_unreadable": "Cannot read configuration file due to insufficient permissions"})
    try:
        result = usage(sites, tmp_path, tmp_path / "store", host="web02")
    finally:
        host.set_faults({"iis_config_unreadable": None})
    assert not result.get("failed"), result.get("msg")
    assert result["warnings"] == ["usage.iis_sites: IIS configuration: Cannot read configuration file due to "
                                  "insufficient permissions"], result.get("warnings")
    assert result["gate"]["verdict"] != "pass", result["gate"]
    assert any(r.startswith("the IIS site inventory could not be read") for r in result["gate"]["reasons"]), \
        result["gate"]["reasons"]
