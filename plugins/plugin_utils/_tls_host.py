# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FOR INTERNAL COLLECTION USE ONLY: the base of the action plugins that talk to a Windows host.

Each round trip is one run of the thin ``tlsguard.windows.__tls_host`` PowerShell module; everything the reply
means is worked out by the core (``module_utils/_core``). The work happens in ``act()``; every error is raised
and turned into the task result in ``run()`` alone: argument and reply problems fail the task with one line,
a host that cannot be reached (or drops the connection) is unreachable. Writing actions extend
``WritingHostAction`` (``_host_writes.py``); this read-only base keeps nothing on the controller.
"""

from __future__ import annotations

from typing import ClassVar

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

from ansible_collections.tlsguard.windows.plugins.module_utils._core.errors import (
    Problem,
    TlsGuardError,
    ValidationError,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.hoststate import (
    HostState,
    parse_reply,
    read_request,
)
from ansible_collections.tlsguard.windows.plugins.module_utils._core.registry import RegRef

HOST_MODULE = "tlsguard.windows.__tls_host"
WINDOWS_SHELLS = ("powershell", "cmd")  # shell families ansible-core runs PowerShell modules with
# Libraries whose exceptions mean the connection broke (pywinrm, pypsrp and what they are built on).
TRANSPORT_LIBRARIES = ("winrm", "requests", "urllib3", "http", "pypsrp", "psrp", "spnego", "ssl", "socket")


class HostCallFailed(Exception):
    """The host module failed; ``extra`` carries what it returned besides the message."""

    def __init__(self, msg: str, extra: dict) -> None:
        super().__init__(msg)
        self.extra = extra


class HostUnreachable(Exception):
    """The connection failed or broke before a reply came back."""


def connection_problem(err: BaseException) -> str:
    """The innermost readable reason of a transport exception ('Remote end closed connection without response'):
    requests and urllib3 nest the real one in tuples inside their args."""
    for _depth in range(8):
        pending = list(err.args)
        inner = None
        while pending and inner is None:
            item = pending.pop(0)
            if isinstance(item, BaseException):
                inner = item
            elif isinstance(item, (tuple, list)):
                pending[:0] = list(item)
        if inner is None:
            break
        err = inner
    return str(err).strip()[:300] or type(err).__name__


def is_transport_error(err: BaseException) -> bool:
    return isinstance(err, (AnsibleConnectionFailure, OSError)) or (
        type(err).__module__.split(".")[0] in TRANSPORT_LIBRARIES)


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
            self.check_arguments(args)
            self._require_windows()
            result.update(self.act(args))
        except TlsGuardError as err:
            result.update(failed=True, changed=False, msg=str(err))
        except HostCallFailed as err:
            result.update(err.extra, failed=True, msg=str(err))
        except HostUnreachable as err:
            result.update(unreachable=True, changed=False, msg=str(err))
        result["round_trips"] = self.round_trips
        return result

    def check_arguments(self, args: dict) -> None:
        """Argument checks that need no host, run before it is contacted (raise ValidationError)."""

    def act(self, args: dict) -> dict:
        raise NotImplementedError

    @property
    def hostname(self) -> str:
        return str(self.task_vars.get("inventory_hostname", "host"))

    def _require_windows(self) -> None:
        """A clear message instead of "module interpreter 'powershell' was not found" on a non-Windows host."""
        shell = getattr(getattr(self._connection, "_shell", None), "SHELL_FAMILY", None)
        if shell is None or shell in WINDOWS_SHELLS:
            return
        name = self._task.action.rsplit(".", 1)[-1]
        connection = getattr(self._connection, "transport", "?")
        message = (f"{name} runs on Windows hosts only, with PowerShell 5.1 or later; {self.hostname} is reached "
                   f"with connection '{connection}' and a '{shell}' shell. For a Windows host set ansible_connection: "
                   "winrm (or psrp), ansible_port: 5986 (WinRM over HTTPS), ansible_winrm_transport: ntlm, kerberos "
                   "or certificate, and ansible_user/ansible_password; or ansible_connection: ssh with "
                   "ansible_shell_type: powershell (the collection's inventory.example shows each)")
        raise ValidationError([Problem("", message)])

    # ---------------------------------------------------------------- host calls
    def call_host(self, **module_args) -> dict:
        self.round_trips += 1
        try:
            reply = self._execute_module(module_name=HOST_MODULE, module_args=module_args, task_vars=self.task_vars)
        except Exception as err:
            if not is_transport_error(err):
                raise
            raise HostUnreachable(f"{self.hostname}: the connection failed or was dropped before the host "
                                  f"answered ({connection_problem(err)})") from None
        if reply.get("unreachable"):
            raise HostUnreachable(f"{self.hostname}: {reply.get('msg') or 'unreachable'}")
        if reply.get("failed"):
            message = str(reply.get("msg", "the host module failed"))
            if message.startswith("MODULE FAILURE"):
                output = (reply.get("module_stdout") or reply.get("module_stderr") or "").strip()
                message = f"{HOST_MODULE}: the host's reply is not JSON: {output[:300]!r}"
            extra = {k: reply[k] for k in ("backup", "rolled_back", "rollback_errors", "changed") if k in reply}
            raise HostCallFailed(message, extra)
        return reply

    def read_state(self, extra_values: list[RegRef] | None = None, **extra_args) -> tuple[HostState, dict]:
        """Round trip 1: every TLS-related value, the OS identity and host facts (plus what ``extra_args`` ask)."""
        request = read_request(extra_values)
        request.update(extra_args)
        reply = self.call_host(**request)
        state = parse_reply(reply)
        return state, reply

    @staticmethod
    def unsupported_warnings(reply: dict) -> list[str]:
        """Values of kinds the host module does not read (REG_LINK and the like): absent to the plan, never written."""
        found = [v for v in reply.get("unsupported_values") or () if isinstance(v, dict)]
        return [f"{v.get('hive')}\\{v.get('key')}\\{v.get('name') or '(Default)'} is a registry value of a kind "
                f"tlsguard does not handle ({v.get('kind')}); it is treated as absent and never changed"
                for v in found]
