# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_usage: who still uses TLS 1.0/1.1 on a host, and whether it is safe to switch them off (docs/usage.md).

One round trip: the host counts SCHANNEL events, IIS log lines (of the default log folders and of every IIS
site's own log folder) and Exchange SMTP receive log lines from the checkpoint this controller keeps; the run
is merged into the host's store file, and the report and gate are computed from the whole store."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_USAGE_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (
    HostReplyError,
    Problem,
    TlsGuardError,
    ValidationError,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage import iis, schannel, smtp
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.aggregate import (
    Aggregate,
    merge_run,
    prune,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.evidence import run_evidence
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.gate import MAX_DAYS, GateException, GateRule
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.reply import UsageReply
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.report import build_report
from ansible_collections.tlsguard.windows.plugins.module_utils._core.usage.timefmt import iso
from ansible_collections.tlsguard.windows.plugins.module_utils._files import FileProblem, read_existing, write_atomic
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction

KEEP_DAYS = 90                    # history kept in the store at least (docs/usage.md: 90 days suggested)
MAX_TOP = 10_000
MAX_STORE_BYTES = 64 << 20        # a store is bounded by its caps (10,000 groups); more is not ours
IIS_FOLDERS = [r"%SystemDrive%\inetpub\logs\LogFiles\W3SVC*"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def store_name(host: str) -> str:
    """A file name for the inventory name: no separators, no '..', never empty or hidden."""
    name = _UNSAFE.sub("_", host).lstrip(".") or "_"
    return f"{name[:200]}.json"


def _rule(args: dict) -> GateRule:
    problems: list[Problem] = []
    days = args["days"]
    if not 1 <= days <= MAX_DAYS:
        problems.append(Problem("days", f"should be a whole number of days from 1 to {MAX_DAYS}, got {days}"))
    exceptions = []
    for index, item in enumerate(args["exceptions"]):
        try:
            exceptions.append(GateException.from_json(item, f"exceptions[{index}]"))
        except ValidationError as err:
            problems += err.problems
    if not 1 <= args["top"] <= MAX_TOP:
        problems.append(Problem("top", f"should be from 1 to {MAX_TOP}, got {args['top']}"))
    if not args["sources"]:
        problems.append(Problem("sources", "should name at least one of schannel, iis, smtp"))
    if problems:
        raise ValidationError(problems)
    return GateRule(days, tuple(exceptions), args["require_smtp"])


def _message(report: dict) -> str:
    gate = report["gate"]
    reasons = gate["reasons"]
    head = {"pass": "gate passed", "fail": "gate failed", "undetermined": "gate undetermined"}[gate["verdict"]]
    text = f"{head}: {reasons[0]}" if reasons else head
    if len(reasons) > 1:
        text += f" (and {len(reasons) - 1} more reason(s), see gate.reasons)"
    return text


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_USAGE_ARGS

    def check_arguments(self, args: dict) -> None:
        self.rule = _rule(args)   # answered before the host is contacted

    def _load(self, path: str) -> Aggregate:
        try:
            data = read_existing(path, MAX_STORE_BYTES)
        except FileProblem as err:
            raise ValidationError([Problem("store", str(err))]) from None
        if data is None:
            return Aggregate()
        try:
            return Aggregate.from_json(json.loads(data), f"store file {path}")
        except (ValueError, HostReplyError) as err:
            raise ValidationError([Problem("store", f"{path} is not a tls_usage store ({err}); move it away to "
                                           "start a new history")]) from None

    def act(self, args: dict) -> dict:
        folder = args["store"]
        path = os.path.join(folder, store_name(self.hostname))
        store = self._load(path)
        now = datetime.now(UTC).replace(microsecond=0)
        as_of = iso(now)
        keep = max(KEEP_DAYS, self.rule.days)
        not_before = iso(now - timedelta(days=keep))
        usage: dict = {"not_before": not_before,
                       "checkpoint": store.checkpoint.to_json() if store.checkpoint else None}
        if "schannel" in args["sources"]:
            usage["events"] = {"log": schannel.LOG, "provider": schannel.PROVIDER, "ids": list(schannel.EVENT_IDS),
                               "spec": schannel.SPEC.to_json()}
        if "iis" in args["sources"]:
            # With the site inventory the host also reads every site's log_dir, in the same round trip, so a
            # site logging outside the default folder is counted; coverage then requires every https site.
            usage["iis_sites"] = True
            usage["iis"] = {"folders": IIS_FOLDERS, "patterns": list(iis.FILE_PATTERNS), "format": "w3c",
                            "spec": iis.SPEC.to_json()}
        if "smtp" in args["sources"]:
            # Receive logs only: the gate judges clients connecting to this host. On a host without Exchange the
            # folders do not exist and the source is off (it matters only with require_smtp).
            usage["smtp"] = {"folders": list(smtp.RECEIVE_FOLDERS), "patterns": [smtp.RECEIVE_PATTERN],
                             "format": "csv", "spec": smtp.SPEC.to_json()}
        reply = self.call_host(usage=usage)
        try:
            parsed = UsageReply.from_json(reply.get("usage"), "host reply.usage")
        except TlsGuardError as err:
            raise HostReplyError(f"{self.hostname}: {err}") from None
        run = run_evidence(parsed, store, not_before)
        merged = prune(merge_run(store, run), keep, as_of)
        report = build_report(self.hostname, merged, self.rule, as_of, args["top"]).to_json()
        if not self._task.check_mode:
            try:
                os.makedirs(folder, mode=0o700, exist_ok=True)
                write_atomic(path, json.dumps(merged.to_json(), sort_keys=True).encode())
            except (OSError, FileProblem) as err:
                raise ValidationError([Problem("store", f"cannot keep the usage history in {path}: {err}")]) \
                    from None
        warnings = {"warnings": list(reply["warnings"])} if reply.get("warnings") else {}   # e.g. IIS unreadable
        return {**report, **warnings, "changed": False, "msg": _message(report), "store_file": path,
                "store_written": not self._task.check_mode}
