# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A running lab: hosts loaded from their state, their TLS listeners wired to the boot cycle, the control API."""

from __future__ import annotations

import time
from pathlib import Path

from .fleet import LabConfig, load
from .history import seed
from .host import Host
from .server import Lab, LabServer
from .tlsservice import TlsService


class RunningLab:
    def __init__(self, state: Path, port: int | None = None) -> None:
        self.state = state
        self.config = LabConfig.load(state)
        self.hosts = load(state, self.config)
        self.lab = Lab(self.hosts, self.config.user, self.config.password, self.config.timing)
        self.tls: dict[str, TlsService] = {}
        for host in self.hosts.values():
            if host.listeners:
                service = TlsService(host, state / "pki", self.config.ports[host.name])
                self.tls[host.name] = service
                host.on_boot.append(service.on_boot)
                host.on_shutdown.append(service.on_shutdown)
        self.lab.controls.update(status=self.status, faults=self.faults, reboot=self.reboot, history=self.history)
        self.server = LabServer(self.config.port if port is None else port, self.lab)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> None:
        for service in self.tls.values():
            service.start()
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
        for service in self.tls.values():
            service.stop()
        for host in self.hosts.values():
            host.save()

    # ---------------------------------------------------------------- control API
    def _targets(self, request: dict) -> list[Host]:
        names = request.get("hosts") or list(self.hosts)
        unknown = [n for n in names if n not in self.hosts]
        if unknown:
            raise KeyError(f"unknown host(s): {', '.join(unknown)}")
        return [self.hosts[n] for n in names]

    def status(self, request: dict) -> dict:
        now = time.time()
        hosts = {}
        for host in self._targets(request):
            hosts[host.name] = {
                "os": host.profile.key, "build": host.profile.build, "up": host.reachable(now),
                "boot_filetime": host.boot_filetime, "faults": host.faults, "shells": len(host.shells),
                "tls": self.tls[host.name].status() if host.name in self.tls else None,
            }
        return {"port": self.port, "requests": self.lab.requests, "cpu_seconds": time.process_time(), "hosts": hosts}

    def faults(self, request: dict) -> dict:
        for host in self._targets(request):
            host.set_faults(request.get("set") or {})
        return self.status(request)

    def reboot(self, request: dict) -> dict:
        for host in self._targets(request):
            host.schedule_reboot(self.config.timing, time.time())
        return {"rebooting": [h.name for h in self._targets(request)]}

    def history(self, request: dict) -> dict:
        """SYNTHETIC: as if ``days`` days had passed since the hosts' last boot, with clean TLS 1.2 traffic logged."""
        days = request.get("days")
        if not isinstance(days, int) or isinstance(days, bool):
            raise ValueError("history: days should be a whole number")
        for host in self._targets(request):
            seed(host, days, ())
        return {"seeded": [h.name for h in self._targets(request)], "days": days}
