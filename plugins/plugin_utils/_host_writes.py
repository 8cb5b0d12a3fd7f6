# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: what the writing actions (tls_config, tls_restore) add to the host base.

A write is refused before it is sent when it could not succeed (the account is not an administrator, the host's
backup folder cannot be trusted), in check mode too. Before the write goes out, a copy of the backup it will make
is kept on the controller, named only from the sanitised inventory name and the id the controller chose; the
host's reply then completes it. When the reply is lost, the task says that changes may have been made and how to
put them back, and the copies stay.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from ansible_collections.tlsguard.windows.plugins.module_utils._core.backup import (
    Backup,
    check_backup_id,
    new_backup_id,
    parse_backup,
    planned_backup,
    safe_name,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (
    HostReplyError,
    Problem,
    ValidationError,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import GuardResult
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import HostState
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import Plan
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import (
    HostCallFailed,
    HostUnreachable,
    TlsHostAction,
)


class ControllerCopy:
    """``<controller_backup_dir>/<inventory name>/<backup id>.json``, written atomically, never outside the folder."""

    def __init__(self, folder: str | None, hostname: str, backup_id: str) -> None:
        self.root = os.path.realpath(os.path.expanduser(folder)) if folder else None
        self.folder = os.path.join(self.root, safe_name(hostname)) if self.root else None
        self.path = os.path.join(self.folder, f"{check_backup_id(backup_id)}.json") if self.folder else None

    def keep(self, document: Mapping) -> str | None:
        """Write (or replace) the copy; returns a warning when it could not be kept."""
        if self.folder is None or self.path is None or self.root is None:
            return None
        try:
            os.makedirs(self.folder, exist_ok=True)
            if not os.path.realpath(self.folder).startswith(self.root + os.sep):
                return f"controller_backup_dir: {self.folder} leads outside {self.root}; no copy of the backup kept"
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".tlsguard-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(dict(document, controller_path=self.path), stream, indent=2, sort_keys=True)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as err:
            self.path = None
            return f"controller_backup_dir: could not keep a copy of the backup in {self.folder}: {err.strerror}"
        return None

    def drop(self) -> None:
        if self.path and os.path.isfile(self.path):
            os.unlink(self.path)
        self.path = None


def _summary(changes: Plan) -> str:
    counts = Counter(c.category for c in changes.changes)
    return ", ".join(f"{name} {count}" for name, count in counts.items())


class WritingHostAction(TlsHostAction):
    """Adds the write: its checks, the backup copies, the result of a plan and its one-line message."""

    @staticmethod
    def write_read_args(args: dict) -> dict:
        """What the first read also asks, so a refused write is known before anything is sent."""
        return {"backup_dir": args["backup_dir"], "check_backup_dir": True}

    def refuse_unsafe_write(self, state: HostState, reply: dict) -> None:
        """A write that would fail on the host fails here first, in check mode too."""
        problems = []
        if state.facts.get("is_admin") is False:
            problems.append(f"{self.hostname}: the connection account is not an administrator there "
                            "(facts.is_admin is false), and the registry changes need one; connect as a member of "
                            "Administrators (or use become with become_method: runas)")
        if reply.get("backup_dir_problem"):
            problems.append(str(reply["backup_dir_problem"]))
        if problems:
            lead = "check mode: a real run would fail: " if self._task.check_mode else ""
            raise ValidationError([Problem("", f"{lead}{'; '.join(problems)}; nothing was changed")])

    def refuse_blocked(self, guards: GuardResult) -> None:
        if guards.blocked:
            details = "; ".join(f"{v.guard}: {v.message}" for v in guards.violations)
            names = ", ".join(v.guard for v in guards.violations)
            raise ValidationError([Problem("force", f"refusing a plan that would lock {self.hostname} out: {details}. "
                                                    f"Fix the profile/overrides, or set force: [{names}] if this "
                                                    "is really wanted")])

    def planned(self, changes: Plan, state: HostState) -> dict:
        """The result keys tls_config and tls_restore share: the plan, the diff in diff mode, and a one-line msg
        that says what changes (or would) and whether a reboot follows, so check mode without --diff says it too."""
        result = {"changed": changes.changed, "reboot_required": changes.reboot_required,
                  "reboot_reasons": list(changes.reboot_reasons), "changes": changes.to_json(), "os": state.os_json()}
        if self._task.diff and changes.changed:
            result["diff"] = changes.diff(self.hostname)
        count = len(changes.changes)
        reboot = "a reboot {} needed" if changes.reboot_required else "no reboot {} needed"
        if not changes.changed:
            result["msg"] = f"{self.hostname}: nothing to change"
        elif self._task.check_mode:
            result["msg"] = (f"check mode: {count} registry value(s) would change on {self.hostname} "
                             f"({_summary(changes)}); {reboot.format('would be')}")
        else:
            result["msg"] = (f"{count} registry value(s) changed on {self.hostname} ({_summary(changes)}); "
                             f"{reboot.format('is')}")
        return result

    def apply(self, ops: list[dict], changes: Plan, state: HostState, args: dict,
              extra_args: dict | None = None) -> tuple[dict, list[str]]:
        """Round trip 2: the write, with a backup on the host before its first change and a copy here before the
        write is sent; ``extra_args`` go along in the same call (the whole reply is kept in ``write_reply``).
        Returns the backup (with ``controller_path``) and warnings."""
        backup_id = new_backup_id(self.hostname, datetime.now(UTC))
        copy = ControllerCopy(args["controller_backup_dir"], self.hostname, backup_id)
        planned = planned_backup(backup_id, state.facts.get("hostname"), {c.ref: c.before for c in changes.changes})
        warnings = [w for w in (copy.keep(planned.to_json()),) if w]
        try:
            reply = self.call_host(changes=ops, backup_id=backup_id, backup_dir=args["backup_dir"],
                                   **(extra_args or {}))
        except HostUnreachable as err:
            kept = dict(planned.to_json(), controller_path=copy.path)
            message = self._lost_reply(backup_id, copy.path, err)
            raise HostCallFailed(message, {"changed": True, "backup": kept}) from None
        except HostCallFailed as err:
            if isinstance(err.extra.get("backup"), Mapping):
                err.extra["backup"] = self._completed(err.extra["backup"], copy, warnings)
            else:
                copy.drop()  # the host refused before writing anything: there is nothing to put back
            raise
        self.write_reply = reply
        backup = self._completed(reply.get("backup"), copy, warnings)
        if backup.get("id") != backup_id:
            raise HostReplyError(f"host reply: the backup is named {backup.get('id')!r}, not {backup_id!r}")
        return backup, warnings + list(reply.get("warnings") or ())

    def _completed(self, raw: object, copy: ControllerCopy, warnings: list[str]) -> dict:
        """The host's backup in the one value shape, kept in the controller copy."""
        if not isinstance(raw, Mapping):
            raise HostReplyError("host reply: 'backup' is missing")
        backup: Backup = parse_backup(raw, "host reply backup")
        document = backup.to_json()
        warnings += [w for w in (copy.keep(document),) if w]
        return dict(document, controller_path=copy.path)

    def _lost_reply(self, backup_id: str, copy_path: str | None, err: HostUnreachable) -> str:
        kept = f"; a copy of the planned backup (values only) is at {copy_path}" if copy_path else ""
        return (f"{err}. The write was sent, so the changes may have been applied, all or in part. The host writes "
                f"backup {backup_id} (with the keys it creates) before its first change{kept}. Check with "
                f"tls_info, and put the host back with tls_restore backup_id: {backup_id}")
