"""Real TLS listeners: what they accept follows the SCHANNEL registry as of the last boot, checked with a real
TLS client (Python's ssl and, for SMTP, STARTTLS); handshakes leave SCHANNEL events and IIS log lines."""

from __future__ import annotations

import time

from tlslab import fleet, iis, traffic
from tlslab.osprofiles import SCHANNEL


def accepted(lab, host: str, protocols=("tls1_0", "tls1_1", "tls1_2", "tls1_3"), listener="https", **kwargs):
    port = lab.running.config.ports[host][listener]
    return {p: traffic.handshake(port, f"{host}.lab.test", p, lab.state / "pki" / "ca.crt",
                                 starttls=listener == "smtp", **kwargs).accepted for p in protocols}


def set_server(lab, host: str, protocol: str, enabled: int) -> None:
    lab.host(host).registry.set_value(f"{SCHANNEL}\\Protocols\\{protocol}\\Server", "Enabled", "REG_DWORD", enabled)


def reboot(lab, host: str) -> None:
    target = lab.host(host)
    before = target.boot_filetime
    target.schedule_reboot(lab.running.config.timing, time.time())
    deadline = time.time() + 10
    while (target.boot_filetime == before or target.down_until is not None) and time.time() < deadline:
        time.sleep(0.1)
    assert target.boot_filetime != before


def test_os_defaults_per_profile(small_lab):
    assert accepted(small_lab, "web01") == {"tls1_0": True, "tls1_1": True, "tls1_2": True, "tls1_3": False}
    assert accepted(small_lab, "web02") == {"tls1_0": True, "tls1_1": True, "tls1_2": True, "tls1_3": True}


def test_registry_changes_apply_at_the_next_boot_only(small_lab):
    set_server(small_lab, "web01", "TLS 1.0", 0)
    set_server(small_lab, "web01", "TLS 1.1", 0)
    assert accepted(small_lab, "web01")["tls1_0"]  # not rebooted yet: still offered, as on Windows
    reboot(small_lab, "web01")
    assert accepted(small_lab, "web01") == {"tls1_0": False, "tls1_1": False, "tls1_2": True, "tls1_3": False}
    assert accepted(small_lab, "web01", ("tls1_0", "tls1_2"), listener="smtp") == {"tls1_0": False, "tls1_2": True}
    assert accepted(small_lab, "web01", ("tls1_2",), listener="winrm_https") == {"tls1_2": True}


def test_tls12_on_2008r2_needs_the_registry(lab_factory):
    lab = lab_factory([fleet.HostSpec("old01", "2008r2", ("https",))])
    assert accepted(lab, "old01") == {"tls1_0": True, "tls1_1": False, "tls1_2": False, "tls1_3": False}
    set_server(lab, "old01", "TLS 1.2", 1)
    reboot(lab, "old01")
    assert accepted(lab, "old01")["tls1_2"]


def test_disabled_by_default_and_wrong_types(lab_factory):
    lab = lab_factory([fleet.HostSpec("web05", "2019", ("https",))])
    registry = lab.host("web05").registry
    registry.set_value(f"{SCHANNEL}\\Protocols\\TLS 1.0\\Server", "DisabledByDefault", "REG_DWORD", 1)
    registry.set_value(f"{SCHANNEL}\\Protocols\\TLS 1.1\\Server", "Enabled", "REG_SZ", "0")  # ignored: not a DWORD
    reboot(lab, "web05")
    assert accepted(lab, "web05", ("tls1_0", "tls1_1")) == {"tls1_0": False, "tls1_1": True}


def test_a_policy_suite_order_limits_tls12_suites(lab_factory):
    lab = lab_factory([fleet.HostSpec("web06", "2019", ("https",))])
    lab.host("web06").registry.set_value(r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
                                         "Functions", "REG_SZ", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    reboot(lab, "web06")
    port = lab.running.config.ports["web06"]["https"]
    result = traffic.handshake(port, "web06.lab.test", "tls1_2", lab.state / "pki" / "ca.crt")
    assert result.accepted and result.detail == "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384"
    assert not accepted(lab, "web06", ("tls1_0",))["tls1_0"]  # that suite is TLS 1.2-only


def test_handshakes_are_recorded_like_windows(lab_factory):
    lab = lab_factory([fleet.HostSpec("web07", "2019", ("https",))])
    host = lab.host("web07")
    host.registry.set_value(SCHANNEL, "EventLogging", "REG_DWORD", 7)
    iis.turn_on_evidence(host)
    set_server(lab, "web07", "TLS 1.1", 0)
    reboot(lab, "web07")
    accepted(lab, "web07", ("tls1_0", "tls1_1", "tls1_2"), client_ip="10.20.7.44", user_agent="Java/1.7.0_80")
    events = host.events()
    assert [e["id"] for e in events] == [36880, 36888, 36880]
    assert "<Protocol>TLS 1.0</Protocol>" in events[0]["xml"] and "<Type>server</Type>" in events[0]["xml"]
    assert "<Data Name='AlertDesc'>70</Data>" in events[1]["xml"]
    assert [e["record_id"] for e in events] == [1, 2, 3]
    log = host.read_file(r"C:\inetpub\logs\LogFiles\W3SVC1\u_ex" + time.strftime("%y%m%d", time.gmtime()) + "_x.log")
    lines = log.decode().splitlines()
    assert lines[3].startswith("#Fields: date time") and lines[3].endswith("crypt-keyexchange X-Forwarded-For")
    fields = [line.split(" ") for line in lines[4:]]
    expected = [("10.20.7.44", "HTTP/1.1", "40"), ("10.20.7.44", "HTTP/1.1", "400")]
    assert [(f[10], f[11], f[21]) for f in fields] == expected
    assert fields[0][12] == "Java/1.7.0_80"


def test_stock_event_logging_records_only_errors(small_lab):
    accepted(small_lab, "web02", ("tls1_2",))
    assert small_lab.host("web02").events() == []
