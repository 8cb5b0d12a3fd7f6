# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_config: bring a host to a profile (plus overrides). One round trip when nothing changes, two otherwise."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_CONFIG_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.desired import compile_policy
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import Problem, ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import check_force, check_guards
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.profiles import (
    check_policy_arguments,
    resolve_policy,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_CONFIG_ARGS
    REQUIRED_ONE_OF: ClassVar[list] = [("profile", "overrides")]

    def act(self, args: dict) -> dict:
        force = check_force(args["force"])
        check_policy_arguments(args["profile"], args["overrides"])  # answered before the host is contacted
        state, _reply = self.read_state()
        policy, adapted = resolve_policy(args["profile"], args["overrides"], state.build)
        current = state.tls_values
        compiled = compile_policy(policy, state.build, current)
        changes = plan(compiled, current)
        guards = check_guards(view_of(current, state.build), view_of(changes.after(current), state.build), force)
        if guards.blocked:
            details = "; ".join(f"{v.guard}: {v.message}" for v in guards.violations)
            names = ", ".join(v.guard for v in guards.violations)
            raise ValidationError([Problem("force", f"refusing a plan that would lock {self.hostname} out: {details}. "
                                                    f"Fix the profile/overrides, or set force: [{names}] if this "
                                                    "is really wanted")])
        warnings = adapted + list(compiled.warnings) + list(guards.warnings)
        warnings += [f"forced past guard {v.guard}: {v.message}" for v in guards.forced]
        result = self.planned(changes, state)
        if changes.changed and not self._task.check_mode:
            result["backup"], warning = self.apply(changes.host_ops(), args["backup_dir"],
                                                   args["controller_backup_dir"])
            warnings += [warning] if warning else []
        result["warnings"] = warnings
        return result
