# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which PowerShell modules the lab answers, and how: the collection's own modules through their twins
(recognised by their name in the payload and checked against the SHA-256 of the PowerShell the twin was written
for), a small allow-list of ansible.windows modules, and a clear refusal for everything else."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from . import facts
from .host import Host
from .payload import Payload
from .twins import tls_host, win_registry
from .twins.args import ModuleFailure

TWINS: dict[str, tuple[str, Callable[[Host, dict], dict]]] = {
    tls_host.MODULE: (tls_host.SOURCE_SHA256, tls_host.run),
}
ALLOWED: dict[str, Callable[[Host, dict], dict]] = {
    "ansible.windows.setup": facts.setup,
    "ansible.windows.win_ping": facts.ping,
    "ansible.windows.win_reg_stat": win_registry.reg_stat,
    "ansible.windows.win_regedit": win_registry.regedit,
}


def _handler(payload: Payload) -> Callable[[Host, dict], dict] | str:
    """The function that answers the module, or why the lab will not answer it."""
    if payload.short_name in TWINS:
        expected, twin = TWINS[payload.short_name]
        actual = hashlib.sha256((payload.module_source or "").encode("utf-8")).hexdigest()
        if actual != expected:
            return (f"lab: the PowerShell of {payload.short_name} changed (sha256 {actual}, its twin was written for "
                    f"{expected}); update the twin in lab/tlslab/twins/ and its SOURCE_SHA256")
        return twin
    return ALLOWED.get(payload.short_name) or f"lab: module {payload.short_name} is not emulated"


def run_module(host: Host, payload: Payload) -> dict:
    handler = _handler(payload)
    if isinstance(handler, str):
        return {"failed": True, "msg": handler}
    if payload.wrappers:
        return {"failed": True, "msg": f"lab: {', '.join(payload.wrappers)} (become/async) is not emulated"}
    try:
        return handler(host, payload.module_args)
    except ModuleFailure as failure:
        return {"failed": True, "msg": str(failure), **failure.extra}
