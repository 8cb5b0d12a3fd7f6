"""Real ansible-playbook and pywinrm against the lab: ansible-core 2.19 here, and the newest core on Python 3.12
when TLSLAB_LATEST_PYTHON names that interpreter (the Makefile sets it)."""

from __future__ import annotations

import os

import pytest
from tlslab import fleet

LATEST = os.environ.get("TLSLAB_LATEST_PYTHON")


@pytest.mark.parametrize("python", [None, pytest.param(LATEST, marks=pytest.mark.skipif(
    not LATEST, reason="TLSLAB_LATEST_PYTHON not set (make test sets it)"))], ids=["core-2.19", "core-latest"])
def test_smoke_playbook(lab_factory, playbooks, tmp_path, python):
    lab = lab_factory([fleet.HostSpec("web01", "2019", ())])
    result = lab.playbook(playbooks / "smoke.yml", "-e", f"smoke_dir={tmp_path}", python=python)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "web01                      : ok=19" in result.stdout
