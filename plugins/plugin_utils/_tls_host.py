# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the base of the action plugins that talk to a Windows host.

Each round trip is one run of the thin ``tlsguard.windows.tls_host`` PowerShell module; everything the reply
means is worked out by the core (``module_utils/_core``). The base counts round trips, turns host failures and
malformed replies into one-line messages, and keeps controller-side copies of backups.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import ClassVar

from ansible.plugins.action import ActionBase

from ansible_collections.tlsguard.windows.plugins.module_utils._core.backup import new_backup_id
from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import TlsGuardError
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import (
    HostState,
    parse_reply,
    read_request,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.planner import Plan

HOST_MODULE = "tlsguard.windows.tls_host"


class HostCallFailed(Exception):
    """The host module failed; ``extra`` carries what it returned besides the message."""

    def __init__(self, msg: str, extra: dict) -> None:
        super().__init__(msg)
        self.extra = extra


class TlsHostAction(ActionBase):
    ARGSPEC: ClassVar[dict] = {}
    MUTUALLY_EXCLUSIVE: ClassVar[list] = []
    REQUIRED_ONE_OF: ClassVar[list] = []

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super().run(tmp, task_vars)
        self.round_trips = 0
        self.task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=self.ARGSPEC,
                                                        mutually_exclusive=self.MUTUALLY_EXCLUSIVE,
                                                        required_one_of=self.REQUIRED_ONE_OF)
        try:
            result.update(self.act(args))
        except TlsGuardError as err:
            result.update(failed=True, msg=str(err))
        except HostCallFailed as err:
            result.update(err.extra, failed=True, msg=str(err))
        result["round_trips"] = self.round_trips
        return result

    def act(self, args: dict) -> dict:
        raise NotImplementedError

    # ---------------------------------------------------------------- host calls
    def call_host(self, **module_args) -> dict:
        self.round_trips += 1
        reply = self._execute_module(module_name=HOST_MODULE, module_args=module_args, task_vars=self.task_vars)
        if reply.get("failed"):
            message = str(reply.get("msg", "the host module failed"))
            if message.startswith("MODULE FAILURE"):
                output = (reply.get("module_stdout") or reply.get("module_stderr") or "").strip()
                message = f"{HOST_MODULE}: the host's reply is not JSON: {output[:300]!r}"
            extra = {k: reply[k] for k in ("backup", "rolled_back", "rollback_errors") if k in reply}
            raise HostCallFailed(message, extra)
        return reply

    def read_state(self, **extra_args) -> tuple[HostState, dict]:
        """Round trip 1: every TLS-related value, the OS identity and host facts (plus ``extra_args``)."""
        request = read_request()
        request.update(extra_args)
        reply = self.call_host(**request)
        return parse_reply(reply), reply

    @property
    def hostname(self) -> str:
        return str(self.task_vars.get("inventory_hostname", "host"))

    def planned(self, changes: Plan, state: HostState) -> dict:
        """The result keys tls_config and tls_restore share, with the diff when diff mode is on."""
        result = {"changed": changes.changed, "reboot_required": changes.reboot_required,
                  "reboot_reasons": list(changes.reboot_reasons), "changes": changes.to_json(), "os": state.os_json()}
        if self._task.diff and changes.changed:
            result["diff"] = changes.diff(self.hostname)
        return result

    def apply(self, ops: list[dict], backup_dir: str, controller_backup_dir: str | None) -> tuple[dict, str | None]:
        """Round trip 2: write ``ops`` after a backup on the host; keep a copy on the controller.

        Returns the backup (with ``controller_path``) and a warning when the copy could not be kept."""
        backup_id = new_backup_id(self.hostname, datetime.now(UTC))
        backup = self.call_host(changes=ops, backup_id=backup_id, backup_dir=backup_dir)["backup"]
        backup["controller_path"], warning = self._keep_copy(backup, controller_backup_dir)
        return backup, warning

    def _keep_copy(self, backup: dict, folder: str | None) -> tuple[str | None, str | None]:
        if not folder:
            return None, None
        target = os.path.join(os.path.expanduser(folder), self.hostname)
        path = os.path.join(target, f"{backup.get('id', 'backup')}.json")
        try:
            os.makedirs(target, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(backup, handle, indent=2, sort_keys=True)
        except OSError as err:
            return None, f"controller_backup_dir: could not keep a copy of the backup in {target}: {err.strerror}"
        return path, None
