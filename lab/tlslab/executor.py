# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's executor scripts: put_file, fetch_file, temp directories and ``~`` expansion."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from .host import Host
from .payload import Payload
from .powershell import clixml_error

Result = tuple[int, bytes, bytes]
USER_HOME = r"C:\Users\lab"
ENVIRONMENT = {"TEMP": USER_HOME + r"\AppData\Local\Temp", "TMP": USER_HOME + r"\AppData\Local\Temp",
               "USERPROFILE": USER_HOME, "SYSTEMROOT": r"C:\Windows", "WINDIR": r"C:\Windows",
               "PROGRAMDATA": r"C:\ProgramData", "SYSTEMDRIVE": "C:"}


def expand(path: str, environment: dict[str, str] | None = None) -> str:
    """Windows %VAR% expansion for the variables the lab defines (others stay as written); ``environment`` (upper
    case names) adds a host's own, e.g. ``host.host_environment``."""
    known = {**ENVIRONMENT, **(environment or {})}
    return re.sub(r"%([^%]+)%", lambda m: known.get(m.group(1).upper(), m.group(0)), path)


def put_file(host: Host, payload: Payload) -> Result:
    try:
        data = b"".join(base64.b64decode(line) for line in payload.data.split(b"\r\n") if line.strip())
    except binascii.Error as err:
        return 1, b"", clixml_error(f"put_file: the data is not base64: {err}")
    host.write_file(expand(payload.params["Path"]), data)
    return 0, json.dumps({"sha1": hashlib.sha1(data).hexdigest()}).encode() + b"\r\n", b""


def fetch_file(host: Host, payload: Payload) -> Result:
    path = expand(payload.params["Path"])
    if host.local_path(path).is_dir():
        return 0, b"[DIR]\r\n", b""
    data = host.read_file(path)
    if data is None:
        return 1, b"", clixml_error(f"Path '{path}' does not exist")
    offset, size = int(payload.params.get("Offset", 0)), int(payload.params.get("BufferSize", 524288))
    chunk = data[offset:offset + size]
    return 0, (base64.b64encode(chunk) + b"\r\n") if chunk else b"", b""


def mkdtemp(host: Host, payload: Payload) -> Result:
    path = expand(payload.params["Directory"]).rstrip("\\") + "\\" + payload.params["Name"]
    host.local_path(path).mkdir(parents=True, exist_ok=True)
    return 0, path.encode() + b"\r\n", b""


def expand_user(host: Host, payload: Payload) -> Result:
    path = payload.params.get("Path", "~")
    if path == "~" or path.startswith(("~\\", "~/")):
        path = USER_HOME + path[1:]
    return 0, path.encode() + b"\r\n", b""


EXECUTORS = {
    "winrm_put_file.ps1": put_file,
    "winrm_fetch_file.ps1": fetch_file,
    "powershell_mkdtemp.ps1": mkdtemp,
    "powershell_expand_user.ps1": expand_user,
}
