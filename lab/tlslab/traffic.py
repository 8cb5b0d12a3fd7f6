# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Legacy clients on demand: real handshakes at chosen protocol versions against a host's listener, so the host
records them (SCHANNEL events, IIS log lines) the way Windows would. A client can pose as another address with
the ``X-Lab-Client-Ip`` header, which the lab's IIS log writes as ``c-ip`` (everything really comes from 127.0.0.1).
"""

from __future__ import annotations

import socket
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path

VERSIONS = {"tls1_0": ssl.TLSVersion.TLSv1, "tls1_1": ssl.TLSVersion.TLSv1_1, "tls1_2": ssl.TLSVersion.TLSv1_2,
            "tls1_3": ssl.TLSVersion.TLSv1_3}
TIMEOUT = 5.0


@dataclass(frozen=True)
class Attempt:
    protocol: str
    accepted: bool
    detail: str

    def to_json(self) -> dict:
        return {"protocol": self.protocol, "accepted": self.accepted, "detail": self.detail}


def client_context(protocol: str, ca_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(str(ca_file))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = VERSIONS[protocol]
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def handshake(port: int, server_name: str, protocol: str, ca_file: Path, client_ip: str = "",
              user_agent: str = "", path: str = "/", starttls: bool = False) -> Attempt:
    """One connection at exactly ``protocol``; for HTTPS also one request, so IIS logs it."""
    if protocol == "ssl3_0":
        return Attempt(protocol, False, "not attempted: OpenSSL 3 on this machine cannot speak SSL 3.0")
    if protocol not in VERSIONS:
        return Attempt(protocol, False, f"unknown protocol {protocol!r} (use {', '.join(VERSIONS)})")
    context = client_context(protocol, ca_file)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            if starttls:
                _smtp_starttls(raw, server_name)
            with context.wrap_socket(raw, server_hostname=server_name) as tls:
                negotiated = tls.version() or ""
                if not starttls:
                    headers = f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n"
                    if user_agent:
                        headers += f"User-Agent: {user_agent}\r\n"
                    if client_ip:
                        headers += f"X-Lab-Client-Ip: {client_ip}\r\n"
                    tls.sendall((headers + "\r\n").encode())
                    while tls.recv(4096):
                        pass
                else:
                    tls.sendall(b"QUIT\r\n")
                cipher = tls.cipher()
                return Attempt(protocol, True, f"{negotiated} {cipher[0] if cipher else ''}")
    except (ssl.SSLError, OSError) as err:
        return Attempt(protocol, False, str(err))


def _smtp_starttls(raw: socket.socket, name: str) -> None:
    reader = raw.makefile("rb")
    reader.readline()
    raw.sendall(f"EHLO client.{name}\r\n".encode())
    while not reader.readline().startswith(b"250 "):
        pass
    raw.sendall(b"STARTTLS\r\n")
    if not reader.readline().startswith(b"220"):
        raise OSError("STARTTLS refused")
