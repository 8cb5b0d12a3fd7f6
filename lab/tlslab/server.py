# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's one HTTP listener on 127.0.0.1: WS-Man for every host (routed by ``/wsman/<host>``) plus a small
control API (``/lab/...``) the CLI uses while the lab runs."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import dispatch, wsman
from .host import Host, Timing
from .shells import Command

MAX_REQUEST_BYTES = 4 * 1024 * 1024  # Ansible's biggest envelope is a 446 KB put_file chunk
MAX_LONG_POLL = 5.0                  # reply w:TimedOut well before any client read timeout
IDLE_SHELL_SECONDS = 120.0


class Lab:
    """Everything the request handler needs: hosts, credentials, timings and the control actions."""

    def __init__(self, hosts: dict[str, Host], user: str, password: str, timing: Timing) -> None:
        self.hosts = hosts
        self.timing = timing
        self.authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.controls: dict[str, Callable[[dict], dict]] = {}
        self.requests = 0
        self.counts_lock = threading.Lock()

    def count(self) -> None:
        with self.counts_lock:
            self.requests += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid the 40 ms delayed-ACK stall
    server: LabServer

    def log_message(self, format: str, *args: object) -> None:
        return

    # ---------------------------------------------------------------- plumbing
    def _reply(self, code: int, body: bytes = b"", content_type: str = "application/soap+xml;charset=UTF-8",
               headers: tuple[tuple[str, str], ...] = ()) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up first (a reply the lab made late on purpose)

    def _drop(self) -> None:
        """Close the TCP connection without a reply, as a host that went away does."""
        self.close_connection = True

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._reply(413, b"request too large for the lab", "text/plain")
            self.close_connection = True
            return None
        return self.rfile.read(length)

    def do_POST(self) -> None:
        lab = self.server.lab
        body = self._body()
        if body is None:
            return
        if self.headers.get("Authorization") != lab.authorization:
            self._reply(401, b"", "text/plain", (("WWW-Authenticate", 'Basic realm="WSMAN"'),))
            return
        lab.count()
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "lab":
            self._control(parts[1], body)
        elif len(parts) == 2 and parts[0] == "wsman":
            self._wsman(parts[1], body)
        else:
            self._reply(404, b"route WS-Man requests to /wsman/<host>", "text/plain")

    # ---------------------------------------------------------------- control API
    def _control(self, action: str, body: bytes) -> None:
        handler = self.server.lab.controls.get(action)
        if handler is None:
            self._reply(404, json.dumps({"error": f"unknown control action {action!r}"}).encode(), "application/json")
            return
        try:
            answer = handler(json.loads(body or b"{}"))
        except (ValueError, KeyError) as err:
            self._reply(400, json.dumps({"error": str(err)}).encode(), "application/json")
            return
        self._reply(200, json.dumps(answer).encode(), "application/json")

    # ---------------------------------------------------------------- WS-Man
    def _wsman(self, name: str, body: bytes) -> None:
        host = self.server.lab.hosts.get(name)
        if host is None:
            self._reply(404, f"no lab host named {name!r}".encode(), "text/plain")
            return
        if not host.reachable(time.time()) or host.faults.get("refuse"):
            self._drop()
            return
        latency = float(host.faults.get("latency_ms") or 0) / 1000
        if latency:
            time.sleep(latency)
        try:
            request = wsman.parse(body)
        except wsman.BadRequest as err:
            self._reply(500, wsman.fault("", wsman.BAD_REQUEST, str(err)))
            return
        getattr(self, f"_op_{request.operation}")(host, request)

    def _op_create(self, host: Host, request: wsman.Request) -> None:
        shell = host.shells.create()
        address = f"http://{self.headers.get('Host', '127.0.0.1')}/wsman/{host.name}"
        self._reply(200, wsman.created(request.message_id, shell.shell_id, address))

    def _op_delete(self, host: Host, request: wsman.Request) -> None:
        if not host.shells.delete(request.shell_id):
            self._reply(500, wsman.fault(request.message_id, wsman.UNKNOWN_SHELL, request.shell_id or ""))
            return
        self._reply(200, wsman.empty(wsman.TRANSFER + "DeleteResponse", request.message_id))

    def _shell(self, host: Host, request: wsman.Request):
        shell = host.shells.get(request.shell_id)
        if shell is None:
            self._reply(500, wsman.fault(request.message_id, wsman.UNKNOWN_SHELL, request.shell_id or ""))
        return shell

    def _op_command(self, host: Host, request: wsman.Request) -> None:
        shell = self._shell(host, request)
        if shell is None:
            return
        line = request.find("rsp:CommandLine")
        parts = [] if line is None else [line.findtext("rsp:Command", "", wsman.NS).strip(),
                                         line.findtext("rsp:Arguments", "", wsman.NS).strip()]
        command = " ".join(p for p in parts if p)
        expects_stdin = request.options.get("WINRS_CONSOLEMODE_STDIN", "TRUE").upper() == "FALSE"
        self._reply(200, wsman.command_started(request.message_id, shell.start(command, expects_stdin)))

    def _command(self, host: Host, request: wsman.Request, element: str) -> Command | None:
        shell = self._shell(host, request)
        if shell is None:
            return None
        node = request.find(element)
        command = shell.commands.get(node.get("CommandId", "") if node is not None else "")
        if command is None:
            self._reply(500, wsman.fault(request.message_id, wsman.UNKNOWN_COMMAND,
                                         node.get("CommandId", "") if node is not None else ""))
        return command

    def _op_send(self, host: Host, request: wsman.Request) -> None:
        command = self._command(host, request, "rsp:Send/rsp:Stream")
        if command is None:
            return
        stream = request.find("rsp:Send/rsp:Stream")
        if stream is None:
            self._reply(500, wsman.fault(request.message_id, wsman.BAD_REQUEST, "Send without a stream"))
            return
        try:
            data = base64.b64decode(stream.text or "")
        except binascii.Error:
            self._reply(500, wsman.fault(request.message_id, wsman.BAD_REQUEST, "stdin is not base64"))
            return
        command.add_input(data, (stream.get("End") or "false").lower() == "true")
        self._reply(200, wsman.empty(wsman.SHELL + "/SendResponse", request.message_id, "rsp:SendResponse"))

    def _op_receive(self, host: Host, request: wsman.Request) -> None:
        command = self._command(host, request, "rsp:Receive/rsp:DesiredStream")
        if command is None:
            return
        if not command.wait_for_input(min(request.operation_timeout, MAX_LONG_POLL)):
            self._reply(500, wsman.fault(request.message_id, wsman.TIMED_OUT))
            return
        first = command.result is None
        out, err, code = command.next_chunk(lambda c: dispatch.run(host, c, self.server.lab.timing))
        if first:
            reply_fault = host.take_reply_fault()  # armed by a twin for the write it just made
            if host.take_fault("drop_mid_command") or (reply_fault and reply_fault[0] == "drop"):
                self._drop()  # the command ran; its reply is lost on the way back
                return
            if reply_fault:
                time.sleep(reply_fault[1])  # the command ran; its reply arrives late
        node = request.find("rsp:Receive/rsp:DesiredStream")
        command_id = node.get("CommandId", "") if node is not None else ""
        self._reply(200, wsman.received(request.message_id, command_id, base64.b64encode(out).decode(),
                                        base64.b64encode(err).decode(), code))

    def _op_signal(self, host: Host, request: wsman.Request) -> None:
        shell = self._shell(host, request)
        if shell is None:
            return
        node = request.find("rsp:Signal")
        shell.commands.pop(node.get("CommandId", "") if node is not None else "", None)  # lenient, as Ansible needs
        self._reply(200, wsman.empty(wsman.SHELL + "/SignalResponse", request.message_id, "rsp:SignalResponse"))


class LabServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, port: int, lab: Lab) -> None:
        self.lab = lab
        super().__init__(("127.0.0.1", port), Handler)
        self._housekeeping = threading.Thread(target=self._tick, name="lab-housekeeping", daemon=True)
        self._stop = threading.Event()

    def start(self) -> None:
        self._housekeeping.start()
        threading.Thread(target=self.serve_forever, name="lab-http", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.shutdown()
        self.server_close()

    def _tick(self) -> None:
        """Boots and shutdowns happen on time even when nobody is calling, and idle shells go away."""
        last_expiry = 0.0
        while not self._stop.wait(0.2):
            now = time.time()
            for host in list(self.lab.hosts.values()):
                if host.down_at is not None or host.down_until is not None:
                    host.advance(now)
            if now - last_expiry > 10:
                last_expiry = now
                for host in list(self.lab.hosts.values()):
                    host.shells.expire(IDLE_SHELL_SECONDS)
