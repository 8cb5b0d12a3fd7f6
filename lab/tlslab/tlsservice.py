# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real TLS listeners per host on 127.0.0.1: an HTTPS-like site (logs IIS W3C lines with crypt-* fields), a
WinRM-HTTPS-like port (handshake plus a fixed reply; the lab's WinRM itself runs over HTTP) and an SMTP server with
STARTTLS. Protocol versions and suites follow the host's SCHANNEL registry as it stood at the last boot, and every
handshake leaves the SCHANNEL events the host's EventLogging level asks for.

Limits: OpenSSL 3 cannot serve SSL 3.0 (reported as ``unserved``); a policy suite order without TLS 1.3 suites makes
Windows fail TLS 1.3 handshakes, while the lab then negotiates TLS 1.2 (Python cannot empty the TLS 1.3 list).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import iis as iis_site
from . import records
from .host import Host
from .pki import ensure_dh_params, ensure_host_cert
from .schannel import ServerConfig, server_config

KINDS = ("https", "winrm_https", "smtp")
_VERSIONS = {"tls1_0": ssl.TLSVersion.TLSv1, "tls1_1": ssl.TLSVersion.TLSv1_1, "tls1_2": ssl.TLSVersion.TLSv1_2,
             "tls1_3": ssl.TLSVersion.TLSv1_3}
_NO_FLAGS = {"tls1_0": ssl.OP_NO_TLSv1, "tls1_1": ssl.OP_NO_TLSv1_1, "tls1_2": ssl.OP_NO_TLSv1_2,
             "tls1_3": ssl.OP_NO_TLSv1_3}
CONNECTION_TIMEOUT = 10.0


def make_context(config: ServerConfig, chain: Path, key: Path, dh_params: Path) -> tuple[ssl.SSLContext | None, tuple]:
    """An OpenSSL server context offering exactly what the emulated Schannel offers (None: nothing)."""
    protocols = [p for p in config.protocols if p in _VERSIONS]
    if config.ciphers is None:
        protocols = [p for p in protocols if p == "tls1_3"]
    if not config.tls13_suites_listed:
        protocols = [p for p in protocols if p != "tls1_3"]
    if not protocols:
        return None, ()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)
    context.load_dh_params(str(dh_params))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the OP_NO_* flags are the way to leave gaps
        context.minimum_version = _VERSIONS[protocols[0]]
        context.maximum_version = _VERSIONS[protocols[-1]]
        for name, flag in _NO_FLAGS.items():
            if name not in protocols:
                context.options |= flag
    context.set_ciphers(config.ciphers or "DEFAULT:@SECLEVEL=0")
    return context, tuple(protocols)


@dataclass
class Listener:
    kind: str
    port: int
    sock: socket.socket | None = None
    thread: threading.Thread | None = None


# Server protocols an application that "needs legacy TLS" starts with (fault needs_legacy_tls).
LEGACY_SERVER = frozenset({"tls1_0", "tls1_1"})


