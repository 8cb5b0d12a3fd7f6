# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's PowerShell payload as it arrives on stdin (ansible-core 2.19 and later).

``bootstrap_wrapper.ps1`` runs as ``-EncodedCommand``; stdin carries the exec-wrapper JSON, a ``\\n\\0\\0\\0\\0\\n``
delimiter, the exec manifest JSON (scripts as base64 and the actions to run, the last one being the module or
executor script) and, for executor scripts that stream data (put_file), another delimiter and the data.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

DELIMITER = b"\n\0\0\0\0\n"
BOOTSTRAP_MARK = "`0`0`0`0"  # the literal bootstrap_wrapper.ps1 splits its input on


class PayloadError(ValueError):
    """stdin is not an Ansible payload this lab understands."""


@dataclass
class Payload:
    action: str                      # e.g. module_wrapper.ps1, winrm_put_file.ps1, powershell_mkdtemp.ps1
    params: dict
    module_name: str | None = None   # e.g. ansible_collections.tlsguard.windows.plugins.modules.tls_host.ps1
    module_source: str | None = None
    module_args: dict = field(default_factory=dict)
    wrappers: tuple[str, ...] = ()   # become/async/coverage actions that ran before the last one
    data: bytes = b""

    @property
    def short_name(self) -> str:
        """'ansible.windows.win_ping' style name of the module."""
        name = (self.module_name or "").removesuffix(".ps1")
        if name.startswith("ansible_collections."):
            namespace, collection, _plugins, _modules, module = name.split(".")[1:6]
            return f"{namespace}.{collection}.{module}"
        return name


def parse(stdin: bytes) -> Payload:
    parts = stdin.split(DELIMITER, 2)
    if len(parts) < 2:
        raise PayloadError("stdin has no exec manifest (only ansible-core 2.19 and later are emulated)")
    try:
        manifest = json.loads(parts[1])
        actions = manifest["actions"]
        last = actions[-1]
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise PayloadError(f"exec manifest is not valid: {err}") from None
    payload = Payload(action=last["name"], params=last.get("params") or {},
                      wrappers=tuple(a["name"] for a in actions[:-1]), data=parts[2] if len(parts) > 2 else b"")
    if payload.action == "module_wrapper.ps1":
        script = payload.params.get("Script", "")
        try:
            payload.module_source = base64.b64decode(manifest["scripts"][script]["script"]).decode("utf-8")
        except (KeyError, binascii.Error, UnicodeDecodeError) as err:
            raise PayloadError(f"module source {script!r} is missing or unreadable: {err}") from None
        payload.module_name = script
        for variable in payload.params.get("Variables") or ():
            if variable.get("Name") == "complex_args":
                payload.module_args = variable.get("Value") or {}
    return payload
