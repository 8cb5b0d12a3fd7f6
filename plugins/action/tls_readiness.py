# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_readiness: will this host survive each rollout stage? One round trip (the readiness read), judged by the
core's readiness rules; waivers are checked before the host is contacted."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_READINESS_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import parse_reply
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.evaluate import (
    TargetVerdict,
    assess,
    gate,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.hostread import (
    parse_readiness,
    readiness_request,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.readiness.waivers import parse_waivers
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction


def summary(verdicts: dict[str, dict]) -> str:
    """One readable line per stage, joined: 'enforce: blocked by rdp_kb3080079'."""
    lines = []
    for stage, data in verdicts.items():
        line = f"{stage}: {data['verdict']}"
        if data["blocking"]:
            why = "blocked by" if data["verdict"] == "blocked" else "not known for"
            line += f" ({why} {', '.join(data['blocking'])})"
        if data["waived"]:
            line += f", waived {', '.join(data['waived'])}"
        lines.append(line)
    return "; ".join(lines)


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_READINESS_ARGS

    def check_arguments(self, args: dict) -> None:
        self.waivers = parse_waivers(args["waivers"])  # answered before the host is contacted

    def act(self, args: dict) -> dict:
        reply = self.call_host(**readiness_request())
        state = parse_reply(reply)
        components = parse_readiness(reply)
        assessed = assess(components, state.build, self.waivers)
        result: dict = {"changed": False, **assessed.to_json(), "os": state.os_json()}
        result["msg"] = summary(result["verdicts"])
        profile = args["profile"]
        if profile:
            # A stage's verdict is the one assess gave; any other profile is judged by its own policy.
            target: TargetVerdict = next((v for v in assessed.verdicts if v.target == profile), None) or gate(
                components, state.build, profile, self.waivers)
            result.update(verdict=target.to_json(), message=target.message())
        return result
