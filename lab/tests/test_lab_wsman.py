"""pywinrm's Protocol against the lab: every WS-Man operation, chunked output, TimedOut, auth and faults."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
import winrm
from tlslab import fleet
from tlslab.payload import DELIMITER
from tlslab.shells import CHUNK
from winrm.exceptions import InvalidCredentialsError, WinRMOperationTimeoutError, WinRMTransportError, WSManFaultError


def protocol(lab, host="web01", password="lab-password", timeout=20):
    return winrm.Protocol(endpoint=f"{lab.url}/{host}", transport="basic", username="lab", password=password,
                          operation_timeout_sec=timeout, read_timeout_sec=timeout + 10)


def encoded(script: str) -> list[str]:
    return ["-NoProfile", "-NonInteractive", "-EncodedCommand", base64.b64encode(script.encode("utf-16-le")).decode()]


def bootstrap_stdin(action: str, params: dict, data: bytes = b"") -> bytes:
    manifest = {"scripts": {}, "actions": [{"name": action, "params": params, "secure_params": {}}],
                "signed_hashlist": []}
    stdin = json.dumps({"name": "exec_wrapper", "script": "", "params": {}}).encode() + DELIMITER
    stdin += json.dumps(manifest).encode()
    return stdin + (DELIMITER + data if data else b"")


BOOTSTRAP = "$codeJson = foreach ($in in $input) { if ([string]::Equals($in, \"`0`0`0`0\")) { break } $in }"


def run_bootstrap(proto: winrm.Protocol, shell: str, stdin: bytes) -> tuple[bytes, bytes, int]:
    command = proto.run_command(shell, "PowerShell", encoded(BOOTSTRAP), console_mode_stdin=False)
    half = len(stdin) // 2
    proto.send_command_input(shell, command, stdin[:half], end=False)
    proto.send_command_input(shell, command, stdin[half:], end=True)
    out = proto.get_command_output(shell, command)
    proto.cleanup_command(shell, command)
    return out


def test_every_operation_and_a_big_output_in_several_receives(small_lab):
    proto = protocol(small_lab)
    shell = proto.open_shell(codepage=65001)
    command = proto.run_command(shell, "powershell", encoded("Write-Output 'hello lab'"))
    assert proto.get_command_output(shell, command) == (b"hello lab\r\n", b"", 0)
    proto.cleanup_command(shell, command)  # Signal
    big = bytes(range(256)) * ((3 * CHUNK) // 256 + 7)
    lines = b"\r\n".join(base64.b64encode(big[i:i + 57]) for i in range(0, len(big), 57))
    out, err, code = run_bootstrap(proto, shell, bootstrap_stdin("winrm_put_file.ps1", {"Path": r"C:\t\big.bin"},
                                                                 lines))
    assert code == 0 and err == b"" and json.loads(out)["sha1"]
    before = small_lab.running.lab.requests
    out, err, code = run_bootstrap(proto, shell, bootstrap_stdin(
        "winrm_fetch_file.ps1", {"Path": r"C:\t\big.bin", "BufferSize": 10**7, "Offset": 0}))
    assert (code, err, base64.b64decode(out)) == (0, b"", big)
    receives = small_lab.running.lab.requests - before - 4  # Command, 2x Send, Signal
    assert receives >= len(base64.b64encode(big)) // CHUNK
    proto.close_shell(shell)  # Delete
    with pytest.raises(WSManFaultError) as fault:
        proto.close_shell(shell)
    assert fault.value.wsman_fault_code == 2150858843


def test_receive_before_stdin_ends_times_out_with_the_wsman_fault(small_lab):
    proto = protocol(small_lab, timeout=1)
    shell = proto.open_shell()
    command = proto.run_command(shell, "PowerShell", encoded(BOOTSTRAP), console_mode_stdin=False)
    started = time.monotonic()
    with pytest.raises(WinRMOperationTimeoutError):
        proto._raw_get_command_output(shell, command)
    assert time.monotonic() - started < 5


def test_wrong_password_is_rejected(small_lab):
    with pytest.raises(InvalidCredentialsError):
        protocol(small_lab, password="nope").open_shell()


def test_unknown_host_and_oversized_request(small_lab):
    with pytest.raises(WinRMTransportError) as err:
        protocol(small_lab, host="nobody").open_shell()
    assert err.value.code == 404
    proto = protocol(small_lab)
    with pytest.raises(WinRMTransportError) as err:
        proto.send_message("x" * (5 * 1024 * 1024))
    assert err.value.code == 413


def test_unrecognised_commands_are_refused_in_clixml(small_lab):
    proto = protocol(small_lab)
    shell = proto.open_shell()
    command = proto.run_command(shell, "powershell", encoded("Remove-Computer -Force"))
    _out, err, code = proto.get_command_output(shell, command)
    assert code == 1 and err.startswith(b"#< CLIXML") and b"lab: this command is not emulated" in err


def test_latency_refusal_and_a_dropped_reply(small_lab):
    host = small_lab.host("web01")
    host.set_faults({"latency_ms": 300})
    started = time.monotonic()
    proto = protocol(small_lab)
    shell = proto.open_shell()
    assert time.monotonic() - started >= 0.3
    host.set_faults({"latency_ms": 0, "refuse": True})
    with pytest.raises(requests.exceptions.ConnectionError):
        protocol(small_lab).open_shell()
    host.set_faults({"refuse": False, "drop_mid_command": 1})
    command = proto.run_command(shell, "PowerShell", encoded(BOOTSTRAP), console_mode_stdin=False)
    proto.send_command_input(shell, command, bootstrap_stdin("winrm_put_file.ps1", {"Path": r"C:\t\x.txt"},
                                                             base64.b64encode(b"ran anyway")), end=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        proto.get_command_output(shell, command)
    assert host.read_file(r"C:\t\x.txt") == b"ran anyway"  # the command ran; only its reply was lost
    assert "drop_mid_command" not in host.faults


def test_idle_shells_expire(small_lab):
    proto = protocol(small_lab)
    proto.open_shell()
    host = small_lab.host("web01")
    assert len(host.shells) == 1
    assert host.shells.expire(0) == 1 and len(host.shells) == 0


def test_hosts_are_isolated(lab_factory):
    lab = lab_factory([fleet.HostSpec("a1", "2019", ()), fleet.HostSpec("b1", "2022", ())])
    lab.host("a1").set_faults({"refuse": True})
    shell = protocol(lab, host="b1").open_shell()
    assert shell and len(lab.host("b1").shells) == 1 and len(lab.host("a1").shells) == 0
