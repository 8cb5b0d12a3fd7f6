# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deadlines on every socket sslyze opens while a scan runs: connect, STARTTLS dialogue and handshake.

sslyze opens each connection in ``tls_connection._open_socket`` and runs the plaintext STARTTLS dialogue on that
socket before nassl ever sees it (SMTP through ``smtplib``, which reads a file made from the socket). A peer that
trickles its greeting one byte at a time satisfies every read there, so the deadline has to sit on the socket
from the moment it is opened (campaign D23). While ``guarded_sockets`` is active, every socket sslyze opens is a
``GuardedSocket`` whose deadline is the earliest of:

- the attempt's own deadline, when the opening thread is inside ``AttemptDeadline`` (the probe's handshakes);
- its endpoint's budget, when one was given for its location (depth full), counted from the endpoint's first
  socket;
- ``attempt_seconds(timeout)`` from now otherwise.

Once an endpoint's budget is spent, opening another socket for it fails at once with an error sslyze does not
retry, so the rest of its scan commands end within moments instead of one timeout each.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, cast

from .guarded_socket import GuardedSocket

with contextlib.suppress(ImportError):  # probe.sslyze_problem() reports it before anything here runs
    from sslyze.connection_helpers import tls_connection

Location = tuple[str, str, int]  # (host name, address, port) as sslyze's ServerNetworkLocation holds them
_attempt = threading.local()


def attempt_seconds(timeout: float) -> float:
    """The hard limit of one handshake attempt: the TCP connect, STARTTLS and every read of the handshake."""
    return 2 * timeout


class BudgetSpent(OSError):
    """Raised instead of opening a socket for an endpoint whose budget is spent (an OSError sslyze won't retry)."""


class AttemptDeadline:
    """Sockets this thread opens inside the block end by ``deadline`` (a ``time.monotonic()`` value).

    A class, not ``contextlib.contextmanager``: that one sets ``__traceback__`` on the exception passing
    through, which sslyze's frozen dataclass exceptions refuse.
    """

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    def __enter__(self) -> None:
        _attempt.deadline = self._deadline

    def __exit__(self, *_exc: object) -> None:
        _attempt.deadline = None


class _Budgets:
    def __init__(self, seconds: Mapping[Location, float]) -> None:
        self._seconds = dict(seconds)
        self._ends: dict[Location, float] = {}
        self._lock = threading.Lock()

    def end(self, location: Location) -> float | None:
        """The location's deadline, its clock started by the first socket opened for it; None without a budget."""
        if location not in self._seconds:
            return None
        with self._lock:
            return self._ends.setdefault(location, time.monotonic() + self._seconds[location])

    def spent(self) -> set[Location]:
        now = time.monotonic()
        with self._lock:
            return {location for location, end in self._ends.items() if end <= now}


@contextlib.contextmanager
def guarded_sockets(budgets: Mapping[Location, float] | None = None) -> Iterator[_Budgets]:
    """While the block runs, sslyze's sockets carry deadlines (see the module's text); yields the budgets so
    the caller can tell which endpoints ran out. One scan at a time per process: the patch is process-wide."""
    original = tls_connection._open_socket
    state = _Budgets(budgets or {})

    def open_socket(server_location: Any, network_timeout: int) -> socket.socket:  # sslyze's types (a float, in fact)
        now = time.monotonic()
        deadline = getattr(_attempt, "deadline", None) or now + attempt_seconds(network_timeout)
        endpoint_end = state.end((server_location.hostname, server_location.ip_address, server_location.port))
        if endpoint_end is not None:
            if endpoint_end <= now:
                raise BudgetSpent("the endpoint's time budget is spent")
            deadline = min(deadline, endpoint_end)
        if deadline <= now:
            raise TimeoutError("the attempt's deadline passed before it could connect")
        sock = original(server_location, min(network_timeout, deadline - now))  # type: ignore[arg-type]  # see above
        return cast(socket.socket, GuardedSocket(sock, deadline, per_read=network_timeout))  # read, written, closed

    tls_connection._open_socket = open_socket
    try:
        yield state
    finally:
        tls_connection._open_socket = original
