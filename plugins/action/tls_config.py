# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_config: bring a host to a profile (plus overrides). One round trip when nothing changes, two otherwise.
The first read is the readiness read too: a policy readiness holds back (not waived) is refused before any write."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_CONFIG_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import check_force, check_guards
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import parse_reply
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import (
    check_policy_arguments,
    resolve_policy,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.evaluate import TargetVerdict, gate
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.hostread import (
    parse_readiness,
    readiness_request,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.waivers import parse_waivers
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of
from ansible_collections.tlsguard.windows.plugins.plugin_utils._host_writes import WritingHostAction
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import HostCallFailed


class ActionModule(WritingHostAction):
    ARGSPEC: ClassVar[dict] = TLS_CONFIG_ARGS
    REQUIRED_ONE_OF: ClassVar[list] = [("profile", "overrides")]

    def check_arguments(self, args: dict) -> None:
        check_force(args["force"])
        check_policy_arguments(args["profile"], args["overrides"], required=True)  # before the host is contacted
        self.waivers = parse_waivers(args["waivers"])

    def act(self, args: dict) -> dict:
        force = check_force(args["force"])
        reply = self.call_host(**readiness_request(), **self.write_read_args(args))  # the TLS and readiness read
        state = parse_reply(reply)
        policy, adapted = resolve_policy(args["profile"], args["overrides"], state.build)
        readiness = gate(parse_readiness(reply), state.build, args["profile"], self.waivers, policy=policy)
        current = state.tls_values
        compiled = compile_policy(policy, state.build, current)
        changes = plan(compiled, current)
        guards = check_guards(view_of(current, state.build), view_of(changes.after(current), state.build), force)
        self.refuse_blocked(guards)
        audit = {"readiness": readiness.to_json(), "waivers": self.matched_waivers(readiness)}
        if readiness.blocked:
            # Refused like a failed host call so the result still carries the verdict and the waivers.
            raise HostCallFailed(f"{self.hostname}: {readiness.message()}", dict(audit, changed=False))
        warnings = adapted + list(compiled.warnings) + list(guards.warnings) + self.unsupported_warnings(reply)
        warnings += [f"forced past guard {v.guard}: {v.message}" for v in guards.forced]
        result = self.planned(changes, state)
        if changes.changed:
            self.refuse_unsafe_write(state, reply)
        if changes.changed and not self._task.check_mode:
            result["backup"], write_warnings = self.apply(changes.host_ops(), changes, state, args)
            warnings += write_warnings
        result["warnings"] = warnings
        result.update(audit)
        return result

    def matched_waivers(self, readiness: TargetVerdict) -> list[dict]:
        """Every waiver with the number of findings it lifted for this policy (0: stale or not needed here)."""
        return [dict(w.to_json(), matched=sum(1 for f in readiness.waived if f.waiver == w)) for w in self.waivers]
