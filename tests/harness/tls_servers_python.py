# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test servers that ``openssl s_server`` cannot play, each run as its own process on 127.0.0.1.

Usage: ``python tls_servers_python.py KIND --cert CHAIN --key KEY [--log FILE] [--delay SECONDS]``; the
server binds a free port, prints it on the first line of stdout and serves until it is terminated.

- ``smtp``: SMTP with STARTTLS (TLS 1.2 and 1.3 after the upgrade).
- ``plain``: not TLS: answers anything with an HTTP 400 and closes.
- ``silent``: accepts connections and never sends a byte.
- ``garbage``: answers anything with 2,048 random bytes and closes.
- ``trickle``: answers anything with a TLS record header (``16 03 03 40 00``), then one byte every 2 s for as
  long as the client stays (at most 10 minutes): each read sees data, so only a deadline ends it.
- ``sni``: TLS 1.2/1.3 that, like strict servers, refuses a hello whose SNI is an IP address. It logs, per
  connection (JSON lines in ``--log``), whether a TLS 1.2+ hello got as far as the SNI check (``hello``), the
  SNI it carried (``sni``, null for none) and when the connection was accepted and its handshake ended
  (``opened``, ``closed``: this process's monotonic clock); it waits ``--delay`` seconds before the handshake
  so that overlapping connections really overlap.
- ``smtp_trickle``: an SMTP greeting sent one byte every 0.5 s (``220-`` and then a line that never ends): the
  plaintext phase of STARTTLS, before any TLS, sees data on every read.
- ``slow``: TLS 1.2/1.3 that waits ``--delay`` seconds after each client hello arrives: every handshake ends in
  time, but a scan that makes hundreds of them would take hours without a deadline for the whole endpoint.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
import time

HOST = "127.0.0.1"


def _server_context(args: argparse.Namespace) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    return context


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for a STARTTLS upgrade; every reply goes out in one write."""

    def handle(self) -> None:
        self.wfile.write(b"220 localhost ESMTP tlsguard test\r\n")
        for raw in self.rfile:
            command = raw.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250-localhost\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            elif command == b"STARTTLS":
                self.wfile.write(b"220 Ready to start TLS\r\n")
                self.wfile.flush()
                self.server.context.wrap_socket(self.connection, server_side=True).close()  # type: ignore[attr-defined]
                return
            elif command == b"QUIT":
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"502 Command not implemented\r\n")


class _Plain(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(4096)
        self.request.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


class _Silent(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while self.request.recv(4096):  # hold the connection until the client gives up
            pass


class _Garbage(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if self.request.recv(4096):
            self.request.sendall(os.urandom(2048))


class _Trickle(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if not self.request.recv(4096):
            return
        try:
            self.request.sendall(b"\x16\x03\x03\x40\x00")
            for _tick in range(300):
                time.sleep(2)
                self.request.sendall(b"\x00")
        except OSError:
            pass  # the client gave up, as it should


class _SmtpTrickle(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        try:
            for byte in b"220-" + b"x" * 1200:  # 10 minutes at most
                self.request.sendall(bytes([byte]))
                time.sleep(0.5)
        except OSError:
            pass  # the client gave up, as it should


class _Slow(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if not self.request.recv(1, socket.MSG_PEEK):
            return  # the starter's readiness check
        time.sleep(self.server.args.delay)  # type: ignore[attr-defined]
        try:
            with self.server.context.wrap_socket(self.request, server_side=True):  # type: ignore[attr-defined]
                pass
        except (OSError, ssl.SSLError):
            pass  # a refused or aborted handshake is an expected outcome here


class _Sni(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server = self.server
        opened = time.monotonic()
        if not self.request.recv(1, socket.MSG_PEEK):
            return  # connected and left without a byte: the starter's readiness check, not a client
        seen: list[str | None] = []
        context = _server_context(server.args)  # type: ignore[attr-defined]

        def check_name(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> int | None:
            seen.append(name)
            try:
                ipaddress.ip_address(name or "")
            except ValueError:
                return None
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME

        context.sni_callback = check_name
        try:
            time.sleep(server.args.delay)  # type: ignore[attr-defined]
            with context.wrap_socket(self.request, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass  # a refused or aborted handshake is an expected outcome here
        finally:
            entry = {"hello": bool(seen), "sni": seen[0] if seen else None, "opened": opened,
                     "closed": time.monotonic()}
            with server.lock, open(server.args.log, "a", encoding="utf-8") as log:  # type: ignore[attr-defined]
                log.write(json.dumps(entry) + "\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


HANDLERS = {"smtp": _Smtp, "plain": _Plain, "silent": _Silent, "sni": _Sni, "garbage": _Garbage,
            "trickle": _Trickle, "smtp_trickle": _SmtpTrickle, "slow": _Slow}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=sorted(HANDLERS))
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--log")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    server = _Server((HOST, 0), HANDLERS[args.kind])
    server.args = args  # type: ignore[attr-defined]
    server.context = _server_context(args)  # type: ignore[attr-defined]
    server.lock = threading.Lock()  # type: ignore[attr-defined]
    sys.stdout.write(f"{server.server_address[1]}\n")
    sys.stdout.flush()
    socket.setdefaulttimeout(30)  # no handler thread outlives a vanished client for long
    server.serve_forever()


if __name__ == "__main__":
    main()