@dataclass
class TlsService:
    """The listeners of one host; ``start`` reads the registry (call it at boot), ``stop`` at shutdown."""

    host: Host
    pki: Path
    ports: dict[str, int]
    config: ServerConfig | None = None
    offered: tuple[str, ...] = ()
    listeners: list[Listener] = field(default_factory=list)
    _context: ssl.SSLContext | None = None
    _suite_ids: dict[str, int] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.stop()
        chain, key = ensure_host_cert(self.pki, self.host.name, self.host.dns_name)
        # Schannel reads its settings when the host boots; a restart of the lab process is not a boot.
        with self.host.lock:
            saved = self.host.read_at_boot.get("schannel")
            if saved is None:
                self.config = server_config(self.host.registry, self.host.profile)
                self.host.read_at_boot["schannel"] = self.config.to_json()
                self.host.save()
            else:
                self.config = ServerConfig.from_json(saved)
        self._context, self.offered = make_context(self.config, chain, key, ensure_dh_params(self.pki))
        if self._context is not None:
            self._suite_ids = {c["name"]: c["id"] & 0xFFFF for c in self._context.get_ciphers()}
        self._stopping = threading.Event()
        for kind in self.host.listeners:
            if kind in self._needs_legacy_tls() and not LEGACY_SERVER.intersection(self.config.protocols):
                continue  # fault needs_legacy_tls: this service fails to start without TLS 1.0/1.1 (port closed)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", self.ports[kind]))
            sock.listen(64)
            listener = Listener(kind, self.ports[kind], sock)
            listener.thread = threading.Thread(target=self._accept, args=(listener,), daemon=True,
                                               name=f"tls-{self.host.name}-{kind}")
            listener.thread.start()
            self.listeners.append(listener)

    def _needs_legacy_tls(self) -> set[str]:
        return {k.strip() for k in str(self.host.faults.get("needs_legacy_tls") or "").split(",") if k.strip()}

    def on_boot(self, _host: Host) -> None:
        self.start()

    def on_shutdown(self, _host: Host) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        for listener in self.listeners:
            if listener.sock is not None:
                with contextlib.suppress(OSError):
                    listener.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                listener.sock.close()
            if listener.thread is not None:
                listener.thread.join(timeout=5)
        self.listeners = []

    def status(self) -> dict:
        return {"offered": list(self.offered), "unserved": list(self.config.unserved) if self.config else [],
                "ports": dict(self.ports), "up": bool(self.listeners)}

    # ---------------------------------------------------------------- connections
    def _accept(self, listener: Listener) -> None:
        while not self._stopping.is_set():
            try:
                conn, _address = listener.sock.accept()  # type: ignore[union-attr]
            except OSError:
                return
            conn.settimeout(CONNECTION_TIMEOUT)
            threading.Thread(target=self._serve, args=(listener, conn), daemon=True).start()

    def _serve(self, listener: Listener, conn: socket.socket) -> None:
        try:
            if listener.kind == "smtp":
                conn = self._smtp_until_starttls(conn)  # type: ignore[assignment]
                if conn is None:
                    return
            tls = self._handshake(conn)
            if tls is None:
                return
            with tls:
                if listener.kind == "https":
                    self._http(tls, listener.port, iis=True)
                elif listener.kind == "winrm_https":
                    self._http(tls, listener.port, iis=False)
                else:
                    self._smtp_after_tls(tls)
        except OSError:
            pass
        finally:
            conn.close()

    def _handshake(self, conn: socket.socket) -> ssl.SSLSocket | None:
        if self._context is None:
            self._log_failure("handshake_failure", None)
            return None
        try:
            tls = self._context.wrap_socket(conn, server_side=True)
        except ssl.SSLError as err:
            self._log_failure(err.reason or "", None)
            return None
        version = records.OPENSSL_VERSIONS.get(tls.version() or "", "tls1_2")
        name = (tls.cipher() or ("", "", 0))[0]
        handshake = records.Handshake(version, self._suite_ids.get(name, 0), name, f"CN={self.host.dns_name}")
        tls.lab_handshake = handshake  # type: ignore[attr-defined]
        if self.config and self.config.event_logging & records.INFO_BIT:
            self._event(lambda rid, when: records.event_36880(handshake, rid, self.host.dns_name, when))
        return tls

    def _log_failure(self, reason: str, protocol: str | None) -> None:
        if not (self.config and self.config.event_logging & records.ERROR_BIT):
            return
        reason = reason.upper()
        if "NO_SHARED_CIPHER" in reason:
            self._event(lambda rid, when: records.event_no_cipher(protocol or "TLS 1.2", rid, self.host.dns_name,
                                                                  when))
            self._event(lambda rid, when: records.event_alert(40, rid, self.host.dns_name, when))
        elif "PROTOCOL" in reason or "VERSION" in reason:
            self._event(lambda rid, when: records.event_alert(70, rid, self.host.dns_name, when))

    def _event(self, build) -> None:
        when = records.now()
        self.host.log_event(lambda record_id: build(record_id, when))

    def _http(self, tls: ssl.SSLSocket, port: int, iis: bool) -> None:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 65536:
            chunk = tls.recv(4096)
            if not chunk:
                return
            request += chunk
        lines = request.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        method, path = [*lines[0].split(" "), "", ""][:2]
        headers = {k.strip().lower(): v.strip() for k, _sep, v in (line.partition(":") for line in lines[1:])}
        body = b"tlslab: WinRM over HTTPS is not emulated here\n" if not iis else b"<html>tlslab</html>\n"
        status = 405 if not iis else 200
        tls.sendall(f"HTTP/1.1 {status} {'OK' if status == 200 else 'Method Not Allowed'}\r\nContent-Length: "
                    f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        if iis:
            logged = records.Request(port, method or "GET", path or "/", headers.get("x-lab-client-ip", "127.0.0.1"),
                                     headers.get("user-agent", ""), headers.get("host", ""), status, headers)
            iis_site.log_request(self.host, records.now(), logged, tls.lab_handshake)  # type: ignore[attr-defined]

    def _smtp_until_starttls(self, conn: socket.socket) -> socket.socket | None:
        reader = conn.makefile("rb")
        conn.sendall(f"220 {self.host.dns_name} Microsoft ESMTP MAIL Service ready\r\n".encode())
        while True:
            line = reader.readline(1024).strip().upper()
            if not line or line.startswith(b"QUIT"):
                conn.sendall(b"221 2.0.0 Closing\r\n")
                return None
            if line.startswith((b"EHLO", b"HELO")):
                conn.sendall(f"250-{self.host.dns_name} Hello\r\n250-SIZE 37748736\r\n250-STARTTLS\r\n"
                             "250 8BITMIME\r\n".encode())
            elif line.startswith(b"STARTTLS"):
                conn.sendall(b"220 2.0.0 SMTP server ready\r\n")
                return conn
            else:
                conn.sendall(b"500 5.3.3 Unrecognized command\r\n")

    def _smtp_after_tls(self, tls: ssl.SSLSocket) -> None:
        reader = tls.makefile("rb")
        while True:
            line = reader.readline(1024).strip().upper()
            if not line or line.startswith(b"QUIT"):
                tls.sendall(b"221 2.0.0 Closing\r\n")
                return
            if line.startswith((b"EHLO", b"HELO")):
                tls.sendall(f"250-{self.host.dns_name} Hello\r\n250 8BITMIME\r\n".encode())
            else:
                tls.sendall(b"250 2.0.0 OK\r\n")
