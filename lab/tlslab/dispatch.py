# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a command does on an emulated host. The PowerShell that arrives is decoded and recognised, never run:
Ansible's bootstrap (modules and executor scripts), the win_reboot commands, temp clean-up and ``echo``;
anything else is refused with an error that says the lab does not emulate it."""

from __future__ import annotations

import json
import re

from . import executor, reboot
from .host import Host, Timing
from .modules import run_module
from .payload import BOOTSTRAP_MARK, PayloadError, parse
from .powershell import clixml_error, decode_command
from .shells import Command

Result = tuple[int, bytes, bytes]
_REMOVE = re.compile(r"(?is)^\s*Remove-Item\s")
_ECHO = re.compile(r"(?is)^\s*(?:echo|Write-Output)\s+'?([^';\r\n]*)'?\s*$")


def refuse(message: str) -> Result:
    return 1, b"", clixml_error(f"lab: {message}")


def run(host: Host, command: Command, timing: Timing) -> Result:
    script = decode_command(command.command_line)
    if script is None:
        return refuse(f"not a PowerShell -EncodedCommand: {command.command_line[:80]!r}")
    if BOOTSTRAP_MARK in script:
        return _bootstrap(host, bytes(command.stdin))
    answer = reboot.handle(host, script, timing)
    if answer is not None:
        return answer
    if _REMOVE.match(script):
        return 0, b"", b""
    echo = _ECHO.match(script)
    if echo:
        return 0, echo.group(1).encode() + b"\r\n", b""
    first = script.strip().splitlines()[0][:100] if script.strip() else ""
    return refuse(f"this command is not emulated: {first!r}")


def _bootstrap(host: Host, stdin: bytes) -> Result:
    try:
        payload = parse(stdin)
    except PayloadError as err:
        return refuse(str(err))
    if payload.action in executor.EXECUTORS:
        return executor.EXECUTORS[payload.action](host, payload)
    if payload.action != "module_wrapper.ps1":
        return refuse(f"executor script {payload.action} is not emulated")
    result = run_module(host, payload)
    return (1 if result.get("failed") else 0), json.dumps(result).encode() + b"\r\n", b""
