# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_restore: put a backup back exactly, from the host (by id) or from the copy the controller kept."""

from __future__ import annotations

import json
import os
from typing import ClassVar

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_RESTORE_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.backup import parse_backup
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import Problem, ValidationError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import uncovered
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import plan
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import Snapshot
from ansible_collections.tlsguard.windows.plugins.plugin_utils._tls_host import TlsHostAction


class ActionModule(TlsHostAction):
    ARGSPEC: ClassVar[dict] = TLS_RESTORE_ARGS
    MUTUALLY_EXCLUSIVE: ClassVar[list] = [("backup_id", "backup_file", "backup")]
    REQUIRED_ONE_OF: ClassVar[list] = [("backup_id", "backup_file", "backup")]

    def _load(self, args: dict):
        if args["backup"]:
            return parse_backup(args["backup"], "backup"), "backup"
        if args["backup_file"]:
            path = args["backup_file"]
            try:
                with open(os.path.expanduser(path), encoding="utf-8") as handle:
                    return parse_backup(json.load(handle), f"backup_file {path}"), path
            except OSError as err:
                raise ValidationError([Problem("backup_file", f"cannot read {path}: {err.strerror}")]) from None
            except ValueError as err:
                raise ValidationError([Problem("backup_file", f"{path} is not JSON: {err}")]) from None
        return None, f"backup {args['backup_id']} on the host"

    def act(self, args: dict) -> dict:
        backup, source = self._load(args)
        extra = {"read_backup": args["backup_id"], "backup_dir": args["backup_dir"]} if args["backup_id"] else {}
        state, reply = self.read_state(**extra)
        if backup is None:
            backup = parse_backup(reply["backup_document"], source)
        current = state.values
        missing = uncovered([e.ref for e in backup.entries])
        if missing:  # values outside the usual read set: one more read so the plan compares with real values
            more = self.call_host(read_values=[r.to_json() for r in missing])
            more_values = Snapshot.from_json(more["registry_values"], "host reply registry_values")
            current = Snapshot({**dict(current), **dict(more_values)})
        changes = plan(backup.desired(), current)
        result = self.planned(changes, state)
        result.update(restored_from=source, restored_id=backup.backup_id, warnings=[])
        if backup.status not in ("applied", "rolled_back"):
            result["warnings"].append(f"the backup's status is '{backup.status}': the change it belongs to may not "
                                      "have finished; restoring it puts the values back as they were before it")
        if changes.changed and not self._task.check_mode:
            result["backup"], warning = self.apply(changes.host_ops() + backup.cleanup_ops(), args["backup_dir"],
                                                   args["controller_backup_dir"])
            result["warnings"] += [warning] if warning else []
        return result
