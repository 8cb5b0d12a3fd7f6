# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: a lab running in this test process on free 127.0.0.1 ports, and a way to run ansible-playbook on it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

LAB_DIR = Path(__file__).resolve().parents[1]
ROOT = LAB_DIR.parents[1]
sys.path.insert(0, str(LAB_DIR))
sys.path.insert(0, str(ROOT / "tests"))

from integration.runner import ansible_env  # noqa: E402
from tlslab import fleet  # noqa: E402
from tlslab.host import Timing  # noqa: E402
from tlslab.runtime import RunningLab  # noqa: E402

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"


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

    def host(self, name: str):
        return self.running.hosts[name]

    def playbook(self, playbook: str, *args: str, python: str | None = None,
                 env: dict | None = None) -> subprocess.CompletedProcess:
        binary = Path(python or sys.executable).parent / "ansible-playbook"
        cmd = [str(binary), "-i", str(self.inventory), str(PLAYBOOKS / playbook), *args]
        return subprocess.run(cmd, env=ansible_env(env), capture_output=True, text=True, timeout=900, check=False)


def start_lab(state: Path, specs: list[fleet.HostSpec], timing: Timing | None = None) -> LabHandle:
    config = fleet.LabConfig(port=fleet.free_port(), tls_port_base=0, timing=timing or Timing(0.3, 1.0))
    fleet.create(state, specs, config)
    running = RunningLab(state)
    running.start()
    return LabHandle(state, running)


@pytest.fixture
def lab_factory(tmp_path: Path) -> Iterator:
    started: list[LabHandle] = []

    def make(specs: list[fleet.HostSpec], timing: Timing | None = None, name: str = "lab") -> LabHandle:
        handle = start_lab(tmp_path / name, specs, timing)
        started.append(handle)
        return handle

    yield make
    for handle in started:
        handle.running.stop()


@pytest.fixture
def small_lab(lab_factory) -> LabHandle:
    return lab_factory([fleet.HostSpec("web01", "2019", ("https", "winrm_https", "smtp")),
                        fleet.HostSpec("web02", "2022", ("https",)),
                        fleet.HostSpec("old01", "2008r2", ())])


os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
