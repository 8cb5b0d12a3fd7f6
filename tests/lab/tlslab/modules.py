# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which PowerShell modules the lab answers, and how: the collection's own modules through their twins
(recognised by the marker on their first line and checked against the hash the twin was written for), a
small allow-list of ansible.windows modules, and a clear refusal for everything else."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from . import facts
from .host import Host
from .payload import Payload
from .twins import tls_host, win_registry
from .twins.args import ModuleFailure

MARKER = re.compile(r"\A\ufeff?\$AnsibleLabAgent\s*=\s*'([^']+)'")

TWINS: dict[str, tuple[str, Callable[[Host, dict], dict]]] = {
    tls_host.AGENT: (tls_host.SOURCE_SHA256, tls_host.run),
}
ALLOWED: dict[str, Callable[[Host, dict], dict]] = {
    "ansible.windows.setup": facts.setup,
    "ansible.windows.win_ping": facts.ping,
    "ansible.windows.win_reg_stat": win_registry.reg_stat,
    "ansible.windows.win_regedit": win_registry.regedit,
}


def run_module(host: Host, payload: Payload) -> dict:
    marker = MARKER.match(payload.module_source or "")
    if marker:
        agent = marker.group(1)
        if agent not in TWINS:
            return {"failed": True, "msg": f"lab: no twin for agent {agent!r} ({payload.short_name})"}
        expected, handler = TWINS[agent]
        actual = hashlib.sha256((payload.module_source or "").encode("utf-8")).hexdigest()
        if actual != expected:
            return {"failed": True, "msg": f"lab: the PowerShell of {payload.short_name} changed (sha256 {actual}, "
                                           f"its twin was written for {expected}); update the twin in "
                                           "tests/lab/tlslab/twins/ and its SOURCE_SHA256"}
    else:
        handler = ALLOWED.get(payload.short_name)  # type: ignore[assignment]
        if handler is None:
            return {"failed": True, "msg": f"lab: module {payload.short_name} is not emulated"}
    if payload.wrappers:
        return {"failed": True, "msg": f"lab: {', '.join(payload.wrappers)} (become/async) is not emulated"}
    try:
        return handler(host, payload.module_args)
    except ModuleFailure as failure:
        return {"failed": True, "msg": str(failure), **failure.extra}
