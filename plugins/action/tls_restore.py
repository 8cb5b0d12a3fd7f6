# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_restore: put a backup back exactly, from the host (by id) or from the copy the controller kept.

One read (the backup's values included) and at most one write. Before writing it checks what tls_config checks
(the lockout guards) and more: the backup must come from this host and name only the collection's own registry
locations, unless the user says otherwise by name (from_other_host, outside_locations).
"""

from __future__ import annotations

import json
import os
from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_RESTORE_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.backup import (
    Backup,
    check_backup_id,
    parse_backup,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (
    HostReplyError,
    Problem,
    ValidationError,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.guards import check_force, check_guards
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import HostState, uncovered
from ansible_collections.tlsguard.windows.plugins.module_utils._core.locations import managed_keys
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import split_path
from ansible_collections.tlsguard.windows.plugins.module_utils._core.view import view_of
from ansible_collections.tlsguard.windows.plugins.plugin_utils._host_writes import WritingHostAction

MAX_LISTED = 5  # places named in one message; the rest are counted


def _under(key: str, parent: str) -> bool:
    key, parent = key.casefold(), parent.casefold()
    return key == parent or key.startswith(parent + "\\")


class ActionModule(WritingHostAction):
    ARGSPEC: ClassVar[dict] = TLS_RESTORE_ARGS
    MUTUALLY_EXCLUSIVE: ClassVar[list] = [("backup_id", "backup_file", "backup")]
    REQUIRED_ONE_OF: ClassVar[list] = [("backup_id", "backup_file", "backup")]

    def check_arguments(self, args: dict) -> None:
        """Everything about the arguments, the backup file or document included, before the host is contacted."""
        check_force(args["force"])
        if args["backup_id"] is not None:
            check_backup_id(args["backup_id"])
        self.allowed = [split_path(path, f"outside_locations[{i}]") for i, path in enumerate(args["outside_locations"])]
        self.source, self.backup = self._load(args)

    def _load(self, args: dict) -> tuple[str, Backup | None]:
        if args["backup"] is not None:
            return "backup", self._parse(args["backup"], "backup")
        if args["backup_file"]:
            path = args["backup_file"]
            try:
                with open(os.path.expanduser(path), "rb") as handle:
                    text = handle.read(16 * 1024 * 1024).decode("utf-8-sig")
            except OSError as err:
                raise ValidationError([Problem("backup_file", f"cannot read {path}: {err.strerror}")]) from None
            except UnicodeDecodeError:
                raise ValidationError([Problem("backup_file", f"{path} is not UTF-8 text")]) from None
            try:
                document = json.loads(text)
            except ValueError as err:
                raise ValidationError([Problem("backup_file", f"{path} is not JSON: {err}")]) from None
            return f"backup_file {path}", self._parse(document, f"backup_file {path}")
        return f"backup_id {args['backup_id']} (on the host)", None

    @staticmethod
    def _parse(document: object, source: str) -> Backup:
        try:
            return parse_backup(document, source)
        except HostReplyError as err:
            raise ValidationError([Problem("", str(err))]) from None

    def act(self, args: dict) -> dict:
        refs = [e.ref for e in self.backup.entries] if self.backup else []
        extra = {"read_backup": args["backup_id"]} if args["backup_id"] else {}
        state, reply = self.read_state(uncovered(refs), **self.write_read_args(args), **extra)
        backup = self.backup or self._from_host(reply, args)
        self._check_origin(backup, state, args["from_other_host"])
        self._check_locations(backup)
        current = state.values
        changes = plan(backup.desired(), current)
        guards = check_guards(view_of(current, state.build), view_of(changes.after(current), state.build),
                              check_force(args["force"]))
        self.refuse_blocked(guards)
        result = self.planned(changes, state)
        result.update(restored_from=self.source, restored_id=backup.backup_id)
        warnings = list(guards.warnings) + self.unsupported_warnings(reply)
        warnings += [f"forced past guard {v.guard}: {v.message}" for v in guards.forced]
        if backup.status not in ("applied", "rolled_back"):
            warnings.append(f"the backup's status is '{backup.status}': the change it belongs to may not have "
                            "finished; restoring it puts the values back as they were before it")
        if changes.changed:
            self.refuse_unsafe_write(state, reply)
        if changes.changed and not self._task.check_mode:
            result["backup"], write_warnings = self.apply(changes.host_ops() + backup.cleanup_ops(), changes, state,
                                                          args)
            warnings += write_warnings
        result["warnings"] = warnings
        return result

    def _from_host(self, reply: dict, args: dict) -> Backup:
        document = reply.get("backup_document")
        if document is None:
            raise ValidationError([Problem("backup_id", f"there is no backup '{args['backup_id']}' on {self.hostname} "
                                                        f"(in {args['backup_dir']})")])
        return self._parse(document, self.source)

    def _check_origin(self, backup: Backup, state: HostState, named: str | None) -> None:
        """A backup holds one host's values: restoring it elsewhere is refused unless that host is named."""
        here = str(state.facts.get("hostname") or self.hostname)
        if backup.hostname is not None and backup.hostname.casefold() == here.casefold():
            return
        if backup.hostname is None:
            if named:
                return
            raise ValidationError([Problem("", (
                f"{self.source} does not record the host it was taken on, so it cannot be checked against {here}; "
                "if it belongs here, set from_other_host to the name of the host it came from"))])
        if named and named.casefold() == backup.hostname.casefold():
            return
        raise ValidationError([Problem("", (
            f"{self.source} was taken on {backup.hostname}, not on {here}: another host's values can lock this one "
            f"out or break its services; set from_other_host: {backup.hostname} if that is really wanted"))])

    def _inside(self, hive: str, key: str, parents_too: bool) -> bool:
        if any(hive == h and _under(key, k) for h, k in self.allowed):
            return True
        return hive == "HKLM" and any(_under(key, m) or (parents_too and _under(m, key)) for m in managed_keys())

    def _check_locations(self, backup: Backup) -> None:
        """Only the collection's own locations are written (keys the change created: those and their parents)."""
        outside = [str(e.ref) for e in backup.entries if not self._inside(e.ref.hive, e.ref.key, False)]
        outside += [f"{hive}\\{key}" for hive, key in backup.created_keys if not self._inside(hive, key, True)]
        if not outside:
            return
        more = f" and {len(outside) - MAX_LISTED} more" if len(outside) > MAX_LISTED else ""
        first = outside[0].rsplit("\\", 1)[0] if backup.entries else outside[0]
        raise ValidationError([Problem("", (
            f"{self.source} names registry places outside the ones tlsguard manages: "
            f"{', '.join(outside[:MAX_LISTED])}{more}; a restore writes those only when their keys are listed in "
            f"outside_locations (for example outside_locations: ['{first}'])"))])
