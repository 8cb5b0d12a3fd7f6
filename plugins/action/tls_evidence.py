# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_evidence: turn on what tls_usage reads - SCHANNEL EventLogging with the informational bit, and the IIS
custom log fields (turnon/logfields.py) on siteDefaults and every site with fields of its own.

One round trip when nothing changes (the read), two otherwise (the read, then one write call carrying the registry
change with its backup and the IIS additions). Check mode stops after the read."""

from __future__ import annotations

from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_EVIDENCE_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import Problem, ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import HostState
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import Plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.turnon.eventlogging import (
    EVENT_LOGGING,
    event_logging_plan,
    level,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.turnon.iisplan import (
    FieldPlan,
    IisLogConfig,
    outcome,
    plan_fields,
    render,
    site_report,
)
from ansible_collections.tlsguard.windows.plugins.plugin_utils._host_writes import WritingHostAction

READ_ONLY: dict[str, list] = {"add": []}   # the iis_log_fields request that only reads


class ActionModule(WritingHostAction):
    ARGSPEC: ClassVar[dict] = TLS_EVIDENCE_ARGS

    def check_arguments(self, args: dict) -> None:
        if not args["event_logging"] and not args["iis_log_fields"]:
            raise ValidationError([Problem("event_logging", "event_logging and iis_log_fields are both false: "
                                                            "there is nothing to turn on")])
        if args["require_iis"] and not args["iis_log_fields"]:
            raise ValidationError([Problem("require_iis", "needs iis_log_fields: true")])

    def act(self, args: dict) -> dict:
        extra = self.write_read_args(args)
        if args["iis_log_fields"]:
            extra["iis_log_fields"] = READ_ONLY
        state, reply = self.read_state(**extra)
        registry = event_logging_plan(state.tls_values) if args["event_logging"] else Plan(())
        iis = IisLogConfig.from_json(reply.get("iis_log_fields")) if args["iis_log_fields"] else None
        fields = self.field_plan(iis, args["require_iis"])
        if registry.changed:
            self.refuse_unsafe_write(state, reply)
        elif fields.changed and state.facts.get("is_admin") is False:
            raise ValidationError([Problem("", f"{self.hostname}: the connection account is not an administrator "
                                               "there (facts.is_admin is false); IIS's applicationHost.config needs "
                                               "one; nothing was changed")])
        result = self.planned(registry, state)
        warnings = self.unsupported_warnings(reply)
        after = fields.after(iis) if iis is not None else None
        if (registry.changed or fields.changed) and not self._task.check_mode:
            written = self.write(registry, fields, state, args, result, warnings)
            if iis is not None and written is not None:
                after = written
        result["changed"] = registry.changed or fields.changed
        parts = []
        if args["event_logging"]:
            result["event_logging"] = self.event_logging(state, registry)
            parts.append(result["event_logging"]["detail"])
        if iis is not None and after is not None:
            status, detail = outcome(iis, fields, self._task.check_mode)
            result["iis"] = {"status": status, "detail": detail,
                             "added": [a.to_host() for a in fields.additions],
                             "sites": site_report(iis, after) if status in ("ok", "changed") else []}
            parts.append(detail)
            if self._task.diff and fields.changed:
                diff = {"before": render(iis), "after": render(after), "before_header": "IIS custom log fields "
                        "(before)", "after_header": "IIS custom log fields (after)"}
                result["diff"] = [result["diff"], diff] if "diff" in result else diff
        lead = "check mode: " if self._task.check_mode and result["changed"] else ""
        result["msg"] = f"{lead}{self.hostname}: " + "; ".join(parts)
        result["warnings"] = warnings
        return result

    def field_plan(self, iis: IisLogConfig | None, require: bool) -> FieldPlan:
        if iis is None:
            return FieldPlan((), ())
        fields = plan_fields(iis)
        if fields.conflicts:
            raise ValidationError([Problem("", f"{self.hostname}: {c}") for c in fields.conflicts])
        status, detail = outcome(iis, fields, self._task.check_mode)
        if require and status in ("not_installed", "unreadable"):
            raise ValidationError([Problem("require_iis", f"{self.hostname}: {detail}")])
        return fields

    def write(self, registry: Plan, fields: FieldPlan, state: HostState, args: dict, result: dict,
              warnings: list[str]) -> IisLogConfig | None:
        """Round trip 2; the IIS configuration as the host has it afterwards (None when no field was added)."""
        request = {"iis_log_fields": fields.host_request()} if fields.changed else {}
        if registry.changed:
            result["backup"], write_warnings = self.apply(registry.host_ops(), registry, state, args, request)
            warnings += write_warnings
            reply = self.write_reply
        else:
            reply = self.call_host(**request)
            warnings += list(reply.get("warnings") or ())
        return IisLogConfig.from_json(reply.get("iis_log_fields")) if fields.changed else None

    def event_logging(self, state: HostState, registry: Plan) -> dict:
        found = state.tls_values.get(EVENT_LOGGING)
        before = level(state.tls_values)
        after = registry.changes[0].after.as_int() if registry.changed and registry.changes[0].after else before
        if registry.changed:
            verb = "would be set to" if self._task.check_mode else "set to"
            detail = (f"SCHANNEL EventLogging {found.data if found else '(absent, 1)'} {verb} {after}: successful "
                      "handshakes (event 36880) are logged after the next restart")
        else:
            detail = f"SCHANNEL EventLogging {before} already logs successful handshakes"
        return {"before": found.to_json() if found else None, "level_before": before, "level_after": after,
                "detail": detail}
