# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A socket wrapper that gives a connection one hard deadline and keeps the first bytes the peer sent in TLS.

A socket timeout bounds one read only: a peer that trickles one byte every 2 s never trips a 5 s timeout and
keeps a handshake alive for ever (campaign D23). nassl reads and writes through the Python socket object it is
given, and the STARTTLS dialogue reads the same object (``smtplib`` through a file made from it), so each read
here keeps the socket's own timeout but never waits past the deadline, and a read after the deadline raises
``socket.timeout`` (which sslyze reports as a timeout). No thread is left blocked past it.

The bytes kept are the evidence that the peer speaks TLS at all (campaign D24): sslyze turns some OpenSSL
errors on garbage (``illegal padding``, ``bad record mac``) into messages saying "TLS alert", so only a
well-formed TLS record header in the reply counts. ``start_evidence`` is called where TLS begins, so a STARTTLS
greeting is not taken for the reply.
"""

from __future__ import annotations

import io
import socket
import time

_KEEP = 16  # enough for a record header and an alert body
# Record content types a server sends first in reply to a hello: alert (21) and handshake (22).
_FIRST_RECORD_TYPES = (21, 22)
_MAX_RECORD = 2**14 + 2048  # the largest TLSCiphertext length (RFC 5246 section 6.2.3)
_ALERT_LEVELS = (1, 2)


def is_tls_reply(data: bytes) -> bool:
    """True when ``data`` starts with a well-formed TLS alert or handshake record header (SSL 3.0-TLS 1.3)."""
    if len(data) < 5 or data[0] not in _FIRST_RECORD_TYPES or data[1] != 3 or data[2] > 4:
        return False
    length = int.from_bytes(data[3:5], "big")
    if data[0] == 21:  # a plaintext alert is exactly level + description
        return length == 2 and (len(data) < 6 or data[5] in _ALERT_LEVELS)
    return 4 <= length <= _MAX_RECORD and (len(data) < 6 or data[5] == 2)  # a ServerHello comes first


class GuardedSocket:
    """Wraps a connected socket: every read ends by ``deadline`` (a ``time.monotonic()`` value).

    ``per_read`` is the limit of one read; by default the socket's own timeout, as sslyze set it.
    """

    def __init__(self, sock: socket.socket, deadline: float, per_read: float | None = None) -> None:
        self._sock = sock
        self._deadline = deadline
        self._per_read = sock.gettimeout() if per_read is None else per_read
        self.first_bytes = b""

    def start_evidence(self) -> None:
        """Keep the bytes from here on: the TLS reply, not a STARTTLS dialogue before it."""
        self.first_bytes = b""

    def _left(self) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the handshake deadline passed")  # socket.timeout is this alias
        return left if self._per_read is None else min(left, self._per_read)

    def recv(self, size: int) -> bytes:
        self._sock.settimeout(self._left())
        data = self._sock.recv(size)
        if len(self.first_bytes) < _KEEP:
            self.first_bytes += data[: _KEEP - len(self.first_bytes)]
        return data

    def recv_into(self, buffer: bytearray | memoryview, size: int = 0) -> int:
        self._sock.settimeout(self._left())
        return self._sock.recv_into(buffer, size)

    def makefile(self, mode: str = "rb", *_args: object, **_kwargs: object) -> io.BufferedReader:
        """A binary reader whose reads come back through ``recv_into`` (``smtplib`` reads replies this way)."""
        if mode != "rb":
            raise ValueError(f"only binary reading is guarded, not mode {mode!r}")
        return io.BufferedReader(socket.SocketIO(self, "rb"))  # type: ignore[arg-type]  # duck-typed socket

    def send(self, data: bytes) -> int:
        self._sock.settimeout(self._left())
        return self._sock.send(data)

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._left())
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> object:  # close, shutdown, fileno...: the socket's own
        return getattr(self._sock, name)
