# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: labs started in this test process on free 127.0.0.1 ports, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tlslab import fleet
from tlslab.host import Timing
from tlslab.testing import LabHandle, start_lab

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"


@pytest.fixture
def lab_factory(tmp_path: Path) -> Iterator[Callable[..., LabHandle]]:
    started: list[LabHandle] = []

    def make(specs: list[fleet.HostSpec], timing: Timing | None = None, name: str = "lab") -> LabHandle:
        handle = start_lab(tmp_path / name, specs, timing)
        started.append(handle)
        return handle

    yield make
    for handle in started:
        handle.stop()


@pytest.fixture
def small_lab(lab_factory) -> LabHandle:
    return lab_factory([fleet.HostSpec("web01", "2019", ("https", "winrm_https", "smtp")),
                        fleet.HostSpec("web02", "2022", ("https",)),
                        fleet.HostSpec("old01", "2008r2", ())])


@pytest.fixture
def playbooks() -> Path:
    return PLAYBOOKS
