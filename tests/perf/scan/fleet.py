# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's endpoints: one nginx with N TLS servers on 127.0.0.1, and optionally a delay proxy before them.

Even offsets serve TLS 1.2+1.3 (the enforce target), odd offsets TLS 1.0-1.2 (a legacy host); the truth of every
endpoint is known before any tool looks at it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ansible_collections.tlsguard.windows.tests.harness.tls_servers import HOST, make_pki

PROTOCOLS = ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1", "tls1_2", "tls1_3")
MODERN = frozenset({"tls1_2", "tls1_3"})
LEGACY = frozenset({"tls1_0", "tls1_1", "tls1_2"})
_SERVER = {
    MODERN: "ssl_protocols TLSv1.2 TLSv1.3;",
    LEGACY: "ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers 'DEFAULT:@SECLEVEL=0';",
}


def truth(offset: int) -> frozenset[str]:
    return MODERN if offset % 2 == 0 else LEGACY


def _free(ports: range) -> None:
    for port in ports:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                sys.exit(f"port {port} is in use; pick other base ports (--base)")


def _wait(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a server for port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    sys.exit(f"nothing listens on port {port}")


@dataclass
class Fleet:
    """``ports(rtt_ms)`` are the ports the tools scan: nginx's own, or the proxy's in front of them."""

    base: int
    count: int
    ca: Path
    processes: list[subprocess.Popen]
    proxied: dict[float, int]

    def ports(self, rtt_ms: float) -> list[int]:
        start = self.base if rtt_ms == 0 else self.proxied[rtt_ms]
        return list(range(start, start + self.count))

    def stop(self) -> None:
        """Stop every process this fleet started, by its id."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def start(workdir: Path, base: int, count: int, rtts: list[float]) -> Fleet:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    pki = make_pki(workdir / "pki")
    wanted = [base, *[base + 100 * (n + 1) for n in range(len([r for r in rtts if r]))]]
    for start_port in wanted:
        _free(range(start_port, start_port + count))
    servers = "\n".join(
        f"  server {{ listen {HOST}:{base + offset} ssl; ssl_certificate {pki.chain}; "
        f"ssl_certificate_key {pki.key}; {_SERVER[truth(offset)]} return 200 \"ok\\n\"; }}"
        for offset in range(count))
    conf = workdir / "nginx.conf"
    conf.write_text(f"daemon off;\nworker_processes 2;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log;\n"
                    f"events {{ worker_connections 4096; }}\nhttp {{\n  access_log off;\n{servers}\n}}\n")
    fleet = Fleet(base, count, pki.ca, [], {})
    fleet.processes.append(subprocess.Popen([nginx, "-c", str(conf), "-p", str(workdir)], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    _wait(base + count - 1, fleet.processes[0])
    proxy = Path(__file__).with_name("delay_proxy.py")
    for listen, rtt in zip(wanted[1:], [r for r in rtts if r], strict=True):
        process = subprocess.Popen([sys.executable, str(proxy), "--listen", str(listen), "--backend", str(base),
                                    "--count", str(count), "--rtt-ms", str(rtt)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        fleet.processes.append(process)
        if process.stdout is None or process.stdout.readline().strip() != "ready":
            fleet.stop()
            sys.exit("the delay proxy did not start")
        fleet.proxied[rtt] = listen
    return fleet
