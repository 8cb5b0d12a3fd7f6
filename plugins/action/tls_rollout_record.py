# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_rollout_record: keep a host's rollout record (and stage 2 evidence) on the controller and publish the record
as a job artifact, in the worker process itself.

The roles used a `copy` delegated to localhost plus a `set_stats` for this, about eight times per host per rollout;
each copy started two Python module processes on the controller, which was most of the rollout's controller CPU
(docs/rollout.md, "Cost, measured")."""

from __future__ import annotations

import json
import os

from ansible.plugins.action import ActionBase

from ansible_collections.tlsguard.windows.plugins.module_utils._core.argspecs import TLS_ROLLOUT_RECORD_ARGS
from ansible_collections.tlsguard.windows.plugins.module_utils._core.rollout import safe_name
from ansible_collections.tlsguard.windows.plugins.module_utils._files import FileProblem, write_atomic

FILE_MODE = 0o600    # records name hosts, backups and clients: for the controller account only
FOLDER_MODE = 0o700
STATS_KEY = "tls_rollout"


def _json(data: dict) -> bytes:
    # As to_nice_json wrote it before, so tools reading the files see no difference.
    return (json.dumps(data, indent=4, sort_keys=True, ensure_ascii=False, default=str) + "\n").encode()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # check mode writes nothing but still publishes the record
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=TLS_ROLLOUT_RECORD_ARGS,
                                                        required_one_of=[("record", "evidence")])
        host = str((task_vars or {}).get("inventory_hostname", ""))
        folder = args["state_dir"]
        files = {".json": args["record"], ".evidence.json": args["evidence"]}
        written: list[str] = []
        if not self._task.check_mode:
            if os.path.lexists(folder) and not os.path.isdir(folder):
                return {**result, "failed": True, "msg": f"state_dir: {folder} exists and is not a folder"}
            try:
                os.makedirs(folder, mode=FOLDER_MODE, exist_ok=True)
            except OSError as err:
                return {**result, "failed": True, "msg": f"state_dir: cannot create {folder}: {err.strerror}"}
            for suffix, data in files.items():
                if data is None:
                    continue
                path = os.path.join(folder, safe_name(host) + suffix)
                try:
                    write_atomic(path, _json(data), FILE_MODE)
                except FileProblem as err:
                    return {**result, "failed": True, "msg": f"state_dir: {err}", "written": written}
                written.append(path)
        result.update(changed=False, written=written)  # bookkeeping on the controller, not a change to the host
        if args["record"] is not None:
            result["record"] = args["record"]
            # What set_stats would return: aggregated over hosts, one key per host (the AWX job's artifacts).
            result["ansible_stats"] = {"data": {STATS_KEY: {host: args["record"]}}, "per_host": False,
                                       "aggregate": True}
        return result
