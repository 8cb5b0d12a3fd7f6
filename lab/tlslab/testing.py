# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""For test suites: a lab running inside the test process on free 127.0.0.1 ports, and ansible-playbook against it.

Ansible finds the collection under test through ANSIBLE_COLLECTIONS_PATH, which the caller's environment provides
(the repository's Makefile exports it); nothing here knows where the collection lives.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path

from . import fleet
from .host import Host, Timing
from .runtime import RunningLab

QUIET_ANSIBLE = {
    "ANSIBLE_NOCOLOR": "1",
    "ANSIBLE_FORCE_COLOR": "0",
    "ANSIBLE_RETRY_FILES_ENABLED": "0",
    "ANSIBLE_LOCALHOST_WARNING": "0",
    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
    "NO_PROXY": "127.0.0.1,localhost",  # the lab listens on loopback; environment proxies must not see it
}


def ansible_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment with plain, repeatable Ansible output."""
    return {**os.environ, **QUIET_ANSIBLE, **(extra or {})}


class LabHandle:
    """A started lab plus helpers to reach it."""

    def __init__(self, state: Path, running: RunningLab) -> None:
        self.state = state
        self.running = running
        self.inventory = state / "inventory.yml"

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wsman"

    def host(self, name: str) -> Host:
        return self.running.hosts[name]

    def playbook(self, playbook: Path, *args: str, python: str | None = None,
                 env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run ``ansible-playbook`` of the interpreter ``python`` (default: this one) against the lab's inventory."""
        binary = Path(python or sys.executable).parent / "ansible-playbook"
        cmd = [str(binary), "-i", str(self.inventory), str(playbook), *args]
        return subprocess.run(cmd, env=ansible_env(env), capture_output=True, text=True, timeout=timeout,
                              check=False)

    def stop(self) -> None:
        self.running.stop()


def start_lab(state: Path, specs: list[fleet.HostSpec], timing: Timing | None = None,
              tls_port_base: int = 0) -> LabHandle:
    """Create a fleet in ``state`` and serve it from this process until ``stop()``. The hosts' TLS listeners get
    free ephemeral ports, or consecutive ports from ``tls_port_base`` (see ``free_port_block``)."""
    config = fleet.LabConfig(port=fleet.free_port(), tls_port_base=tls_port_base, timing=timing or Timing(0.3, 1.0))
    fleet.create(state, specs, config)
    running = RunningLab(state)
    running.start()
    return LabHandle(state, running)


def free_port_block(count: int, low: int = 20000, high: int = 32768, tries: int = 50) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1 below the kernel's ephemeral range (32768 up on
    Linux). A large fleet given ephemeral ports one by one races every outgoing connection of the machine for them
    between the pick and the bind; a block outside that range does not."""
    rng = random.Random()
    for _attempt in range(tries):
        base = rng.randrange(low, high - count)
        if all(_bindable(port) for port in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports between {low} and {high}")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
