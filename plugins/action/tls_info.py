# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_info: every TLS-related registry value of a host in one round trip, and what it means."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_INFO_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.audit_result import settings_report, state_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import resolve_policy
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_INFO_ARGS

    def act(self, args: dict) -> dict:
        state, _reply = self.read_state()
        compiled = None
        result: dict = {"changed": False}
        if args["profile"] or args["overrides"]:
            policy, adapted = resolve_policy(args["profile"], args["overrides"], state.build)
            compiled = compile_policy(policy, state.build)
            result["policy_warnings"] = adapted + list(compiled.warnings)
        values = state.tls_values
        result.update(state_report(values, state.build, complete=True, compiled=compiled,
                                   profile=args["profile"] or "the overrides"))
        result.update(os=state.os_json(), facts=state.facts, settings=settings_report(values, state.build),
                      raw=values.to_json())
        return result
