# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WinRS shells and commands: stdin until End="true", run once, hand output out in chunks over Receives."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

CHUNK = 96 * 1024  # stdout bytes per Receive reply; bigger outputs span several Receives, as on Windows

Runner = Callable[["Command"], tuple[int, bytes, bytes]]


@dataclass
class Command:
    command_line: str
    expects_stdin: bool
    stdin: bytearray = field(default_factory=bytearray)
    finished_input: bool = False
    result: tuple[int, bytes, bytes] | None = None
    sent_stdout: int = 0
    sent_stderr: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.finished_input = not self.expects_stdin

    def add_input(self, data: bytes, end: bool) -> None:
        with self.condition:
            self.stdin += data
            if end:
                self.finished_input = True
                self.condition.notify_all()

    def wait_for_input(self, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: self.finished_input, timeout=timeout)

    def next_chunk(self, run: Runner) -> tuple[bytes, bytes, int | None]:
        """Run on first call, then return the next slice of output and the exit code once all is sent."""
        with self.condition:
            if self.result is None:
                self.result = run(self)
            code, out, err = self.result
            out_part = out[self.sent_stdout:self.sent_stdout + CHUNK]
            err_part = err[self.sent_stderr:self.sent_stderr + CHUNK]
            self.sent_stdout += len(out_part)
            self.sent_stderr += len(err_part)
            finished = self.sent_stdout >= len(out) and self.sent_stderr >= len(err)
            return out_part, err_part, code if finished else None


@dataclass
class Shell:
    shell_id: str
    commands: dict[str, Command] = field(default_factory=dict)
    last_used: float = field(default_factory=time.monotonic)

    def start(self, command_line: str, expects_stdin: bool) -> str:
        command_id = str(uuid.uuid4()).upper()
        self.commands[command_id] = Command(command_line, expects_stdin)
        return command_id


class Shells:
    """The open shells of one host, with idle expiry (clients do not always send Delete)."""

    def __init__(self) -> None:
        self._shells: dict[str, Shell] = {}
        self._lock = threading.Lock()

    def create(self) -> Shell:
        shell = Shell(str(uuid.uuid4()).upper())
        with self._lock:
            self._shells[shell.shell_id] = shell
        return shell

    def get(self, shell_id: str | None) -> Shell | None:
        with self._lock:
            shell = self._shells.get(shell_id or "")
        if shell is not None:
            shell.last_used = time.monotonic()
        return shell

    def delete(self, shell_id: str | None) -> bool:
        with self._lock:
            return self._shells.pop(shell_id or "", None) is not None

    def clear(self) -> None:
        with self._lock:
            self._shells.clear()

    def expire(self, idle_seconds: float) -> int:
        cutoff = time.monotonic() - idle_seconds
        with self._lock:
            stale = [sid for sid, shell in self._shells.items() if shell.last_used < cutoff]
            for sid in stale:
                del self._shells[sid]
        return len(stale)

    def __len__(self) -> int:
        return len(self._shells)
