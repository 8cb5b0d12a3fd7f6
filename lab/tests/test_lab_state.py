"""The CLI: start a fleet in the background, stop it, start it again; state survives, the boot snapshot too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tlslab import fleet, traffic

LAB = [sys.executable, "-m", "tlslab"]


def lab(state: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LAB, "--state", str(state), *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_state_survives_a_restart_and_the_boot_snapshot_with_it(tmp_path):
    state = tmp_path / "lab"
    fleet_file = tmp_path / "fleet.yml"
    fleet_file.write_text("all:\n  hosts:\n    app01:\n      lab_os: '2012r2'\n      lab_listeners: [https]\n"
                          "      lab_faults: {latency_ms: 5}\n")
    port, tls_port = fleet.free_port(), fleet.free_port()
    started = lab(state, "start", "--fleet", str(fleet_file), "--port", str(port), "--tls-port-base", str(tls_port))
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip() == str(state / "inventory.yml")
        assert "an emulator, not Windows" in started.stderr
        status = json.loads(lab(state, "status").stdout)
        assert status["hosts"]["app01"]["faults"] == {"latency_ms": 5}
        assert status["hosts"]["app01"]["tls"]["offered"] == ["tls1_0", "tls1_1", "tls1_2"]
        boot = status["hosts"]["app01"]["boot_filetime"]
        assert lab(state, "fault", "app01", "fail_write=2").returncode == 0
        # Change the registry behind the lab's back, as a write over WinRM would, without a reboot.
        assert lab(state, "stop").returncode == 0
        host_file = state / "hosts" / "app01" / "host.json"
        data = json.loads(host_file.read_text())
        key = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server"
        data["registry"][key] = {"Enabled": ["REG_DWORD", 0]}
        host_file.write_text(json.dumps(data))
        assert lab(state, "start").returncode == 0
        status = json.loads(lab(state, "status").stdout)["hosts"]["app01"]
        assert status["boot_filetime"] == boot and status["faults"] == {"latency_ms": 5, "fail_write": 2}
        probe = traffic.handshake(tls_port, "app01.lab.test", "tls1_0", state / "pki" / "ca.crt")
        assert probe.accepted  # a lab restart is not a reboot: still what the host read at its last boot
        assert lab(state, "reboot", "app01").returncode == 0
        for _attempt in range(50):
            status = json.loads(lab(state, "status").stdout)["hosts"]["app01"]
            if status["up"] and status["boot_filetime"] != boot:
                break
        assert not traffic.handshake(tls_port, "app01.lab.test", "tls1_0", state / "pki" / "ca.crt").accepted
    finally:
        lab(state, "stop")
    assert not (state / "lab.pid").exists()


def test_cli_errors_are_one_line(tmp_path):
    result = lab(tmp_path / "none", "start")
    assert result.returncode == 2 and result.stderr.startswith("lab: no lab state in ")
    bad = tmp_path / "bad.yml"
    bad.write_text("hosts:\n  x1: {os: '2019', listeners: [ftp]}\n")
    result = lab(tmp_path / "bad", "start", "--fleet", str(bad))
    assert result.returncode == 2 and "unknown listener(s) ftp" in result.stderr
