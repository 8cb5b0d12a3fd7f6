"""Replay recorded tls_host replies (fixtures/*.json, recorded from the lab twin) into the action plugins."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from unittest.mock import MagicMock

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def reply(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class FakeHost:
    """Stands in for ``_execute_module``: answers reads from a recorded reply, records and answers writes."""

    def __init__(self, read_reply: dict | None, write_reply: dict | None = None, write_error: Exception | None = None,
                 read_error: Exception | None = None) -> None:
        self.read_reply = read_reply
        self.write_reply = write_reply
        self.write_error = write_error  # raised instead of the write's reply: a connection that broke
        self.read_error = read_error
        self.calls: list[dict] = []

    def __call__(self, module_name=None, module_args=None, task_vars=None, **_kwargs):
        assert module_name == "tlsguard.windows.__tls_host"
        self.calls.append(copy.deepcopy(module_args))
        if module_args.get("changes") and self.write_error:
            raise self.write_error
        if not module_args.get("changes") and self.read_error:
            raise self.read_error
        if module_args.get("changes"):
            return self.write_reply or {"changed": True, "applied": len(module_args["changes"]),
                                        "backup": {"id": module_args["backup_id"], "status": "applied",
                                                   "hostname": "WEB01", "entries": [], "created_keys": []}}
        return copy.deepcopy(self.read_reply)


def make_action(module, args: dict, host: FakeHost, check_mode: bool = False, diff: bool = False,
                shell: str = "powershell"):
    task = MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    task.action = "tlsguard.windows.test"
    connection = MagicMock()
    connection._shell.SHELL_FAMILY = shell
    connection.transport = "winrm" if shell == "powershell" else "local"
    action = module.ActionModule(task=task, connection=connection, play_context=MagicMock(), loader=None,
                                 templar=None, shared_loader_obj=None)
    action._execute_module = host
    return action


def run(module, args: dict, host: FakeHost, check_mode: bool = False, diff: bool = False,
        shell: str = "powershell") -> dict:
    action = make_action(module, args, host, check_mode, diff, shell)
    return action.run(task_vars={"inventory_hostname": "web01"})
