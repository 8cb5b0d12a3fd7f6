# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_info: every TLS-related registry value of a host in one round trip, and what it means."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_INFO_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.audit_result import audit_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import (
    check_policy_arguments,
    resolve_policy,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_INFO_ARGS

    def check_arguments(self, args: dict) -> None:
        check_policy_arguments(args["profile"], args["overrides"])  # answered before the host is contacted

    def act(self, args: dict) -> dict:
        state, _reply = self.read_state()
        values = state.tls_values
        compiled = None
        result: dict = {"changed": False}
        if args["profile"] or args["overrides"] is not None:
            policy, adapted = resolve_policy(args["profile"], args["overrides"], state.build)
            compiled = compile_policy(policy, state.build, values)
            result["policy_warnings"] = adapted + list(compiled.warnings)
        result.update(audit_report(view_of(values, state.build), compiled))
        result.update(os=state.os_json(), facts=state.facts, raw=values.to_json())
        return result
