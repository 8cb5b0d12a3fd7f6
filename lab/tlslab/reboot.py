# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three commands ``ansible.windows.win_reboot`` sends: boot-time probe, shutdown, post-boot test."""

from __future__ import annotations

import json
import re
import time

from .host import Host, Timing
from .osprofiles import WINLOGON
from .powershell import clixml_error

Result = tuple[int, bytes, bytes]
_SHUTDOWN = re.compile(r"(?i)shutdown(?:\.exe)?\s+/r\s+/t\s+(\d+)")
_ABORT = re.compile(r"(?i)shutdown(?:\.exe)?\s+/a\b")
_TEST = re.compile(r"AutoLogonChecked'\s+-ErrorAction\s+Stop;\s*'(success-[0-9a-fA-F-]+)'")


def handle(host: Host, script: str, timing: Timing) -> Result | None:
    """The reply for a reboot-related script, or None when the script is not one of them."""
    if "LastBootUpTime" in script and "ToFileTime" in script:
        return 0, f"{host.boot_filetime}\r\n".encode(), b""
    if _ABORT.search(script):
        host.down_at = None
        return 0, json.dumps({"stdout": "", "stderr": "", "rc": 0}).encode() + b"\r\n", b""
    shutdown = _SHUTDOWN.search(script)
    if shutdown:
        if host.down_at is not None:  # shutdown.exe exits 1190 when one is already scheduled
            return 0, json.dumps({"stdout": "", "stderr": "A system shutdown has already been scheduled.(1190)",
                                  "rc": 1190}).encode() + b"\r\n", b""
        host.schedule_reboot(timing, time.time())
        return 0, json.dumps({"stdout": "", "stderr": "", "rc": 0}).encode() + b"\r\n", b""
    test = _TEST.search(script)
    if test:
        if not host.registry.key_exists(f"{WINLOGON}\\AutoLogonChecked"):
            return 1, b"", clixml_error(f"Cannot find path 'HKLM:\\{WINLOGON[5:]}\\AutoLogonChecked' because it "
                                        "does not exist.")
        return 0, f"\r\n    Hive: HKEY_LOCAL_MACHINE\\{WINLOGON[5:]}\r\n\r\n{test.group(1)}\r\n".encode(), b""
    return None
